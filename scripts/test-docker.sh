#!/usr/bin/env bash
# deploy/docker/Dockerfile, built and run for real: a dockerd of its own, a local base image made from
# the cached Debian bookworm rootfs of scripts/test-systemd.sh (docker import), the image built with
# BASE_IMAGE=<that> and JAR_FROM=context, then 'version', 'check', a real task and a SIGTERM drain
# against Azurite and a webhook receiver on the host's 127.0.0.1 (--network host).
#
#   ./scripts/test-docker.sh           after ./mvnw ... package (needs worker-runner/target/queue-worker.jar)
#
# Root only. Installs docker.io when missing. Its dockerd listens on a socket of its own, makes no
# bridge and no iptables rules, and is stopped with its data-root removed on any exit. Ends with
# 'docker: N passed, N failed'; exit 1 when one failed.
set -euo pipefail

QW_SUITE=docker
QW_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy-tests/lib.sh
source "$QW_REPO/scripts/deploy-tests/lib.sh"

JAR="$QW_REPO/worker-runner/target/queue-worker.jar"
[ "$(id -u)" -eq 0 ] || die "run as root: it starts a Docker engine"
[ -f "$JAR" ] || die "$JAR is missing: build with ./mvnw -B -ntp -q -pl worker-runner -am package -DskipTests"

started_at=$(date +%s)
apt_install docker.io debootstrap
ensure_rootfs_tarball

WORK="$(mktemp -d /var/tmp/qw-docker.XXXXXX)"
DOCKERD_PID=""
AZURITE_PID=""
WEBHOOK_PID=""
# Debian's client, matching its engine (another docker client earlier on the PATH may be newer).
DOCKER_BIN=/usr/bin/docker
export DOCKER_HOST="unix://$WORK/docker.sock"
export DOCKER_BUILDKIT=1
IMAGE=queue-worker:test
BASE=queue-worker-test/bookworm-jre:local

docker() { "$DOCKER_BIN" "$@"; }

cleanup() {
  local rc=$? m
  set +e
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    docker ps -aq | xargs -r "$DOCKER_BIN" rm -f >/dev/null 2>&1
    kill -TERM "$DOCKERD_PID"
    for m in $(seq 1 40); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$DOCKERD_PID" 2>/dev/null
  fi
  stop_pid "$AZURITE_PID"
  stop_pid "$WEBHOOK_PID"
  # Whatever dockerd left mounted under its roots, deepest first; then the roots themselves.
  awk -v w="$WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
  if [ "${QW_KEEP_WORK:-0}" = 1 ]; then log "kept $WORK (QW_KEEP_WORK=1)"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_dockerd() {
  # No bridge, no iptables rules: the containers use the host's network. containerd is dockerd's own
  # child, under the exec-root.
  setsid dockerd --data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" \
    -H "$DOCKER_HOST" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
    >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  disown "$DOCKERD_PID"
  wait_for 60 "dockerd on $DOCKER_HOST" docker version || die "dockerd did not start: $(tail -5 "$WORK/dockerd.log")"
  log "dockerd $(docker version -f '{{.Server.Version}}') (pid $DOCKERD_PID), storage $(docker info -f '{{.Driver}}')"
}

submit() {
  local client="$1"
  shift
  env -i PATH="$PATH" HOME="$WORK" CLIENT_ID="$client" AZURE_STORAGE_CONNECTION_STRING="$QW_CONNECTION_STRING" \
    java -jar "$JAR" submit "$@" 2>>"$WORK/submit.log"
}
completed() { has_webhook "$1" completed "$2"; }
in_logs() { local l; l=$(docker logs "$1" 2>&1); grep -qF -- "$2" <<<"$l"; }
# the worker's settings, as docker run -e options
worker_env() {
  printf '%s\n' -e CLIENT_ID=docker-test -e "AZURE_STORAGE_CONNECTION_STRING=$QW_CONNECTION_STRING" \
    -e "WEBHOOK_URL=http://127.0.0.1:$WEBHOOK_PORT/hook" -e WORKER_POLLING_INTERVAL=1s \
    -e WORKER_PLUGINS_DIR=/app/plugins -e "WORKER_HTTP_PORT=$HTTP_PORT"
}

start_azurite "$WORK"
start_webhooks "$WORK"
build_sleep_plugin "$WORK/plugin"
HTTP_PORT=$(free_port)
start_dockerd

# ---- the checks ----

test_the_image_builds_from_a_local_base() {
  docker import "$(rootfs_tarball)" "$BASE" >/dev/null
  docker build --network host --build-arg BASE_IMAGE="$BASE" --build-arg JAR_FROM=context \
    -t "$IMAGE" -f "$QW_REPO/deploy/docker/Dockerfile" "$QW_REPO" >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; return 1; }
  expect "the image runs as 10001:10001" test "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" = 10001:10001
  expect "its jar is the one built" test "$(docker run --rm --entrypoint sha256sum "$IMAGE" /app/queue-worker.jar | cut -c1-64)" \
    = "$(sha256sum "$JAR" | cut -c1-64)"
}

