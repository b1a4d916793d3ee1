#!/usr/bin/env bash
# Many clients, one daemon (issue 17, docs/benchmarks.md): the same no-op work served by ten
# single-client daemons and by one `run --tenants DIR` daemon, against one Azurite, in one run:
#   ten_daemons_rss_mb  sum of the peak RSS (/usr/bin/time -v) of 10 daemons `run --client cK`
#   tenants_rss_mb      peak RSS of one `run --tenants DIR` daemon serving the same 10 clients
#   single_rss_mb       peak RSS of one single-client daemon serving one client's N tasks alone
#   throughput          tasks/s over all clients, from the first task completed to the last, for the
#                       ten daemons and for the tenants daemon
# Each client gets N no-op tasks (a plugin jar built on the fly). Both set-ups use the same
# per-client settings (WORKER_CONCURRENCY, WORKER_MAX_MESSAGES, polling interval); the tenants
# daemon's shared budget WORKER_TENANTS_CONCURRENCY is the sum of the clients' concurrency.
# Every daemon is started and ready before its work is visible: the tasks are sent with an initial
# visibility delay, so start-up is not part of the throughput. A phase ends when every daemon's
# /metrics counts all its tasks completed and every queue is empty (Azure's depth counts leased
# messages too); each phase has a deadline. JVM options as deployed: QUEUE_WORKER_JAVA_OPTS
# (default -Xmx256m) for every daemon.
# Goals: rss_vs_single <= 1.5 and throughput_vs_ten >= 0.9. The last line is exactly:
#   RESULT tenants_rss_mb=<n> single_rss_mb=<n> ten_daemons_rss_mb=<n> rss_vs_single=<ratio> throughput_vs_ten=<ratio>
# Usage: ./scripts/bench-tenants.sh [--tasks N] [--clients K] [--concurrency C] [--jar PATH]
#   --tasks N        tasks per client (default 200)
#   --clients K      clients (default 10)
#   --concurrency C  WORKER_CONCURRENCY of each client (default 4); tenants: K x C shared slots
#   --jar PATH       the daemon's jar (default: worker-runner/target/queue-worker.jar, built when stale)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tasks=200
clients=10
concurrency=4
jar=""
usage() { echo "usage: $0 [--tasks N] [--clients K] [--concurrency C] [--jar PATH]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks|--clients|--concurrency|--jar) [ $# -ge 2 ] || usage ;;&
    --tasks) tasks=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --jar) jar=$2; shift 2 ;;
    *) usage ;;
  esac
done
for n in "$tasks" "$clients" "$concurrency"; do
  [[ "$n" =~ ^[1-9][0-9]{0,4}$ ]] || { echo "bench-tenants: --tasks, --clients and --concurrency take a number from 1 to 99999, got '$n'" >&2; exit 2; }
done
[ "$clients" -le 100 ] || { echo "bench-tenants: at most 100 clients" >&2; exit 2; }
java_opts=${QUEUE_WORKER_JAVA_OPTS:--Xmx256m}
phase_limit_s=600

say() { echo "bench-tenants: $*" >&2; }
die() { say "$*"; exit 1; }

[ -x .services/node/node_modules/.bin/azurite ] || ./scripts/setup.sh >/dev/null
if [ -z "$jar" ]; then
  ./queue-worker version >/dev/null   # builds the jar when missing or stale
  jar=$root/worker-runner/target/queue-worker.jar
fi
[ -f "$jar" ] || die "no jar at $jar"
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
java -jar "$jar" run --help 2>&1 | grep -q -- '--tenants' \
  || die "$jar has no 'run --tenants DIR' (docs/tenants.md): build a jar with the tenants mode"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"

