#!/usr/bin/env bash
# Builds the container image from docker/Dockerfile and runs it as a container engine would, without one: buildah,
# podman and debootstrap (Debian packages), as root. Checked in the built image:
#   - lean: no test code, no embedded S3 server in it; its size is printed
#   - `run` with a page password read from a file (OFFSITE_HTTP_PASSWORD_FILE) serves the status page (401 without it)
#     and passes the image's own HEALTHCHECK on the port the settings file names, which fails while the process is
#     frozen (SIGSTOP) and once it is gone; a password given both ways is refused (exit 2)
#   - the process is the image's non-root USER, one JVM (the entrypoint's process itself, no child)
#   - SIGTERM to that process during an upload under a bandwidth cap ends it within 10 s (docker stop's timeout), and
#     the report says the pass was stopped
#   - a one-shot `sync` of the /backup volume with no status-page settings mirrors it, resuming the stopped upload,
#     and mails its report (to an SMTP sink on 127.0.0.1), its times in the zone TZ names
#   - an arbitrary uid in group 0 (OpenShift, `--user 12345`) can write a fresh data volume, and go on with one the
#     image's user wrote (a sync), as that user then goes on with what it wrote
#   - a one-shot `status` in a 320 MiB memory cgroup (as `--memory=320m`) exits 0 and records no class-data archive
#   - without an endpoint, Offsite says the embedded S3 server is not in the image
#   - the launcher's class-data archive (recorded by the sync) is one file under /data/cds; nothing was written
#     outside /data
# The container: `buildah from` + `buildah mount`, the volumes bind-mounted from a temporary folder (the data volume
# owned as the image's /data is, as an engine's named volume would be), proc, sys and dev mounted, then `chroot
# --userspec` into it with exactly the image's ENV (plus HOME and HOSTNAME, as an engine adds, and the -e variables of
# each check), ENTRYPOINT and CMD, read from `buildah inspect`. It shares the host's network, so the S3 server is the
# project's own S3Proxy jar from target/lib on 127.0.0.1 (bench/s3proxy.sh) and the page a free port there.
# The base: eclipse-temurin:17-jre when local storage has it, else a stand-in under that name, made once by
# `debootstrap --variant=minbase --include=openjdk-17-jre-headless,curl bookworm` (about 2 minutes) and kept.
# Usage: docker/test-image.sh (after `mvn package`). OFFSITE_FRESH_BASE=true makes the stand-in anew;
# DEBIAN_MIRROR sets debootstrap's mirror; OFFSITE_KEEP_IMAGE=true keeps localhost/offsite:test afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=eclipse-temurin:17-jre
IMAGE=localhost/offsite:test
started=$(date +%s)

[ "$(id -u)" = 0 ] || { echo "test-image: run it as root (buildah mount, mount and chroot need it)" >&2; exit 2; }
for tool in buildah podman debootstrap curl; do
  command -v "$tool" > /dev/null || { echo "test-image: $tool is missing (apt-get install buildah podman debootstrap curl)" >&2; exit 2; }
done
[ -f "$ROOT/target/offsite.jar" ] && [ -d "$ROOT/target/image-lib" ] || (cd "$ROOT" && mvn -q -B package -DskipTests)

W=$(mktemp -d /tmp/offsite-image.XXXXXX)
MOUNTS=()
CTR= JVM= S3PID= SMTPPID=
cleanup() {
  [ -n "$JVM" ] && kill -9 "$JVM" 2> /dev/null || true
  [ -n "${CG:-}" ] && rmdir "$CG" 2> /dev/null || true
  [ -n "$S3PID" ] && kill "$S3PID" 2> /dev/null || true
  [ -n "$SMTPPID" ] && kill "$SMTPPID" 2> /dev/null || true
  local i busy=
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2> /dev/null || umount -l "${MOUNTS[i]}" 2> /dev/null || busy=${MOUNTS[i]}
  done
  if [ -n "$CTR" ]; then
    buildah umount "$CTR" > /dev/null 2>&1 || true
    buildah rm "$CTR" > /dev/null 2>&1 || true
  fi
  [ "${OFFSITE_KEEP_IMAGE:-false}" = true ] || buildah rmi "$IMAGE" > /dev/null 2>&1 || true
  # never delete through a mount left behind: the volumes' folders would go with what they show
  if [ -z "$busy" ]; then rm -rf "$W"; else echo "test-image: $busy is still mounted; $W left in place" >&2; fi
}
trap cleanup EXIT

