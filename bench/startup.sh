#!/usr/bin/env bash
# Where a one-shot command's time goes before it does any work: a `sync` with nothing to send (10 small files
# already mirrored), run with JVM variants alternated; prints medians of the wall time and of the time from
# launch to the first S3 request (from the activity log), and the classes loaded.
# Usage: bench/startup.sh [runs=5] [variant ...]; variants: default c1 (TieredStopAtLevel=1) appcds (an archive
# made by a first run with -XX:ArchiveClassesAtExit) noshare (-Xshare:off: no CDS at all). Needs mvn package done.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}; shift || true
VARIANTS=${*:-default c1 appcds noshare}
PORT=18085
W=$(mktemp -d /tmp/offsite-startup.XXXXXX)
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
mkdir -p "$W/set"; for i in $(seq 1 10); do head -c 65536 /dev/urandom > "$W/set/c$i.rdb"; done; touch -d '1 hour ago' "$W/set"/*
printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.create-bucket=true offsite.s3.bucket=startup "offsite.sync.source=$W/set" \
  offsite.sync.quiet-period=0m "offsite.data.dir=$W/data" > "$W/conf.properties"
JAR=(-jar "$ROOT/target/offsite.jar" --config "$W/conf.properties" sync)
java "${JAR[@]}" > /dev/null 2>&1                                                 # the first pass uploads the set
java -XX:ArchiveClassesAtExit="$W/offsite.jsa" "${JAR[@]}" > /dev/null 2>&1    # and a second one records the classes

flags() { case $1 in default) ;; c1) echo -XX:TieredStopAtLevel=1 ;; appcds) echo -XX:SharedArchiveFile="$W/offsite.jsa" ;;
  noshare) echo -Xshare:off ;; *) echo "unknown variant $1" >&2; exit 2 ;; esac; }
for v in $VARIANTS; do : > "$W/$v.wall"; : > "$W/$v.first"; done
for run in $(seq 1 "$RUNS"); do
  for v in $VARIANTS; do
    rm -rf "$W/data/activity"
    # shellcheck disable=SC2046
    s=$(date +%s.%N); java $(flags "$v") "${JAR[@]}" > /dev/null 2>&1; e=$(date +%s.%N)
    first=$(head -1 "$W"/data/activity/*.jsonl | python3 -c 'import json,sys,datetime; print(datetime.datetime.fromisoformat(json.load(sys.stdin)["time"][:26]).replace(tzinfo=datetime.timezone.utc).timestamp())')
    echo "$e - $s" | bc >> "$W/$v.wall"; echo "$first - $s" | bc >> "$W/$v.first"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-9s %8s %16s %15s\n' variant wall "to 1st request" "classes (CDS)"
for v in $VARIANTS; do
  # shellcheck disable=SC2046
  java $(flags "$v") -Xlog:class+load:file="$W/$v.classes" "${JAR[@]}" > /dev/null 2>&1
  printf '%-9s %6.2f s %14.2f s %8d (%d)\n' "$v" "$(median < "$W/$v.wall")" "$(median < "$W/$v.first")" \
    "$(wc -l < "$W/$v.classes")" "$(grep -c 'shared objects file' "$W/$v.classes" || true)"
done
