# The tenants service of scripts/test-systemd.sh: 'install-worker-service.sh --tenants DIR' and one
# daemon, 'queue-worker.jar run --tenants DIR', serving several clients in the booted Debian.
# Sourced by test-systemd.sh after its helpers (cin, prop, journal, submit, completed, wait_for,
# expect) and its per-client checks, whose enabled units (queue-worker-southhaven, ...) the first
# check needs. Every check fails loudly; none is skipped.

TDIR=/opt/tenants                    # the tenants service's directory
TUNIT=queue-worker-tenants
TPORT=$(free_port)                   # its health and metrics, on the shared loopback

tinstall() {
  # tinstall ARGS...: the install script in the container; output appended to WORK/install.log.
  cin bash -c "cd /root/queue-worker/deploy/systemd && ./install-worker-service.sh $*" >>"$WORK/install.log" 2>&1
}
# tenants_ready [CLIENT]: /health/ready (of one client) answers 200.
tenants_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TPORT/health/ready${1:+?client=$1}")" = 200 ]
}
tenants_health() { curl -s "http://127.0.0.1:$TPORT/health/ready"; }
# processing_line TASK: the tenants journal's 'Processing task TASK' lines.
processing_lines() { journal "$TUNIT" | grep -F "Processing task $1:" || true; }
processing() { [ -n "$(processing_lines "$1")" ]; }

test_tenants_refused_where_per_client_services_serve_the_same_clients() {
  local out
  # /opt/worker's clients have per-client services (southhaven's enabled and running).
  out=$(cin bash -c "cd /root/queue-worker/deploy/systemd && ./install-worker-service.sh --tenants $DIR" 2>&1) && return 1
  printf '%s\n' "$out" >&2
  expect "exit 1 and one line" test "$(grep -c '' <<<"$out")" -eq 1
  expect "names southhaven's unit" grep -qF "queue-worker-southhaven.service (enabled, active)" <<<"$out"
  expect "says how to stop it" grep -qF "systemctl disable --now" <<<"$out"
  expect "names --allow-mixed" grep -qF -- "--allow-mixed" <<<"$out"
  # Adding southhaven to a new tenants directory: refused the same way, nothing written.
  out=$(cin bash -c "cd /root/queue-worker/deploy/systemd && ./install-worker-service.sh --tenants $TDIR --add-client southhaven" 2>&1) && return 1
  expect "refused for southhaven in another directory" grep -qF "queue-worker-southhaven.service" <<<"$out"
  expect "no tenants unit written" cin test ! -e /etc/systemd/system/$TUNIT.service
  expect "no client file written" cin test ! -e $TDIR/clients/southhaven.env
}

