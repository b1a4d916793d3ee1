#!/usr/bin/env bash
# Installs what the build and its tests need on a bare Debian 12 machine, idempotently:
#   - a JDK 17+ and curl (the Maven wrapper fetches Maven 3.9 itself);
#   - Node.js and npm, then Azurite (npm package `azurite`) under .services/node, which the
#     Azure integration tests start themselves (each on its own ports and data directory);
#   - azure-cli and python3-azure, the clients the documentation's snippets use (scripts/test-snippets.sh);
#   - PostgreSQL 15 from Debian with pgvector built from Debian's source package, and the
#     project's test server on 127.0.0.1:$PG_PORT with role and database queueworker_test.
#
# The test server is one per machine and port, not one per checkout: its data lives in
# /var/lib/queueworker-postgres/$PG_PORT (as root; else ~/.local/share/queueworker-postgres/$PG_PORT,
# or $PG_DATA), so a second clone or a fresh CI folder finds the server an earlier one started and
# uses it. A server on $PG_PORT whose data directory is one of those, or a checkout's
# .services/postgres (the layout before), is recognised as the project's and adopted; anything else
# on the port stops setup before it installs anything, saying what holds the port and how to free it.
#
# Usage: [PG_PORT=55432] ./scripts/setup.sh         install and start; the last line is DATABASE_URL=...
#        [PG_PORT=55432] ./scripts/setup.sh stop    stop the project's server on PG_PORT
set -euo pipefail
cd "$(dirname "$0")/.."

AZURITE_VERSION=3.37.0
PG_PORT=${PG_PORT:-55432}
PG_BIN=/usr/lib/postgresql/15/bin
if ! [[ "$PG_PORT" =~ ^[0-9]+$ ]] || [ "$PG_PORT" -lt 1024 ] || [ "$PG_PORT" -gt 65535 ]; then
  echo "setup: PG_PORT must be a port number from 1024 to 65535, was '$PG_PORT'" >&2
  exit 2
fi
if [ -n "${PG_DATA:-}" ]; then
  pg_data=$PG_DATA
elif [ "$(id -u)" -eq 0 ]; then
  pg_data=/var/lib/queueworker-postgres/$PG_PORT
else
  pg_data=${XDG_DATA_HOME:-$HOME/.local/share}/queueworker-postgres/$PG_PORT
fi
database_url="postgresql://queueworker:queueworker@127.0.0.1:$PG_PORT/queueworker_test"

