#!/usr/bin/env bash
# Installs the queue-worker daemon as systemd units: one service per client, or one tenants service
# for every client of a directory (run --tenants DIR). See deploy/README.md.
set -euo pipefail

PROG=install-worker-service.sh

usage() {
  cat <<'USAGE'
Usage: install-worker-service.sh CLIENT_ID DIR [options]
       install-worker-service.sh --tenants DIR [--add-client CLIENT_ID]... [options]

Per-client services (the first form): installs the queue-worker daemon for one client as systemd
services:
  /etc/systemd/system/queue-worker-CLIENT_ID.service    one worker
  /etc/systemd/system/queue-worker-CLIENT_ID@.service   several: queue-worker-CLIENT_ID@1, @2, ...
Several clients share one DIR; each unit serves only its own client:
  DIR/queue-worker.jar            the daemon, shared
  DIR/.env                        settings shared by every client (credentials); never CLIENT_ID
  DIR/clients/CLIENT_ID.env       this client's settings, read after DIR/.env: its values win
  DIR/data/CLIENT_ID/             this client's data (instance N: DIR/data/CLIENT_ID/N)
The unit runs 'queue-worker.jar run --client CLIENT_ID': no settings file can change the client,
and a different CLIENT_ID in one of them stops the service at start (exit 2, not restarted).

  CLIENT_ID     lowercase letters, digits and single hyphens, at most 50 characters
  DIR           absolute install directory, e.g. /opt/queue-worker; not under /home, /root,
                /run/user, /tmp or /var/tmp

One tenants service (--tenants DIR): one daemon serves every client of DIR, in one process
(docs/tenants.md; which to pick: docs/deployment.md):
  /etc/systemd/system/queue-worker-tenants.service   runs 'queue-worker.jar run --tenants DIR'
The same DIR layout; the daemon reads DIR/.env and every DIR/clients/<client>.env itself (the unit
has no EnvironmentFile=) and writes only under DIR/data (DIR/data/<client>/ per client,
DIR/data/_tenants/ its own). 'systemctl reload queue-worker-tenants' re-reads DIR: a new client file
starts that client, a removed one drains it, the other clients' running tasks are not touched.
One tenants service per machine. A DIR/clients/*.env that sets one of the daemon's own variables
(WORKER_HTTP_PORT, WORKER_HTTP_BIND, LOG_FORMAT, LOG_LEVEL, WORKER_TENANTS_CONCURRENCY,
WORKER_CONSOLE_TOKEN: DIR/.env only) is warned about: the daemon stops that client.
  --add-client CLIENT_ID
                  (with --tenants, repeatable) add a client: write DIR/clients/CLIENT_ID.env
                  (comments only; kept when present) and DIR/data/CLIENT_ID/; no other client's file
                  is touched. The unit is written only when it is not installed yet (run without
                  --add-client to change its options). Then 'systemctl reload queue-worker-tenants'.
  --allow-mixed   install even though a client would then be served both by its own per-client
                  service and by the tenants service (refused by default: see below)

A client served twice by mistake is refused: --tenants when a client of DIR (or one being added)
has a per-client service that is enabled or running, and a per-client install when the tenants
service (enabled or running) serves DIR or already has a file for that client. The message names
the units and the command that stops them. Two daemons on one queue lose no task, so --allow-mixed
lets it be done on purpose.

Options:
  --root STAGING  write every file under STAGING (STAGING/etc/systemd/system/..., STAGING/DIR/...);
                  create no user, change no owner, call no systemctl: print what it would do
  --user NAME     the system user the service runs as (default: worker)
  --memory SIZE   MemoryMax of each service (the tenants service: of the one process serving
                  every client), e.g. 512M, 1G, 2G (default: 1G); the heap (-Xmx) is 5/8 of it
  --java PATH     the java executable (default: /usr/bin/java)
  --no-enable     do not run 'systemctl enable' (daemon-reload still runs)
  -h, --help      print this help

Running it again is safe: this client's units (or the tenants unit) are rewritten, settings files
are kept, and no other client's file is touched. A DIR/.env of the old layout (one client,
CLIENT_ID in DIR/.env) is migrated when that client is installed again: its CLIENT_ID line is
commented out (a copy is kept as DIR/.env.before-clients); installing another client, or
--tenants, first is refused with the command to run.
Exit codes: 0 installed, 1 a step failed, 2 bad usage.
USAGE
}

fail_usage() {
  # One line on stderr, exit 2 (bad usage); --help shows the usage.
  echo "$PROG: $*" >&2
  exit 2
}

fail() {
  echo "$PROG: $*" >&2
  exit 1
}

client_id=""
dir=""
tenants=0
add_clients=()
allow_mixed=0
staging=""
user_name="worker"
memory="1G"
java_bin="/usr/bin/java"
enable=1

positional() {
  if [ "$tenants" -eq 1 ]; then fail_usage "unexpected argument '$1': --tenants DIR takes no CLIENT_ID (add clients with --add-client CLIENT_ID)"
  elif [ -z "$client_id" ]; then client_id="$1"
  elif [ -z "$dir" ]; then dir="$1"
  else fail_usage "unexpected argument '$1'"
  fi
}

set_tenants() {
  [ "$tenants" -eq 0 ] || fail_usage "--tenants is given twice"
  [ -z "$client_id" ] || fail_usage "--tenants DIR installs one service for every client of DIR: give either CLIENT_ID DIR or --tenants DIR, not both (add clients with --add-client)"
  tenants=1
  dir="$1"
  [ -n "$dir" ] || fail_usage "--tenants needs a value"
}

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --root|--user|--memory|--java|--tenants|--add-client)
      [ $# -ge 2 ] || fail_usage "$1 needs a value"
      case "$1" in
        --root) staging="$2" ;;
        --user) user_name="$2" ;;
        --memory) memory="$2" ;;
        --java) java_bin="$2" ;;
        --tenants) set_tenants "$2" ;;
        --add-client) add_clients+=("$2") ;;
      esac
      shift 2 ;;
    --root=*) staging="${1#*=}"; shift ;;
    --user=*) user_name="${1#*=}"; shift ;;
    --memory=*) memory="${1#*=}"; shift ;;
    --java=*) java_bin="${1#*=}"; shift ;;
    --tenants=*) set_tenants "${1#*=}"; shift ;;
    --add-client=*) add_clients+=("${1#*=}"); shift ;;
    --allow-mixed) allow_mixed=1; shift ;;
    --no-enable) enable=0; shift ;;
    --) shift; break ;;
    -*) fail_usage "unknown option $1" ;;
    *) positional "$1"; shift ;;
  esac
done
while [ $# -gt 0 ]; do
  positional "$1"
  shift
done

# ---- validation: each failure is one line and exit 2 ----
# The queues are {CLIENT_ID}-tasks and {CLIENT_ID}-tasks-poison (Azure: 3-63 characters, lowercase
# letters, digits, single hyphens, no hyphen first or last), so CLIENT_ID has at most 50 characters.
check_client_id() {
  if [ "${#1}" -gt 50 ] || ! [[ "$1" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]]; then
    fail_usage "invalid CLIENT_ID '$1': expected lowercase letters, digits and single hyphens (not first or last), at most 50 characters"
  fi
}
if [ "$tenants" -eq 1 ]; then
  [ "${#add_clients[@]}" -eq 0 ] || for c in "${add_clients[@]}"; do check_client_id "$c"; done
else
  [ "${#add_clients[@]}" -eq 0 ] || fail_usage "--add-client adds a client to the tenants service: use it with --tenants DIR (a per-client service is installed with CLIENT_ID DIR)"
  [ -n "$client_id" ] || fail_usage "CLIENT_ID is missing"
  [ -n "$dir" ] || fail_usage "DIR is missing"
  check_client_id "$client_id"
fi

[[ "$dir" == /* ]] || fail_usage "DIR must be an absolute path, got '$dir'"
while [ "${#dir}" -gt 1 ] && [[ "$dir" == */ ]]; do dir="${dir%/}"; done
# Unit files treat spaces, quotes, '%' and '\' specially: keep DIR to plain path characters.
if ! [[ "$dir" =~ ^(/[A-Za-z0-9._-]+)+$ ]] || [[ "/$dir/" == */../* ]] || [[ "$dir/" == */./* ]]; then
  fail_usage "DIR must be a plain absolute path (letters, digits, '.', '_', '-', no '.' or '..' parts, not /), got '$dir'"
fi
case "$dir/" in
  /home/*|/root/*|/run/user/*) fail_usage "DIR '$dir' is hidden from the service by ProtectHome=yes: choose e.g. /opt/queue-worker" ;;
  /tmp/*|/var/tmp/*) fail_usage "DIR '$dir' is replaced by a private /tmp in the service (PrivateTmp=yes): choose e.g. /opt/queue-worker" ;;
  /proc/*|/sys/*|/dev/*|/etc/*|/usr/*|/boot/*) fail_usage "DIR '$dir' is a system directory: choose e.g. /opt/queue-worker" ;;
esac

[[ "$user_name" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || fail_usage "invalid --user '$user_name': expected a system user name (lowercase, at most 32 characters)"

# --memory: a whole number of M or G (systemd units, base 1024). The heap gets 5/8 of it.
if [[ "$memory" =~ ^([1-9][0-9]*)([MmGg])$ ]]; then
  memory_mb="${BASH_REMATCH[1]}"
  case "${BASH_REMATCH[2]}" in [Gg]) memory_mb=$((memory_mb * 1024)) ;; esac
  memory="${BASH_REMATCH[1]}$(printf '%s' "${BASH_REMATCH[2]}" | tr 'mg' 'MG')"
else
  fail_usage "invalid --memory '$memory': expected a size like 512M or 1G"
fi
[ "$memory_mb" -ge 256 ] || fail_usage "--memory $memory is too small: the worker needs at least 256M"
heap_mb=$((memory_mb * 5 / 8))

[[ "$java_bin" =~ ^(/[A-Za-z0-9._+-]+)+$ ]] || fail_usage "--java must be an absolute path to the java executable, got '$java_bin'"

if [ -n "$staging" ]; then
  [[ "$staging" == /* ]] || staging="$PWD/$staging"
  while [ "${#staging}" -gt 1 ] && [[ "$staging" == */ ]]; do staging="${staging%/}"; done
  [ "$staging" != "/" ] || staging=""
