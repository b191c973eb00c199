#!/usr/bin/env bash
# Retention: keeps the newest base backups and the WAL they need. See docs/operations.md.
source "$(dirname "$0")/lib.sh"

usage() { cat <<'EOF'
usage: infra/backup/prune.sh --keep N [--backup-dir DIR] [--wal-dir DIR] [--dry-run]

Deletes all but the N newest complete base backups, then every archived WAL segment older than
the oldest backup kept (pg_archivecleanup). Point-in-time restores stay possible to any moment
after the oldest kept backup finished. Timeline history files are kept. Folders still named
*.partial (backups that did not finish) older than a day are deleted too.

  --keep N          how many base backups to keep (at least 1)
  --backup-dir DIR  the backup folder (default LEDGER_BACKUP_DIR)
  --wal-dir DIR     the WAL archive, when not BACKUP_DIR/wal
  --dry-run         say what would be deleted, delete nothing
EOF
}

keep="" backup_dir="" wal_dir="" dry=0
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep="${2:?}"; shift 2 ;;
    --backup-dir) backup_dir="${2:?}"; shift 2 ;;
    --wal-dir) wal_dir="${2:?}"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || usage_error "--keep N (N ≥ 1) is required"
root=$(backup_root "$backup_dir")
[ -n "$wal_dir" ] || wal_dir="$root/wal"

mapfile -t backups < <(ls -1 "$root"/base/*/ledger-backup.info 2>/dev/null | xargs -r -n1 dirname | sort -r)
[ "${#backups[@]}" -gt 0 ] || die "no complete base backup in $root/base: nothing to keep, so nothing is deleted"
delete() {
  echo "$([ "$dry" = 1 ] && echo "would delete" || echo deleting) $1"
  [ "$dry" = 1 ] || rm -rf "$2"
}

for old in "${backups[@]:$keep}"; do delete "base backup $(basename "$old")" "$old"; done
find "$root/base" -maxdepth 1 -name '*.partial' -mmin +1440 -print0 2>/dev/null | while IFS= read -r -d '' partial; do
  delete "unfinished backup $(basename "$partial")" "$partial"
done

oldest=${backups[$(( ${#backups[@]} < keep ? ${#backups[@]} - 1 : keep - 1 ))]}
start_wal=$(info_field "$oldest/ledger-backup.info" start_wal)
[ -n "$start_wal" ] || die "$oldest/ledger-backup.info names no start_wal: WAL left as it is"
[ -d "$wal_dir" ] || die "no WAL archive at $wal_dir"
echo "keeping WAL from $start_wal on (needed by base backup $(basename "$oldest"))"
if [ "$dry" = 1 ]; then "$(pg_bin)/pg_archivecleanup" -n "$wal_dir" "$start_wal" | sed 's/^/would delete /'
else "$(pg_bin)/pg_archivecleanup" "$wal_dir" "$start_wal"
fi
