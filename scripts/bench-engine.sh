#!/usr/bin/env bash
# The engine benchmark: 200,000 no-op tasks through the engine on the in-memory queue at concurrency
# 1, 4 and 16, side by side with a minimal consumer. Extra arguments go to the benchmark
# (e.g. --tasks 50000). The last line is the RESULT line for concurrency 16.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -ntp install -DskipTests -pl worker-benchmarks -am
cp_file=worker-benchmarks/target/classpath.txt
./mvnw -B -q -ntp dependency:build-classpath -pl worker-benchmarks -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
exec java -Xmx1g -cp "worker-benchmarks/target/classes:$(cat "$cp_file")" \
  dev.queueworker.benchmarks.EngineBenchmark "$@"