fi

# ---- the unit text: one function for the restart policy and the sandbox of every unit (per-client,
# template, tenants), so that they cannot drift ----

# unit_text DESCRIPTION DATA_DIR HEADER_NOTE EXTRA_SERVICE_LINES
unit_text() {
  local description="$1" data_dir="$2" instance_note="$3" extra_lines="$4"
  local extra_block=""
  [ -z "$extra_lines" ] || extra_block=$'\n'"$extra_lines"
  cat <<UNIT
# queue-worker for client '${client_id}'. Written by deploy/systemd/install-worker-service.sh:
# edit the script's options and run it again rather than this file, or add a drop-in with
# 'systemctl edit' (a drop-in survives reinstalls).
#
# systemd-analyze security scores this unit 1.1 OK (systemd 252); the deployment tests assert
# 2.0 or lower, offline and on the running service in a booted Debian (scripts/test-systemd.sh).
#
${instance_note}

[Unit]
Description=${description}
Documentation=https://github.com/queue-worker/queue-worker/tree/main/deploy
Wants=network-online.target
After=network-online.target

[Service]
Type=exec
User=${user_name}
Group=${user_name}
WorkingDirectory=${dir}
# Settings: those every client of ${dir} shares, then this client's own (read later: its values win).
EnvironmentFile=${dir}/.env
EnvironmentFile=${client_env}
# The client is the command line's (--client), not a variable: no settings file can change it, and
# a CLIENT_ID in one of them that differs stops start-up (exit 2). /usr/bin/env sets the data
# directory for the same reason (EnvironmentFile= would win over Environment=): it must be this
# client's own and inside ReadWritePaths=, the only place the service may write. The in-process
# embedding model unpacks its tokenizer library under DJL_CACHE_DIR (default ~/.djl.ai, read-only
# here); keep it beside the data. --env-file makes the worker read the client's file (not ./.env)
# itself, so that its start-up log names the file of each setting and flags unknown names.
# Heap: MemoryMax=${memory} below is the whole process (heap, metaspace, thread stacks, code cache,
# direct buffers, the native ONNX runtime of the local model); -Xmx${heap_mb}m is 5/8 of it. An
# explicit -Xmx rather than -XX:MaxRAMPercentage: the JVM sizes the latter from the cgroup limit
# only when it detects it, which depends on the JDK build and cgroup version; -Xmx does not.
# ExitOnOutOfMemoryError: a worker out of heap exits (status 3) and Restart= starts a fresh one.
ExecStart=/usr/bin/env WORKER_DATA_DIR=${data_dir} DJL_CACHE_DIR=${data_dir}/.djl.ai ${java_bin} -Xmx${heap_mb}m -XX:+ExitOnOutOfMemoryError -XX:ErrorFile=${data_dir}/hs_err_pid%%p.log -jar ${dir}/queue-worker.jar run --client ${client_id} --env-file ${client_env}${extra_block}

UNIT
  service_common "${client_data}" "queue-worker-${client_id}"
}

