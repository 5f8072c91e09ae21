#!/usr/bin/env bash
# Per-file cost: Offsite against rclone on sets of many small files, on the same S3Proxy, whole processes, the
# two tools alternated (each goes first in turn), medians printed with every run beside them.
# Usage: bench/scale.sh [runs=3] [N ...] (default N: 1000 20000); a set is N files of 4 KiB in folders of 1,000.
# For each N: the first mirror into an empty bucket, then the night with no change (the same sync again), each
# with its wall time and the process's maximum RSS; Offsite's "planned in" of the no-change night too; the CPU time
# of each tool's process and of S3Proxy during it (on a machine of few cores, wall ~ their sum / cores).
# STREAMS (default 8): offsite.sync.streams and rclone --transfers. OFFSITE: the command that runs Offsite
# (default bin/offsite when present, else java -jar target/offsite.jar); OFFSITE_JAVA_OPTS: its JVM options.
# FLOOR=1: the first mirror also by bench/floor/SdkPutFloor.java (one PutObject per file through Offsite's S3Client,
# nothing else, same heap and collector as bin/offsite), alternated with the two: the SDK's own share of the time.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}; shift || true
SIZES=${*:-1000 20000}
STREAMS=${STREAMS:-8}
W=$(mktemp -d /tmp/offsite-scale.XXXXXX)
PORT=${PORT:-18090}
command -v rclone >/dev/null || { apt-get update -qq && apt-get install -y -qq rclone >/dev/null; }
[ -f "$ROOT/target/offsite.jar" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
if [ -z "${OFFSITE:-}" ]; then
  if [ -x "$ROOT/bin/offsite" ]; then OFFSITE="$ROOT/bin/offsite"; else OFFSITE="java ${OFFSITE_JAVA_OPTS:-} -jar $ROOT/target/offsite.jar"; fi
fi
FLOOR=${FLOOR:-0}
if [ "$FLOOR" = 1 ]; then
  mkdir -p "$W/floor" && javac -d "$W/floor" -cp "$ROOT/target/offsite.jar:$ROOT/target/lib/*" "$ROOT/bench/floor/SdkPutFloor.java"
fi
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
unset AWS_CA_BUNDLE
export RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other RCLONE_CONFIG_B_ACCESS_KEY_ID=bench \
  RCLONE_CONFIG_B_SECRET_ACCESS_KEY=benchsecret RCLONE_CONFIG_B_ENDPOINT=http://127.0.0.1:$PORT RCLONE_CONFIG_B_REGION=us-east-1

make_set() { # dir files: N files of 4 KiB, 1,000 a folder, an hour old (stable)
  local dir=$1 n=$2 i
  python3 - "$dir" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "folder%03d" % (i // 1000))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "chunk%06d.rdb" % i), "wb") as f:
        f.write(os.urandom(4096))
PY
  find "$dir" -type f -exec touch -d '1 hour ago' {} +
}
offsite_conf() { printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.create-bucket=true "offsite.s3.bucket=$2" "offsite.sync.source=$1" \
  offsite.sync.quiet-period=0m "offsite.sync.streams=$STREAMS" "offsite.data.dir=$W/data-$2" > "$W/$2.properties"; echo "$W/$2.properties"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# S3Proxy's CPU time so far (user + system, in clock ticks)
server_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
# timed OUT CMD...: runs CMD with its output in OUT; prints "seconds maxRSS-MB"; adds "client-cpu server-cpu" (seconds,
# user + system) to $W/cpu-$KIND (KIND: the caller's), since on a machine of few cores the wall time follows the two sums
timed() {
  local out=$1; shift
  sync; sleep 1
  local before; before=$(server_ticks)
  /usr/bin/time -f '%e %M %U %S' -o "$W/time" "$@" > "$out" 2>&1 || true
  local after; after=$(server_ticks)
  awk -v hz="$(getconf CLK_TCK)" -v t=$((after - before)) '{printf "%.2f %.2f\n", $3 + $4, t / hz}' "$W/time" >> "$W/cpu-$KIND"
  awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$W/time"
}

# untimed: 1,000 files mirrored once by each tool, so that no timed run meets a cold S3Proxy (its JIT) or records
# Offsite's class-data archive (a jar new to this machine)
make_set "$W/warm" 1000
rclone mkdir b:warm-r 2>/dev/null; rclone sync --transfers "$STREAMS" --checkers "$STREAMS" "$W/warm" b:warm-r > /dev/null 2>&1 || true
$OFFSITE --config "$(offsite_conf "$W/warm" warm-o)" sync > "$W/warm.out" 2>&1 || { echo "offsite's warm-up failed:" >&2; tail -5 "$W/warm.out" >&2; }
rclone purge b:warm-r 2>/dev/null || true; rclone purge b:warm-o 2>/dev/null || true; rm -rf "$W/warm" "$W/data-warm-o"

for n in $SIZES; do
  make_set "$W/set$n" "$n"; rm -f "$W"/cpu-*
  of=(); ofm=(); rf=(); rfm=(); oq=(); oqm=(); rq=(); rqm=(); plan=(); ff=(); ffm=()
  for run in $(seq 1 "$RUNS"); do
    b=s$n-$run; rclone mkdir "b:$b-r" 2>/dev/null; co=$(offsite_conf "$W/set$n" "$b-o")
    order="offsite rclone"; [ $((run % 2)) -eq 0 ] && order="rclone offsite"
    first=$order # the floor first, else last, in turn
    if [ "$FLOOR" = 1 ]; then if [ $((run % 2)) -eq 1 ]; then first="floor $order"; else first="$order floor"; fi; fi
    for t in $first; do # the first mirror
      case $t in
        floor) read -r s m < <(KIND=ffirst timed "$W/ffirst.out" java -Xms64m -Xmx384m -XX:+UseSerialGC -cp "$W/floor:$ROOT/target/offsite.jar:$ROOT/target/lib/*" \
            SdkPutFloor "http://127.0.0.1:$PORT" "$b-f" "$W/set$n" "$STREAMS"); ff+=("$s"); ffm+=("$m") ;;
        offsite) read -r s m < <(KIND=ofirst timed "$W/first.out" $OFFSITE --config "$co" sync); of+=("$s"); ofm+=("$m") ;;
        rclone) read -r s m < <(KIND=rfirst timed "$W/rfirst.out" rclone sync --transfers "$STREAMS" --checkers "$STREAMS" "$W/set$n" "b:$b-r"); rf+=("$s"); rfm+=("$m") ;;
      esac
    done
    grep -q '^OK' "$W/first.out" || { echo "offsite's first mirror did not end OK:" >&2; head -5 "$W/first.out" >&2; }
    for t in $order; do # the night with no change
      case $t in
        offsite) read -r s m < <(KIND=oquiet timed "$W/quiet.out" $OFFSITE --config "$co" sync); oq+=("$s"); oqm+=("$m")
          plan+=("$(grep -oE 'planned in [0-9.]+s' "$W/quiet.out" | grep -oE '[0-9.]+' || echo '?')") ;;
        rclone) read -r s m < <(KIND=rquiet timed "$W/rquiet.out" rclone sync --transfers "$STREAMS" --checkers "$STREAMS" "$W/set$n" "b:$b-r"); rq+=("$s"); rqm+=("$m") ;;
      esac
    done
    grep -qE 'uploaded +0 files' "$W/quiet.out" || echo "run $run: the no-change night sent something: $(grep -E 'uploaded' "$W/quiet.out")" >&2
    rclone purge "b:$b-r" 2>/dev/null; rclone purge "b:$b-o" 2>/dev/null; rm -rf "$W/data-$b-o"
    if [ "$FLOOR" = 1 ]; then rclone purge "b:$b-f" 2>/dev/null; fi
  done
  m() { printf '%s\n' "$@" | median; }
  printf '%7d files  first mirror: offsite %6.2f s (%s MB)  rclone %6.2f s (%s MB)  ratio %.2f\n' "$n" "$(m "${of[@]}")" "$(m "${ofm[@]}")" \
    "$(m "${rf[@]}")" "$(m "${rfm[@]}")" "$(echo "$(m "${of[@]}") / $(m "${rf[@]}")" | bc -l)"
  printf '%7s        no change:    offsite %6.2f s (%s MB)  rclone %6.2f s (%s MB)  ratio %.2f  planned in %s s\n' "" "$(m "${oq[@]}")" \
    "$(m "${oqm[@]}")" "$(m "${rq[@]}")" "$(m "${rqm[@]}")" "$(echo "$(m "${oq[@]}") / $(m "${rq[@]}")" | bc -l)" "$(m "${plan[@]}")"
  if [ "$FLOOR" = 1 ]; then printf '%7s        SDK floor:    %6.2f s (%s MB), %.2f of rclone; Offsite %.2f of the floor; runs %s\n' "" "$(m "${ff[@]}")" \
    "$(m "${ffm[@]}")" "$(echo "$(m "${ff[@]}") / $(m "${rf[@]}")" | bc -l)" "$(echo "$(m "${of[@]}") / $(m "${ff[@]}")" | bc -l)" "$(printf '%s ' "${ff[@]}")"; fi
  cpu() { [ -f "$W/cpu-$1" ] && printf '%s %.2f + %.2f' "$2" "$(cut -d' ' -f1 "$W/cpu-$1" | median)" "$(cut -d' ' -f2 "$W/cpu-$1" | median)"; }
  printf '%7s        CPU s, client + S3Proxy (medians): first %s, %s%s; no change %s, %s\n' "" "$(cpu ofirst offsite)" "$(cpu rfirst rclone)" \
    "$(if [ "$FLOOR" = 1 ]; then printf ', '; cpu ffirst floor; fi)" "$(cpu oquiet offsite)" "$(cpu rquiet rclone)"
  printf '%7s        runs: first offsite %s| rclone %s| quiet offsite %s| rclone %s\n' "" "$(printf '%s ' "${of[@]}")" "$(printf '%s ' "${rf[@]}")" \
    "$(printf '%s ' "${oq[@]}")" "$(printf '%s ' "${rq[@]}")"
  rm -rf "$W/set$n"
done