# The process listening on 127.0.0.1:$PG_PORT (its pid, empty when none) and its data directory
# when it is a PostgreSQL server (a postmaster's working directory is its data directory).
listener_pid() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "( sport = :$PG_PORT )" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
    return
  fi
  # Without iproute2 (a bare image): the listening socket's inode in /proc/net/tcp, then its owner.
  local inode fd
  inode=$(awk -v port="$(printf ':%04X' "$PG_PORT")" '$4 == "0A" && substr($2, length($2) - 4) == port { print $10; exit }' /proc/net/tcp)
  [ -n "$inode" ] || return 0
  for fd in /proc/[0-9]*/fd/*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = "socket:[$inode]" ]; then fd=${fd#/proc/}; echo "${fd%%/*}"; return; fi
  done
}
port_open() { (echo > "/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null; }
server_data_dir() { readlink "/proc/$1/cwd" 2>/dev/null || true; }
# The project's: the data directory setup uses now, any port's under the same parent, or a checkout's
# .services/postgres (and what it linked to) from before.
is_ours() {
  local dir=$1
  [ -n "$dir" ] || return 1
  [ -f "$dir/queueworker-cluster" ] && return 0
  case "$dir" in
    "$pg_data"|*/.services/postgres|/var/lib/queueworker-postgres/*) [ -f "$dir/PG_VERSION" ] ;;
    *) return 1 ;;
  esac
}

adopted=""
if port_open; then
  pid=$(listener_pid)
  holder_dir=""
  [ -z "$pid" ] || holder_dir=$(server_data_dir "$pid")
  if is_ours "$holder_dir"; then
    adopted=$holder_dir
  else
    {
      echo "setup: port $PG_PORT on 127.0.0.1 is taken by something that is not the project's test PostgreSQL:"
      ss -ltnp "( sport = :$PG_PORT )" 2>/dev/null | sed 's/^/  /' || true
      if [ -n "$pid" ]; then
        echo "  process $pid: $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
        if [ -n "$holder_dir" ] && [ -f "$holder_dir/PG_VERSION" ]; then
          owner=$(stat -c %U "$holder_dir")
          echo "  a PostgreSQL server with data directory $holder_dir; to stop it:"
          if [[ "$holder_dir" =~ ^/var/lib/postgresql/([0-9]+)/([^/]+)$ ]]; then
            echo "    pg_ctlcluster ${BASH_REMATCH[1]} ${BASH_REMATCH[2]} stop      (Debian's cluster; for good: systemctl disable --now postgresql)"
          else
            echo "    runuser -u $owner -- $(dirname "$(readlink "/proc/$pid/exe" 2>/dev/null || echo "$PG_BIN/postgres")")/pg_ctl -D $holder_dir stop"
          fi
        else
          echo "  to stop it:  kill $pid"
        fi
      else
        echo "  (run as root to see which process holds it: ss -ltnp 'sport = :$PG_PORT')"
      fi
      free=$PG_PORT
      for _ in $(seq 1 50); do free=$((free + 1)); (echo > "/dev/tcp/127.0.0.1/$free") 2>/dev/null || break; done
      echo "or use another port for the tests (the tests follow PG_PORT):  PG_PORT=$free $0"
    } >&2
    exit 1
  fi
fi

if [ "${1:-}" = stop ]; then
  if [ -z "$adopted" ]; then echo "setup: nothing runs on 127.0.0.1:$PG_PORT"; exit 0; fi
  echo "setup: stopping the test PostgreSQL on 127.0.0.1:$PG_PORT (data $adopted)"
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$(stat -c %U "$adopted")" -- "$PG_BIN/pg_ctl" -D "$adopted" -w -m fast stop >/dev/null)
  else
    "$PG_BIN/pg_ctl" -D "$adopted" -w -m fast stop >/dev/null
  fi
  exit 0
elif [ $# -gt 0 ]; then
  echo "usage: [PG_PORT=N] $0 [stop]" >&2
  exit 2
fi

need_apt=()
if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
  need_apt+=(openjdk-17-jdk-headless)
fi
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
for pkg in postgresql-15 postgresql-server-dev-15 make gcc dpkg-dev azure-cli python3-azure; do
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
az_version=$(dpkg-query -W -f='${Version}' azure-cli 2>/dev/null | cut -d- -f1 || echo unknown)

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

# The project's test server: adopted when it already runs on the port (from this or another
# checkout), else started from $pg_data (created the first time). As root it runs as the postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
if [ -n "$adopted" ]; then
  pg_data=$adopted
  echo "setup: using the project's PostgreSQL already running on 127.0.0.1:$PG_PORT (data $pg_data)"
else
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    echo "setup: creating the test PostgreSQL cluster in $pg_data"
    mkdir -p "$pg_data"
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pg_data"
    chmod 700 "$pg_data"
    as_pg "$PG_BIN/initdb" -D "$pg_data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
    as_pg touch "$pg_data/queueworker-cluster"
  fi
  echo "setup: starting PostgreSQL on 127.0.0.1:$PG_PORT (data $pg_data)"
  # A killed server leaves its pid file; a reused pid would make postgres refuse to start.
  if [ -f "$pg_data/postmaster.pid" ]; then
    old_pid=$(head -n 1 "$pg_data/postmaster.pid")
    if [ "$(cat "/proc/$old_pid/comm" 2>/dev/null)" != postgres ]; then rm -f "$pg_data/postmaster.pid"; fi
  fi
  pg_sock=$pg_data
  [ ${#pg_sock} -le 80 ] || pg_sock=/tmp
  as_pg "$PG_BIN/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_sock" start >/dev/null
fi
# The server's own socket directory (line 5 of its pid file), for the superuser's peer login.
pg_sock=$(as_pg sed -n 5p "$pg_data/postmaster.pid")
if [ ! -S "$pg_sock/.s.PGSQL.$PG_PORT" ]; then
  echo "setup: the PostgreSQL of $pg_data has no socket $pg_sock/.s.PGSQL.$PG_PORT; see $pg_data/server.log" >&2
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

echo "setup: ready ($(java -version 2>&1 | head -n 1); azurite $azurite_version; az $az_version; PostgreSQL 15 with pgvector $pgvector_version on 127.0.0.1:$PG_PORT)"
echo "DATABASE_URL=$database_url"
