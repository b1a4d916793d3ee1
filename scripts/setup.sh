#!/usr/bin/env bash
# Installs what the build and its tests need on a bare Debian 12 machine, idempotently:
#   - a JDK 17+ and curl (the Maven wrapper fetches Maven 3.9 itself);
#   - Node.js and npm, then Azurite (npm package `azurite`) under .services/node, which the
#     Azure integration tests start themselves (each on its own ports and data directory).
set -euo pipefail
cd "$(dirname "$0")/.."

AZURITE_VERSION=3.37.0

need_apt=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
  need_apt+=(openjdk-17-jdk-headless)
fi
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need_apt[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

azurite=.services/node/node_modules/.bin/azurite
if [ ! -x "$azurite" ] || ! grep -q "\"version\": \"$AZURITE_VERSION\"" .services/node/node_modules/azurite/package.json 2>/dev/null; then
  echo "setup: installing azurite $AZURITE_VERSION"
  mkdir -p .services/node
  npm install --prefix .services/node --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
fi
"$azurite" --version >/dev/null

echo "setup: ready ($(java -version 2>&1 | head -n 1); azurite $("$azurite" --version))"
