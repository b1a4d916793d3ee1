#!/usr/bin/env bash
# The reliability suite alone (docs/reliability.md): installs what it needs, builds the modules it
# depends on (the daemon jar included) and runs worker-reliability's failsafe tests, and no other
# module's tests. Each scenario prints its figures as one line `FIGURE <scenario> key=value ...`;
# they are also collected in worker-reliability/target/figures.txt, and the workers' logs are kept
# in worker-reliability/target/reliability-logs/.
#   ./scripts/test-reliability.sh                       # the suite
#   ./scripts/test-reliability.sh -Dreliability.soak=true   # bigger variants
#   ./scripts/test-reliability.sh -Dit.test=IngestFaultsIT  # one class
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
mkdir -p worker-reliability/target
# -am builds worker-runner's jar (package) first; -Dtest=NONE skips every module's unit tests, and
# it.test limits failsafe to this suite's classes (the upstream modules then have none to run).
./mvnw -B -ntp -pl worker-reliability -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='dev/queueworker/reliability/**/*IT' -Dfailsafe.failIfNoSpecifiedTests=false "$@" \
  | tee >(grep '^FIGURE ' > worker-reliability/target/figures.txt || true)