# service_common READ_WRITE_PATH SYSLOG_IDENTIFIER: from the restart policy to [Install].
service_common() {
  local read_write="$1" identifier="$2"
  cat <<UNIT
# Exit codes: 0 clean shutdown, 1 runtime failure (restarted), 2 bad configuration (not restarted:
# fix the settings, then 'systemctl restart'). 143 is a JVM ended by SIGTERM, which is a clean stop too.
Restart=on-failure
RestartSec=10s
RestartPreventExitStatus=2
SuccessExitStatus=143
# SIGTERM drains: running tasks get WORKER_SHUTDOWN_TIMEOUT (default 30s) to finish. TimeoutStopSec
# must be longer or systemd SIGKILLs a draining worker; raise both together.
KillSignal=SIGTERM
KillMode=mixed
TimeoutStopSec=60s
MemoryMax=${memory}
SyslogIdentifier=${identifier}
UMask=0027

# ---- sandbox (what a JVM tolerates) ----
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
PrivateTmp=yes
PrivateMounts=yes
PrivateDevices=yes
DevicePolicy=closed
PrivateUsers=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=${read_write}
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
# Not ProcSubset=pid: it hides /proc/net, and a JDK 17 that cannot read /proc/net/if_inet6
# disables IPv6 altogether ("Protocol family unavailable"), e.g. for a Supabase direct connection.
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
KeyringMode=private
# The network is the job (queue, blobs, webhooks, database, model APIs): no IPAddressDeny=.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
SystemCallArchitectures=native
# @resources and @privileged are refused with EPERM rather than a kill: the JVM tries setrlimit()
# at start to raise its file limit and carries on when refused.
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
SystemCallErrorNumber=EPERM
# Not MemoryDenyWriteExecute=: the JIT compiler needs writable and executable memory.

[Install]
WantedBy=multi-user.target
UNIT
}

