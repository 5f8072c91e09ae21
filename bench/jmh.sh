#!/usr/bin/env bash
# JMH throughput of Offsite's in-process kernels (local ETag single and multipart, librsync signature, delta,
# patch) beside md5sum and rdiff timed on the same page-cached input; prints a table in MiB/s.
# Usage: bench/jmh.sh [WORK_DIR]   (env: SIZE_MB=256 input size, RUNS=5 tool runs, JMH_ARGS extra JMH options,
# ONE_CORE=1 also runs signature and delta with -XX:ActiveProcessorCount=1, KEEP=1 keeps the inputs)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-/tmp/offsite-jmh}
SIZE_MB=${SIZE_MB:-256}
RUNS=${RUNS:-5}
ONE_CORE=${ONE_CORE:-1}
mkdir -p "$DIR"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$DIR"' EXIT

(cd "$ROOT" && mvn -q -B package -DskipTests)
(cd "$ROOT/bench/jmh" && mvn -q -B package)
CP="$ROOT/bench/jmh/target/classes:$ROOT/bench/jmh/target/lib/*:$ROOT/target/offsite.jar"

if [ ! -s "$DIR/basis" ] || [ "$(stat -c %s "$DIR/basis")" -ne $((SIZE_MB << 20)) ]; then
    echo "making a ${SIZE_MB} MiB tar of /usr as the basis and an edited copy (an edit every 1-4 MiB)"
    (tar --sort=name -cf - -C / usr 2>/dev/null || true) | head -c "${SIZE_MB}M" > "$DIR/basis"
    "$ROOT/bench/edited-copy.py" "$DIR/basis" "$DIR/changed"
fi
rdiff -f signature "$DIR/basis" "$DIR/basis.sig"
rdiff -f delta "$DIR/basis.sig" "$DIR/changed" "$DIR/changed.delta"
cat "$DIR/basis" "$DIR/changed" > /dev/null   # both in the page cache, as for JMH

secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for tool in md5sum signature delta patch; do : > "$DIR/$tool.times"; done
time_tools() { # RUNS alternating runs of each tool; called before and after JMH, the median taken over both
    for run in $(seq "$RUNS"); do
        secs md5sum "$DIR/basis" >> "$DIR/md5sum.times"
        secs rdiff -f signature "$DIR/basis" /dev/null >> "$DIR/signature.times"
        secs rdiff -f delta "$DIR/basis.sig" "$DIR/changed" /dev/null >> "$DIR/delta.times"
        secs rdiff -f patch "$DIR/basis" "$DIR/changed.delta" /dev/null >> "$DIR/patch.times"
    done
}
time_tools
echo "JMH runs (log: $DIR/jmh.log)"
PARAMS=(-p "file=$DIR/basis" -p "basis=$DIR/basis" -p "changed=$DIR/changed")
# shellcheck disable=SC2086
java -cp "$CP" org.openjdk.jmh.Main "${PARAMS[@]}" -rf json -rff "$DIR/jmh.json" ${JMH_ARGS:-} \
    'offsite.jmh.(LocalEtagBenchmark|DeltaBenchmark)' > "$DIR/jmh.log"
echo '[]' > "$DIR/jmh1.json"
if [ "$ONE_CORE" = 1 ]; then
    # shellcheck disable=SC2086
    java -cp "$CP" org.openjdk.jmh.Main "${PARAMS[@]}" -rf json -rff "$DIR/jmh1.json" ${JMH_ARGS:-} \
        -jvmArgsAppend -XX:ActiveProcessorCount=1 'offsite.jmh.DeltaBenchmark.(signature|delta)$' >> "$DIR/jmh.log"
fi
time_tools
: > "$DIR/tools.tsv"
for tool in md5sum signature delta patch; do
    printf '%s\t%s\n' "$tool" "$(median < "$DIR/$tool.times")" >> "$DIR/tools.tsv"
done

python3 - "$DIR" "$(stat -c %s "$DIR/basis")" "$(stat -c %s "$DIR/changed")" <<'PY'
import json, statistics, sys
d, basis, changed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mib = 1 << 20
# bytes one op reads (etag, signature, delta) or writes (patch)
size = {'single': basis, 'multipart': basis, 'signature': basis, 'delta': changed, 'patch': changed}
tool_of = {'single': 'md5sum', 'multipart': 'md5sum', 'signature': 'signature', 'delta': 'delta', 'patch': 'patch'}
tool_name = {'md5sum': 'md5sum', 'signature': 'rdiff signature', 'delta': 'rdiff delta', 'patch': 'rdiff patch'}
tools = dict((k, float(v)) for k, v in (l.split('\t') for l in open(d + '/tools.tsv')))
def rows(path, suffix):
    for r in json.load(open(path)):
        kernel = r['benchmark'].rsplit('.', 1)[1]
        samples = sorted(x for fork in r['primaryMetric']['rawData'] for x in fork)
        yield kernel + suffix, kernel, statistics.median(samples), samples[0], len(samples)
print(f"\ninput: basis {basis / mib:.0f} MiB, changed {changed / mib:.0f} MiB, page-cached")
print("medians: JMH over every measured iteration of every fork, tools over their runs before and after JMH")
print(f"{'kernel':<22}{'ms/op (min, n)':>20}{'MiB/s':>8}   {'reference':<16}{'s':>7}{'MiB/s':>8}{'ratio':>7}")
for path, suffix in ((d + '/jmh.json', ''), (d + '/jmh1.json', ' (1 core)')):
    for name, kernel, ms, low, n in rows(path, suffix):
        ours = size[kernel] / mib / (ms / 1000)
        tool = tool_of[kernel]; t = tools[tool]; ref = size[kernel] / mib / t
        print(f"{name:<22}{ms:>7.1f} ({low:5.1f}, {n:2d}){ours:>8.0f}   {tool_name[tool]:<16}{t:>7.3f}{ref:>8.0f}{ours / ref:>7.2f}")
PY
