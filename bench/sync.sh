#!/usr/bin/env bash
# Mirror benchmarks, Offsite against rclone and aws-cli on the same S3Proxy, whole-process times, runs
# alternated, medians printed. Usage: bench/sync.sh [runs=3] [case ...]; cases: one (1 x 600 MiB),
# sixteen (16 x 128 MiB, 4 streams), quiet (1,000 unchanged chunks: planning time, bytes hashed/sent),
# etag (local ETag throughput against md5sum), groom (100 x 8 MiB mirrored, then 10% deleted, 10% rewritten,
# 5% added: the groom night's sync), scale (bench/scale.sh: N x 4 KiB files in folders of 1,000, first mirror and
# no-change night against rclone with max RSS; N from SCALE_FILES, default 1000 20000 100000). Needs: mvn package
# done; installs rclone and awscli if missing.
# Offsite runs through bin/offsite, as users run it: it maps the class-data archive its first (untimed) run records;
# the figure in brackets is the same run with OFFSITE_CDS=false, a JVM started cold. Before each timed run the page
# cache's dirty pages are written out (`sync`), and the tools take turns at going first.
# OFFSITE_JAVA_OPTS: JAVA_OPTS for Offsite in the mirror cases.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}; shift || true
CASES=${*:-one sixteen quiet etag}
W=$(mktemp -d /tmp/offsite-bench.XXXXXX)
PORT=18080
command -v rclone >/dev/null && [ -x /usr/bin/aws ] || { apt-get update -qq && apt-get install -y -qq rclone awscli >/dev/null; }
[ -f "$ROOT/target/offsite.jar" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
PID=$("$ROOT/bench/s3proxy.sh" $PORT "$W/blobs" | head -1)
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
export OFFSITE_CDS_DIR="$W/cds" # a first run records the archive, as on a machine new to this build
unset AWS_CA_BUNDLE
export RCLONE_CONFIG_B_TYPE=s3 RCLONE_CONFIG_B_PROVIDER=Other RCLONE_CONFIG_B_ACCESS_KEY_ID=bench \
  RCLONE_CONFIG_B_SECRET_ACCESS_KEY=benchsecret RCLONE_CONFIG_B_ENDPOINT=http://127.0.0.1:$PORT RCLONE_CONFIG_B_REGION=us-east-1
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=benchsecret AWS_DEFAULT_REGION=us-east-1
AWS="/usr/bin/aws --endpoint-url http://127.0.0.1:$PORT"

make_set() { mkdir -p "$1"; for i in $(seq 1 "$2"); do head -c "$3" /dev/urandom > "$1/chunk$i.rdb"; done; touch -d '1 hour ago' "$1"/*; }
offsite_conf() { printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret offsite.s3.create-bucket=true "offsite.s3.bucket=$2" "offsite.sync.source=$1" \
  offsite.sync.quiet-period=0m "offsite.data.dir=$W/data-$2" > "$W/$2.properties"; echo "$W/$2.properties"; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

timed() { sync; sleep 1; secs "$@"; } # dirty pages of the run before are written out first, not during this one
offsite() { JAVA_OPTS="${OFFSITE_JAVA_OPTS:-}" "$ROOT/bin/offsite" --config "$@" sync; }

mirror_case() { # name dir
  local name=$1 dir=$2 o=() c=() r=() a=()
  # untimed: warms S3Proxy's JIT up for every tool and lets Offsite record its class-data archive, as its first run
  # on a machine does once (a few seconds longer that one time); the next launch verifies it and makes it the archive
  rclone mkdir "b:$name-warm-r" 2>/dev/null; rclone sync --transfers 4 "$dir" "b:$name-warm-r" 2>/dev/null
  offsite "$(offsite_conf "$dir" "$name-warm-o")" >/dev/null 2>&1; "$ROOT/bin/offsite" --version >/dev/null
  rclone purge "b:$name-warm-r" 2>/dev/null; rclone purge "b:$name-warm-o" 2>/dev/null
  for run in $(seq 1 "$RUNS"); do
    local b=$name$run; rclone mkdir "b:$b-r" 2>/dev/null; $AWS s3 mb "s3://$b-a" >/dev/null
    local co; co=$(offsite_conf "$dir" "$b-o"); local cc; cc=$(offsite_conf "$dir" "$b-c")
    # the tools take turns at going first
    for t in $(printf '%s\n' offsite cold rclone aws offsite cold rclone aws | tail -n +$(( (run - 1) % 4 + 1 )) | head -4); do
      case $t in
        offsite) o+=("$(timed offsite "$co")") ;;
        cold) c+=("$(OFFSITE_CDS=false timed offsite "$cc")") ;;
        rclone) r+=("$(timed rclone sync --transfers 4 "$dir" "b:$b-r")") ;;
        aws) a+=("$(timed $AWS s3 sync "$dir" "s3://$b-a")") ;;
      esac
    done
    for x in r o c a; do rclone purge "b:$b-$x" 2>/dev/null; done; rm -rf "$W/data-$b-o" "$W/data-$b-c"
  done
  om=$(printf '%s\n' "${o[@]}" | median); cm=$(printf '%s\n' "${c[@]}" | median)
  rm_=$(printf '%s\n' "${r[@]}" | median); am=$(printf '%s\n' "${a[@]}" | median)
  printf '%-8s offsite %6.2f s  rclone %6.2f s  aws %6.2f s  offsite/rclone %.2f  (no class-data archive: %.2f s, %.2f)\n' \
    "$name" "$om" "$rm_" "$am" "$(echo "$om / $rm_" | bc -l)" "$cm" "$(echo "$cm / $rm_" | bc -l)"
  # every run, in the order run, so the spread on a shared machine shows beside the medians
  printf '         runs: offsite %s | rclone %s | aws %s | cold %s\n' "$(printf '%.2f ' "${o[@]}")" "$(printf '%.2f ' "${r[@]}")" \
    "$(printf '%.2f ' "${a[@]}")" "$(printf '%.2f ' "${c[@]}")"
}

for c in $CASES; do
  case $c in
    one) make_set "$W/one" 1 $((600 << 20)); mirror_case one "$W/one"; rm -rf "$W/one" ;;
    sixteen) make_set "$W/sixteen" 16 $((128 << 20)); mirror_case sixteen "$W/sixteen"; rm -rf "$W/sixteen" ;;
    scale) "$ROOT/bench/scale.sh" "$RUNS" ${SCALE_FILES:-1000 20000 100000} ;;
    quiet)
      make_set "$W/quiet" 1000 65536; conf=$(offsite_conf "$W/quiet" quiet)
      offsite "$conf" >/dev/null 2>&1
      p=(); other=()
      for run in $(seq 1 "$RUNS"); do
        offsite "$conf" > "$W/quiet.out" 2>/dev/null
        p+=("$(grep -oE 'planned in [0-9.]+s' "$W/quiet.out" | grep -oE '[0-9.]+')")
        # anything hashed or sent on a night without changes is a defect: show it
        grep -qE 'hashed 0 B in all' "$W/quiet.out" && grep -qE 'uploaded +0 files' "$W/quiet.out" || other+=("run $run: $(grep -E 'hashed|uploaded  ' "$W/quiet.out" | tr -s ' ' | tr '\n' ';')")
      done
      printf 'quiet    planned in %s s (median %s s) over 1,000 unchanged files; %s\n' "$(printf '%s / ' "${p[@]}" | sed 's| / $||')" \
        "$(printf '%s\n' "${p[@]}" | median)" "$([ ${#other[@]} -eq 0 ] && echo 'hashed 0 B, uploaded 0 files, each run' || printf '%s ' "${other[@]}")" ;;
    groom) # 100 x 8 MiB mirrored; then 10 deleted, 10 rewritten, 5 added; the groom night's sync is timed
      o=(); r=(); a=(); sent=()
      for run in $(seq 1 "$RUNS"); do
        d="$W/groom$run"; make_set "$d" 100 $((8 << 20)); b=groom$run
        rclone mkdir "b:$b-r" 2>/dev/null; $AWS s3 mb "s3://$b-a" >/dev/null
        conf=$(offsite_conf "$d" "$b-o"); printf '%s\n' offsite.sync.delete=true offsite.sync.stable-for=0s >> "$conf"
        offsite "$conf" >/dev/null 2>&1
        rclone sync --transfers 4 "$d" "b:$b-r" 2>/dev/null; $AWS s3 sync --delete "$d" "s3://$b-a" >/dev/null
        rm "$d"/chunk{1..10}.rdb
        for i in $(seq 11 20); do head -c $((8 << 20)) /dev/urandom > "$d/chunk$i.rdb"; done
        for i in $(seq 101 105); do head -c $((8 << 20)) /dev/urandom > "$d/chunk$i.rdb"; done
        s=$(date +%s.%N); offsite "$conf" > "$W/groom.out" 2>/dev/null; e=$(date +%s.%N)
        o+=("$(echo "$e - $s" | bc)"); sent+=("$(grep -oE 'sent [0-9.]+ [KMG]iB' "$W/groom.out" | head -1)")
        r+=("$(secs rclone sync --transfers 4 "$d" "b:$b-r")")
        a+=("$(secs $AWS s3 sync --delete "$d" "s3://$b-a")")
        grep -E '^[A-Z]+:|deleted ' "$W/groom.out" | head -2
        rclone purge "b:$b-r" 2>/dev/null; rclone purge "b:$b-o" 2>/dev/null; rclone purge "b:$b-a" 2>/dev/null; rm -rf "$d" "$W/data-$b-o"
      done
      printf 'groom    offsite %6.2f s  rclone %6.2f s  aws %6.2f s  offsite/rclone %.2f  offsite %s (15 files x 8 MiB = 120 MiB to send)\n' \
        "$(printf '%s\n' "${o[@]}" | median)" "$(printf '%s\n' "${r[@]}" | median)" "$(printf '%s\n' "${a[@]}" | median)" \
        "$(echo "$(printf '%s\n' "${o[@]}" | median) / $(printf '%s\n' "${r[@]}" | median)" | bc -l)" "${sent[0]}" ;;
    etag)
      head -c $((600 << 20)) /dev/urandom > "$W/etag.bin"
      (cd "$ROOT" && mvn -q -B test-compile >/dev/null)
      java -cp "$ROOT/target/test-classes:$ROOT/target/classes:$ROOT/target/lib/*" offsite.sync.EtagBench "$W/etag.bin" | tail -3
      for run in 1 2 3; do printf 'md5sum %.3f s\n' "$(secs md5sum "$W/etag.bin")"; done ;;
  esac
done
