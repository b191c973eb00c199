#!/usr/bin/env bash
# Restores a base backup into a new data directory and replays the WAL archive up to a point.
# See docs/operations.md.
source "$(dirname "$0")/lib.sh"

usage() { cat <<'EOF'
usage: infra/backup/restore.sh --target DIR [--to TIME|LSN] [--backup-dir DIR] [--wal-dir DIR]
                               [--base NAME] [--timeline latest|current|N] [--wal-from DIR]
                               [--keep-archiving] [--database NAME] [--db-user NAME] [--wait SECONDS]

Copies the newest base backup that ended before the target into DIR (a new, empty directory: the
source cluster is never touched), replays the WAL archive up to the target, promotes, stops, and
reports where recovery stopped and the ledger chain's head. Start a server on DIR afterwards
(embedded: LEDGER_DATA_DIR=DIR ./run.sh) with the same LEDGER_TRUSTED_CHECKPOINT_FILE and key.

  --target DIR      the new data directory
  --to TIME|LSN     an ISO-8601 instant with its zone (2026-11-25T08:30:00Z, 2026-11-25T16:30:00+08:00):
                    keep every transaction committed by then; or an LSN (0/3A0001B8). Omitted: replay
                    everything the archive holds (the newest state that can be restored)
  --backup-dir DIR  the backup folder (default LEDGER_BACKUP_DIR): base/ and wal/
  --wal-dir DIR     the WAL archive, when not BACKUP_DIR/wal
  --base NAME       use this base backup (a folder name under base/) instead of choosing
  --timeline T      recovery_target_timeline (default latest: follow the newest timeline in the archive)
  --wal-from DIR    also offer WAL segments from DIR (the lost server's pg_wal, if it survived)
                    for what the archive did not get yet
  --keep-archiving  keep the source's archive settings in the restored cluster. By default it does
                    not archive (a trial restore must not write a new timeline into the source's
                    archive); turn it on with enable-archiving.sh when it becomes the primary
  --database NAME   the ledger's database, for the report (default ledger)
  --db-user NAME    a superuser of the restored cluster, for the report (default: ledger, else postgres)
  --wait S          how long recovery may take (default 3600)
EOF
}

target="" to="" backup_dir="" wal_dir="" base="" timeline=latest wal_from="" keep_archiving=0 database=ledger db_user="" wait=3600
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="${2:?}"; shift 2 ;;
    --to) to="${2:?}"; shift 2 ;;
    --backup-dir) backup_dir="${2:?}"; shift 2 ;;
    --wal-dir) wal_dir="${2:?}"; shift 2 ;;
    --base) base="${2:?}"; shift 2 ;;
    --timeline) timeline="${2:?}"; shift 2 ;;
    --wal-from) wal_from="${2:?}"; shift 2 ;;
    --keep-archiving) keep_archiving=1; shift ;;
    --database) database="${2:?}"; shift 2 ;;
    --db-user) db_user="${2:?}"; shift 2 ;;
    --wait) wait="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[ -n "$target" ] || usage_error "--target DIR is required (a new data directory)"
target=$(realpath -m "$target")
if [ -e "$target" ] && [ -n "$(ls -A "$target")" ]; then usage_error "--target $target is not empty: restore into a new directory"; fi
[[ "$timeline" =~ ^(latest|current|[0-9]+)$ ]] || usage_error "--timeline takes latest, current or a number"
[[ "$wait" =~ ^[0-9]+$ ]] || usage_error "--wait takes whole seconds"
root=$(backup_root "$backup_dir")
[ -n "$wal_dir" ] || wal_dir="$root/wal"
check_path_for_command "$wal_dir"
[ -d "$wal_dir" ] || die "no WAL archive at $wal_dir"
bin=$(pg_bin)

