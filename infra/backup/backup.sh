#!/usr/bin/env bash
# Takes a base backup (pg_basebackup) and checks it. See docs/operations.md.
source "$(dirname "$0")/lib.sh"

usage() { cat <<'EOF'
usage: infra/backup/backup.sh [--db CONN | --data-dir DIR] [--backup-dir DIR] [--tar]

Takes a base backup of the whole cluster into BACKUP_DIR/base/<UTC time>/ with pg_basebackup
(fast checkpoint, the WAL of the backup's own duration streamed in, so it restores on its own),
verifies it against its manifest (pg_verifybackup), and records when it finished and where its
WAL starts (ledger-backup.info). A folder still named *.partial is a backup that did not finish.
Refuses when WAL archiving is off: without the archive a backup restores only to its own end.

  --db CONN         the database: an Npgsql connection string as in LEDGER_DB, a postgres:// URI or
                    a libpq conninfo, as a role with REPLICATION (default: LEDGER_DB, else the
                    running embedded cluster)
  --data-dir DIR    the embedded cluster's data directory (default LEDGER_DATA_DIR, else .data/pg)
  --backup-dir DIR  the backup folder (default LEDGER_BACKUP_DIR)
  --tar             gzip-compressed tar files instead of a plain copy (smaller; pg_verifybackup
                    cannot read tar backups in PostgreSQL 15, so only the gzip streams are checked)
EOF
}

db="" data_dir="" backup_dir="" tar=0
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="${2:?}"; shift 2 ;;
    --data-dir) data_dir="${2:?}"; shift 2 ;;
    --backup-dir) backup_dir="${2:?}"; shift 2 ;;
    --tar) tar=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
root=$(backup_root "$backup_dir")
conn=$(resolve_conninfo "$db" "$data_dir")
bin=$(pg_bin)

IFS='|' read -r mode archived failed_at archived_at < <(psql_at "$conn" -c \
  "select current_setting('archive_mode'), coalesce(last_archived_wal, ''), coalesce(last_failed_time::text, ''), coalesce(last_archived_time::text, '')
   from pg_stat_archiver")
[ "$mode" != off ] || die "WAL archiving is off: run infra/backup/enable-archiving.sh (and restart) first"
if [ -n "$failed_at" ] && { [ -z "$archived_at" ] || [[ "$failed_at" > "$archived_at" ]]; }; then
  die "the archiver's last attempt failed ($failed_at): fix archiving first (see the server log and pg_stat_archiver)"
fi

name=$(date -u +%Y%m%dT%H%M%SZ)
dest="$root/base/$name"
prepare_backup_root "$root"
mkdir -p -m 700 "$root/base"
[ ! -e "$dest" ] || die "$dest exists already"
started=$(now_utc)
format=(-Fp)
[ "$tar" = 0 ] || format=(-Ft -z)
"$bin/pg_basebackup" -d "$conn" -D "$dest.partial" "${format[@]}" -X stream -c fast -l "ledger $name" --no-password \
  || { rm -rf "$dest.partial"; die "pg_basebackup failed (the role needs REPLICATION and a 'replication' line in pg_hba.conf)"; }
finished=$(now_utc)

if [ "$tar" = 0 ]; then
  "$bin/pg_verifybackup" -q "$dest.partial" || die "the backup in $dest.partial does not match its manifest: do not rely on it"
  label=$(cat "$dest.partial/backup_label")
else
  gzip -t "$dest.partial"/*.tar.gz || die "a compressed file in $dest.partial is damaged"
  label=$(tar -xzOf "$dest.partial/base.tar.gz" backup_label)
fi
start_wal=$(sed -n 's/^START WAL LOCATION: .*(file \([0-9A-F]*\)).*/\1/p' <<< "$label")
range=$(tr -d '\n ' < "$dest.partial/backup_manifest" | grep -o '"WAL-Ranges":\[[^]]*\]')
timeline=$(grep -o '"Timeline":[0-9]*' <<< "$range" | head -n 1 | cut -d: -f2)
start_lsn=$(grep -o '"Start-LSN":"[0-9A-F/]*"' <<< "$range" | head -n 1 | cut -d'"' -f4)
end_lsn=$(grep -o '"End-LSN":"[0-9A-F/]*"' <<< "$range" | tail -n 1 | cut -d'"' -f4)
bytes=$(du -sb "$dest.partial" | cut -f1)
seconds=$(awk -v a="$(nanos_of "$started")" -v b="$(nanos_of "$finished")" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
cat > "$dest.partial/ledger-backup.info" <<INFO
started=$started
finished=$finished
seconds=$seconds
bytes=$bytes
format=$([ "$tar" = 0 ] && echo plain || echo tar)
timeline=$timeline
start_lsn=$start_lsn
end_lsn=$end_lsn
start_wal=$start_wal
INFO
mv "$dest.partial" "$dest"
if is_root; then chmod 700 "$dest"; fi
echo "Base backup $name: $((bytes / 1024 / 1024)) MB in ${seconds} s, verified, in $dest"
echo "Restorable (with the WAL archive) to any point after $finished (LSN $end_lsn)."
