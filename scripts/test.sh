#!/usr/bin/env bash
# The project's one test command: installs and starts what the tests need, then builds everything
# and runs every test, the examples included. Usage: ./scripts/test.sh [extra Maven arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
# Node 20 when setup.sh had to install it beside an older system Node.
if [ -x .services/node20/node_modules/.bin/node ]; then export PATH="$PWD/.services/node20/node_modules/.bin:$PATH"; fi
./mvnw -B -ntp install "$@"
# The examples build as users' projects would: against the artifacts just installed.
./mvnw -B -ntp -f examples/pom.xml verify "$@"
# The Node producer, against Azurite and the queue-worker.jar built above.
(cd examples/frontend-node && npm ci --no-audit --no-fund && npm test)
# The Kubernetes and KEDA manifests against their schemas, strictly (scripts/validate-manifests).
(cd scripts/validate-manifests && npm ci --no-audit --no-fund && npm test)
# The deployment guide run for real on the jar built above: the systemd units in a Debian booted under
# systemd-nspawn, then the Docker image (each installs what it needs; the rootfs is cached per machine).
./scripts/test-systemd.sh
./scripts/test-docker.sh
