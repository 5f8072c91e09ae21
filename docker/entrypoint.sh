#!/bin/sh
# Container entrypoint (also run directly by the tests): checks the mounted volumes, then runs Offsite through its
# launcher, bin/offsite, with the mounted config and routes. Arguments are Offsite's own (default: run).
set -eu
APP_HOME=${OFFSITE_HOME:-/opt/offsite}
CONFIG_DIR=${OFFSITE_CONFIG_DIR:-/config}
ROUTES_DIR=${OFFSITE_ROUTES_DIR:-/routes}
# these name the image's folders, not settings: Offsite does not see them
unset OFFSITE_HOME OFFSITE_CONFIG_DIR OFFSITE_ROUTES_DIR
# what Offsite writes in the data volume is group 0's to write too (the image's user and an arbitrary uid are both in
# group 0), so a later run under another uid (`--user 12345`, OpenShift) goes on with the files of an earlier one
umask 0002

# Secrets from files (Docker and Kubernetes secrets): NAME_FILE=PATH sets NAME to the file's content, trailing line
# breaks dropped, for OFFSITE_* settings and the AWS credentials; the value then shows in no `docker inspect`.
for name in $(env | sed -nE 's/^((OFFSITE_[A-Z0-9_]+|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)_FILE)=.*/\1/p'); do
  target=${name%_FILE}
  eval "path=\${$name} both=\${$target+set}"
  if [ -n "$both" ]; then
    echo "offsite: $target and $name are both set (expected one: the value, or the file holding it)" >&2
    exit 2
  fi
  if ! [ -f "$path" ] || ! [ -r "$path" ]; then
    echo "offsite: $name: '$path' is not a file uid $(id -u) can read (expected the file holding $target)" >&2
    exit 2
  fi
  value=$(cat "$path")
  export "$target=$value"
  unset "$name"
done

DATA_DIR=${OFFSITE_DATA_DIR:-/data}
# Offsite runs from the folder chosen below, not this one: a relative folder would be checked here and used there
case $DATA_DIR in
  /*) ;;
  *) echo "offsite: OFFSITE_DATA_DIR: '$DATA_DIR' is not valid (expected an absolute path, a folder on the data volume: a relative one" \
       "would depend on the folder Offsite is started from)" >&2; exit 2 ;;
esac

[ -d "$ROUTES_DIR" ] && [ -n "$(ls -A "$ROUTES_DIR" 2>/dev/null)" ] || ROUTES_DIR="$APP_HOME/routes"
if [ ! -f "$CONFIG_DIR/application.properties" ]; then
  echo "offsite: no $CONFIG_DIR/application.properties; using the defaults (mount a config volume to change them)" >&2
else
  set -- --config "$CONFIG_DIR/application.properties" "$@"
fi

# the data directory must be writable by this user: reports, hash cache, activity log, class-data archive live there
if ! mkdir -p "$DATA_DIR/tmp" 2>/dev/null || ! [ -w "$DATA_DIR" ]; then
  echo "offsite: $DATA_DIR is not writable by uid $(id -u): mount a data volume it can write to" >&2
  exit 2
fi
# offsite.data.dir, and the launcher's class-data archive beside the state (docs/benchmarks.md, Start-up)
export OFFSITE_DATA_DIR="$DATA_DIR"
export OFFSITE_CDS_DIR="${OFFSITE_CDS_DIR:-$DATA_DIR/cds}"
# Nothing written outside the data volume (the image runs with a read-only root too): temporary files (zstd's native
# library, spooled streams) go under it, and the JVM keeps its performance counters in memory instead of
# /tmp/hsperfdata_offsite (jcmd and jstack still attach). The user's JAVA_OPTS come last and win.
export JAVA_OPTS="-Djava.io.tmpdir=$DATA_DIR/tmp -XX:+PerfDisableSharedMem ${JAVA_OPTS:-}"

# Offsite reads routes/*.yaml relative to its working directory: run it from the folder holding the chosen one
case "$ROUTES_DIR" in
  */routes) cd "$(dirname "$ROUTES_DIR")" ;;
  *) echo "offsite: the routes folder must be named routes, got $ROUTES_DIR" >&2; exit 2 ;;
esac
exec "$APP_HOME/bin/offsite" "$@"
