#!/usr/bin/env bash
# The engine benchmark: 200,000 no-op tasks through the engine on the in-memory queue at concurrency
# 1, 4 and 16, side by side with a minimal consumer. Extra arguments go to the benchmark
# (e.g. --tasks 50000). The last line is the RESULT line for concurrency 16.
set -euo pipefail
cd "$(dirname "$0")/.."

# Built in the reactor (package, not install): the classpath names this checkout's module jars, and
# nothing is written to ~/.m2. Every module writes the same file; worker-benchmarks, built last, wins.
cp_file=worker-benchmarks/target/classpath.txt
./mvnw -B -q -ntp package dependency:build-classpath -DskipTests -pl worker-benchmarks -am \
  -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
exec java -Xmx1g -cp "worker-benchmarks/target/classes:$(cat "$cp_file")" \
  dev.queueworker.benchmarks.EngineBenchmark "$@"
