#!/usr/bin/env bash
# Turns on continuous WAL archiving (what point-in-time restores replay). See docs/operations.md.
source "$(dirname "$0")/lib.sh"

usage() { cat <<'EOF'
usage: infra/backup/enable-archiving.sh [--db CONN | --data-dir DIR] (--backup-dir DIR | --wal-dir DIR)
                                        [--timeout SECONDS] [--restart]

Turns on WAL archiving: archive_mode=on, an archive_command that copies each finished WAL segment
into the archive (flushed to disk; an existing file is never overwritten: the command fails unless
it is identical) and archive_timeout. Stored in the cluster (ALTER SYSTEM, as a superuser), so it
survives restarts and needs no setting on the service.

  --db CONN         the database: an Npgsql connection string as in LEDGER_DB, a postgres:// URI or
                    a libpq conninfo (default: LEDGER_DB, else the running embedded cluster)
  --data-dir DIR    the embedded cluster's data directory (default LEDGER_DATA_DIR, else .data/pg)
  --backup-dir DIR  the backup folder (default LEDGER_BACKUP_DIR); the archive is DIR/wal
  --wal-dir DIR     the archive folder itself, as the database server's host sees it
  --timeout S       archive_timeout: a segment is archived at least every S seconds when anything was
                    written (default 60; 0 = only when full, 16 MB)
  --restart         archive_mode only takes effect when the server starts: restart it now (pg_ctl
                    restart -m fast; for the embedded cluster or a server on this machine started
                    with pg_ctl). Without it, restart the service (embedded) or the server yourself.
EOF
}

db="" data_dir="" backup_dir="" wal_dir="" timeout=60 restart=0
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="${2:?}"; shift 2 ;;
    --data-dir) data_dir="${2:?}"; shift 2 ;;
    --backup-dir) backup_dir="${2:?}"; shift 2 ;;
    --wal-dir) wal_dir="${2:?}"; shift 2 ;;
    --timeout) timeout="${2:?}"; shift 2 ;;
    --restart) restart=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ "$timeout" =~ ^[0-9]+$ ]] || usage_error "--timeout takes whole seconds"
if [ -z "$wal_dir" ]; then
  backup_dir=$(backup_root "$backup_dir"); wal_dir="$backup_dir/wal"
else
  backup_dir=""
fi
wal_dir=$(realpath -m "$wal_dir")
check_path_for_command "$wal_dir"

conn=$(resolve_conninfo "$db" "$data_dir")
[ "$(psql_at "$conn" -c "select current_setting('is_superuser')")" = on ] \
  || die "the connection is not a superuser's: ALTER SYSTEM needs one (connect as the cluster owner)"
server_dir=$(psql_at "$conn" -c "show data_directory")

if [ -f "$server_dir/PG_VERSION" ]; then
  SERVER_USER=$(stat -c %U "$server_dir")
  [ -z "$backup_dir" ] || prepare_backup_root "$backup_dir"
  mkdir -p "$wal_dir"
  if is_root; then chown "$SERVER_USER:" "$wal_dir"; fi
  chmod 700 "$wal_dir"
  as_server test -w "$wal_dir" -a -x "$wal_dir" \
    || die "$SERVER_USER (the server's OS user) cannot write into $wal_dir: check the permissions of the folders above it"
else
  echo "The server's data directory is not on this machine: $wal_dir must exist on the server's host, writable by its OS user."
fi

# A copy under a temporary name, flushed, then renamed (and the folder flushed): a crash never leaves
# a short segment under the real name. An existing segment counts as archived only when identical.
command="f=\"$wal_dir/%f\"; if [ -f \"\$f\" ]; then cmp -s \"%p\" \"\$f\"; else cp \"%p\" \"\$f.part\" && sync \"\$f.part\" && mv \"\$f.part\" \"\$f\" && sync \"$wal_dir\"; fi"
psql_at "$conn" -v command="$command" -v timeout="$timeout" >/dev/null <<'SQL'
alter system set archive_mode = 'on';
alter system set archive_command = :'command';
alter system set archive_timeout = :'timeout';
select pg_reload_conf();
SQL
echo "Archiving configured: WAL segments go to $wal_dir (archive_timeout ${timeout}s)."

if [ "$(psql_at "$conn" -c "select setting from pg_settings where name = 'archive_mode'")" != on ]; then
  if [ "$restart" = 0 ]; then
    echo "archive_mode takes effect at the next server start: nothing is archived until then."
    echo "Restart: the embedded cluster restarts with the service (stop it, start it), or run this again with --restart."
    exit 0
  fi
  [ -f "$server_dir/PG_VERSION" ] || die "--restart: the server's data directory $server_dir is not on this machine"
  echo "Restarting the server in $server_dir (fast: open connections are closed)..."
  as_server "$(pg_bin)/pg_ctl" -D "$server_dir" -m fast -w -t 120 -l "$server_dir/server.log" restart >/dev/null
fi

# Prove it: finish the current segment and wait until the archiver has copied it.
segment=$(psql_at "$conn" -c "select pg_walfile_name(pg_switch_wal())")
for _ in $(seq 1 120); do
  IFS='|' read -r last failed last_failed < <(psql_at "$conn" -c \
    "select coalesce(last_archived_wal, ''), failed_count, coalesce(last_failed_wal, '') from pg_stat_archiver")
  if [ -n "$last" ] && [[ ! "$last" < "$segment" ]]; then
    echo "Archiving works: segment $segment is in $wal_dir."
    exit 0
  fi
  sleep 0.5
done
die "segment $segment was not archived within 60 s (archiver failures: $failed, last failed: ${last_failed:-none}); see the server log"