# tenants_unit_text: the one service of every client of DIR (run --tenants DIR).
tenants_unit_text() {
  cat <<UNIT
# queue-worker in tenants mode: one daemon for every client of ${dir} (docs/tenants.md). Written by
# deploy/systemd/install-worker-service.sh --tenants ${dir}: edit the script's options and run it
# again rather than this file, or add a drop-in with 'systemctl edit' (a drop-in survives reinstalls).
#
# systemd-analyze security scores this unit 1.1 OK (systemd 252), as the per-client ones (one
# function writes the sandbox of both); scripts/test-systemd.sh asserts 2.0 or lower on the
# running service in a booted Debian.
#
# Clients: one file ${dir}/clients/<client>.env each (add one with --tenants ${dir} --add-client
# <client>), then 'systemctl reload ${tenants_service}': a new file starts its client, a removed one
# drains its client, a changed one drains and restarts it; the others' running tasks go on.

[Unit]
Description=queue-worker for every client of ${dir} (tenants mode)
Documentation=https://github.com/queue-worker/queue-worker/tree/main/deploy
Wants=network-online.target
After=network-online.target

[Service]
Type=exec
User=${user_name}
Group=${user_name}
WorkingDirectory=${dir}
# No EnvironmentFile=: the daemon reads ${dir}/.env (shared, and its own variables such as
# WORKER_TENANTS_CONCURRENCY) and each ${dir}/clients/<client>.env itself, so that a client's own
# file always wins, no shared setting can name a client, and a reload sees edited files. Each client
# writes to ${dir}/data/<client>; the daemon's own files (the in-process embedding model's native
# library cache, DJL_CACHE_DIR, read-only at its default ~/.djl.ai; crash logs) go to ${tenants_data}.
# Heap: MemoryMax=${memory} below is the whole process serving every client; -Xmx${heap_mb}m is 5/8 of
# it (the reasons are in the per-client units). ExitOnOutOfMemoryError: out of heap, the daemon exits
# (status 3) and Restart= starts a fresh one, which serves every client again.
Environment=DJL_CACHE_DIR=${tenants_data}/.djl.ai
ExecStart=${java_bin} -Xmx${heap_mb}m -XX:+ExitOnOutOfMemoryError -XX:ErrorFile=${tenants_data}/hs_err_pid%%p.log -jar ${dir}/queue-worker.jar run --tenants ${dir}
# 'systemctl reload': re-read ${dir} (SIGHUP), without a restart.
ExecReload=/bin/kill -HUP \$MAINPID

UNIT
  service_common "${dir}/data" "${tenants_service}"
}