test_version_and_check() {
  local out
  out=$(docker run --rm --network host "$IMAGE" version)
  log "  $(tr '\n' ' ' <<<"$out")"
  expect "version names queue-worker" grep -qE '^queue-worker [0-9]' <<<"$out"
  expect "version names Java 17" grep -qE '^Java 17' <<<"$out"
  # shellcheck disable=SC2046
  out=$(docker run --rm --network host $(worker_env) -v "$WORK/plugin:/app/plugins:ro" "$IMAGE" check 2>&1) \
    || { printf '%s\n' "$out" >&2; return 1; }
  printf '%s\n' "$out" >"$WORK/check.out"
  expect "check's table passes the queue" grep -qE '^queue .*OK' <<<"$out"
  expect "no FAIL" bash -c "! grep -q ' FAIL ' '$WORK/check.out'"
}

test_a_real_task_as_non_root() {
  local t
  # shellcheck disable=SC2046
  docker run -d --name qw --network host $(worker_env) -v "$WORK/plugin:/app/plugins:ro" \
    --health-interval 2s --health-start-period 60s "$IMAGE" >/dev/null
  wait_for 90 "the worker ready" in_logs qw "queue-worker ready"
  expect "PID 1 runs as uid 10001" test "$(docker exec qw sh -c "awk '/^Uid:/ {print \$2}' /proc/1/status")" = 10001
  expect "/app is not writable" bash -c "! $DOCKER_BIN exec qw touch /app/probe 2>/dev/null"
  t=$(submit docker-test ingest --file "$QW_REPO/scripts/deploy-tests/webhook_receiver.py" --document-set code)
  wait_for 60 "task $t completed" completed "$t" docker-test
  wait_for 10 "the guide's lines in docker logs" in_logs qw "Task $t completed with status: completed"
  expect "'Processing task' in docker logs" in_logs qw "Processing task $t: ingest"
  expect "'Ingestion completed' in docker logs" in_logs qw "Ingestion completed: webhook_receiver.py"
  wait_for 60 "HEALTHCHECK healthy" bash -c "test \"\$($DOCKER_BIN inspect -f '{{.State.Health.Status}}' qw)\" = healthy"
}

test_sigterm_drains_and_exits_0() {
  local t
  t=$(submit docker-test sleep --payload '{"seconds": 5}')
  wait_for 30 "qw processing $t" in_logs qw "Processing task $t: sleep"
  docker stop -t 60 qw >/dev/null
  expect "task $t completed before the container stopped" completed "$t" docker-test
  expect "exit code 0" test "$(docker inspect -f '{{.State.ExitCode}}' qw)" = 0
  expect "the drain in docker logs" in_logs qw "running tasks (1) may finish within PT30S"
  expect "'Stopped' in docker logs" in_logs qw "dev.queueworker.runner Stopped"
  docker rm qw >/dev/null
}

check "docker build with BASE_IMAGE=a local bookworm and JAR_FROM=context" test_the_image_builds_from_a_local_base
check "docker run ... version, and check against Azurite" test_version_and_check
check "the daemon in the image runs a real task as uid 10001; HEALTHCHECK healthy" test_a_real_task_as_non_root
check "docker stop (SIGTERM) drains a running task and exits 0" test_sigterm_drains_and_exits_0

log "wall time $(( $(date +%s) - started_at )) s"
summary
[ "$QW_FAILED" -eq 0 ]
