#!/usr/bin/env bash
# Where a one-shot command's time goes before it does any work: a `sync` with nothing to send (10 small files
# already mirrored), run through bin/offsite with its variants alternated; prints medians of the wall time and of the
# time from launch to the first S3 request (from the activity log), and the classes loaded.
# Usage: bench/startup.sh [runs=5] [variant ...]; variants: launcher (bin/offsite as users run it: the class-data
# archive its first run recorded), cold (OFFSITE_CDS=false: the JDK's own archive only), c1 (the launcher's archive
# and JAVA_OPTS=-XX:TieredStopAtLevel=1), noshare (JAVA_OPTS=-Xshare:off: no CDS at all). Needs mvn package done.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}; shift || true
VARIANTS=${*:-launcher cold c1 noshare}
PORT=18085
W=$(mktemp -d /tmp/offsite-startup.XXXXXX)
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
mkdir -p "$W/set"; for i in $(seq 1 10); do head -c 65536 /dev/urandom > "$W/set/c$i.rdb"; done; touch -d '1 hour ago' "$W/set"/*
printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.create-bucket=true offsite.s3.bucket=startup "offsite.sync.source=$W/set" \
  offsite.sync.quiet-period=0m "offsite.data.dir=$W/data" > "$W/conf.properties"
export OFFSITE_CDS_DIR="$W/cds"
offsite() { "$ROOT/bin/offsite" --config "$W/conf.properties" sync; }
offsite > /dev/null 2>&1            # the first pass uploads the set and records the class-data archive
"$ROOT/bin/offsite" --version > /dev/null  # a launch verifies the recording and makes it the archive

# variant [JAVA_OPTS ...]: bin/offsite's sync as that variant runs it
variant() {
  local v=$1; shift
  case $v in
    launcher) JAVA_OPTS="$*" offsite ;;
    cold) OFFSITE_CDS=false JAVA_OPTS="$*" offsite ;;
    c1) JAVA_OPTS="-XX:TieredStopAtLevel=1 $*" offsite ;;
    noshare) JAVA_OPTS="-Xshare:off $*" offsite ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
}
for v in $VARIANTS; do : > "$W/$v.wall"; : > "$W/$v.first"; done
for run in $(seq 1 "$RUNS"); do
  for v in $VARIANTS; do
    rm -rf "$W/data/activity"
    s=$(date +%s.%N); variant "$v" > /dev/null 2>&1; e=$(date +%s.%N)
    first=$(head -1 "$W"/data/activity/*.jsonl | python3 -c 'import json,sys,datetime; print(datetime.datetime.fromisoformat(json.load(sys.stdin)["time"][:26]).replace(tzinfo=datetime.timezone.utc).timestamp())')
    echo "$e - $s" | bc >> "$W/$v.wall"; echo "$first - $s" | bc >> "$W/$v.first"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-9s %8s %16s %15s\n' variant wall "to 1st request" "classes (CDS)"
for v in $VARIANTS; do
  variant "$v" -Xlog:class+load:file="$W/$v.classes" > /dev/null 2>&1
  printf '%-9s %6.2f s %14.2f s %8d (%d)\n' "$v" "$(median < "$W/$v.wall")" "$(median < "$W/$v.first")" \
    "$(wc -l < "$W/$v.classes")" "$(grep -c 'shared objects file' "$W/$v.classes" || true)"
done
