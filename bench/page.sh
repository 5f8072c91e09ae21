#!/usr/bin/env bash
# The status page and the inventory API with a bucket of N objects (default 100,000), as the running process
# serves them: time and size of each answer, the first view after a pass (the listing read from
# data/inventory.json) and later ones (median of RUNS). The objects are written straight into S3Proxy's filesystem
# blobstore (sets/Members/FOLDER/NAME.rdb, folders of 1,000), then one real `sync` lists them and keeps the listing;
# the activity log gets ACTIVITY lines (default 100,000: a month with a first mirror of that set) in the real format.
# Usage: bench/page.sh [N=100000] [RUNS=7] (env: ACTIVITY=100000, SETTLE=20 seconds before the second first look,
# KEEP=1 keeps the work folder). Needs mvn package done.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
RUNS=${2:-7}
ACTIVITY=${ACTIVITY:-100000}
PORT=18087
HTTP=18088
[ -f "$ROOT/target/offsite.jar" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
W=$(mktemp -d /tmp/offsite-page-bench.XXXXXX)
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
RUN_PID=
trap 'kill $PID $RUN_PID 2>/dev/null; [ "${KEEP:-0}" = 1 ] && echo "kept $W" || rm -rf "$W"' EXIT

python3 - "$W/blobs/page" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    folder = os.path.join(root, "sets", "Members", "%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "AA%06d.rdb" % i), "wb") as f:
        f.write(b"x" * (i % 97 + 1))
PY
mkdir -p "$W/set"; head -c 4096 /dev/urandom > "$W/set/catalog.rbc"; touch -d '1 hour ago' "$W/set/catalog.rbc"
printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.bucket=page "offsite.sync.source=$W/set" offsite.sync.quiet-period=0m \
  "offsite.data.dir=$W/data" "offsite.http.port=$HTTP" > "$W/conf.properties"
s=$(date +%s.%N)
java -jar "$ROOT/target/offsite.jar" --config "$W/conf.properties" sync > "$W/sync.log" 2>&1 || { tail -20 "$W/sync.log"; exit 1; }
echo "sync (lists $N objects, keeps the listing): $(echo "$(date +%s.%N) - $s" | bc) s; data/inventory.json $(stat -c %s "$W/data/inventory.json") bytes"

python3 - "$W/data/activity" "$ACTIVITY" <<'PY'
import json, os, sys, datetime
folder, n = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
path = os.path.join(folder, now.strftime("activity-%Y-%m.jsonl"))
with open(path, "a") as f:
    for i in range(n):
        t = (now - datetime.timedelta(seconds=n - i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        f.write(json.dumps({"time": t, "pipeline": "sync", "operation": "PutObject", "key": "sets/Members/%03d/AA%06d.rdb" % (i // 1000, i),
                            "bytesSent": i % 97 + 1, "bytesReceived": 0, "millis": 3, "outcome": "200"}, separators=(",", ":")) + "\n")
PY
echo "activity log: $(cat "$W"/data/activity/*.jsonl | wc -l) lines"

before=$(cat "$W"/data/activity/*.jsonl | wc -l)
BASE="http://127.0.0.1:$HTTP"
java -jar "$ROOT/target/offsite.jar" --config "$W/conf.properties" run > "$W/run.log" 2>&1 &
RUN_PID=$!
for _ in $(seq 1 150); do curl -s -o /dev/null "$BASE/observe/health" && break; sleep 0.2; done
# the first view after a start reads data/inventory.json and the activity log whole; later views only what changed
first=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "$BASE/")
NEXT=$(curl -s "$BASE/api/inventory" | python3 -c 'import json,sys; print(json.load(sys.stdin)["next"])')
declare -A URLS=(
  [page]="/"
  [page-2]="/?after=$NEXT"
  [page-search]="/?search=aa0999"
  [page-prefix]="/?prefix=sets/Members/050/"
  [api-inventory]="/api/inventory"
  [api-search]="/api/inventory?search=aa0999"
  [api-status]="/api/status"
)
ORDER="page page-2 page-search page-prefix api-inventory api-search api-status"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf '%-14s %10s %12s\n' answer seconds bytes
printf '%-14s %10.3f %12d   (the first look, as soon as the server answers)\n' "first page" "${first% *}" "${first#* }"
for name in $ORDER; do
  : > "$W/$name.times"
  for _ in $(seq 1 "$RUNS"); do
    r=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "$BASE${URLS[$name]}")
    echo "${r% *}" >> "$W/$name.times"; echo "${r#* }" > "$W/$name.size"
  done
  printf '%-14s %10.3f %12d\n' "$name" "$(median < "$W/$name.times")" "$(cat "$W/$name.size")"
done
kill $RUN_PID; wait $RUN_PID 2>/dev/null || true
# the running process reads its state once at start, aside: a first look a little later finds it read
java -jar "$ROOT/target/offsite.jar" --config "$W/conf.properties" run > "$W/run.log" 2>&1 &
RUN_PID=$!
for _ in $(seq 1 150); do curl -s -o /dev/null "$BASE/observe/health" && break; sleep 0.2; done
sleep "${SETTLE:-20}"
later=$(curl -s -o /dev/null -w '%{time_total} %{size_download}' "$BASE/")
printf '%-14s %10.3f %12d   (the first look %s s after a start)\n' "first page" "${later% *}" "${later#* }" "${SETTLE:-20}"
echo "S3 requests while looking ($(( RUNS * 7 + 3 )) views; the health probe's bucket check included): $(( $(cat "$W"/data/activity/*.jsonl | wc -l) - before ))"
