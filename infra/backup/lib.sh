# Sourced by the scripts in infra/backup: finding the PostgreSQL binaries, running them as the
# server's OS user, and turning "which database" into a libpq connection string.
set -euo pipefail

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# Wrong or missing arguments: the reason, then the script's usage (exit 2).
usage_error() { echo "$(basename "$0"): $*" >&2; echo >&2; usage >&2; exit 2; }

repo_root() { (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd); }

# The server binaries: LEDGER_PG_BIN, else the newest /usr/lib/postgresql/*/bin (as the service finds them).
pg_bin() {
  if [ -n "${LEDGER_PG_BIN:-}" ] && [ -x "$LEDGER_PG_BIN/pg_ctl" ]; then echo "$LEDGER_PG_BIN"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/pg_basebackup" ] || die "no PostgreSQL binaries in /usr/lib/postgresql/*/bin: set LEDGER_PG_BIN"
  echo "$d"
}

# PostgreSQL refuses to run as root: as root, server commands run as this OS user (as the embedded cluster does).
SERVER_USER="${LEDGER_PG_OS_USER:-postgres}"
is_root() { [ "$(id -u)" = 0 ]; }
as_server() { if is_root; then runuser -u "$SERVER_USER" -- "$@"; else "$@"; fi; }

# Quotes a value for a libpq conninfo string.
conninfo_value() { local v="${1//\\/\\\\}"; printf "'%s'" "${v//\'/\\\'}"; }

# An Npgsql connection string (LEDGER_DB's form: Host=…;Port=…;Username=…) as a libpq conninfo;
# a postgres:// URI or a conninfo is passed through. Options libpq has no equivalent for (pooling…) are dropped.
to_conninfo() {
  local given="$1"
  case "$given" in
    postgres://*|postgresql://*) echo "$given"; return ;;
  esac
  # libpq's own form (host=… port=…, lower-case keys, spaces between) passes through.
  if [[ "$given" != *";"* && ! "$given" =~ ^[[:space:]]*[A-Z][A-Za-z\ ]*= ]]; then echo "$given"; return; fi
  local out="" part key value
  IFS=';' read -ra parts <<< "$given"
  for part in "${parts[@]}"; do
    [[ "$part" == *=* ]] || continue
    key=$(echo "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
    value="${part#*=}"; value="${value#"${value%%[![:space:]]*}"}"; value="${value%"${value##*[![:space:]]}"}"
    value="${value#[\'\"]}"; value="${value%[\'\"]}"
    case "$key" in
      host|server) out+="host=$(conninfo_value "$value") " ;;
      port) out+="port=$(conninfo_value "$value") " ;;
      username|userid|user) out+="user=$(conninfo_value "$value") " ;;
      password|pwd|psw) out+="password=$(conninfo_value "$value") " ;;
      database|db) out+="dbname=$(conninfo_value "$value") " ;;
      sslmode)
        value=$(echo "$value" | tr '[:upper:]' '[:lower:]'); value="${value/verifyca/verify-ca}"; value="${value/verifyfull/verify-full}"
        out+="sslmode=$value " ;;
    esac
  done
  echo "${out% }"
}

# The conninfo of the running embedded cluster in <data dir>, from its postmaster.pid (port on
# line 4, socket directory on line 5, listen address on line 6): wherever it listens.
embedded_conninfo() {
  local dir="$1" pid="$1/postmaster.pid"
  [ -f "$pid" ] || die "no PostgreSQL server is running on $dir (no postmaster.pid): start the service (./run.sh), or pass --db"
  local -a lines
  mapfile -t lines < "$pid"
  local port="${lines[3]:-}" socket="${lines[4]:-}" address="${lines[5]:-}" host
  address="${address%% *}"
  if [ -n "$socket" ]; then host="$socket"
  elif [ -n "$address" ] && [ "$address" != "*" ]; then host="$address"
  else host=localhost
  fi
  echo "host=$(conninfo_value "$host") port=$(conninfo_value "$port") user='ledger' dbname='ledger'"
}

# Which database: --db (Npgsql string, URI or conninfo), else LEDGER_DB, else the embedded cluster
# in --data-dir / LEDGER_DATA_DIR / <checkout>/.data/pg.
resolve_conninfo() {
  local db="$1" data_dir="$2"
  if [ -n "$db" ]; then to_conninfo "$db"
  elif [ -n "$data_dir" ]; then embedded_conninfo "$data_dir"
  elif [ -n "${LEDGER_DB:-}" ]; then to_conninfo "$LEDGER_DB"
  else embedded_conninfo "${LEDGER_DATA_DIR:-$(repo_root)/.data/pg}"
  fi
}

# psql with a conninfo: unaligned, tuples only, stop on the first error.
psql_at() { local conn="$1"; shift; "$(pg_bin)/psql" -X -q -A -t -v ON_ERROR_STOP=1 -d "$conn" "$@"; }

# Paths end up inside archive_command/restore_command (shell, and %-expanded by the server).
check_path_for_command() {
  [[ "$1" == /* ]] || die "$1: give an absolute path (the server runs the command from its data directory)"
  [[ "$1" != *[\'\"\$\`\\%$'\n']* ]] || die "$1: the path may not contain quotes, \$, \`, \\, % or a newline (it goes into a shell command)"
}

# Backups live under one folder: base/<UTC time>/ (pg_basebackup) and wal/ (the WAL archive).
backup_root() {
  local given="$1"
  [ -n "$given" ] || given="${LEDGER_BACKUP_DIR:-}"
  [ -n "$given" ] || usage_error "say where backups go: --backup-dir DIR or LEDGER_BACKUP_DIR (preferably another disk than the database's)"
  realpath -m "$given"
}

# The backup folder holds copies of everything in the database: private to its owner. As root, the
# server's OS user may pass through it (0710) to reach wal/, which it owns.
prepare_backup_root() {
  local root="$1"
  [ -d "$root" ] && return 0
  mkdir -p "$root"
  if is_root; then chgrp "$SERVER_USER" "$root"; chmod 710 "$root"; else chmod 700 "$root"; fi
}

now_utc() { date -u +%Y-%m-%dT%H:%M:%S.%6NZ; }
nanos_of() { date -u -d "$1" +%s%N; }

# An LSN (0/3A0001B8) as a number, to compare.
lsn_number() { local hi="${1%/*}" lo="${1#*/}"; echo $(( (16#$hi << 32) + 16#$lo )); }

info_field() { sed -n "s/^$2=//p" "$1" | head -n 1; }