# The target: a time (any form date(1) reads, but say the zone) or an LSN.
kind=end target_setting=""
if [[ "$to" =~ ^[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$ ]]; then
  kind=lsn; to=$(echo "$to" | tr '[:lower:]' '[:upper:]'); target_setting="recovery_target_lsn = '$to'"
elif [ -n "$to" ]; then
  date -u -d "$to" >/dev/null 2>&1 || usage_error "--to $to is neither an ISO-8601 time nor an LSN"
  [[ "$to" =~ (Z|[+-][0-9]{2}(:?[0-9]{2})?)$ ]] || usage_error "--to $to: give the zone (Z or +08:00), or the time is ambiguous"
  kind=time; to_utc=$(date -u -d "$to" '+%Y-%m-%d %H:%M:%S.%6N+00'); target_setting="recovery_target_time = '$to_utc'"
fi

# The base backup: the newest complete one that ended before the target.
if [ -n "$base" ]; then
  [ -f "$root/base/$base/ledger-backup.info" ] || die "no complete base backup $root/base/$base"
else
  for info in $(ls -1 "$root"/base/*/ledger-backup.info 2>/dev/null | sort -r); do
    case "$kind" in
      end) ;;
      time) [ "$(nanos_of "$(info_field "$info" finished)")" -le "$(nanos_of "$to")" ] || continue ;;
      lsn) [ "$(lsn_number "$(info_field "$info" end_lsn)")" -le "$(lsn_number "$to")" ] || continue ;;
    esac
    base=$(basename "$(dirname "$info")"); break
  done
  [ -n "$base" ] || die "no base backup in $root/base ended before $to: the oldest that exists is after it (or there is none)"
fi
source_dir="$root/base/$base"
info="$source_dir/ledger-backup.info"
echo "Restoring base backup $base (finished $(info_field "$info" finished), LSN $(info_field "$info" end_lsn)) into $target"

started=$(now_utc)
if [ "$(info_field "$info" format)" = plain ]; then
  "$bin/pg_verifybackup" -q -i ledger-backup.info "$source_dir" || die "base backup $base does not match its manifest: choose another with --base"
  mkdir -p "$target"
  cp -a "$source_dir/." "$target/"
  rm -f "$target/backup_manifest" "$target/ledger-backup.info"
else
  mkdir -p "$target/pg_wal"
  tar -xzf "$source_dir/base.tar.gz" -C "$target"
  tar -xzf "$source_dir/pg_wal.tar.gz" -C "$target/pg_wal"
fi
if [ -n "$wal_from" ]; then
  # Segments the archive already has are taken from the archive; these only fill in after its end.
  find "$wal_from" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9A-F]{24}' -exec cp -n {} "$target/pg_wal/" \;
fi
rm -f "$target/postmaster.pid" "$target/server.log"

# Recovery settings live in postgresql.auto.conf only until recovery has finished.
{
  echo "# ledger restore: begin (removed by restore.sh once recovery has finished)"
  echo "restore_command = 'f=\"$wal_dir/%f\"; [ -f \"\$f\" ] || exit 1; cp \"\$f\" \"%p\"'"
  [ -z "$target_setting" ] || echo "$target_setting"
  echo "recovery_target_timeline = '$timeline'"
  echo "recovery_target_action = 'promote'"
  echo "# ledger restore: end"
  [ "$keep_archiving" = 1 ] || echo "archive_mode = 'off'"
} >> "$target/postgresql.auto.conf"
touch "$target/recovery.signal"
if is_root; then chown -R "$SERVER_USER:" "$target"; fi
chmod 700 "$target"

# Recover on a private socket only (no TCP). Without hot standby nobody can read a half-recovered state.
socket=$(mktemp -d)
if is_root; then chown "$SERVER_USER:" "$socket"; fi
cleanup() {
  if [ -f "$target/postmaster.pid" ]; then as_server "$bin/pg_ctl" -D "$target" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$socket"
}
trap cleanup EXIT
failed() {
  echo "Recovery did not finish. The end of $target/restore.log:" >&2
  tail -n 15 "$target/restore.log" >&2
  echo "('recovery ended before configured recovery target was reached': the archive ends before the target;" >&2
  echo " 'before consistent recovery point': the target is before the base backup's end — choose an earlier one.)" >&2
  exit 1
}
options="-c listen_addresses= -k $socket -p 5432 -c hot_standby=off -c archive_mode=off"
if [ ! -f "$target/postgresql.conf" ]; then
  # Debian-style clusters keep their configuration outside the data directory (/etc/postgresql):
  # recover with defaults and local connections on the private socket only.
  : > "$socket/postgresql.conf"; echo "local all all trust" > "$socket/pg_hba.conf"; : > "$socket/pg_ident.conf"
  if is_root; then chown "$SERVER_USER:" "$socket"/*.conf; fi
  options+=" -c config_file=$socket/postgresql.conf -c hba_file=$socket/pg_hba.conf -c ident_file=$socket/pg_ident.conf"
fi
as_server "$bin/pg_ctl" -D "$target" -l "$target/restore.log" -w -t "$wait" -o "$options" start >/dev/null || failed
# pg_ctl can return before recovery is over: done when the server answers out of recovery; failed when it is gone.
user="" state="" deadline=$((SECONDS + wait))
while [ "$state" != f ]; do
  as_server "$bin/pg_ctl" -D "$target" status >/dev/null || failed
  [ "$SECONDS" -lt "$deadline" ] || die "recovery did not finish within ${wait} s (--wait); it is stopped, see $target/restore.log"
  for candidate in ${db_user:-ledger postgres}; do
    if state=$(as_server "$bin/psql" -X -A -t -d "host=$socket port=5432 user=$candidate dbname=$database" \
        -c "select pg_is_in_recovery()" 2>/dev/null); then user=$candidate; break; fi
  done
  [ "$state" = f ] || sleep 0.5
done
finished=$(now_utc)

stop=$(grep -Eo 'recovery stopping (before|after) .*' "$target/restore.log" | tail -n 1 || true)
last=$(grep -Eo 'last completed transaction was at log time .*' "$target/restore.log" | tail -n 1 || true)
new_timeline=$(grep -Eo 'selected new timeline ID: [0-9]+' "$target/restore.log" | tail -n 1 || true)
chain=$(as_server "$bin/psql" -X -q -A -t -d "host=$socket port=5432 user=$user dbname=$database" -c \
    "select 'chain head: position ' || coalesce(max(c.position), 0) || ', sequence ' || coalesce(max(c.seq), 0) ||
            ', newest event recorded at ' || coalesce(to_char(max(e.timestamp) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '-')
     from ledger.chain c join ledger.mt_events e on e.seq_id = c.seq" 2>&1) || chain="chain head: not read ($chain)"
as_server "$bin/pg_ctl" -D "$target" -m fast -w stop >/dev/null
as_server sed -i '/^# ledger restore: begin/,/^# ledger restore: end/d' "$target/postgresql.auto.conf"

seconds=$(awk -v a="$(nanos_of "$started")" -v b="$(nanos_of "$finished")" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
echo "Recovered in ${seconds} s: ${stop:-replayed to the end of the archive}${last:+; $last}${new_timeline:+; $new_timeline}"
echo "$chain"
[ "$keep_archiving" = 1 ] || echo "Archiving is off in $target (it would write a new timeline into the source's archive); enable-archiving.sh turns it on."
echo "Next: start a server on $target (embedded: LEDGER_DATA_DIR=$target ./run.sh) with the same LEDGER_TRUSTED_CHECKPOINT_FILE"
echo "      and checkpoint key; infra/backup/lost-since.sh --trusted FILE shows what the restore lost."
