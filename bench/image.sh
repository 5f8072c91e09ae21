#!/usr/bin/env bash
# Hourly image cycle, Offsite against restic's incremental backup, on the same S3Proxy: a first backup of a
# tree, then the same tree changed by a few percent (bench/change-tree.py), run after run with the tools
# alternated, each tool started as a command (`offsite image`, `restic backup`). Then the same changed hour in
# Offsite's long-running process (see "resident" below). Prints each run, then per cycle the medians of wall time,
# CPU time (user + system), bytes uploaded (what the bucket grew by) and max RSS, and Offsite's ratio to restic.
# Usage: bench/image.sh [runs=5] [TREE_SOURCE=/usr/lib/jvm/java-17-openjdk-amd64] (a JDK: about 260 MiB, 400 entries).
# Needs mvn package done; installs restic and time if missing. Offsite runs through bin/offsite with
# JAVA_OPTS=-Xmx256m, no secrets and no keys, after an untimed run that records its class-data archive (as users'
# second run onwards maps it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
SOURCE=${2:-/usr/lib/jvm/java-17-openjdk-amd64}
PORT=${PORT:-18081}
command -v restic >/dev/null || { apt-get update -qq && apt-get install -y -qq restic >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$ROOT/target/offsite.jar" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
need=$(( $(du -sm "$SOURCE" | cut -f1) * 6 ))
free=$(df -m --output=avail /tmp | tail -1)
[ "$free" -gt "$need" ] || { echo "need about $need MiB free under /tmp, have $free" >&2; exit 1; }
W=$(mktemp -d /tmp/offsite-image-bench.XXXXXX)
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
cp -a "$SOURCE" "$W/pristine"
mkdir -p "$W/no-keys" "$W/warm"
echo warm > "$W/warm/file"
unset AWS_CA_BUNDLE
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret RESTIC_PASSWORD=bench
export OFFSITE_CDS_DIR="$W/cds" # the untimed first run records the archive, as on a machine new to this build
cd "$ROOT" # Offsite reads routes/ from the working directory
offsite() { JAVA_OPTS=-Xmx256m "$ROOT/bin/offsite" "$@"; }

offsite_conf() { printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.create-bucket=true "offsite.s3.bucket=$1" "offsite.sync.source=$2" \
  "offsite.image.roots=$2" "offsite.image.keys-dir=$W/no-keys" "offsite.data.dir=$W/data-$1" > "$W/$1.properties"; echo "$W/$1.properties"; }
bucket_bytes() { du -sb "$W/blobs/$1" 2>/dev/null | cut -f1 || echo 0; }
# measure NAME BUCKET CMD...: appends "seconds cpu_seconds uploaded_bytes max_rss_kb" to $W/NAME.tsv
measure() {
  local name=$1 bucket=$2; shift 2
  local before; before=$(bucket_bytes "$bucket")
  sync # the previous run's writes go out before the clock starts
  /usr/bin/time -f '%e %U %S %M' -o "$W/time.out" "$@" > "$W/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$W/$name.log"; exit 1; }
  read -r secs user sys rss < "$W/time.out"
  local cpu; cpu=$(echo "$user + $sys" | bc -l)
  local sent=$(( $(bucket_bytes "$bucket") - before ))
  echo "$secs $cpu $sent $rss" >> "$W/$name.tsv"
  printf '  %-16s %7.2f s  cpu %6.2f s  %12d B  %7d KB\n' "$name" "$secs" "$cpu" "$sent" "$rss"
}
offsite_cycle() {
  measure "offsite-$1" "img-o$2" env JAVA_OPTS=-Xmx256m "$ROOT/bin/offsite" --config "$W/img-o$2.properties" image
  # the cycle inside the process (report started -> finished): what the resident `run` pays each hour, JVM start aside
  python3 -c 'import json,sys,datetime as d; r=json.load(open(sys.argv[1])); t=lambda s: d.datetime.fromisoformat(s.replace("Z","+00:00"))
print("%.3f" % (t(r["finished"]) - t(r["started"])).total_seconds())' "$W/data-img-o$2/reports/image-latest.json" | tee -a "$W/offsite-$1-route.tsv" \
    | sed 's/^/  offsite-'"$1"' cycle inside the process: /; s/$/ s/'
}
restic_cycle() { RESTIC_CACHE_DIR="$W/restic-cache-$2" measure "restic-$1" "img-r$2" \
  restic -r "s3:http://127.0.0.1:$PORT/img-r$2" backup --host bench "$W/tree"; }

# untimed: records Offsite's class-data archive for `image` and warms S3Proxy up
offsite --config "$(offsite_conf img-warm "$W/warm")" image > "$W/warm.log" 2>&1 || { tail "$W/warm.log"; exit 1; }
offsite --version > /dev/null # a launch verifies the recording and makes it the archive
offsite --config "$W/img-warm.properties" image > "$W/warm.log" 2>&1

for run in $(seq 1 "$RUNS"); do
  echo "run $run"
  rm -rf "$W/tree" "$W/data-img-o$run"; cp -a "$W/pristine" "$W/tree"
  offsite_conf "img-o$run" "$W/tree" >/dev/null
  restic -r "s3:http://127.0.0.1:$PORT/img-r$run" init >/dev/null
  if [ $((run % 2)) = 1 ]; then offsite_cycle first "$run"; restic_cycle first "$run"
  else restic_cycle first "$run"; offsite_cycle first "$run"; fi
  "$ROOT/bench/change-tree.py" "$W/tree" | sed 's/^/  /'
  if [ $((run % 2)) = 1 ]; then offsite_cycle changed "$run"; restic_cycle changed "$run"
  else restic_cycle changed "$run"; offsite_cycle changed "$run"; fi
  { grep -h 'Added to the repository' "$W/restic-changed.log" || true; } | sed 's/^/  restic: /'
  { grep -h 'entries (' "$W/offsite-changed.log" || true; } | head -1 | sed 's/^ */  offsite: /'
  rm -rf "$W/blobs/img-o$run" "$W/blobs/img-r$run" "$W/restic-cache-$run"
