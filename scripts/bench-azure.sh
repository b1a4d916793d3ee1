#!/usr/bin/env bash
# The Azure benchmark: the same messages through the engine (Azure provider, concurrency 16), a raw SDK
# loop (16 threads, batches of 32) and the deployment guide's naive loop, against Azurite on
# 127.0.0.1:10000-10001 (started here if nothing listens there, and stopped again at the end).
# The headline run (no arguments): 2,000 messages with a 20 ms network round trip added before every
# request (--messages 2000 --rtt-ms 20), as a VPS sees its Azure region. The second figure, bound by
# Azurite's own CPU: --messages 5000 --rtt-ms 0. The last line is the RESULT line.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh >/dev/null
listening() { (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
started=""
if ! listening 10001; then
  # On disk, as deployed Azurite runs; measured faster here than --inMemoryPersistence.
  rm -rf .services/azurite-bench && mkdir -p .services/azurite-bench
  .services/node/node_modules/.bin/azurite --silent --skipApiVersionCheck --location .services/azurite-bench \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .services/azurite-bench.log 2>&1 &
  started=$!
  trap 'kill "$started" 2>/dev/null || true; rm -rf .services/azurite-bench' EXIT
  for _ in $(seq 1 100); do listening 10001 && break; sleep 0.2; done
  listening 10001 || { echo "bench-azure: Azurite did not start; see .services/azurite-bench.log" >&2; exit 1; }
fi

# Built in the reactor (package, not install): the classpath names this checkout's module jars, and
# nothing is written to ~/.m2. Every module writes the same file; worker-benchmarks, built last, wins.
cp_file=worker-benchmarks/target/classpath.txt
./mvnw -B -q -ntp package dependency:build-classpath -DskipTests -pl worker-benchmarks -am \
  -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
args=("$@")
[ $# -gt 0 ] || args=(--messages 2000 --rtt-ms 20)
java -Xmx1g -cp "worker-benchmarks/target/classes:$(cat "$cp_file")" \
  dev.queueworker.benchmarks.AzureBenchmark "UseDevelopmentStorage=true" "${args[@]}"