work=$(mktemp -d /tmp/bench-tenants.XXXXXX)
azurite_pid=""
timers=()
cleanup() {
  local t
  for t in "${timers[@]}"; do
    pkill -KILL -P "$t" java 2>/dev/null || true
  done
  [ -z "$azurite_pid" ] || kill "$azurite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
blob_port=$(free_port); queue_port=$(free_port)
.services/node/node_modules/.bin/azurite --silent --skipApiVersionCheck --location "$work/azurite" \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort 0 > "$work/azurite.log" 2>&1 &
azurite_pid=$!
for _ in $(seq 1 150); do (echo > "/dev/tcp/127.0.0.1/$queue_port") 2>/dev/null && break; sleep 0.2; done
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"

# A no-op handler as a plugin jar, built as a user would build one; a loader that sends each
# client's tasks with an initial visibility delay; a probe of the queues' depth.
mkdir -p "$work/src/bench" "$work/classes/META-INF/services" "$work/plugins"
cat > "$work/src/bench/NoopHandler.java" <<'EOF'
package bench;

import dev.queueworker.api.Task;
import dev.queueworker.api.TaskContext;
import dev.queueworker.api.TaskHandler;
import dev.queueworker.api.TaskResult;

public final class NoopHandler implements TaskHandler {
    @Override public String taskType() { return "noop"; }
    @Override public TaskResult handle(Task task, TaskContext context) { return TaskResult.empty(); }
}
EOF
cat > "$work/src/bench/Enqueue.java" <<'EOF'
package bench;

import dev.queueworker.azure.AzureQueueProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Enqueue CONNECTION TASKS VISIBLE_AT_EPOCH_MS CLIENT...: TASKS no-op tasks per client, visible from then on. */
public final class Enqueue {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[1]);
        long visibleAt = Long.parseLong(args[2]);
        List<AzureQueueProvider> queues = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            queues.add(AzureQueueProvider.builder().connectionString(args[0]).clientId(args[i]).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger late = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            for (AzureQueueProvider queue : queues) {
                pool.execute(() -> {
                    long seconds = (visibleAt - System.currentTimeMillis() + 999) / 1000;
                    if (seconds <= 0) {
                        late.incrementAndGet();
                    }
                    queue.send("{\"task_type\":\"noop\",\"payload\":{}}", Duration.ofSeconds(Math.max(0, seconds)));
                });
            }
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
            System.err.println("enqueue: not done within 10 minutes");
            System.exit(1);
        }
        System.out.println(late.get());
        System.exit(0);
    }
}
EOF
cat > "$work/src/bench/Depth.java" <<'EOF'
package bench;

import dev.queueworker.azure.AzureQueueProvider;

