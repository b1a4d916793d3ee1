#!/usr/bin/env bash
# The deployment guide's systemd path, run for real: Debian bookworm booted with systemd as PID 1
# under systemd-nspawn, deploy/systemd/install-worker-service.sh run as the guide writes it, and the
# daemon's units started, stopped, restarted, broken and killed, against Azurite and a webhook
# receiver on the host's 127.0.0.1 (the container shares the host's network).
#
#   ./scripts/test-systemd.sh          after ./mvnw ... package (needs worker-runner/target/queue-worker.jar)
#   QW_JAR=/path/to/queue-worker.jar ./scripts/test-systemd.sh     the same with another build of the jar
#
# Then the tenants service (scripts/deploy-tests/systemd-tenants.sh): install-worker-service.sh
# --tenants refused beside per-client services of the same clients, one queue-worker-tenants
# serving two clients, a third added with --add-client and 'systemctl reload' while the others'
# tasks run, one removed and drained, its sandbox and systemd-analyze security.
#
# Root only. Installs what it needs (systemd-container pinned to the installed systemd, debootstrap);
# builds the rootfs once per machine into /var/cache/queue-worker-test (QW_CACHE). Every check
# fails loudly; none is skipped. Ends with 'systemd: N passed, N failed'; exit 1 when one failed.
# Everything it starts is stopped, and what nspawn leaves is removed, on any exit.
set -euo pipefail

QW_SUITE=systemd
QW_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy-tests/lib.sh
source "$QW_REPO/scripts/deploy-tests/lib.sh"

JAR="${QW_JAR:-$QW_REPO/worker-runner/target/queue-worker.jar}"
DIR=/opt/worker                      # the guide's directory, shared by every client
[ "$(id -u)" -eq 0 ] || die "run as root: it boots a container with systemd-nspawn"
[ -f "$JAR" ] || die "$JAR is missing: build with ./mvnw -B -ntp -q -pl worker-runner -am package -DskipTests"

started_at=$(date +%s)
apt_install "systemd-container=$(dpkg-query -W -f='${Version}' systemd)" debootstrap
ensure_rootfs_tarball

WORK="$(mktemp -d /var/tmp/qw-systemd.XXXXXX)"
MACHINE="qw-$(basename "$WORK" | cut -d. -f2 | tr 'A-Z' 'a-z')"
ROOTFS="$WORK/rootfs"
NSPAWN_PID=""
CPID=""
AZURITE_PID=""
WEBHOOK_PID=""

