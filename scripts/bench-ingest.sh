#!/usr/bin/env bash
# The ingest benchmark: 200 generated documents of ~10 KB ingested with the local model into pgvector
# by the ingest handler on the engine, against the limit (embedAll over the same chunks alone) and
# LangChain4j's EmbeddingStoreIngestor per document. PostgreSQL with pgvector comes from
# scripts/setup.sh on PG_PORT (default 55432), or DATABASE_URL when set. Extra arguments go to the
# benchmark (--documents N, --concurrency C, --rounds R). The last line is the RESULT line.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DATABASE_URL:-}" ]; then
  # setup's last line is the URL of the server it started or found on PG_PORT.
  DATABASE_URL=$(./scripts/setup.sh | sed -n 's/^DATABASE_URL=//p')
fi
database_url=$DATABASE_URL

./mvnw -B -q -ntp install -DskipTests -pl worker-benchmarks -am
cp_file=worker-benchmarks/target/classpath.txt
./mvnw -B -q -ntp dependency:build-classpath -pl worker-benchmarks -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
java -Xmx2g -cp "worker-benchmarks/target/classes:$(cat "$cp_file")" \
  dev.queueworker.benchmarks.IngestBenchmark "$database_url" "$@"