test_tenants_two_clients_each_complete_only_their_own() {
  local a g c line
  tinstall --tenants $TDIR --add-client acme --add-client globex || { tail -5 "$WORK/install.log" >&2; return 1; }
  expect "the unit" cin test -f /etc/systemd/system/$TUNIT.service
  expect "enabled" test "$(cin systemctl is-enabled $TUNIT)" = enabled
  expect "no EnvironmentFile=" test -z "$(prop $TUNIT EnvironmentFiles)"
  expect "ExecReload sends SIGHUP" grep -qF "/bin/kill -HUP" <<<"$(prop $TUNIT ExecReload)"
  expect "runs 'run --tenants $TDIR'" grep -qF "run --tenants $TDIR" <<<"$(prop $TUNIT ExecStart)"
  for c in acme globex; do
    expect "data/$c owned by worker" test "$(cin stat -c %U "$TDIR/data/$c")" = worker
  done
  cp "$JAR" "$ROOTFS$TDIR/queue-worker.jar"
  mkdir -p "$ROOTFS$TDIR/plugins"
  cp "$WORK/plugin/sleep-plugin.jar" "$ROOTFS$TDIR/plugins/"
  cat >>"$ROOTFS$TDIR/.env" <<EOF

# ---- filled in by scripts/test-systemd.sh ----
AZURE_STORAGE_CONNECTION_STRING=$QW_CONNECTION_STRING
BLOB_NAME_TEMPLATE={client_id}/{filename}
WEBHOOK_URL=http://127.0.0.1:$WEBHOOK_PORT/shared
WORKER_POLLING_INTERVAL=1s
WORKER_PLUGINS_DIR=$TDIR/plugins
WORKER_HTTP_PORT=$TPORT
EOF
  # Each client's own webhook URL (its file wins over the shared one).
  for c in acme globex; do echo "WEBHOOK_URL=http://127.0.0.1:$WEBHOOK_PORT/$c" >>"$ROOTFS$TDIR/clients/$c.env"; done
  cin systemctl start $TUNIT
  wait_for 120 "$TUNIT ready for both clients" tenants_ready \
    || { journal $TUNIT | tail -20 >&2; return 1; }
  tenants_health >&2
  expect "health: acme ready" grep -qx "acme ready" <<<"$(tenants_health)"
  expect "health: globex ready" grep -qx "globex ready" <<<"$(tenants_health)"
  a=$(submit acme sleep --payload '{"seconds": 1}')
  g=$(submit globex sleep --payload '{"seconds": 1}')
  wait_for 60 "acme's task $a completed" completed "$a" acme
  wait_for 60 "globex's task $g completed" completed "$g" globex
  line=$(processing_lines "$a")
  expect "acme's task on an [client acme] line" grep -qF "[client acme]" <<<"$line"
  line=$(processing_lines "$g")
  expect "globex's task on a [client globex] line" grep -qF "[client globex]" <<<"$line"
  expect "each ran once" test "$(processing_lines "$a" | grep -c '')$(processing_lines "$g" | grep -c '')" = 11
  expect "acme's webhook once, as acme" test "$(webhook_count "$a" completed acme)" = 1
  expect "globex's webhook once, as globex" test "$(webhook_count "$g" completed globex)" = 1
  expect "no webhook for acme's task as globex" test "$(webhook_count "$a" completed globex)$(webhook_count "$g" completed acme)" = 00
  expect "one process" test "$(cin pgrep -c -u worker -f "run --tenants $TDIR")" -eq 1
}

test_tenants_a_third_client_starts_on_reload_without_interrupting_the_others() {
  local a g i pid before after
  pid=$(prop $TUNIT MainPID)
  a=$(submit acme sleep --payload '{"seconds": 8}')
  g=$(submit globex sleep --payload '{"seconds": 8}')
  wait_for 30 "acme processing $a" processing "$a"
  wait_for 30 "globex processing $g" processing "$g"
  before=$(cin bash -c "cd / && sha256sum $TDIR/.env $TDIR/clients/* /etc/systemd/system/$TUNIT.service")
  tinstall --tenants $TDIR --add-client initech || { tail -5 "$WORK/install.log" >&2; return 1; }
  after=$(cin bash -c "cd / && sha256sum $TDIR/.env $TDIR/clients/* /etc/systemd/system/$TUNIT.service")
  expect "the others' files and the unit unchanged" test "$(grep -v initech <<<"$after")" = "$before"
  expect "initech's file" cin test -f $TDIR/clients/initech.env
  expect "initech's data directory" test "$(cin stat -c %U $TDIR/data/initech)" = worker
  expect "the script said to reload" grep -qF "systemctl reload $TUNIT" <<<"$(tail -3 "$WORK/install.log")"
  echo "WEBHOOK_URL=http://127.0.0.1:$WEBHOOK_PORT/initech" >>"$ROOTFS$TDIR/clients/initech.env"
  cin systemctl reload $TUNIT
  wait_for 90 "initech ready" tenants_ready initech || { journal $TUNIT | tail -20 >&2; return 1; }
  i=$(submit initech sleep --payload '{"seconds": 1}')
  wait_for 60 "initech's task $i completed" completed "$i" initech
  expect "initech's task on an [client initech] line" grep -qF "[client initech]" <<<"$(processing_lines "$i")"
  # The tasks running during the reload finish where they ran, once.
  wait_for 30 "acme's task $a completed" completed "$a" acme
  wait_for 30 "globex's task $g completed" completed "$g" globex
  expect "acme's task ran once, completed once" test "$(processing_lines "$a" | grep -c '')$(webhook_count "$a" completed acme)" = 11
  expect "globex's task ran once, completed once" test "$(processing_lines "$g" | grep -c '')$(webhook_count "$g" completed globex)" = 11
  expect "the same process ($pid)" test "$(prop $TUNIT MainPID)" = "$pid"
  expect "not restarted" test "$(prop $TUNIT NRestarts)" = 0
  expect "acme and globex untouched by the reload" \
    bash -c "! nsenter -t $CPID -a journalctl -u $TUNIT -o cat | grep -E 'client (acme|globex) (removed|changed)'"
}