# ---- actions ----

root_path() { printf '%s%s' "$staging" "$1"; }

say() { echo "$PROG: $*"; }

would() {
  # In staging mode, print a step that would touch the machine instead of doing it.
  if [ -n "$staging" ]; then
    say "would run: $*"
  else
    "$@"
  fi
}

write_file() {
  # write_file PATH MODE: content on stdin; replaced only when it changed.
  local path="$1" mode="$2" tmp
  tmp="$(mktemp "${path}.XXXXXX")"
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
    chmod "$mode" "$path"
    say "unchanged $path"
  else
    mv -f "$tmp" "$path"
    say "wrote $path"
  fi
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# .env.worker.example: beside the script (copied to a server together), else at the checkout's root.
env_example="$script_dir/.env.worker.example"
[ -f "$env_example" ] || env_example="$script_dir/../../.env.worker.example"

unit_dir="$(root_path /etc/systemd/system)"
service="queue-worker-${client_id}"
tenants_service="queue-worker-tenants"
tenants_unit="$unit_dir/${tenants_service}.service"
# The tenants daemon's own writable directory: no client can be named so (client ids have no '_').
tenants_data="$dir/data/_tenants"

if [ -z "$staging" ]; then
  [ "$(id -u)" -eq 0 ] || fail "must run as root (or use --root STAGING to write into a staging directory)"
  command -v systemctl >/dev/null 2>&1 || fail "systemctl not found: this script installs systemd units"
  [ -x "$java_bin" ] || say "warning: $java_bin is not executable here; install Java 17 or pass --java PATH"
fi

# ---- one client served twice by mistake: a per-client service and the tenants service ----

# in_use UNIT_PATTERN: the units matching it (a shell glob such as queue-worker-demo@*.service) that
# are enabled (a link in a *.wants directory) or, on the machine itself, active; one per line, with
# how ("enabled", "active", "enabled, active").
in_use() {
  local pattern="$1" link name enabled=() active=() all u how
  # shellcheck disable=SC2231 # the pattern is a glob on purpose (queue-worker-demo@*.service)
  for link in "$unit_dir"/*.wants/$pattern; do
    [ -e "$link" ] || [ -L "$link" ] || continue
    enabled+=("$(basename "$link")")
  done
  if [ -z "$staging" ]; then
    while read -r name _; do
      [ -n "$name" ] && active+=("$name")
    done < <(systemctl list-units --plain --no-legend --state=active,activating,reloading,deactivating "$pattern" 2>/dev/null || true)
  fi
  all=$(printf '%s\n' "${enabled[@]}" "${active[@]}" | sed '/^$/d' | sort -u)
  for u in $all; do
    how=""
    printf '%s\n' "${enabled[@]}" | grep -qxF "$u" && how="enabled"
    printf '%s\n' "${active[@]}" | grep -qxF "$u" && how="${how:+$how, }active"
    echo "$u ($how)"
  done
}

# tenants_dir_of_unit: the DIR that an installed queue-worker-tenants.service serves, if any.
tenants_dir_of_unit() {
  [ -f "$tenants_unit" ] || return 0
  sed -n 's/^ExecStart=.* run --tenants \([^[:space:]]*\).*/\1/p' "$tenants_unit" | tail -1
}

# the clients of DIR as the tenants daemon sees them: DIR/clients/<client>.env
clients_of_dir() {
  local f name
  for f in "$(root_path "$1/clients")"/*.env; do
    [ -f "$f" ] || continue
    name="$(basename "$f" .env)"
    [[ "$name" =~ ^[a-z0-9]+(-[a-z0-9]+)*$ ]] && echo "$name"
  done
}

mixed() {
  # mixed MESSAGE: refused (exit 1) unless --allow-mixed, then a warning.
  if [ "$allow_mixed" -eq 1 ]; then
    say "warning (--allow-mixed): $*"
  else
    fail "$*; or pass --allow-mixed to serve a client twice on purpose (two daemons on one queue lose no task)"
  fi
}

if [ "$tenants" -eq 1 ]; then
  other_dir="$(tenants_dir_of_unit)"
  if [ -n "$other_dir" ] && [ "$other_dir" != "$dir" ]; then
    fail "$tenants_service.service already serves the clients of $other_dir (one tenants service per machine): add clients there with '$0 --tenants $other_dir --add-client CLIENT_ID', or give this directory's clients per-client services"
  fi
  twice=()
  for c in $( { clients_of_dir "$dir"; [ "${#add_clients[@]}" -eq 0 ] || printf '%s\n' "${add_clients[@]}"; } | sort -u); do
    while IFS= read -r u; do
      [ -n "$u" ] && twice+=("$u")
    done < <(in_use "queue-worker-$c.service"; in_use "queue-worker-$c@*.service")
  done
  if [ "${#twice[@]}" -gt 0 ]; then
    names=$(printf '%s\n' "${twice[@]}" | sed 's/ (.*//' | tr '\n' ' ')
    listed=$(printf '%s; ' "${twice[@]}")
    mixed "per-client services serve clients the tenants service of $dir would serve too: ${listed%; }: stop them first with 'systemctl disable --now ${names% }'"
  fi
else
  other_dir="$(tenants_dir_of_unit)"
  if [ -n "$other_dir" ] && { [ "$other_dir" = "$dir" ] || [ -f "$(root_path "$other_dir/clients/$client_id.env")" ]; }; then
    t_use="$(in_use "${tenants_service}.service")"
    if [ -n "$t_use" ]; then
      mixed "$t_use serves every client of $other_dir, so '$client_id' would be served twice (the tenants daemon reads $other_dir/clients/$client_id.env too): add it there instead with '$0 --tenants $other_dir --add-client $client_id'"
    fi
  fi
fi

# 0. The layout of one client per DIR kept CLIENT_ID in DIR/.env: refused here, before anything is
# written, unless this is that client (step 3 migrates it).
env_file="$(root_path "$dir/.env")"
old_client=""
if [ -f "$env_file" ]; then
  old_client="$(sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}CLIENT_ID[[:space:]]*=[[:space:]]*["'"'"']\{0,1\}\([^"'"'"'[:space:]#]*\).*/\2/p' "$env_file" | tail -1)"
fi
if [ -n "$old_client" ] && [ "$tenants" -eq 1 ]; then
  fail "$dir/.env sets CLIENT_ID=$old_client (the layout of one client per DIR): run '$0 $old_client $dir --no-enable' first (it moves CLIENT_ID out of $dir/.env and its data to $dir/data/$old_client), then '$0 --tenants $dir --add-client $old_client'"
fi
if [ -n "$old_client" ] && [ "$old_client" != "$client_id" ]; then
  fail "$dir/.env sets CLIENT_ID=$old_client (the layout of one client per DIR), which would make every unit of $dir serve '$old_client': run '$0 $old_client $dir' first (it moves CLIENT_ID out of $dir/.env), then install '$client_id'"
fi

# 1. The system user: no login, home DIR (read-only to it).
if [ -n "$staging" ]; then
  say "would run: useradd --system --user-group --home-dir $dir --no-create-home --shell /usr/sbin/nologin $user_name (unless the user exists)"
elif id -u "$user_name" >/dev/null 2>&1; then
  say "user $user_name exists"
else
  nologin="$(command -v nologin || echo /usr/sbin/nologin)"
  useradd --system --user-group --home-dir "$dir" --no-create-home --shell "$nologin" "$user_name"
  say "created system user $user_name"
fi

# 2. DIR, clients/ and data/ (root-owned, read-only to the service) and the data directories the
# service writes to: this client's, or the tenants daemon's own and each added client's.
mkdir -p "$(root_path "$dir")" "$(root_path "$dir/clients")" "$(root_path "$dir/data")" "$unit_dir"
chmod 0755 "$(root_path "$dir")" "$(root_path "$dir/clients")" "$(root_path "$dir/data")"
would chown root:root "$dir" "$dir/clients" "$dir/data"
if [ "$tenants" -eq 1 ]; then
  writable=("$tenants_data")
  [ "${#add_clients[@]}" -eq 0 ] || for c in "${add_clients[@]}"; do writable+=("$dir/data/$c"); done
else
  client_data="$dir/data/$client_id"
  writable=("$client_data")
fi
for d in "${writable[@]}"; do
  mkdir -p "$(root_path "$d")"
  chmod 0750 "$(root_path "$d")"
done
would chown "$user_name:$user_name" "${writable[@]}"

# 3. DIR/.env, shared by every client: kept when present (it holds the secrets); else started from
# .env.worker.example without CLIENT_ID. The old layout's CLIENT_ID line is migrated or refused.
if [ -n "$old_client" ]; then
  cp -p "$env_file" "$(root_path "$dir/.env.before-clients")"
  sed -i -e 's/^\([[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}CLIENT_ID[[:space:]]*=.*\)$/# \1  (moved: each unit names its client, see clients\/)/' "$env_file"
  say "migrated $env_file: CLIENT_ID=$old_client commented out (each unit names its client); the old file is $dir/.env.before-clients"
  if [ -n "$(find "$(root_path "$dir/data")" -maxdepth 1 -type f -print -quit 2>/dev/null)" ]; then
    say "note: the old layout kept this client's data in $dir/data; it now has $client_data: move the files over (e.g. chunks.json of VECTOR_STORE=memory) before starting it"
  fi
elif [ -f "$env_file" ]; then
  say "kept $env_file"
else
  {
    if [ "$tenants" -eq 1 ]; then
      echo "# queue-worker settings shared by every client of ${dir}, read by the tenants daemon"
      echo "# (${tenants_service}.service), with its own variables (WORKER_TENANTS_CONCURRENCY, WORKER_HTTP_PORT, ...)."
      echo "# No CLIENT_ID here: each client is the name of its file. A client's own settings go in"
      echo "# ${dir}/clients/<client>.env, read after this file and the environment (its values win)."
    else
      echo "# queue-worker settings shared by every client installed in ${dir} (systemd EnvironmentFile=)."
      echo "# No CLIENT_ID here: each service names its client. A client's own settings go in"
      echo "# ${dir}/clients/<client>.env, read after this file (its values win)."
    fi
    echo "# Every variable, its default and meaning: .env.worker.example and docs/configuration.md."
    if [ -f "$env_example" ]; then
      if [ "$tenants" -eq 1 ]; then
        sed -e "s|^CLIENT_ID=.*|# CLIENT_ID is not set here: each client is the name of its file in ${dir}/clients/.|" "$env_example"
      else
        sed -e 's/^CLIENT_ID=.*/# CLIENT_ID is not set here: each service names its client (queue-worker.jar run --client <client>)./' "$env_example"
      fi
    else
      echo "AZURE_STORAGE_CONNECTION_STRING="
    fi
  } | write_file "$env_file" 0640
fi
chmod 0640 "$env_file"
would chown "root:$user_name" "$dir/.env"

# 4. The clients' own settings, kept when present: DIR/clients/CLIENT_ID.env (per-client), or one
# file per --add-client (tenants). Never another client's.
client_file_text() {
  if [ "$tenants" -eq 1 ]; then
    cat <<CLIENTENV
# queue-worker settings of client '$1' only, read by the tenants daemon (${tenants_service}.service)
# after ${dir}/.env and the environment: a variable set here wins over the shared one (e.g.
# WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_ALLOWED_HOSTS, PGVECTOR_TABLE, OPENAI_API_KEY).
# The client is this file's name: a CLIENT_ID here other than $1 stops this client (the others run).
# Its data directory is ${dir}/data/$1. Daemon-level variables (WORKER_HTTP_PORT, WORKER_HTTP_BIND,
# LOG_FORMAT, LOG_LEVEL, WORKER_TENANTS_CONCURRENCY, WORKER_CONSOLE_TOKEN) belong in ${dir}/.env.
# After an edit: 'systemctl reload ${tenants_service}' (drains and restarts this client only).
# WEBHOOK_URL=https://$1.example/internal/notify
# At most this many of its tasks at once (default: WORKER_TENANTS_CONCURRENCY):
# WORKER_CONCURRENCY=4
# Its weight (1-100) when the clients compete for the shared handler slots:
# WORKER_SHARE=1
CLIENTENV
  else
    cat <<CLIENTENV
# queue-worker settings of client '$1' only, read after ${dir}/.env: a variable set here
# wins over the shared one (e.g. WEBHOOK_URL, WEBHOOK_SECRET, PGVECTOR_TABLE, WORKER_CONCURRENCY).
# The client itself is the service's (queue-worker.jar run --client $1): a CLIENT_ID here
# other than $1 stops the service at start.
# WEBHOOK_URL=https://$1.example/internal/notify
CLIENTENV
  fi
}
if [ "$tenants" -eq 1 ]; then
  new_clients=("${add_clients[@]}")
else
  new_clients=("$client_id")
  client_env="$dir/clients/$client_id.env"
fi
[ "${#new_clients[@]}" -eq 0 ] || for c in "${new_clients[@]}"; do
  f="$dir/clients/$c.env"
  if [ -f "$(root_path "$f")" ]; then
    say "kept $(root_path "$f")"
  else
    client_file_text "$c" | write_file "$(root_path "$f")" 0640
  fi
  chmod 0640 "$(root_path "$f")"
  would chown "root:$user_name" "$f"
done

# 5. The units.
if [ "$tenants" -eq 1 ]; then
  unit_written=1
  if [ "${#add_clients[@]}" -gt 0 ] && [ -f "$tenants_unit" ]; then
    unit_written=0
    say "kept $tenants_unit (adding a client leaves the service as it is: run '$0 --tenants $dir [options]' without --add-client to change its options)"
  else
    tenants_unit_text | write_file "$tenants_unit" 0644
  fi
else
  unit_text "queue-worker for client ${client_id}" "$client_data" \
"# One worker; for several on the same queue use ${service}@.service." "" \
    | write_file "$unit_dir/${service}.service" 0644
  unit_text "queue-worker for client ${client_id}, worker %i" "$client_data/%i" \
"# Template: 'systemctl enable --now ${service}@1 ${service}@2'
# runs two workers on the same queue, each with its own data directory
# ${client_data}/<instance>.
# ReadWritePaths= must name a directory that exists: it names ${client_data}, and
# ExecStartPre= creates the instance's directory inside it, as the service user, in the sandbox." \
"# Each instance's own data directory (runs as the service user, inside the sandbox).
ExecStartPre=/bin/mkdir -p ${client_data}/%i" \
    | write_file "$unit_dir/${service}@.service" 0644
fi

# A client file written for a per-client service may set a variable that is the daemon's in tenants
# mode (the guide's WORKER_HTTP_PORT per client): the daemon stops that client. Said here, before it runs.
if [ "$tenants" -eq 1 ]; then
  for c in $(clients_of_dir "$dir"); do
    while read -r v; do
      say "warning: $dir/clients/$c.env sets $v, a daemon-level variable in tenants mode: the tenants daemon stops client $c until it is removed from there (set it once in $dir/.env)"
    done < <(sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}\(WORKER_HTTP_PORT\|WORKER_HTTP_BIND\|LOG_FORMAT\|LOG_LEVEL\|WORKER_TENANTS_CONCURRENCY\|WORKER_CONSOLE_TOKEN\)[[:space:]]*=.*/\2/p' \
      "$(root_path "$dir/clients/$c.env")" | sort -u)
  done
fi

# 6. systemd.
if [ "$tenants" -eq 0 ]; then
  would systemctl daemon-reload
  if [ "$enable" -eq 1 ]; then
    would systemctl enable "${service}.service"
  fi
elif [ "$unit_written" -eq 1 ]; then
  would systemctl daemon-reload
  if [ "$enable" -eq 1 ]; then
    would systemctl enable "${tenants_service}.service"
  fi
fi

if [ ! -f "$(root_path "$dir/queue-worker.jar")" ]; then
  say "next: copy worker-runner/target/queue-worker.jar to $dir/queue-worker.jar"
fi
if [ "$tenants" -eq 0 ]; then
  say "next: fill in $dir/.env (shared) and $client_env (this client's), then 'systemctl start ${service}' (or ${service}@1, @2, ... for several workers)"
elif [ -z "$(clients_of_dir "$dir")" ]; then
  say "next: fill in $dir/.env (shared, and the daemon's own variables), add clients with '$0 --tenants $dir --add-client CLIENT_ID', then 'systemctl start ${tenants_service}'"
elif [ "${#add_clients[@]}" -gt 0 ]; then
  files=$(printf "$dir/clients/%s.env " "${add_clients[@]}")
  if [ -z "$staging" ] && systemctl is-active --quiet "${tenants_service}.service"; then
    say "next: fill in ${files% }, then 'systemctl reload ${tenants_service}': it starts the new client(s); the other clients' running tasks go on"
  else
    say "next: fill in ${files% } and $dir/.env (shared), then 'systemctl start ${tenants_service}' (when it runs already: 'systemctl reload ${tenants_service}', which starts the new client(s) and leaves the others running)"
  fi
else
  say "next: fill in $dir/.env (shared, and the daemon's own variables) and $dir/clients/<client>.env, then 'systemctl start ${tenants_service}' ('systemctl reload ${tenants_service}' after adding, removing or editing a client's file)"
fi
