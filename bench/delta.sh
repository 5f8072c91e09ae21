#!/usr/bin/env bash
# Times offsite.delta against rdiff (signature + delta) on a ~400 MB tar-like pair; prints medians and delta sizes.
# Usage: bench/delta.sh [WORK_DIR]   (env: RUNS=5, SIZE_MB=400)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/tmp/offsite-delta-bench}
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-400}
mkdir -p "$DIR"

mvn -q -B test-compile dependency:build-classpath -Dmdep.includeGroupIds=org.bouncycastle \
    -Dmdep.outputFile=target/bench.cp
CP="target/classes:target/test-classes:$(cat target/bench.cp)"

if [ ! -s "$DIR/basis" ] || [ "$(stat -c %s "$DIR/basis")" -ne $((SIZE_MB << 20)) ]; then
    echo "making a ${SIZE_MB} MB tar of /usr as the basis"
    (tar --sort=name -cf - -C / usr 2>/dev/null || true) | head -c "${SIZE_MB}M" > "$DIR/basis"
    bench/edited-copy.py "$DIR/basis" "$DIR/new"
fi
ls -l "$DIR/basis" "$DIR/new"

seconds() { local s=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

: > "$DIR/rdiff.times"; : > "$DIR/ours.times"; : > "$DIR/ours1.times"
for run in $(seq "$RUNS"); do
    r=$(seconds sh -c "rdiff -f signature '$DIR/basis' '$DIR/rdiff.sig' && rdiff -f delta '$DIR/rdiff.sig' '$DIR/new' '$DIR/rdiff.delta'")
    o=$(seconds java -cp "$CP" offsite.delta.DeltaBench "$DIR/basis" "$DIR/new" "$DIR/ours.sig" "$DIR/ours.delta")
    o1=$(seconds java -XX:ActiveProcessorCount=1 -cp "$CP" offsite.delta.DeltaBench "$DIR/basis" "$DIR/new" \
        "$DIR/ours.sig" "$DIR/ours.delta")
    echo "$r" >> "$DIR/rdiff.times"; echo "$o" >> "$DIR/ours.times"; echo "$o1" >> "$DIR/ours1.times"
    echo "run $run: rdiff ${r}s, ours ${o}s, ours on one core ${o1}s"
done
java -cp "$CP" offsite.delta.DeltaBench "$DIR/basis" "$DIR/new" "$DIR/ours.sig" "$DIR/ours.delta" "$DIR/ours.patched"
cmp "$DIR/ours.patched" "$DIR/new" && echo "our patch of our delta == new"
echo "rdiff patch: $(seconds rdiff -f patch "$DIR/basis" "$DIR/ours.delta" "$DIR/patched") s"

cmp "$DIR/rdiff.sig" "$DIR/ours.sig" && echo "signatures identical"
cmp "$DIR/patched" "$DIR/new" && echo "rdiff patch of our delta == new"
echo "rdiff signature+delta: median $(median < "$DIR/rdiff.times") s, delta $(stat -c %s "$DIR/rdiff.delta") bytes"
echo "ours  signature+delta: median $(median < "$DIR/ours.times") s, delta $(stat -c %s "$DIR/ours.delta") bytes (JVM start included)"
echo "ours on one core:     median $(median < "$DIR/ours1.times") s"
