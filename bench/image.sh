#!/usr/bin/env bash
# Hourly image cycle, Offsite against restic's incremental backup, on the same S3Proxy: a first backup of a
# tree, then the same tree changed by a few percent (bench/change-tree.py), run after run with the tools
# alternated. Prints, per cycle, the medians of wall time, bytes uploaded (what the bucket grew by) and max RSS.
# Usage: bench/image.sh [runs=3] [TREE_SOURCE=/usr/lib/jvm]. Needs mvn package done; installs restic and time
# if missing. Offsite runs with -Xmx256m, no secrets, no keys.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}
SOURCE=${2:-/usr/lib/jvm}
PORT=18081
command -v restic >/dev/null || { apt-get update -qq && apt-get install -y -qq restic >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
[ -f "$ROOT/target/offsite.jar" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
need=$(( $(du -sm "$SOURCE" | cut -f1) * (4 + 2 * RUNS) ))
free=$(df -m --output=avail /tmp | tail -1)
[ "$free" -gt "$need" ] || { echo "need about $need MiB free under /tmp, have $free" >&2; exit 1; }
W=$(mktemp -d /tmp/offsite-image-bench.XXXXXX)
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
cp -a "$SOURCE" "$W/pristine"
mkdir -p "$W/no-keys"
unset AWS_CA_BUNDLE
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$W/restic-cache"

offsite_conf() { printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.create-bucket=true "offsite.s3.bucket=$1" "offsite.sync.source=$W/tree" \
  "offsite.image.roots=$W/tree" "offsite.image.keys-dir=$W/no-keys" "offsite.data.dir=$W/data-$1" > "$W/$1.properties"; echo "$W/$1.properties"; }
bucket_bytes() { du -sb "$W/blobs/$1" 2>/dev/null | cut -f1 || echo 0; }
# measure NAME BUCKET CMD...: appends "seconds uploaded_bytes max_rss_kb" to $W/NAME.tsv
measure() {
  local name=$1 bucket=$2; shift 2
  local before; before=$(bucket_bytes "$bucket")
  /usr/bin/time -f '%e %M' -o "$W/time.out" "$@" > "$W/$name.log" 2>&1 || { echo "$name failed:"; tail -20 "$W/$name.log"; exit 1; }
  read -r secs rss < "$W/time.out"
  echo "$secs $(( $(bucket_bytes "$bucket") - before )) $rss" >> "$W/$name.tsv"
  printf '  %-16s %7.2f s  %12d B  %7d KB\n' "$name" "$secs" "$(( $(bucket_bytes "$bucket") - before ))" "$rss"
}
offsite_cycle() { measure "offsite-$1" "img-o$2" java -Xmx256m -jar "$ROOT/target/offsite.jar" --config "$W/img-o$2.properties" image; }
restic_cycle() { measure "restic-$1" "img-r$2" restic -r "s3:http://127.0.0.1:$PORT/img-r$2" backup --host bench "$W/tree"; }

for run in $(seq 1 "$RUNS"); do
  echo "run $run"
  rm -rf "$W/tree" "$W/data-img-o$run"; cp -a "$W/pristine" "$W/tree"
  offsite_conf "img-o$run" >/dev/null
  restic -r "s3:http://127.0.0.1:$PORT/img-r$run" init >/dev/null
  if [ $((run % 2)) = 1 ]; then offsite_cycle first "$run"; restic_cycle first "$run"
  else restic_cycle first "$run"; offsite_cycle first "$run"; fi
  "$ROOT/bench/change-tree.py" "$W/tree"
  if [ $((run % 2)) = 1 ]; then offsite_cycle changed "$run"; restic_cycle changed "$run"
  else restic_cycle changed "$run"; offsite_cycle changed "$run"; fi
  grep -h 'Added to the repository' "$W/restic-changed.log" | sed 's/^/  restic: /'
  rm -rf "$W/blobs/img-o$run" "$W/blobs/img-r$run"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "medians of $RUNS runs (tree: $SOURCE, $(du -sm "$W/pristine" | cut -f1) MiB)"
printf '%-16s %9s %14s %12s\n' cycle seconds uploaded max-RSS
for name in offsite-first restic-first offsite-changed restic-changed; do
  printf '%-16s %7.2f s %10.1f MiB %8.0f MB\n' "$name" "$(cut -d' ' -f1 "$W/$name.tsv" | median)" \
    "$(echo "$(cut -d' ' -f2 "$W/$name.tsv" | median) / 1048576" | bc -l)" "$(echo "$(cut -d' ' -f3 "$W/$name.tsv" | median) / 1000" | bc -l)"
done