passed=0 failed=0
check() { # description command...: one line per check
  if "${@:2}"; then passed=$((passed + 1)); echo "ok - $1"; else failed=$((failed + 1)); echo "not ok - $1"; fi
}
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null || { echo "$p"; return; }
  done
}
wait_for() { # seconds command...: true once the command succeeds
  local deadline=$(($(date +%s) + $1))
  while ! "${@:2}"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# ---------------------------------------------------------------- the base and the image
if [ "${OFFSITE_FRESH_BASE:-false}" = true ] || ! podman image exists "$BASE"; then
  echo "# making a stand-in for $BASE with debootstrap"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,curl bookworm "$W/base" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    > "$W/debootstrap.log" 2>&1 || { tail -20 "$W/debootstrap.log"; exit 1; }
  rm -rf "$W/base/var/cache/apt/archives/"*.deb "$W/base/var/lib/apt/lists/"*
  # as eclipse-temurin:17-jre has them: java on PATH, JAVA_HOME, a UTF-8 locale
  tar -C "$W/base" -c . | podman import --change 'ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV=JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' --change 'ENV=LANG=C.UTF-8' - "$BASE" > /dev/null
  rm -rf "$W/base"
fi
echo "# building $IMAGE from docker/Dockerfile"
buildah bud --isolation chroot --pull=never --format docker -f "$ROOT/docker/Dockerfile" -t "$IMAGE" "$ROOT" > "$W/build.log" 2>&1 \
  || { tail -30 "$W/build.log"; exit 1; }
size() { podman image inspect --format '{{.Size}}' "$1"; }
echo "# image size $(($(size "$IMAGE") / 1000000)) MB: the base $(($(size "$BASE") / 1000000)) MB + Offsite $((($(size "$IMAGE") - $(size "$BASE")) / 1000000)) MB"

config() { buildah inspect --type image --format "$1" "$IMAGE" | sed '/^$/d'; }
mapfile -t IMAGE_ENV < <(config '{{range .Docker.Config.Env}}{{println .}}{{end}}')
mapfile -t ENTRYPOINT < <(config '{{range .Docker.Config.Entrypoint}}{{println .}}{{end}}')
mapfile -t CMD < <(config '{{range .Docker.Config.Cmd}}{{println .}}{{end}}')
mapfile -t HEALTH < <(config '{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}')
HEALTH_TIMEOUT=$(config '{{printf "%.0f" .Docker.Config.Healthcheck.Timeout.Seconds}}')
USER_NAME=$(config '{{.Docker.Config.User}}')
WORKDIR=$(config '{{.Docker.Config.WorkingDir}}')

CTR=$(buildah from --pull=never "$IMAGE")
MNT=$(buildah mount "$CTR")
IFS=: read -r _ _ USER_ID GROUP_ID _ USER_HOME _ < <(grep "^$USER_NAME:" "$MNT/etc/passwd")

lean() {
  ! jar tf "$MNT/opt/offsite/offsite.jar" | grep -E '(Test|IT)\.class$|^offsite/testing/' \
    && ! ls "$MNT/opt/offsite/lib" | grep -E '^(s3proxy|jclouds|jetty|junit|assertj|greenmail|camel-test)'
}
check "the image holds the runtime only: no test classes, no S3Proxy, jclouds, Jetty or test libraries" lean
check "the image's USER ($USER_NAME, uid ${USER_ID:-none}) is not root" test "${USER_ID:-0}" != 0

# ---------------------------------------------------------------- volumes, a backup set, an S3 server
V=$W/volumes
mkdir -p "$V/config" "$V/routes" "$V/keys" "$V/data" "$V/backup"
# a named volume takes the owner and mode of the image's folder
chown "$(stat -c %u:%g "$MNT/data")" "$V/data" && chmod "$(stat -c %a "$MNT/data")" "$V/data"
head -c $((24 << 20)) /dev/urandom > "$V/backup/Backup Set A.rdb"
head -c 100000 /dev/urandom > "$V/backup/small.rdb"
touch -d '1 hour ago' "$V/backup"/*
mount_at() { # source target [ro]
  mount --bind "$1" "$MNT$2"
  MOUNTS+=("$MNT$2")
  [ "${3:-}" != ro ] || mount -o remount,bind,ro "$MNT$2"
}
mount_at "$V/config" /config
mount_at "$V/routes" /routes
mount_at "$V/keys" /keys ro
mount_at "$V/backup" /backup ro
mount -t proc proc "$MNT/proc" && MOUNTS+=("$MNT/proc")
mount -t sysfs -o ro sysfs "$MNT/sys" && MOUNTS+=("$MNT/sys")
mount --bind /dev "$MNT/dev" && MOUNTS+=("$MNT/dev")
# the hosts file an engine writes into every container
[ -e "$MNT/etc/hosts" ] || touch "$MNT/etc/hosts"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$W/hosts"
mount --bind "$W/hosts" "$MNT/etc/hosts" && MOUNTS+=("$MNT/etc/hosts")
# an arbitrary uid in group 0, as OpenShift runs an image, on the image's own /data: what a new named volume is
anyone() { env -i "${IMAGE_ENV[@]}" /usr/sbin/chroot --userspec=12345:0 "$MNT" "${ENTRYPOINT[@]}" --version > "$W/anyone.err" 2>&1; }
check "an arbitrary uid in group 0 (OpenShift, --user 12345) starts on a fresh data volume" anyone
rm -rf "${MNT:?}/data/"*
mount_at "$V/data" /data

S3PORT=$(free_port)
HTTP_PORT=$(free_port)
S3PID=$("$ROOT/bench/s3proxy.sh" "$S3PORT" "$W/blobs" | head -1)
BUCKET=image-test
printf '%s\n' "offsite.s3.endpoint=http://127.0.0.1:$S3PORT" offsite.s3.path-style=true offsite.s3.access-key=bench \
  offsite.s3.secret-key=benchsecret "offsite.s3.bucket=$BUCKET" offsite.s3.create-bucket=true offsite.sync.quiet-period=0m \
  offsite.sync.stable-for=0s offsite.sync.multipart-threshold=8MB offsite.sync.part-size=5MB offsite.sync.streams=1 \
  offsite.sync.part-streams=1 "offsite.http.port=$HTTP_PORT" > "$V/config/application.properties"
PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$PASSWORD" > "$V/config/page-password" # as a secret is mounted: readable by the user, the line break dropped

# in_image [VAR=VALUE ...] -- [ARGS ...]: the image's ENTRYPOINT with ARGS (none: its CMD), as its USER, with its ENV;
# it takes the place of the (sub)shell it runs in, so that `in_image ... &` leaves the entrypoint's pid in $!
in_image() {
  local extra=() args
  while [ "$1" != -- ]; do extra+=("$1"); shift; done
  shift
  args=("$@")
  [ $# -gt 0 ] || args=("${CMD[@]}")
  exec env -i "${IMAGE_ENV[@]}" HOME="$USER_HOME" HOSTNAME="$(hostname)" "${extra[@]}" /usr/sbin/chroot --userspec="$USER_ID:$GROUP_ID" \
    --groups="$GROUP_ID" "$MNT" ${WORKDIR:+/usr/bin/env -C "$WORKDIR"} "${ENTRYPOINT[@]}" "${args[@]}"
}
# healthy VAR=VALUE ...: the image's HEALTHCHECK command run in the container (its ENV and the run's variables)
healthy() {
  local test=("${HEALTH[@]:1}")
  [ "${HEALTH[0]}" != CMD-SHELL ] || test=(/bin/sh -c "${test[0]}")
  env -i "${IMAGE_ENV[@]}" HOME="$USER_HOME" "$@" timeout "$HEALTH_TIMEOUT" /usr/sbin/chroot --userspec="$USER_ID:$GROUP_ID" \
    --groups="$GROUP_ID" "$MNT" "${test[@]}" > /dev/null 2>&1
}
unhealthy() { ! healthy "$@"; }
touch "$W/before-the-runs"
sleep 1 # a second apart: find -newer compares whole seconds on some filesystems

# ---------------------------------------------------------------- run: the page, the health check, SIGTERM
# the page's port only in the settings file (the HEALTHCHECK must find it there), the password only in a file
RUN_ENV=(OFFSITE_HTTP_USER=admin OFFSITE_HTTP_PASSWORD_FILE=/config/page-password)
both_rc=0
(in_image "${RUN_ENV[@]}" OFFSITE_HTTP_PASSWORD=other -- status) > /dev/null 2> "$W/both.err" || both_rc=$?
both() { [ "$both_rc" = 2 ] && grep -qx 'offsite: OFFSITE_HTTP_PASSWORD and OFFSITE_HTTP_PASSWORD_FILE are both set .*' "$W/both.err"; }
check "a password given both as OFFSITE_HTTP_PASSWORD and OFFSITE_HTTP_PASSWORD_FILE is refused (exit 2, one line)" both
# a pass at once, capped so that it is still sending when stopped: a 5 MiB part takes 20 s at 256 KiB/s
in_image "${RUN_ENV[@]}" OFFSITE_SYNC_RUN_ON_START=true OFFSITE_SYNC_BANDWIDTH=256K -- > "$W/run.log" 2>&1 &
JVM=$!
page() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "http://127.0.0.1:$HTTP_PORT/" || true; }
serving() { [ "$(page -u "admin:$PASSWORD")" = 200 ]; }
check "run serves the status page with the password from OFFSITE_HTTP_PASSWORD_FILE (within 3 minutes)" wait_for 180 serving
check "the page answers 401 without the password" test "$(page)" = 401
uid_of() { awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$1/status"; }
check "the process runs as uid $USER_ID (real, effective, saved, filesystem)" test "$(uid_of "$JVM")" = "$USER_ID $USER_ID $USER_ID $USER_ID"
one_jvm() { [ "$(basename "$(readlink "/proc/$JVM/exe")")" = java ] && [ -z "$(pgrep -P "$JVM" || true)" ]; }
check "the entrypoint's process is the JVM itself, with no child process" one_jvm
check "the image's HEALTHCHECK passes on the running process, on the port of its settings file" healthy "${RUN_ENV[@]}"
parts_stored() { cat "$V/data/activity/"*.jsonl 2> /dev/null | grep '"UploadPart"' | grep -c '"outcome":"200"' || true; }
one_part_stored() { [ "$(parts_stored)" -ge 1 ]; }
check "the pass mirrors the backup set under a 256 KiB/s cap (a part stored)" wait_for 120 one_part_stored
kill -STOP "$JVM"
check "the HEALTHCHECK fails while the process is frozen (SIGSTOP)" unhealthy "${RUN_ENV[@]}"
kill -CONT "$JVM"
check "and passes again once it goes on (SIGCONT)" wait_for 30 healthy "${RUN_ENV[@]}"
stop_sent=$(date +%s%N)
kill -TERM "$JVM"
gone() { ! kill -0 "$JVM" 2> /dev/null; }
if wait_for 10 gone; then
  wait "$JVM" || true
  took=$((($(date +%s%N) - stop_sent) / 100000000))
  check "SIGTERM mid-upload ends the JVM within 10 s (took $((took / 10)).$((took % 10)) s)" true
else
  check "SIGTERM mid-upload ends the JVM within 10 s" false
  kill -9 "$JVM" 2> /dev/null || true # what the engine does then
fi
JVM=
check "the report says the pass was stopped, its upload left for the next window" \
  grep -q 'left for the next window: the process is shutting down' "$V/data/reports/sync-latest.json"
check "the HEALTHCHECK fails once the process is gone" unhealthy "${RUN_ENV[@]}"

# ---------------------------------------------------------------- a one-shot command under a --memory limit
# a memory cgroup of 320 MiB, as an engine's --memory=320m makes one (v1 or v2): writing the class-data archive as the
# JVM exits takes about 200 MB over the command, so the launcher records none there (it was killed so: exit 137)
archives() { ls "$V/data/cds" 2> /dev/null | tr '\n' ' '; }
memory_cgroup() {
  local cg
  if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
    cg=/sys/fs/cgroup/memory/offsite-image-test-$$
    mkdir -p "$cg" && echo $((320 << 20)) > "$cg/memory.limit_in_bytes" || return 1
  elif grep -qw memory /sys/fs/cgroup/cgroup.controllers 2> /dev/null; then
    echo +memory > /sys/fs/cgroup/cgroup.subtree_control 2> /dev/null || true
    cg=/sys/fs/cgroup/offsite-image-test-$$
    mkdir -p "$cg" && echo $((320 << 20)) > "$cg/memory.max" || return 1
  else
    return 1
  fi
  echo "$cg"
}
# the container's cgroup at /sys/fs/cgroup (v2) or /sys/fs/cgroup/memory (v1), read-only, as an engine shows it
show_cgroup() {
  mount -t tmpfs -o size=64k tmpfs "$MNT/sys/fs/cgroup" && MOUNTS+=("$MNT/sys/fs/cgroup") || return 1
  local at=$MNT/sys/fs/cgroup
  case $CG in /sys/fs/cgroup/memory/*) mkdir "$at/memory" && at=$at/memory ;; esac
  mount --bind -o ro "$CG" "$at" && MOUNTS+=("$at")
}
hide_cgroup() {
  local m
  while [ "${#MOUNTS[@]}" -gt 0 ] && m=${MOUNTS[-1]} && [ "${m#"$MNT/sys/fs/cgroup"}" != "$m" ]; do
    umount "$m" && unset 'MOUNTS[-1]' || return 1
  done
}
if CG=$(memory_cgroup 2> /dev/null) && show_cgroup; then
  small_rc=0
  (echo "$BASHPID" > "$CG/cgroup.procs" && in_image -- status) > "$W/small.out" 2>&1 || small_rc=$?
  hide_cgroup
  rmdir "$CG" 2> /dev/null || true
  small() { [ "$small_rc" = 0 ] && [ -z "$(archives)" ]; }
  check "status in a 320 MiB memory limit exits 0 and records no class-data archive (exit $small_rc; $(archives))" small
else
  echo "# skipped: status in a memory limit (no memory cgroup can be made here)"
fi

# ---------------------------------------------------------------- a one-shot sync with no status-page settings
# and its report mailed (offsite.notify.mail.*) to a one-message SMTP sink on 127.0.0.1: the mail libraries are there
SMTP_PORT=$(free_port)
python3 - "$SMTP_PORT" "$W/mail.txt" << 'PY' &
import socket, sys
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(1)
client, _ = server.accept()
lines = client.makefile("rb")
client.sendall(b"220 sink\r\n")
message = b""
for line in lines:
    command = line.strip().upper()
    if command.startswith(b"DATA"):
        client.sendall(b"354 go on\r\n")
        for body in lines:
            if body.rstrip(b"\r\n") == b".":
                break
            message += body
        open(sys.argv[2], "wb").write(message)
    if command.startswith(b"QUIT"):
        client.sendall(b"221 bye\r\n")
        break
    client.sendall(b"250 ok\r\n")
PY
SMTPPID=$!
MAIL_ENV=(OFFSITE_NOTIFY_MAIL_HOST=127.0.0.1 OFFSITE_NOTIFY_MAIL_PORT="$SMTP_PORT" OFFSITE_NOTIFY_MAIL_TLS=none
  OFFSITE_NOTIFY_MAIL_FROM=offsite@localhost OFFSITE_NOTIFY_MAIL_TO=admin@localhost)
sync_rc=0
(in_image "${MAIL_ENV[@]}" TZ=Europe/Berlin -- sync) > "$W/sync.out" 2> "$W/sync.err" || sync_rc=$?
check "sync with the image's OFFSITE_HTTP_HOST=0.0.0.0 and no page password exits 0" test "$sync_rc" = 0
resumed() { grep -qE '^OK: mirror up to date' "$W/sync.out" && grep -qE 'resumed [1-9]' "$W/sync.out"; }
check "its report is OK and resumed the stopped upload from its stored parts" resumed
mirrored() {
  local f
  for f in "$V/backup"/*; do cmp -s "$f" "$W/blobs/$BUCKET/sets/$(basename "$f")" || return 1; done
}
check "the bucket holds every file of /backup, byte for byte" mirrored
mailed() { grep -q '^Subject: .*OK: mirror up to date' "$W/mail.txt" 2> /dev/null; }
check "the report reached the SMTP server by mail" wait_for 60 mailed
in_zone() { grep -qE '^  [0-9-]+ [0-9:]+ CES?T to ' "$W/sync.out"; }
check "the report's times are in the zone TZ names (Europe/Berlin)" in_zone

# ---------------------------------------------------------------- no endpoint: no demo in this image
demo_rc=0
(in_image OFFSITE_S3_ENDPOINT=embedded -- sync) > /dev/null 2> "$W/demo.err" || demo_rc=$?
no_demo() { [ "$demo_rc" = 2 ] && grep -q 'the embedded S3 server is not in this image: set offsite.s3.endpoint' "$W/demo.err"; }
check "without an endpoint, sync exits 2 saying the embedded S3 server is not in this image" no_demo

# ---------------------------------------------------------------- what the runs left
one_archive() { [ "$(ls "$V/data/cds" | grep -c '\.jsa$')" = 1 ] && [ "$(ls "$V/data/cds" | grep -vc '\.jsa$')" = 0 ]; }
check "the launcher's class-data archive is one finished file under /data/cds ($(archives))" one_archive
outside=$(find "$MNT" -xdev \( -path "$MNT/proc" -o -path "$MNT/sys" -o -path "$MNT/dev" -o -path "$MNT/data" \) -prune \
  -o -newer "$W/before-the-runs" -print; find "$V/config" "$V/routes" "$V/keys" "$V/backup" -newer "$W/before-the-runs")
check "nothing was written outside /data${outside:+: $outside}" test -z "$outside"
check "everything under /data belongs to uid $USER_ID" test -z "$(find "$V/data" ! -uid "$USER_ID")"

# ---------------------------------------------------------------- another uid on the same data volume, and back
# as `--user 12345` after the runs above (OpenShift keeps one uid per project; a user changing it by hand meets this)
as_uid() { # uid command: the entrypoint as that uid in group 0 on the data volume the runs above wrote
  env -i "${IMAGE_ENV[@]}" HOME=/ HOSTNAME="$(hostname)" /usr/sbin/chroot --userspec="$1:0" --groups=0 "$MNT" \
    ${WORKDIR:+/usr/bin/env -C "$WORKDIR"} "${ENTRYPOINT[@]}" "$2"
}
head -c 100000 /dev/urandom >> "$V/backup/small.rdb" && touch -d '1 hour ago' "$V/backup/small.rdb"
other_rc=0
as_uid 12345 sync > "$W/other.out" 2>&1 || other_rc=$?
other() { [ "$other_rc" = 0 ] && grep -qE '^OK: mirror up to date: 1 file' "$W/other.out"; }
check "a sync as another uid in group 0 (--user 12345) goes on with the files the image's user wrote (exit $other_rc)" other
back_rc=0
as_uid "$USER_ID" sync > "$W/back.out" 2>&1 || back_rc=$?
back() { [ "$back_rc" = 0 ] && grep -qE '^OK: mirror up to date, nothing to send' "$W/back.out"; }
check "and the image's user goes on with what that uid wrote (exit $back_rc)" back

if [ "$failed" -gt 0 ]; then
  for log in anyone.err run.log both.err small.out sync.out sync.err demo.err other.out back.out; do echo "# --- $log"; tail -25 "$W/$log" | sed 's/^/# /'; done
fi
echo "# took $(($(date +%s) - started)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
