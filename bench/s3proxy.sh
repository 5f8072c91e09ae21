#!/usr/bin/env bash
# Starts S3Proxy 2.6.0 (the jar Offsite ships in target/lib) on 127.0.0.1:$PORT with a filesystem blobstore
# in $DIR, in the background; prints its pid. Credentials: bench / benchsecret. Logs at WARN: its default
# (DEBUG) log grows by gigabytes per benchmark.
set -euo pipefail
PORT=${1:?port}; DIR=${2:?blob dir}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$DIR"
cat > "$DIR.properties" <<CONF
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=benchsecret
s3proxy.v4-max-non-chunked-request-size=5368709120
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$DIR
CONF
cat > "$DIR.logback.xml" <<XML
<configuration><appender name="E" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%msg%n</pattern></encoder></appender>
<root level="WARN"><appender-ref ref="E"/></root></configuration>
XML
java -Xmx1g -Dlogback.configurationFile="$DIR.logback.xml" -cp "$ROOT/target/lib/*" org.gaul.s3proxy.Main \
  --properties "$DIR.properties" > "$DIR.log" 2>&1 &
echo $!
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/" && exit 0
  sleep 0.2
done
echo "S3Proxy did not start: see $DIR.log" >&2; exit 1