done

# resident: the hourly cycle as the long-running process runs it (`run`, image cron every 20 s): the JVM started
# once and warm, as it is in use. One complete image of a fresh copy, then each round changes the tree again
# (hour after hour against the same complete image) and takes one diff; restic backs up the same state each
# round, before or after Offsite's cycle in turn. Offsite's figure is the report's started -> finished.
reports() { ls "$W/data-img-res/reports" 2>/dev/null | grep -c '^image-2.*json$' || true; }
wait_report() { # wait_report N: until N reports exist
  for _ in $(seq 1 300); do [ "$(reports)" -ge "$1" ] && return 0; sleep 0.2; done
  echo "no image report after 60 s:"; tail -20 "$W/resident.log"; exit 1
}
cycle_seconds() { python3 -c 'import json,sys,datetime as d; r=json.load(open(sys.argv[1])); t=lambda s: d.datetime.fromisoformat(s.replace("Z","+00:00"))
print("%.3f %s %d" % ((t(r["finished"]) - t(r["started"])).total_seconds(), r["type"], r["uploadedBytes"]))' "$W/data-img-res/reports/image-latest.json"; }
rm -rf "$W/tree"; cp -a "$W/pristine" "$W/tree"
offsite_conf img-res "$W/tree" >/dev/null
printf '%s\n' 'offsite.image.cron=0/20 * * * * ?' offsite.sync.scheduled=false "offsite.http.port=$((PORT + 1))" >> "$W/img-res.properties"
restic -r "s3:http://127.0.0.1:$PORT/img-rr" init >/dev/null
RESTIC_CACHE_DIR="$W/restic-cache-rr" restic -r "s3:http://127.0.0.1:$PORT/img-rr" backup --host bench "$W/tree" >/dev/null
JAVA_OPTS=-Xmx256m "$ROOT/bin/offsite" --config "$W/img-res.properties" run > "$W/resident.log" 2>&1 & # it execs: $! is the JVM
RESIDENT=$!
trap 'kill $PID $RESIDENT 2>/dev/null; rm -rf "$W"' EXIT
wait_report 1
echo "resident: complete image in $(cycle_seconds | cut -d' ' -f1) s"
for run in $(seq 1 "$RUNS"); do
  n=$(reports)
  "$ROOT/bench/change-tree.py" "$W/tree" "$((100 + run))" >/dev/null
  [ $((run % 2)) = 1 ] && RESTIC_CACHE_DIR="$W/restic-cache-rr" measure restic-resident img-rr \
    restic -r "s3:http://127.0.0.1:$PORT/img-rr" backup --host bench "$W/tree"
  wait_report $((n + 1))
  cycle_seconds | tee -a "$W/offsite-resident.tsv" \
    | sed 's/^\([^ ]*\) \([^ ]*\) \(.*\)/  offsite-resident   \1 s (\2)  \3 B uploaded (the diff holds every change since the complete image)/'
  [ $((run % 2)) = 0 ] && RESTIC_CACHE_DIR="$W/restic-cache-rr" measure restic-resident img-rr \
    restic -r "s3:http://127.0.0.1:$PORT/img-rr" backup --host bench "$W/tree"
done
kill $RESIDENT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { cut -d' ' -f"$2" "$W/$1.tsv" | median; }
echo "medians of $RUNS runs (tree: $SOURCE, $(du -sm "$W/pristine" | cut -f1) MiB, $(find "$W/pristine" | wc -l) entries; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-16s %9s %9s %14s %10s\n' cycle wall cpu uploaded max-RSS
for name in offsite-first restic-first offsite-changed restic-changed; do
  printf '%-16s %7.2f s %7.2f s %10.2f MiB %7.0f MB\n' "$name" "$(col "$name" 1)" "$(col "$name" 2)" \
    "$(echo "$(col "$name" 3) / 1048576" | bc -l)" "$(echo "$(col "$name" 4) / 1000" | bc -l)"
done
for cycle in first changed; do
  printf 'offsite-%-8s cycle inside the process (report started -> finished) %.2f s\n' "$cycle" "$(median < "$W/offsite-$cycle-route.tsv")"
done
printf 'resident, a changed hour: offsite cycle %.2f s, restic %.2f s, offsite/restic %.2f\n' "$(cut -d' ' -f1 "$W/offsite-resident.tsv" | median)" \
  "$(col restic-resident 1)" "$(echo "$(cut -d' ' -f1 "$W/offsite-resident.tsv" | median) / $(col restic-resident 1)" | bc -l)"
for cycle in first changed; do
  printf 'offsite/restic, %-8s wall %.2f  cpu %.2f  uploaded %.2f\n' "$cycle" \
    "$(echo "$(col "offsite-$cycle" 1) / $(col "restic-$cycle" 1)" | bc -l)" \
    "$(echo "$(col "offsite-$cycle" 2) / $(col "restic-$cycle" 2)" | bc -l)" \
    "$(echo "$(col "offsite-$cycle" 3) / $(col "restic-$cycle" 3)" | bc -l)"
done