cleanup() {
  local rc=$? h i
  set +e
  if [ -n "$CPID" ] && kill -0 "$CPID" 2>/dev/null; then
    nsenter -t "$CPID" -a systemctl poweroff >/dev/null 2>&1
  fi
  if [ -n "$NSPAWN_PID" ]; then
    for i in $(seq 1 30); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$NSPAWN_PID" 2>/dev/null
    [ -n "$CPID" ] && kill -KILL "$CPID" 2>/dev/null
    for i in $(seq 1 20); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.5; done
  fi
  stop_pid "$AZURITE_PID"
  stop_pid "$WEBHOOK_PID"
  # The cgroups nspawn made under ours (payload/, supervisor/ and, after a kill, the container's
  # own), deepest first, then ours; its lock and runtime directories for this machine.
  for h in systemd unified; do
    [ -d "/sys/fs/cgroup/$h/$MACHINE" ] && find "/sys/fs/cgroup/$h/$MACHINE" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  [ -d "$ROOTFS" ] && rm -f "/run/systemd/nspawn/locks/inode-$(stat -c '%d:%i' "$ROOTFS")"
  mountpoint -q "$ROOTFS" && umount -l "$ROOTFS"
  rm -rf "/run/systemd/nspawn/propagate/$MACHINE" "/run/systemd/nspawn/unix-export/$MACHINE"
  rmdir /run/systemd/nspawn/propagate /run/systemd/nspawn/unix-export /run/systemd/nspawn/locks /run/systemd/nspawn 2>/dev/null
  if [ "${QW_KEEP_WORK:-0}" = 1 ]; then
    log "kept $WORK (QW_KEEP_WORK=1)"
  else
    rm -rf "$WORK"
  fi
  leftovers=$(ls -d "/sys/fs/cgroup/systemd/$MACHINE" "/sys/fs/cgroup/unified/$MACHINE" /run/systemd/nspawn "$WORK" 2>/dev/null)
  [ -z "$leftovers" ] || log "WARNING: left behind: $leftovers"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the container ----

# cin COMMAND...: runs COMMAND as root inside the booted container, with a clean environment.
cin() {
  nsenter -t "$CPID" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
    SYSTEMD_COLORS=0 SYSTEMD_PAGER= "$@"
}
prop() { cin systemctl show "$1" -p "$2" --value; }
journal() { cin journalctl -u "$1" -o cat --no-pager; }

container_init() {
  local c
  for c in $(pgrep -P "$NSPAWN_PID"); do
    if [ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ]; then echo "$c"; return 0; fi
  done
  return 1
}

boot_container() {
  mkdir -p "$ROOTFS"
  # In memory: unpacking and removing some 30,000 files is seconds there, and minutes on a busy disk.
  mount -t tmpfs -o size=3g,mode=0755 qw-rootfs "$ROOTFS" || die "cannot mount a tmpfs on $ROOTFS"
  tar -C "$ROOTFS" -xf "$(rootfs_tarball)" || die "cannot unpack the rootfs"
  echo "$MACHINE" >"$ROOTFS/etc/hostname"
  # nspawn runs in a cgroup of its own, so that two runs on one machine do not share payload/.
  # shellcheck disable=SC2016
  setsid bash -c 'for h in systemd unified; do mkdir -p "/sys/fs/cgroup/$h/$1" && echo $$ >"/sys/fs/cgroup/$h/$1/cgroup.procs"; done
    exec systemd-nspawn -D "$2" -b --console=passive --register=no --keep-unit -M "$1"' _ "$MACHINE" "$ROOTFS" \
    >"$WORK/nspawn.log" 2>&1 &
  NSPAWN_PID=$!
  disown "$NSPAWN_PID"
  # The container's PID 1 is nspawn's child running systemd (before the exec, bash's children are
  # mkdir and the like).
  wait_for 30 "the container's systemd" container_init || die "nspawn did not start: $(tail -5 "$WORK/nspawn.log")"
  CPID=$(container_init)
  wait_for 60 "the container's systemd running" bash -c \
    "test \"\$(nsenter -t $CPID -a systemctl is-system-running --wait 2>/dev/null)\" = running" \
    || die "the container's systemd is not running: $(tail -20 "$WORK/nspawn.log")"
  log "container $MACHINE booted (systemd PID $CPID on the host)"
}

# ---- what the tests send ----

# submit CLIENT TYPE ARGS...: the daemon jar's own submit command, from the host; prints the task id.
submit() {
  local client="$1"
  shift
  env -i PATH="$PATH" HOME="$WORK" CLIENT_ID="$client" AZURE_STORAGE_CONNECTION_STRING="$QW_CONNECTION_STRING" \
    BLOB_NAME_TEMPLATE='{client_id}/{filename}' java -jar "$JAR" submit "$@" 2>>"$WORK/submit.log"
}
document() {
  # document CLIENT: a small text file naming its client, in WORK.
  printf '%s policy.\n\nStaff of %s may work remotely two days a week. Requests go to the team lead.\n' "$1" "$1" \
    >"$WORK/$1-policy.txt"
  echo "$WORK/$1-policy.txt"
}
completed() { has_webhook "$1" completed "$2"; }
# (grep -q after a pipe would end journalctl early: a SIGPIPE that pipefail counts as a failure.)
in_journal() { local j; j=$(journal "$1"); grep -qF -- "$2" <<<"$j"; }
# ready UNIT: its current main process has logged 'queue-worker ready'.
ready() {
  local pid
  pid=$(prop "$1" MainPID)
  [ "$pid" != 0 ] || return 1
  pid=$(cin journalctl -u "$1" _PID="$pid" -o cat --no-pager)
  grep -qF "queue-worker ready" <<<"$pid"
}

install_client() {
  # The guide's command, as written (CLIENT_ID in the environment is what the old guide said).
  cin bash -c "cd /root/queue-worker/deploy/systemd && CLIENT_ID=$1 ./install-worker-service.sh $1 $DIR" \
    >>"$WORK/install.log" 2>&1
}

# the guide's log lines (DESIGN.md) for one ingest task in a unit's journal
expect_ingest_lines() {
  local unit="$1" id="$2" file="$3"
  wait_for 20 "'Task $id completed' in $unit's journal" in_journal "$unit" "Task $id completed with status: completed"
  local j
  j=$(journal "$unit")
  for line in "Processing task $id: ingest" "Ingestion completed: $file" "Task $id completed with status: completed" \
      "Webhook sent successfully to http://127.0.0.1:$WEBHOOK_PORT/hook"; do
    expect "'$line' in journalctl -u $unit" grep -qF -- "$line" <<<"$j"
  done
}

# ---- setup: the guide's Multi-Tenancy section with two clients ----
start_azurite "$WORK"
start_webhooks "$WORK"
build_sleep_plugin "$WORK/plugin"
boot_container

mkdir -p "$ROOTFS/root/queue-worker/deploy/systemd"
cp "$QW_REPO/deploy/systemd/install-worker-service.sh" "$ROOTFS/root/queue-worker/deploy/systemd/"
cp "$QW_REPO/.env.worker.example" "$ROOTFS/root/queue-worker/"
install_client southhaven || die "installing southhaven failed: $(tail -5 "$WORK/install.log")"
install_client demo || die "installing demo failed: $(tail -5 "$WORK/install.log")"
cp "$JAR" "$ROOTFS$DIR/queue-worker.jar"
mkdir -p "$ROOTFS$DIR/plugins"
cp "$WORK/plugin/sleep-plugin.jar" "$ROOTFS$DIR/plugins/"
# The one shared .env, filled in with the shared settings as the guide says.
cat >>"$ROOTFS$DIR/.env" <<EOF

# ---- filled in by scripts/test-systemd.sh ----
AZURE_STORAGE_CONNECTION_STRING=$QW_CONNECTION_STRING
BLOB_NAME_TEMPLATE={client_id}/{filename}
WEBHOOK_URL=http://127.0.0.1:$WEBHOOK_PORT/hook
WORKER_POLLING_INTERVAL=1s
WORKER_PLUGINS_DIR=$DIR/plugins
EOF
cin systemctl start queue-worker-southhaven queue-worker-demo
for c in southhaven demo; do
  wait_for 90 "queue-worker-$c ready" ready "queue-worker-$c" \
    || die "queue-worker-$c did not start: $(journal "queue-worker-$c" | tail -5)"
done

# ---- the checks ----

test_two_clients_in_one_dir_each_serve_their_own() {
  local s d
  s=$(submit southhaven ingest --file "$(document southhaven)" --document-set policies)
  d=$(submit demo ingest --file "$(document demo)" --document-set policies)
  wait_for 60 "southhaven's task $s completed" completed "$s" southhaven
  wait_for 60 "demo's task $d completed" completed "$d" demo
  expect_ingest_lines queue-worker-southhaven "$s" southhaven-policy.txt
  expect_ingest_lines queue-worker-demo "$d" demo-policy.txt
  expect "Worker started: client southhaven in its journal" in_journal queue-worker-southhaven "Worker started: client southhaven,"
  expect "Worker started: client demo in its journal" in_journal queue-worker-demo "Worker started: client demo,"
  expect "demo's task absent from southhaven's journal" test "$(journal queue-worker-southhaven | grep -cF "$d")" -eq 0
  expect "southhaven's task absent from demo's journal" test "$(journal queue-worker-demo | grep -cF "$s")" -eq 0
  expect "each webhook once, for its own client" test "$(grep -c "" "$WEBHOOKS")" -eq 2
}

test_a_third_client_leaves_the_others_files_alone() {
  local before after n
  before=$(cin bash -c "cd / && sha256sum $DIR/.env $DIR/clients/* /etc/systemd/system/queue-worker-*")
  install_client northfield
  after=$(cin bash -c "cd / && sha256sum $DIR/.env $DIR/clients/* /etc/systemd/system/queue-worker-*")
  expect "southhaven's and demo's files unchanged" test "$(grep -v northfield <<<"$after")" = "$before"
  expect "northfield's own files" test "$(grep -c northfield <<<"$after")" -eq 3
  cin systemctl start queue-worker-northfield
  wait_for 90 "queue-worker-northfield ready" ready queue-worker-northfield
  n=$(submit northfield ingest --file "$(document northfield)" --document-set policies)
  wait_for 60 "northfield's task $n completed" completed "$n" northfield
  expect_ingest_lines queue-worker-northfield "$n" northfield-policy.txt
  expect "northfield's task absent from the other journals" \
    test "$(journal queue-worker-southhaven | grep -cF "$n")$(journal queue-worker-demo | grep -cF "$n")" = 00
  expect "three data directories" test "$(cin ls $DIR/data)" = "$(printf 'demo\nnorthfield\nsouthhaven')"
}

test_stop_drains_a_running_task() {
  local t
  t=$(submit northfield sleep --payload '{"seconds": 6}')
  wait_for 30 "northfield processing $t" in_journal queue-worker-northfield "Processing task $t: sleep"
  cin systemctl stop queue-worker-northfield
  # 'systemctl stop' returns when the unit has stopped: the task finished first.
  expect "task $t completed before stop returned" completed "$t" northfield
  expect "Result=success" test "$(prop queue-worker-northfield Result)" = success
  expect "exit status 0" test "$(prop queue-worker-northfield ExecMainStatus)" = 0
  expect "the drain in the journal" in_journal queue-worker-northfield "running tasks (1) may finish within PT30S"
  # journald may take a moment to store the last lines of a process that has exited.
  wait_for 10 "'Stopped' in the journal" in_journal queue-worker-northfield "dev.queueworker.runner Stopped"
}

test_two_instances_share_one_queue() {
  local ids=() i
  # The client's own settings file: one task at a time, so that four tasks need both workers.
  printf 'WORKER_CONCURRENCY=1\nWORKER_MAX_MESSAGES=1\n' >>"$ROOTFS$DIR/clients/demo.env"
  cin systemctl disable --now queue-worker-demo 2>/dev/null
  cin systemctl enable --now queue-worker-demo@1 queue-worker-demo@2 2>/dev/null
  for i in 1 2; do
    wait_for 90 "queue-worker-demo@$i ready" ready "queue-worker-demo@$i"
  done
  for i in 1 2 3 4; do submit demo sleep --payload '{"seconds": 3}' >"$WORK/id.$i" & done
  wait
  for i in 1 2 3 4; do ids+=("$(cat "$WORK/id.$i")"); done
  for i in "${ids[@]}"; do wait_for 60 "demo's task $i completed" completed "$i" demo; done
  expect "@1 ran at least one task" test "$(journal queue-worker-demo@1 | grep -c 'Processing task .*: sleep')" -ge 1
  expect "@2 ran at least one task" test "$(journal queue-worker-demo@2 | grep -c 'Processing task .*: sleep')" -ge 1
  expect "each task ran once" test "$( (journal queue-worker-demo@1; journal queue-worker-demo@2) | grep -c 'Processing task .*: sleep')" -eq 4
  expect "each instance its own data directory" cin test -d $DIR/data/demo/1 -a -d $DIR/data/demo/2
}

test_restart_after_replacing_the_jar_loses_no_task() {
  local a b old new inode
  old=$(prop queue-worker-southhaven MainPID)
  a=$(submit southhaven sleep --payload '{"seconds": 5}')
  b=$(submit southhaven sleep --payload '{"seconds": 5}')
  wait_for 30 "southhaven processing $a" in_journal queue-worker-southhaven "Processing task $a: sleep"
  # The guide's "Updating": copy beside, rename over, restart.
  cp "$JAR" "$ROOTFS$DIR/queue-worker.jar.new"
  cin mv $DIR/queue-worker.jar.new $DIR/queue-worker.jar
  cin systemctl restart queue-worker-southhaven
  wait_for 60 "task $a completed" completed "$a" southhaven
  wait_for 60 "task $b completed" completed "$b" southhaven
  wait_for 90 "queue-worker-southhaven ready after the restart" ready queue-worker-southhaven
  new=$(prop queue-worker-southhaven MainPID)
  expect "a new process ($old -> $new)" test "$new" != "$old" -a "$new" != 0
  inode=$(cin stat -c %i $DIR/queue-worker.jar)
  expect "the new process holds the new jar open" \
    bash -c "nsenter -t $CPID -a sh -c 'for f in /proc/$new/fd/*; do stat -L -c %i \"\$f\" 2>/dev/null; done' | grep -qx '$inode'"
  expect "each task completed once" test "$(webhook_count "$a" completed southhaven)$(webhook_count "$b" completed southhaven)" = 11
}

test_hardening_is_in_effect_for_the_running_process() {
  local pid status score unit
  pid=$(prop queue-worker-southhaven MainPID)
  status=$(cin cat "/proc/$pid/status")
  expect "NoNewPrivs 1" grep -qE '^NoNewPrivs:[[:space:]]+1$' <<<"$status"
  expect "no effective capabilities" grep -qE '^CapEff:[[:space:]]+0+$' <<<"$status"
  expect "runs as the user worker" test "$(cin ps -o user= -p "$pid")" = worker
  # Inside the service's own mount namespace (root there too, so only the sandbox can refuse):
  cin bash -c "echo probe >/tmp/qw-host-probe; echo probe >/root/qw-home-probe"
  expect "/usr is read-only (ProtectSystem=strict)" \
    bash -c "! nsenter -t $CPID -a nsenter -t $pid -m touch /usr/qw-probe 2>/dev/null"
  expect "/etc is read-only (ProtectSystem=strict)" \
    bash -c "! nsenter -t $CPID -a nsenter -t $pid -m touch /etc/qw-probe 2>/dev/null"
  expect "the client's data directory is writable" \
    nsenter -t "$CPID" -a nsenter -t "$pid" -m sh -c "touch $DIR/data/southhaven/qw-probe && rm $DIR/data/southhaven/qw-probe"
  expect "DIR itself is read-only" bash -c "! nsenter -t $CPID -a nsenter -t $pid -m touch $DIR/qw-probe 2>/dev/null"
  expect "/root is hidden (ProtectHome)" bash -c "! nsenter -t $CPID -a nsenter -t $pid -m cat /root/qw-home-probe 2>/dev/null"
  expect "/tmp is private (PrivateTmp)" bash -c "! nsenter -t $CPID -a nsenter -t $pid -m cat /tmp/qw-host-probe 2>/dev/null"
  for unit in queue-worker-southhaven queue-worker-demo@1; do
    score=$(cin systemd-analyze security --no-pager "$unit" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    log "  systemd-analyze security $unit: ${score:-none}"
    expect "an exposure level for $unit" test -n "$score"
    expect "$unit exposure $score <= 2.0" awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
  done
}

test_the_guides_check_command_sees_what_the_unit_sees() {
  local out
  # docs/deployment.md's troubleshooting command: check as the service user with the unit's settings.
  out=$(cin systemd-run --pipe --wait --quiet -p User=worker -p WorkingDirectory=$DIR \
    -p EnvironmentFile=$DIR/.env -p EnvironmentFile=$DIR/clients/southhaven.env -E WORKER_DATA_DIR=$DIR/data/southhaven \
    java -jar $DIR/queue-worker.jar check --client southhaven --env-file $DIR/clients/southhaven.env) \
    || { printf '%s\n' "$out" >&2; return 1; }
  printf '%s\n' "$out" >&2
  expect "check names southhaven's queue" grep -qE '^queue +OK +southhaven-tasks' <<<"$out"
  expect "check finds the data directory writable" grep -qE "^vector store +OK +WORKER_DATA_DIR $DIR/data/southhaven is writable" <<<"$out"
  expect "no check failed" grep -qx 'no check failed' <<<"$out"
  # docs/deployment.md's and operations.md's poison list on the server, naming the client.
  out=$(cin bash -c "cd $DIR && env CLIENT_ID=southhaven java -jar queue-worker.jar poison list")
  printf '%s\n' "$out" >&2
  expect "poison list reads southhaven's poison queue" grep -qF "southhaven-tasks-poison" <<<"$out"
}

test_bad_configuration_exits_2_and_is_not_restarted_but_a_crash_is() {
  local c old new line
  # A new DIR whose .env was never filled in: no connection string.
  cin bash -c "cd /root/queue-worker/deploy/systemd && ./install-worker-service.sh fresh /opt/fresh" >>"$WORK/install.log" 2>&1
  cp "$JAR" "$ROOTFS/opt/fresh/queue-worker.jar"
  # A bad value, and a client's file naming another client.
  install_client badvalue
  echo "WORKER_VISIBILITY_TIMEOUT=soon" >>"$ROOTFS$DIR/clients/badvalue.env"
  install_client mismatch
  echo "CLIENT_ID=southhaven" >>"$ROOTFS$DIR/clients/mismatch.env"
  old=$(prop queue-worker-southhaven MainPID)
  cin systemctl start --no-block queue-worker-fresh queue-worker-badvalue queue-worker-mismatch
  cin kill -9 "$old"
  for c in fresh badvalue mismatch; do
    wait_for 60 "queue-worker-$c failed" bash -c "test \"\$(nsenter -t $CPID -a systemctl show queue-worker-$c -p ActiveState --value)\" = failed"
  done
  # A crash is restarted after RestartSec=10s; by then a bad configuration would have been too.
  wait_for 40 "queue-worker-southhaven restarted after kill -9" \
    bash -c "test \"\$(nsenter -t $CPID -a systemctl show queue-worker-southhaven -p NRestarts --value)\" = 1"
  wait_for 90 "queue-worker-southhaven ready again" ready queue-worker-southhaven
  new=$(prop queue-worker-southhaven MainPID)
  expect "a new southhaven process" test "$new" != "$old" -a "$new" != 0
  for c in fresh badvalue mismatch; do
    expect "queue-worker-$c: exit status 2" test "$(prop queue-worker-$c ExecMainStatus)" = 2
    expect "queue-worker-$c: not restarted" test "$(prop queue-worker-$c NRestarts)" = 0
    expect "queue-worker-$c: Result=exit-code" test "$(prop queue-worker-$c Result)" = exit-code
    # The worker's own output: exactly one line.
    expect "queue-worker-$c: one line from the worker" \
      test "$(cin journalctl -o cat --no-pager SYSLOG_IDENTIFIER=queue-worker-$c | grep -c '')" -eq 1
    line=$(cin journalctl -o cat --no-pager SYSLOG_IDENTIFIER=queue-worker-$c)
    log "  queue-worker-$c: $line"
  done
  expect "fresh: names the connection string" \
    bash -c "nsenter -t $CPID -a journalctl -o cat SYSLOG_IDENTIFIER=queue-worker-fresh | grep -q '^queue-worker: configuration error: QUEUE_PROVIDER=azure needs AZURE_STORAGE_CONNECTION_STRING'"
  expect "badvalue: names the variable" \
    bash -c "nsenter -t $CPID -a journalctl -o cat SYSLOG_IDENTIFIER=queue-worker-badvalue | grep -q '^queue-worker: configuration error: WORKER_VISIBILITY_TIMEOUT'"
  expect "mismatch: names both clients" \
    bash -c "nsenter -t $CPID -a journalctl -o cat SYSLOG_IDENTIFIER=queue-worker-mismatch | grep -q \"^queue-worker: configuration error: CLIENT_ID is 'southhaven' .* --client mismatch\""
  expect "the crash in southhaven's journal" bash -c "nsenter -t $CPID -a journalctl -u queue-worker-southhaven -o cat | grep -q 'Main process exited, code=killed, status=9/KILL'"
}

check "two clients in one DIR: each completes only its own tasks, with the guide's log lines" test_two_clients_in_one_dir_each_serve_their_own
check "a third client in the same DIR: the others' files untouched, its own tasks only" test_a_third_client_leaves_the_others_files_alone
check "systemctl stop drains a running task, Result=success" test_stop_drains_a_running_task
check "queue-worker-demo@1 and @2 share one queue and both work" test_two_instances_share_one_queue
check "Updating: replace the jar, systemctl restart, no task lost" test_restart_after_replacing_the_jar_loses_no_task
check "hardening in effect for the running process; systemd-analyze security <= 2.0" test_hardening_is_in_effect_for_the_running_process
check "the guide's check and poison list commands on the server" test_the_guides_check_command_sees_what_the_unit_sees
check "bad configuration exits 2, one line, not restarted; kill -9 is restarted" test_bad_configuration_exits_2_and_is_not_restarted_but_a_crash_is

# ---- the tenants service: one daemon for every client of a directory ----
# shellcheck source=deploy-tests/systemd-tenants.sh
source "$QW_REPO/scripts/deploy-tests/systemd-tenants.sh"
check "tenants: --tenants refused where per-client services serve the same clients" test_tenants_refused_where_per_client_services_serve_the_same_clients
check "tenants: one service, two clients, each completing only its own tasks" test_tenants_two_clients_each_complete_only_their_own
check "tenants: a third client added and reloaded; the others' running tasks go on" test_tenants_a_third_client_starts_on_reload_without_interrupting_the_others
check "tenants: a removed client drains on reload; the others go on" test_tenants_a_removed_client_drains_and_the_others_go_on
check "tenants: sandbox in effect, systemd-analyze security <= 2.0, a per-client install of its client refused" test_tenants_sandbox_and_score

log "wall time $(( $(date +%s) - started_at )) s"
summary
[ "$QW_FAILED" -eq 0 ]
