#!/bin/sh
# The image's HEALTHCHECK: exit 0 when Offsite's /observe/health answers UP (200) within 5 s, 1 otherwise: not
# running, frozen, or DOWN (503). The bare status is open to probes, so no password is handled here.
# The port is the one `run` listens on, found as Offsite finds it: OFFSITE_HTTP_PORT, else -Doffsite.http.port in
# JAVA_OPTS, else offsite.http.port in the mounted settings file (the entrypoint's), else the default 8080.
port=${OFFSITE_HTTP_PORT:-}
if [ -z "$port" ]; then
  set -f
  for opt in ${JAVA_OPTS:-}; do
    case $opt in -Doffsite.http.port=*) port=${opt#*=} ;; esac
  done
  set +f
fi
settings=${OFFSITE_CONFIG_DIR:-/config}/application.properties
if [ -z "$port" ] && [ -r "$settings" ]; then
  # a properties line: name, then '=', ':' or blanks, then the value; the last one wins, as in java.util.Properties
  port=$(sed -nE 's/^[[:space:]]*offsite\.http\.port([[:space:]]*[=:][[:space:]]*|[[:space:]]+)([0-9]+)[[:space:]]*$/\2/p' \
    "$settings" | tail -n 1)
fi
curl -fsS --max-time 5 -o /dev/null "http://127.0.0.1:${port:-8080}/observe/health" || exit 1
