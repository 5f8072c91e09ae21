#!/bin/sh
# The image's HEALTHCHECK: exit 0 when Offsite's /observe/health answers 2xx within 5 s, 1 otherwise (not running,
# stopped, hung, DOWN). The credentials reach curl on its standard input, never on a command line another process
# could read.
set -eu
url=http://127.0.0.1:${OFFSITE_HTTP_PORT:-8080}/observe/health
quoted() {
  printf '%s' "$1" | sed 's/[\\"]/\\&/g'
}
if [ -n "${OFFSITE_HTTP_USER:-}" ]; then
  printf 'user = "%s:%s"\n' "$(quoted "$OFFSITE_HTTP_USER")" "$(quoted "${OFFSITE_HTTP_PASSWORD:-}")" \
    | curl -fsS --max-time 5 -o /dev/null -K - "$url" || exit 1
else
  curl -fsS --max-time 5 -o /dev/null "$url" || exit 1
fi