/** Depth CONNECTION CLIENT...: the sum of the queues' approximate depth (leased messages included). */
public final class Depth {
    public static void main(String[] args) {
        long sum = 0;
        for (int i = 1; i < args.length; i++) {
            sum += AzureQueueProvider.builder().connectionString(args[0]).clientId(args[i]).build().approximateDepth();
        }
        System.out.println(sum);
        System.exit(0);
    }
}
EOF
javac -nowarn -d "$work/classes" -cp "$jar" "$work"/src/bench/*.java
# The loader and the probe print their answer on stdout; the SDK's logging goes to stderr, warnings only.
cat > "$work/classes/logback.xml" <<'EOF'
<configuration>
  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d %-5level %logger %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="err"/></root>
</configuration>
EOF
echo "bench.NoopHandler" > "$work/classes/META-INF/services/dev.queueworker.api.TaskHandler"
jar cf "$work/plugins/noop.jar" -C "$work/classes" META-INF -C "$work/classes" bench/NoopHandler.class

# The clients and their settings: the tenants layout, read by both set-ups.
dir=$work/tenants
mkdir -p "$dir/clients" "$dir/data"
names=()
for k in $(seq 1 "$clients"); do
  c=$(printf 'bench-c%02d' "$k")
  names+=("$c")
  mkdir -p "$dir/data/$c"
  printf 'WORKER_CONCURRENCY=%s\nWORKER_MAX_MESSAGES=%s\n' "$concurrency" "$((2 * concurrency))" > "$dir/clients/$c.env"
done
shared=(AZURE_STORAGE_CONNECTION_STRING="$connection" WORKER_TASK_TYPES=noop WORKER_PLUGINS_DIR="$work/plugins"
  WORKER_POLLING_INTERVAL=1s LOG_LEVEL=WARN 'BLOB_NAME_TEMPLATE={client_id}/{filename}')
tenants_port=$(free_port)
{ printf '%s\n' "${shared[@]}"; echo "WORKER_HTTP_PORT=$tenants_port"
  echo "WORKER_TENANTS_CONCURRENCY=$((clients * concurrency))"; } > "$dir/.env"

# Metrics poller: sums queueworker_tasks_total{outcome="completed"} over every port (and every
# client_id label) ten times a second; prints "<tasks> <seconds>", the tasks completed after the
# first completion it saw and the time from then to the last one, or exits 1 at the deadline.
cat > "$work/poll.py" <<'EOF'
import http.client, re, sys, time
total, limit, ports = int(sys.argv[1]), float(sys.argv[2]), [int(p) for p in sys.argv[3:]]
line = re.compile(r'^queueworker_tasks_total\{[^}]*outcome="completed"[^}]*\} ([0-9.eE+]+)$', re.M)
conns = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=5) for p in ports}
def completed():
    s = 0.0
    for p, c in conns.items():
        try:
            c.request("GET", "/metrics")
            s += sum(float(v) for v in line.findall(c.getresponse().read().decode()))
        except (OSError, http.client.HTTPException):
            c.close()
            conns[p] = http.client.HTTPConnection("127.0.0.1", p, timeout=5)
            return None
    return s
deadline, first = time.monotonic() + limit, None
while time.monotonic() < deadline:
    done = completed()
    now = time.monotonic()
    if done is not None and done > 0 and first is None:
        first = (now, done)
    if done is not None and done >= total:
        if now - first[0] < 0.5:
            print("all %d tasks completed within one poll: too few to time, use more --tasks" % total, file=sys.stderr)
            sys.exit(1)
        print(int(total - first[1]), now - first[0])
        sys.exit(0)
    time.sleep(0.1)
print("completed %s of %s" % (done, total), file=sys.stderr)
sys.exit(1)
EOF

now_ms() { date +%s%3N; }
# probe_ready PORT: 0 when /health/ready answers 200 (bash's /dev/tcp: no process per probe).
probe_ready() {
  local code=none
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r _ code _ <&3 || true
  exec 3<&-
  [ "$code" = 200 ]
}

# start_daemon NAME VAR=VALUE... -- ARGS...: `java -jar JAR ARGS` with only those variables (and
# PATH, HOME), under /usr/bin/time -v, in the background; sets timer.
start_daemon() {
  local name=$1 vars=()
  shift
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  # shellcheck disable=SC2086 # java_opts holds several options
  env -i PATH="$PATH" HOME="$HOME" "${vars[@]}" /usr/bin/time -v -o "$work/time-$name.txt" \
    java $java_opts -jar "$jar" "$@" > "$work/run-$name.log" 2>&1 &
  timer=$!
  timers+=("$timer")
}

# phase NAME TASKS_PER_CLIENT CLIENTS... -- PORTS...: makes the work of the running daemons visible
# and waits for it; prints "<tasks> <seconds>" of the poller.
phase() {
  local name=$1 n=$2 cs=() ports=() visible_at late result total depth
  shift 2
  while [ "$1" != -- ]; do cs+=("$1"); shift; done
  shift
  ports=("$@")
  total=$((n * ${#cs[@]}))
  # Visible 5 s from now, plus 10 ms a task to send (Azurite takes about 300 a second).
  visible_at=$(( $(now_ms) + 5000 + total * 10 ))
  late=$(java -cp "$work/classes:$jar" bench.Enqueue "$connection" "$n" "$visible_at" "${cs[@]}")
  [ "$late" -eq 0 ] || say "$name: $late of $total tasks were sent after the visibility instant (the throughput includes some sending)"
  say "$name: $total tasks enqueued; visible in $(( (visible_at - $(now_ms)) / 1000 )) s"
  result=$(python3 "$work/poll.py" "$total" "$phase_limit_s" "${ports[@]}") \
    || die "$name: the tasks did not complete within $phase_limit_s s"
  depth=$(java -cp "$work/classes:$jar" bench.Depth "$connection" "${cs[@]}")
  [ "$depth" -eq 0 ] || die "$name: all $total tasks completed but the queues still hold $depth messages"
  echo "$result"
}

# stop_daemons TIMER...: SIGTERM to each java (time(1) would die of it and orphan java), then wait.
stop_daemons() {
  local t j
  for t in "$@"; do
    j=$(pgrep -P "$t" java) && kill -TERM "$j"
  done
  for t in "$@"; do
    wait "$t" || die "a daemon did not exit 0: $(tail -5 "$work"/run-*.log)"
  done
}
rss_mb() { echo $(( $(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$work/time-$1.txt") / 1024 )); }
# cpu_s NAME...: the CPU seconds (user + system) the daemons used, start-up included.
cpu_s() {
  local n
  for n in "$@"; do sed -n 's/^\s*\(User\|System\) time (seconds): //p' "$work/time-$n.txt"; done \
    | awk '{ s += $1 } END { printf "%.1f", s }'
}

# wait_ready NAME PORT TIMER
wait_ready() {
  local deadline=$(( $(now_ms) + 180000 ))
  until probe_ready "$2"; do
    kill -0 "$3" 2>/dev/null || { cat "$work/run-$1.log" >&2; die "$1 exited before it was ready"; }
    [ "$(now_ms)" -lt "$deadline" ] || { cat "$work/run-$1.log" >&2; die "$1 not ready within 180 s"; }
    sleep 0.2
  done
}

# single_client NAME C PORT: a single-client daemon for client C as a per-client systemd unit runs
# it: the shared settings in its environment (EnvironmentFile=), its own file read by --env-file.
single_client() {
  start_daemon "$1" "${shared[@]}" WORKER_HTTP_PORT="$3" WORKER_DATA_DIR="$dir/data/$2" -- \
    run --client "$2" --env-file "$dir/clients/$2.env"
}
# throughput "<tasks> <seconds>": tasks/s, two decimals
throughput() { awk -v t="${1% *}" -v s="${1#* }" 'BEGIN { printf "%.2f", t / s }'; }

# ---- 1. ten single-client daemons, one per client ----
ten_timers=(); ten_ports=()
for c in "${names[@]}"; do
  port=$(free_port)
  single_client "$c" "$c" "$port"
  ten_timers+=("$timer"); ten_ports+=("$port")
done
for k in "${!names[@]}"; do wait_ready "${names[$k]}" "${ten_ports[$k]}" "${ten_timers[$k]}"; done
say "ten daemons: all $clients ready"
ten=$(phase "ten daemons" "$tasks" "${names[@]}" -- "${ten_ports[@]}")
stop_daemons "${ten_timers[@]}"
ten_rss=0
for c in "${names[@]}"; do ten_rss=$(( ten_rss + $(rss_mb "$c") )); done
ten_tps=$(throughput "$ten")
ten_cpu=$(cpu_s "${names[@]}")
say "ten daemons: $ten_tps tasks/s; peak RSS summed ${ten_rss} MB; ${ten_cpu} CPU s"

# ---- 2. one tenants daemon serving the same clients ----
start_daemon tenants -- run --tenants "$dir"
tenants_timer=$timer
wait_ready tenants "$tenants_port" "$tenants_timer"
say "tenants daemon: ready for $clients clients"
one=$(phase "tenants daemon" "$tasks" "${names[@]}" -- "$tenants_port")
stop_daemons "$tenants_timer"
tenants_rss=$(rss_mb tenants)
tenants_tps=$(throughput "$one")
tenants_cpu=$(cpu_s tenants)
say "tenants daemon: $tenants_tps tasks/s; peak RSS ${tenants_rss} MB; ${tenants_cpu} CPU s"

# ---- 3. one single-client daemon alone, one client's tasks ----
port=$(free_port)
single_client single "${names[0]}" "$port"
single_timer=$timer
wait_ready single "$port" "$single_timer"
single=$(phase "single daemon" "$tasks" "${names[0]}" -- "$port")
stop_daemons "$single_timer"
single_rss=$(rss_mb single)
say "single daemon: $(throughput "$single") tasks/s; peak RSS ${single_rss} MB; $(cpu_s single) CPU s"

rss_vs_single=$(awk -v a="$tenants_rss" -v b="$single_rss" 'BEGIN { printf "%.2f", a / b }')
throughput_vs_ten=$(awk -v a="$tenants_tps" -v b="$ten_tps" 'BEGIN { printf "%.2f", a / b }')
echo "tenants: $clients clients x $tasks tasks, concurrency $concurrency each (tenants: $((clients * concurrency)) shared), JVM $java_opts"
echo "throughput tasks/s: ten daemons $ten_tps, tenants daemon $tenants_tps; CPU s (start to stop): ten daemons $ten_cpu, tenants daemon $tenants_cpu"
echo "RESULT tenants_rss_mb=$tenants_rss single_rss_mb=$single_rss ten_daemons_rss_mb=$ten_rss rss_vs_single=$rss_vs_single throughput_vs_ten=$throughput_vs_ten"
