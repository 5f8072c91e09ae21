#!/bin/sh
# Container entrypoint (also run directly by the tests): checks the mounted volumes, then runs Offsite with
# the mounted config and routes. Arguments are Offsite's own (default: run).
set -eu
APP_HOME=${OFFSITE_HOME:-/opt/offsite}
CONFIG_DIR=${OFFSITE_CONFIG_DIR:-/config}
ROUTES_DIR=${OFFSITE_ROUTES_DIR:-/routes}

[ -d "$ROUTES_DIR" ] && [ -n "$(ls -A "$ROUTES_DIR" 2>/dev/null)" ] || ROUTES_DIR="$APP_HOME/routes"
if [ ! -f "$CONFIG_DIR/application.properties" ]; then
  echo "offsite: no $CONFIG_DIR/application.properties; using the defaults (mount a config volume to change them)" >&2
  CONFIG_ARGS=""
else
  CONFIG_ARGS="--config $CONFIG_DIR/application.properties"
fi

# the data directory must be writable by this user: reports, hash cache, activity log live there
DATA_DIR=${OFFSITE_DATA_DIR:-/data}
if ! mkdir -p "$DATA_DIR" 2>/dev/null || ! [ -w "$DATA_DIR" ]; then
  echo "offsite: $DATA_DIR is not writable by uid $(id -u): mount a data volume it can write to" >&2
  exit 2
fi

# Offsite reads routes/*.yaml relative to its working directory: run it from the folder holding the chosen one
case "$ROUTES_DIR" in
  */routes) cd "$(dirname "$ROUTES_DIR")" ;;
  *) echo "offsite: the routes folder must be named routes, got $ROUTES_DIR" >&2; exit 2 ;;
esac
# Class-data sharing (docs/benchmarks.md): a JVM that maps an archive of the classes a command loads starts about
# 0.6 s sooner. One-shot commands (sync, image, status, ...) get one archive per command from Offsite's own launcher,
# kept under $DATA_DIR/cds/offsite; `run`, the default, records its archive here on its first start and maps it
# later. The JVM ignores an archive another JDK made; OFFSITE_CDS=false turns all this off. -Xlog:cds*=off keeps the
# JVM's CDS notes out of the commands' output.
COMMAND=run
for arg in "$@"; do case "$arg" in -*) ;; *) COMMAND=$arg; break ;; esac; done
CDS_ARGS=""
if [ "${OFFSITE_CDS:-true}" = true ] && mkdir -p "$DATA_DIR/cds"; then
  if [ "$COMMAND" = run ]; then
    CDS_ARCHIVE="$DATA_DIR/cds/offsite-$(cksum < "$APP_HOME/offsite.jar" | cut -d' ' -f1)-run.jsa"
    if [ -f "$CDS_ARCHIVE" ]; then
      CDS_ARGS="-XX:SharedArchiveFile=$CDS_ARCHIVE -Xlog:cds*=off"
    else
      rm -f "$DATA_DIR"/cds/offsite-*.jsa
      CDS_ARGS="-XX:ArchiveClassesAtExit=$CDS_ARCHIVE -Xlog:cds*=off"
    fi
  else
    export XDG_CACHE_HOME="$DATA_DIR/cds"
  fi
fi
exec java ${JAVA_OPTS:-} $CDS_ARGS -Doffsite.data.dir="$DATA_DIR" -jar "$APP_HOME/offsite.jar" $CONFIG_ARGS "$@"
