# Shared by scripts/test-systemd.sh and scripts/test-docker.sh: packages, the cached Debian
# rootfs, Azurite and the webhook receiver on the host's loopback, and a tiny test harness.
# Sourced, not run. Every helper fails loudly: nothing here skips a test.

QW_CACHE=${QW_CACHE:-/var/cache/queue-worker-test}
# The rootfs's packages. Its cache file is named after this list, so changing it builds a new one.
QW_ROOTFS_PACKAGES="systemd,systemd-sysv,dbus,libnss-systemd,openjdk-17-jre-headless,procps"
QW_AZURITE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

log() { printf '%s [%s] %s\n' "$(date -u +%H:%M:%S)" "${QW_SUITE:-deploy}" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# ---- the harness: each check is a function; its failure is counted, never skipped ----
QW_PASSED=0
QW_FAILED=0
QW_FAILURES=()
# check NAME FUNCTION: runs FUNCTION in a subshell with errexit; counts it.
check() {
  local name="$1" fn="$2" started rc
  started=$(date +%s)
  log "---- $name"
  set +e
  ( set -eE -o pipefail; "$fn" )
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    QW_PASSED=$((QW_PASSED + 1))
    log "PASS $name ($(( $(date +%s) - started )) s)"
  else
    QW_FAILED=$((QW_FAILED + 1))
    QW_FAILURES+=("$name")
    log "FAIL $name ($(( $(date +%s) - started )) s)"
  fi
}
# expect CONDITION-DESCRIPTION COMMAND...: fails the current check with a message.
expect() {
  local what="$1"; shift
  if ! "$@"; then
    log "  expected: $what"
    return 1
  fi
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s until it succeeds.
wait_for() {
  local limit="$1" what="$2" deadline
  shift 2
  deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "  timed out after ${limit} s waiting for: $what"
      return 1
    fi
    sleep 0.5
  done
}
summary() {
  local f
  for f in "${QW_FAILURES[@]}"; do log "failed: $f"; done
  echo "${QW_SUITE:-deploy}: $QW_PASSED passed, $QW_FAILED failed"
}

# ---- packages: installed once, idempotently ----
apt_install() {
  # apt_install PACKAGE...: installs what is missing; waits for another apt to finish.
  local missing=() p name
  for p in "$@"; do
    name="${p%%=*}"
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]}"
  # A package's own service (docker.io's dockerd) must not start: the tests start what they use.
  local policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy"
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >&2 || { [ -z "$policy" ] || rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
  [ -z "$policy" ] || rm -f "$policy"
}

# ---- the rootfs: Debian bookworm with Java 17, built once per machine, kept as a tarball ----
rootfs_tarball() {
  local key
  key=$(printf '%s' "$QW_ROOTFS_PACKAGES" | sha256sum | cut -c1-12)
  echo "$QW_CACHE/bookworm-rootfs-$key.tar"
}

# ensure_rootfs_tarball: builds the cached tarball when missing (about 45 s, 510 MB); a lock keeps
# two checkouts from building it at once.
ensure_rootfs_tarball() {
  local tarball mirror build
  tarball=$(rootfs_tarball)
  mkdir -p "$QW_CACHE"
  exec 8>"$QW_CACHE/.lock"
  flock -w 900 8 || die "another build of $tarball holds $QW_CACHE/.lock for 15 minutes"
  if [ ! -s "$tarball" ]; then
    # The mirror apt already uses, read at run time: no host is written into the project.
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
    build="$QW_CACHE/build.$$"
    rm -rf "$build"
    log "building the bookworm rootfs once for this machine (about 1 minute): $tarball"
    debootstrap --variant=minbase --include="$QW_ROOTFS_PACKAGES" bookworm "$build" "$mirror" \
      >"$QW_CACHE/debootstrap.log" 2>&1 || { rm -rf "$build"; die "debootstrap failed: see $QW_CACHE/debootstrap.log"; }
    rm -rf "$build"/var/cache/apt/archives/*.deb "$build"/var/lib/apt/lists/*_Packages
    tar -C "$build" -cf "$tarball.tmp" . || die "cannot write $tarball"
    mv "$tarball.tmp" "$tarball"
    rm -rf "$build"
  fi
  flock -u 8
  exec 8>&-
}

# ---- Azurite on free loopback ports (tests of other checkouts may hold the default ones) ----
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_azurite WORKDIR: sets AZURITE_PID, AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, QW_CONNECTION_STRING.
start_azurite() {
  local work="$1" bin
  bin="$QW_REPO/.services/node/node_modules/.bin/azurite"
  [ -x "$bin" ] || die "Azurite is not installed at $bin: run scripts/setup.sh (it installs .services/node)"
  AZURITE_BLOB_PORT=$(free_port)
  AZURITE_QUEUE_PORT=$(free_port)
  AZURITE_TABLE_PORT=$(free_port)
  mkdir -p "$work/azurite"
  setsid "$bin" --silent --skipApiVersionCheck --location "$work/azurite" \
    --blobHost 127.0.0.1 --blobPort "$AZURITE_BLOB_PORT" --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" >"$work/azurite.log" 2>&1 &
  AZURITE_PID=$!
  disown "$AZURITE_PID"    # stopped by stop_pid; no "Killed" notice from the shell
  QW_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$QW_AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;"
  wait_for 30 "Azurite on 127.0.0.1:$AZURITE_QUEUE_PORT" bash -c "exec 3<>/dev/tcp/127.0.0.1/$AZURITE_QUEUE_PORT" \
    || die "Azurite did not start: $(tail -5 "$work/azurite.log")"
  log "Azurite: blob $AZURITE_BLOB_PORT, queue $AZURITE_QUEUE_PORT (pid $AZURITE_PID)"
}

# start_webhooks WORKDIR: a receiver on a free port that appends each POST body as one line to
# WORKDIR/webhooks.jsonl; sets WEBHOOK_PID, WEBHOOK_PORT, WEBHOOKS.
start_webhooks() {
  local work="$1"
  WEBHOOK_PORT=$(free_port)
  WEBHOOKS="$work/webhooks.jsonl"
  : >"$WEBHOOKS"
  setsid python3 "$QW_REPO/scripts/deploy-tests/webhook_receiver.py" "$WEBHOOK_PORT" "$WEBHOOKS" \
    >"$work/webhooks.log" 2>&1 &
  WEBHOOK_PID=$!
  disown "$WEBHOOK_PID"
  wait_for 15 "webhook receiver on 127.0.0.1:$WEBHOOK_PORT" bash -c "exec 3<>/dev/tcp/127.0.0.1/$WEBHOOK_PORT" \
    || die "the webhook receiver did not start: $(tail -5 "$work/webhooks.log")"
}

# webhook_count TASK_ID STATUS CLIENT: how many webhooks arrived for the task with that outcome.
webhook_count() {
  grep -F "\"task_id\":\"$1\"" "$WEBHOOKS" | grep -F "\"status\":\"$2\"" | grep -cF "\"client_id\":\"$3\"" || true
}
has_webhook() { [ "$(webhook_count "$@")" -ge 1 ]; }

# stop_pid PID: SIGTERM, then SIGKILL after 10 s; the process group when it leads one.
stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# ---- the sleep plugin: a long task, so that stop and restart meet a task in flight ----
# build_sleep_plugin OUT_DIR: compiles scripts/deploy-tests/plugin against worker-api's jar.
build_sleep_plugin() {
  local out="$1" api
  api=$(ls "$QW_REPO"/worker-api/target/worker-api-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1)
  [ -n "$api" ] || die "worker-api's jar is missing: build with ./mvnw -B -ntp -q -pl worker-runner -am package -DskipTests"
  rm -rf "$out/classes"
  mkdir -p "$out/classes/META-INF/services"
  javac --release 17 -d "$out/classes" -cp "$api" "$QW_REPO"/scripts/deploy-tests/plugin/*.java \
    || die "the sleep plugin does not compile"
  echo "dev.queueworker.deploytest.SleepHandler" >"$out/classes/META-INF/services/dev.queueworker.api.TaskHandler"
  jar --create --file "$out/sleep-plugin.jar" -C "$out/classes" . || die "jar failed"
}
