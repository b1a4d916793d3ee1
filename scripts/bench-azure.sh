#!/usr/bin/env bash
# The Azure benchmark: the same messages through the engine (Azure provider, concurrency 16), a raw SDK
# loop (16 threads, batches of 32) and the deployment guide's naive loop, against an Azurite of its
# own on free loopback ports (whatever else runs on 10000-10001 is left alone), stopped at the end.
# The headline run (no arguments): 2,000 messages with a 20 ms network round trip added before every
# request (--messages 2000 --rtt-ms 20), as a VPS sees its Azure region. The second figure, bound by
# Azurite's own CPU: --messages 5000 --rtt-ms 0. The last line is the RESULT line.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh >/dev/null
listening() { (echo > /dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
blob_port=$(free_port); queue_port=$(free_port)
# On disk, as deployed Azurite runs; measured faster here than --inMemoryPersistence.
work=$(mktemp -d /tmp/bench-azure.XXXXXX)
.services/node/node_modules/.bin/azurite --silent --skipApiVersionCheck --location "$work/data" \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" \
  --tableHost 127.0.0.1 --tablePort 0 > "$work/azurite.log" 2>&1 &
azurite_pid=$!
trap 'kill "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do listening "$queue_port" && break; sleep 0.2; done
listening "$queue_port" || { echo "bench-azure: Azurite did not start:" >&2; cat "$work/azurite.log" >&2; exit 1; }
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
connection="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"

# Built in the reactor (package, not install): the classpath names this checkout's module jars, and
# nothing is written to ~/.m2. Every module writes the same file; worker-benchmarks, built last, wins.
cp_file=worker-benchmarks/target/classpath.txt
./mvnw -B -q -ntp package dependency:build-classpath -DskipTests -pl worker-benchmarks -am \
  -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
args=("$@")
[ $# -gt 0 ] || args=(--messages 2000 --rtt-ms 20)
java -Xmx1g -cp "worker-benchmarks/target/classes:$(cat "$cp_file")" \
  dev.queueworker.benchmarks.AzureBenchmark "$connection" "${args[@]}"
