#!/usr/bin/env bash
# The daemon's own figures, measured on the real jar (docs/benchmarks.md):
#   jar_mb        size of worker-runner/target/queue-worker.jar
#   ready_ms      launch of `queue-worker run` to the first 200 of /health/ready, against Azurite,
#                 without the local model (WORKER_TASK_TYPES=noop from a plugin jar); median of 3
#   rss_mb_noop   peak RSS (/usr/bin/time -v) of that daemon after 1,000 no-op tasks
#   rss_mb_demo   peak RSS of `queue-worker demo` (local model, Tika, in-memory store)
# Goals: ready_ms <= 3000 and rss_mb_noop <= 300. JVM options as deployed: QUEUE_WORKER_JAVA_OPTS
# (default -Xmx256m, the heap the systemd unit gives a 512 MB service). The last line is:
#   RESULT ready_ms=<n> rss_mb_noop=<n> rss_mb_demo=<n> jar_mb=<n>
# Usage: ./scripts/bench-runner.sh [--tasks N]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tasks=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=$2; shift 2 ;;
    *) echo "usage: $0 [--tasks N]" >&2; exit 2 ;;
  esac
done
java_opts=${QUEUE_WORKER_JAVA_OPTS:--Xmx256m}

./scripts/setup.sh >/dev/null
./queue-worker version >/dev/null   # builds the jar when missing or stale
jar=$root/worker-runner/target/queue-worker.jar
jar_mb=$(( $(stat -c %s "$jar") / 1024 / 1024 ))

work=$(mktemp -d /tmp/bench-runner.XXXXXX)
azurite_pid=""
cleanup() {
  [ -z "$azurite_pid" ] || kill "$azurite_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
blob_port=$(free_port); queue_port=$(free_port); http_port=$(free_port)
.services/node/node_modules/.bin/azurite --silent --skipApiVersionCheck --location "$work/azurite" \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort 0 > "$work/azurite.log" 2>&1 &
azurite_pid=$!
for _ in $(seq 1 150); do (echo > "/dev/tcp/127.0.0.1/$queue_port") 2>/dev/null && break; sleep 0.2; done
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"

# A no-op handler as a plugin jar, built as a user would build one, and a loader of messages.
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

public final class Enqueue {
    public static void main(String[] args) throws Exception {
        AzureQueueProvider queue = AzureQueueProvider.builder().connectionString(args[0]).clientId(args[1]).build();
        int n = Integer.parseInt(args[2]);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int i = 0; i < n; i++) {
            pool.execute(() -> queue.send("{\"task_type\":\"noop\",\"payload\":{}}", Duration.ZERO));
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        System.exit(0);
    }
}
EOF
javac -nowarn -d "$work/classes" -cp "$jar" "$work/src/bench/NoopHandler.java" "$work/src/bench/Enqueue.java"
echo "bench.NoopHandler" > "$work/classes/META-INF/services/dev.queueworker.api.TaskHandler"
jar cf "$work/plugins/noop.jar" -C "$work/classes" META-INF -C "$work/classes" bench/NoopHandler.class

run_env=(env -i PATH="$PATH" HOME="$HOME" CLIENT_ID=bench-runner AZURE_STORAGE_CONNECTION_STRING="$connection"
  WORKER_TASK_TYPES=noop WORKER_PLUGINS_DIR="$work/plugins" WORKER_HTTP_PORT="$http_port"
  WORKER_CONCURRENCY=16 WORKER_MAX_MESSAGES=32 WORKER_POLLING_INTERVAL=1s LOG_LEVEL=WARN)
now_ms() { date +%s%3N; }
# /health/ready's status into $ready_code, probed with bash's own /dev/tcp in this shell: a curl
# every few milliseconds took a good part of the two cores from the JVM it measured (start-up was
# more than a second slower). Every 100 ms: the figure is at most that late.
probe_ready() {
  ready_code=none
  { exec 3<>"/dev/tcp/127.0.0.1/$http_port"; } 2>/dev/null || return 0
  printf 'GET /health/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r _ ready_code _ <&3 || true
  exec 3<&-
}

# Launch to ready, three times; the last daemon also takes the no-op tasks.
ready=()
for round in 1 2 3; do
  start=$(now_ms)
  # shellcheck disable=SC2086 # java_opts holds several options
  "${run_env[@]}" /usr/bin/time -v -o "$work/time-run.txt" java $java_opts -jar "$jar" run > "$work/run.log" 2>&1 &
  timer=$!
  daemon=""
  until probe_ready; [ "$ready_code" = 200 ]; do
    kill -0 "$timer" 2>/dev/null || { cat "$work/run.log" >&2; echo "bench-runner: the daemon exited" >&2; exit 1; }
    [ $(( $(now_ms) - start )) -lt 60000 ] || { echo "bench-runner: not ready within 60 s" >&2; exit 1; }
    sleep 0.1
  done
  ready+=($(( $(now_ms) - start )))
  daemon=$(pgrep -P "$timer" java)  # signals go to java itself: time(1) would die of them and orphan it
  echo "ready in ${ready[-1]} ms (round $round)"
  if [ "$round" -lt 3 ]; then
    kill -TERM "$daemon"; wait "$timer" || true
  fi
done
ready_ms=$(printf '%s\n' "${ready[@]}" | sort -n | sed -n 2p)

java -cp "$work/classes:$jar" bench.Enqueue "$connection" bench-runner "$tasks"
echo "enqueued $tasks no-op tasks"
deadline=$(( $(now_ms) + 600000 ))
until curl -fs "http://127.0.0.1:$http_port/metrics" \
    | grep -E '^queueworker_tasks_total\{.*outcome="completed"' | grep -qE " $tasks(\.0)?$"; do
  [ "$(now_ms)" -lt "$deadline" ] || { echo "bench-runner: the tasks did not complete within 10 minutes" >&2; exit 1; }
  sleep 0.2
done
kill -TERM "$daemon"
wait "$timer" || { cat "$work/run.log" >&2; echo "bench-runner: the daemon did not exit 0" >&2; exit 1; }
rss_mb_noop=$(( $(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$work/time-run.txt") / 1024 ))
echo "$tasks no-op tasks completed; peak RSS ${rss_mb_noop} MB"

# The demo, with the local model.
mkdir -p "$work/demo"
# shellcheck disable=SC2086
(cd "$work/demo" && env -i PATH="$PATH" HOME="$HOME" /usr/bin/time -v -o "$work/time-demo.txt" \
  java $java_opts -jar "$jar" demo > "$work/demo.log" 2>&1) \
  || { cat "$work/demo.log" >&2; echo "bench-runner: demo failed" >&2; exit 1; }
rss_mb_demo=$(( $(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$work/time-demo.txt") / 1024 ))
echo "demo peak RSS ${rss_mb_demo} MB"

echo "RESULT ready_ms=$ready_ms rss_mb_noop=$rss_mb_noop rss_mb_demo=$rss_mb_demo jar_mb=$jar_mb"
