#!/usr/bin/env bash
# Offline copy benchmark: `bin/offsite offline` onto a real drive, an ext4 file system made afresh for each run on a
# loop device (direct I/O to its image, so the read-back reads the disk under it, not a second page cache), mounted as
# a USB drive is. Usage: bench/offline.sh [runs=3] [case ...]; cases: N (N files of 1 KiB, 1,000 a folder; default
# 1000 20000) and big (one file of BIG_MIB MiB, default 400). Prints for each run the copy's own time (its report's
# started to finished) and the process's wall time (the JVM's start besides), then the medians.
# BUILDS: launchers to compare, separated by ':', taken in turns in each round (default bin/offsite; for the build
# before a change, an install made from it: PREFIX/bin/offsite, PREFIX/offsite.jar, PREFIX/lib/*.jar).
# Needs root (losetup, mount) and `mvn package` done. The set stays in the page cache: the drive's side is measured.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-3}; shift || true
CASES=${*:-1000 20000}
BIG_MIB=${BIG_MIB:-400}
IFS=: read -r -a BUILDS <<< "${BUILDS:-$ROOT/bin/offsite}"
[ -f "$ROOT/target/offsite.jar" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)
cd "$ROOT" # bin/offsite reads routes/ from the working folder
W=$(mktemp -d /tmp/offsite-offline.XXXXXX)
MNT=$W/usb-drive
LOOP=
unmount() { if [ -n "$LOOP" ]; then umount "$MNT" 2>/dev/null || true; losetup -d "$LOOP" 2>/dev/null || true; LOOP=; fi; }
trap 'unmount; rm -rf "$W"' EXIT
export OFFSITE_CDS_DIR="$W/cds"
mkdir -p "$MNT"

make_set() { # dir case
  python3 - "$1" "$2" "$BIG_MIB" <<'PY'
import os, sys
root, case, big = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(root, exist_ok=True)
if case == "big":
    with open(os.path.join(root, "AA000001.rdb"), "wb") as f:
        for _ in range(big):
            f.write(os.urandom(1 << 20))
else:
    for i in range(int(case)):
        d = os.path.join(root, "Members%03d" % (i // 1000))
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "AA%06d.rdb" % i), "wb") as f:
            f.write(os.urandom(1024))
PY
  find "$1" -type f -exec touch -d '1 hour ago' {} +
}

new_drive() { # a fresh 1 GiB ext4 drive of 4 KiB blocks, its inode tables and journal written now (no lazy init during a run)
  unmount
  rm -f "$W/usb.img"; truncate -s 1G "$W/usb.img"
  mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 "$W/usb.img"
  LOOP=$(losetup -f --show --direct-io=on "$W/usb.img")
  mount "$LOOP" "$MNT"
}

conf() { # set data: the offline copy's settings (the S3 ones are checked at start, never used by it)
  printf '%s\n' "offsite.sync.source=$1" "offsite.data.dir=$2" "offsite.offline.destination=$MNT" offsite.sync.quiet-period=0m \
    offsite.sync.stable-for=0s offsite.s3.endpoint=http://127.0.0.1:9 offsite.s3.bucket=bench offsite.s3.access-key=bench \
    offsite.s3.secret-key=benchsecret > "$2.properties"
  echo "$2.properties"
}

run() { # launcher set: prints "copy-seconds wall-seconds"
  local data=$W/data-$RANDOM out=$W/out s e
  new_drive; sync; sleep 1
  s=$(date +%s.%N)
  "$1" --config "$(conf "$2" "$data")" offline > "$out" 2>&1 || { cat "$out" >&2; return 1; }
  e=$(date +%s.%N)
  grep -q '^OK: ' "$out" || { cat "$out" >&2; return 1; }
  python3 - "$data/reports/offline-latest.json" "$(echo "$e - $s" | bc)" <<'PY'
import json, sys, datetime
r = json.load(open(sys.argv[1]))
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
print("%.2f %.2f" % ((t(r["finished"]) - t(r["started"])).total_seconds(), float(sys.argv[2])))
PY
  rm -rf "$data" "$data.properties"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for c in $CASES; do
  make_set "$W/set-$c" "$c"
  for b in "${!BUILDS[@]}"; do run "${BUILDS[$b]}" "$W/set-$c" > /dev/null; done # untimed: each build records its class-data archive
  declare -A copy=() wall=()
  for r in $(seq 1 "$RUNS"); do
    for i in $(seq 0 $((${#BUILDS[@]} - 1))); do
      b=$(( (i + r - 1) % ${#BUILDS[@]} )) # the builds take turns at going first
      read -r cs ws < <(run "${BUILDS[$b]}" "$W/set-$c")
      copy[$b]="${copy[$b]:-} $cs"; wall[$b]="${wall[$b]:-} $ws"
    done
  done
  for b in "${!BUILDS[@]}"; do
    printf '%-6s %s  copy %6.2f s  wall %6.2f s  runs: copy%s | wall%s\n' "$c" "${BUILDS[$b]}" \
      "$(tr ' ' '\n' <<< "${copy[$b]}" | grep . | median)" "$(tr ' ' '\n' <<< "${wall[$b]}" | grep . | median)" "${copy[$b]}" "${wall[$b]}"
  done
  unset copy wall
  rm -rf "$W/set-$c"
done
