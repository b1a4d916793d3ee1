#!/usr/bin/env bash
# Installs what the build and its tests need on a bare Debian 12 machine, idempotently:
#   - a JDK 17+ and curl (the Maven wrapper fetches Maven 3.9 itself);
#   - Node.js and npm, then Azurite (npm package `azurite`) under .services/node, which the
#     Azure integration tests start themselves (each on its own ports and data directory);
#   - PostgreSQL 15 from Debian with pgvector built from Debian's source package, and the
#     project's own cluster (data in .services/postgres, 127.0.0.1:$PG_PORT, isolated from any
#     system cluster) started when it is not running, with role and database queueworker_test.
set -euo pipefail
cd "$(dirname "$0")/.."

AZURITE_VERSION=3.37.0
PG_PORT=55432
PG_BIN=/usr/lib/postgresql/15/bin

need_apt=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
  need_apt+=(openjdk-17-jdk-headless)
fi
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
for pkg in postgresql-15 postgresql-server-dev-15 make gcc dpkg-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
# --- console (issue 16): the headless browser ConsoleBrowserIT drives ---
for pkg in chromium chromium-driver; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg"); done

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need_apt[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The Azure SDK for JavaScript (examples/frontend-node) needs Node 20; Debian 12's nodejs is 18.
# Then Node 20 comes from the npm registry into .services/node20, which scripts/test.sh puts first
# on the PATH.
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ] && [ ! -x .services/node20/node_modules/.bin/node ]; then
  echo "setup: installing Node 20 from the npm registry (the system's is $(node --version))"
  npm install --prefix .services/node20 --no-audit --no-fund --loglevel=error node@20 >/dev/null
fi

azurite=.services/node/node_modules/.bin/azurite
if [ ! -x "$azurite" ] || ! grep -q "\"version\": \"$AZURITE_VERSION\"" .services/node/node_modules/azurite/package.json 2>/dev/null; then
  echo "setup: installing azurite $AZURITE_VERSION"
  mkdir -p .services/node
  npm install --prefix .services/node --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null
fi
azurite_version=$("$azurite" --version)

# pgvector: Debian 12 has no package for PostgreSQL 15's pgvector, so build trixie's source package.
if [ ! -f /usr/share/postgresql/15/extension/vector.control ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: pgvector is missing; run as root to build it" >&2
    exit 1
  fi
  echo "setup: building pgvector from Debian's source package"
  src_list=/etc/apt/sources.list.d/queueworker-trixie-src.list
  if [ ! -f "$src_list" ]; then
    echo "deb-src http://deb.debian.org/debian trixie main" > "$src_list"
  fi
  apt-get update -qq
  build_dir=$(mktemp -d)
  (cd "$build_dir" && apt-get source -qq pgvector >/dev/null 2>&1 \
    && cd pgvector-*/ \
    && make -s PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="" >/dev/null 2>&1 \
    && make -s PG_CONFIG="$PG_BIN/pg_config" install >/dev/null) \
    || { echo "setup: pgvector build failed (in $build_dir)" >&2; exit 1; }
  rm -rf "$build_dir"
fi

# The project's cluster. As root it runs as the postgres user, who must reach the repo's folder;
# when it cannot (a clone under a private home), the data lives in /var/lib and .services/postgres
# links to it.
# (From /, as the postgres user may not enter the current folder.)
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
mkdir -p .services
pg_data="$PWD/.services/postgres"
if [ "$(id -u)" -eq 0 ] && [ ! -e "$pg_data" ] && ! runuser -u postgres -- test -x "$PWD/.services" 2>/dev/null; then
  outside=/var/lib/queueworker-postgres/$(printf '%s' "$PWD" | sha256sum | cut -c1-12)
  mkdir -p "$outside"
  ln -s "$outside" "$pg_data"
fi
pg_data=$(readlink -f "$pg_data")
pg_sock="$pg_data"
[ ${#pg_sock} -le 80 ] || pg_sock=/tmp
if [ ! -f "$pg_data/PG_VERSION" ]; then
  echo "setup: creating the PostgreSQL cluster in .services/postgres"
  mkdir -p "$pg_data"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pg_data"
  chmod 700 "$pg_data"
  as_pg "$PG_BIN/initdb" -D "$pg_data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  echo "setup: starting PostgreSQL on 127.0.0.1:$PG_PORT"
  # A killed server leaves its pid file; a reused pid would make postgres refuse to start.
  if [ -f "$pg_data/postmaster.pid" ]; then
    old_pid=$(head -n 1 "$pg_data/postmaster.pid")
    if [ "$(cat "/proc/$old_pid/comm" 2>/dev/null)" != postgres ]; then rm -f "$pg_data/postmaster.pid"; fi
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_sock" start >/dev/null
fi
if [ ! -S "$pg_sock/.s.PGSQL.$PG_PORT" ]; then
  echo "setup: port $PG_PORT is taken by another server than the one of .services/postgres; stop it" >&2
  exit 1
fi
psql_su() { as_pg "$PG_BIN/psql" -h "$pg_sock" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ -z "$(psql_su -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'queueworker'")" ]; then
  echo "setup: creating role queueworker"
  psql_su -d postgres -c "CREATE ROLE queueworker LOGIN PASSWORD 'queueworker'"
fi
if [ -z "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'queueworker_test'")" ]; then
  echo "setup: creating database queueworker_test"
  psql_su -d postgres -c "CREATE DATABASE queueworker_test OWNER queueworker"
fi
if [ -z "$(psql_su -d queueworker_test -c "SELECT 1 FROM pg_extension WHERE extname = 'vector'")" ]; then
  echo "setup: creating extension vector in queueworker_test"
  psql_su -d queueworker_test -c "CREATE EXTENSION IF NOT EXISTS vector"
fi
pgvector_version=$(psql_su -d queueworker_test -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")

echo "setup: ready ($(java -version 2>&1 | head -n 1); azurite $azurite_version; PostgreSQL 15 with pgvector $pgvector_version on 127.0.0.1:$PG_PORT)"
