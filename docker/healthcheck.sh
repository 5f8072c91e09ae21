#!/bin/sh
# The image's HEALTHCHECK: exit 0 when Offsite's /observe/health answers UP (200) within 5 s, 1 otherwise: not
# running, frozen, or DOWN (503). The bare status is open to probes, so no password is handled here.
curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:${OFFSITE_HTTP_PORT:-8080}/observe/health" || exit 1