test_tenants_a_removed_client_drains_and_the_others_go_on() {
  local g a pid
  pid=$(prop $TUNIT MainPID)
  g=$(submit globex sleep --payload '{"seconds": 6}')
  wait_for 30 "globex processing $g" processing "$g"
  cin mv $TDIR/clients/globex.env /root/globex.env.removed
  cin systemctl reload $TUNIT
  wait_for 30 "globex gone from /health/ready" bash -c "! curl -s http://127.0.0.1:$TPORT/health/ready | grep -q '^globex'"
  wait_for 30 "globex's running task $g completed" completed "$g" globex
  expect "globex's task completed once" test "$(webhook_count "$g" completed globex)" = 1
  expect "the drain in the journal" in_journal $TUNIT "client globex removed: draining"
  a=$(submit acme sleep --payload '{"seconds": 1}')
  wait_for 60 "acme's task $a completed" completed "$a" acme
  expect "the same process ($pid)" test "$(prop $TUNIT MainPID)" = "$pid"
  expect "still ready (acme, initech)" tenants_ready
}

test_tenants_sandbox_and_score() {
  local pid status score out
  pid=$(prop $TUNIT MainPID)
  status=$(cin cat "/proc/$pid/status")
  expect "NoNewPrivs 1" grep -qE '^NoNewPrivs:[[:space:]]+1$' <<<"$status"
  expect "no effective capabilities" grep -qE '^CapEff:[[:space:]]+0+$' <<<"$status"
  expect "runs as the user worker" test "$(cin ps -o user= -p "$pid")" = worker
  expect "a client's data directory is writable" \
    nsenter -t "$CPID" -a nsenter -t "$pid" -m sh -c "touch $TDIR/data/acme/qw-probe && rm $TDIR/data/acme/qw-probe"
  expect "DIR itself is read-only" bash -c "! nsenter -t $CPID -a nsenter -t $pid -m touch $TDIR/qw-probe 2>/dev/null"
  expect "DIR/clients is read-only" bash -c "! nsenter -t $CPID -a nsenter -t $pid -m touch $TDIR/clients/x.env 2>/dev/null"
  expect "/usr is read-only" bash -c "! nsenter -t $CPID -a nsenter -t $pid -m touch /usr/qw-probe 2>/dev/null"
  score=$(cin systemd-analyze security --no-pager $TUNIT | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
  log "  systemd-analyze security $TUNIT: ${score:-none}"
  expect "an exposure level" test -n "$score"
  expect "exposure $score <= 2.0" awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'
  # The other way round: a per-client service for a client the tenants service serves.
  out=$(cin bash -c "cd /root/queue-worker/deploy/systemd && ./install-worker-service.sh acme $TDIR" 2>&1) && return 1
  printf '%s\n' "$out" >&2
  expect "names the tenants service" grep -qF "$TUNIT.service (enabled, active)" <<<"$out"
  expect "says --add-client" grep -qF -- "--tenants $TDIR --add-client acme" <<<"$out"
  expect "no per-client unit written" cin test ! -e /etc/systemd/system/queue-worker-acme.service
  # A clean stop: every client drains, exit 0.
  cin systemctl stop $TUNIT
  expect "Result=success" test "$(prop $TUNIT Result)" = success
}
