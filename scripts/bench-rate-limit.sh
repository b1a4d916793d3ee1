#!/usr/bin/env bash
# The rate-limit benchmark (issue 23.2): RateLimitedIngestTest ingests 240 documents of ~2,000
# characters with the real ingest handler on 16 threads and the real LangChain4j OpenAI client against
# the fake OpenAI server enforcing 12,500 tokens and 500 requests per window (a minute scaled down to
# 1 s; OpenAI's x-ratelimit-* headers and 429s): once with the API key's budget ("after"), once
# without it ("before", the earlier behaviour: a 429 fails the task), and by two workers of 8 threads
# with a budget each on the same key ("fleet": they learn of each other from the headers only). No
# service needed. Built in the
# reactor (test, not install: nothing is written to ~/.m2). Prints each run's figures, then the
# RESULT line; fails when the test does (after: a failed task, 429s over 2 %, or under 0.9 of the limit).
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
./mvnw -B -ntp -pl worker-ai -am test -Dtest=RateLimitedIngestTest -Dsurefire.failIfNoSpecifiedTests=false \
  >"$log" 2>&1 || status=$?
grep '^rate-limit' "$log" | grep -v RESULT || true
if [ "$status" -ne 0 ]; then
  grep -E 'FAIL|ERROR\]' "$log" | head -20 >&2
  exit "$status"
fi
echo "RESULT $(sed -n 's/^rate-limit RESULT //p' "$log" | sort | tr '\n' ' ' | sed 's/ $//')"
