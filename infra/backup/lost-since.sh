#!/usr/bin/env bash
# Which acknowledged events a restore loses (or would lose). See docs/operations.md.
source "$(dirname "$0")/lib.sh"

usage() { cat <<'EOF'
usage: infra/backup/lost-since.sh [--db CONN | --data-dir DIR] --since TIME
       infra/backup/lost-since.sh [--db CONN | --data-dir DIR] [--trusted FILE] [--against CONN]

Before a restore, on a database that still holds everything (the live one, or a restore to the
end of the archive):
  --since TIME    the events a restore to TIME would lose: in chain (= commit) order, everything
                  from the first event recorded after TIME on. A batch whose transaction began
                  before TIME and committed after it is lost as well; --against is exact.
After a restore, with --db the restored database:
  --trusted FILE  compare its chain with the trusted checkpoint (LEDGER_TRUSTED_CHECKPOINT_FILE,
                  or a `checkpoints export` file): how many acknowledged positions are missing, or
                  whether it holds another history there. (The service checks the signature.)
  --against CONN  list the missing events themselves from a newer copy that has them (the live
                  database or a restore to the end of the archive): every position after the
                  restored chain's head, once both agree on the hash at that head.

--db/--data-dir: an Npgsql connection string as in LEDGER_DB, a postgres:// URI or a conninfo;
default LEDGER_DB, else the running embedded cluster. Each lost event is one tab-separated line:
position, sequence, event id, stream, type, recorded at (UTC); a summary line follows.
EOF
}

db="" data_dir="" since="" trusted="" against=""
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db="${2:?}"; shift 2 ;;
    --data-dir) data_dir="${2:?}"; shift 2 ;;
    --since) since="${2:?}"; shift 2 ;;
    --trusted) trusted="${2:?}"; shift 2 ;;
    --against) against="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown argument: $1" ;;
  esac
done
[ -n "$since$trusted$against" ] || usage_error "say what to compare with: --since TIME, --trusted FILE or --against CONN"
[ -z "$since" ] || [ -z "$trusted$against" ] || usage_error "--since is for the database that still holds everything; --trusted/--against for a restored one"
conn=$(resolve_conninfo "$db" "$data_dir")

# position, sequence, id, stream, type, recorded at: rows of the chain from position :from on.
events_from() {
  psql_at "$1" -F $'\t' -v from="$2" <<'SQL'
select c.position, c.seq, e.id, e.stream_id, e.type, to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
from ledger.chain c join ledger.mt_events e on e.seq_id = c.seq
where c.position >= :'from'::bigint order by c.position;
SQL
}

head_of() { psql_at "$1" -c "select coalesce(max(position), 0) from ledger.chain"; }
hash_at() { psql_at "$1" -v p="$2" <<< "select coalesce((select encode(hash, 'hex') from ledger.chain where position = :'p'::bigint), '');"; }

if [ -n "$since" ]; then
  date -u -d "$since" >/dev/null 2>&1 || usage_error "--since $since is not a time"
  [[ "$since" =~ (Z|[+-][0-9]{2}(:?[0-9]{2})?)$ ]] || usage_error "--since $since: give the zone (Z or +08:00)"
  first=$(psql_at "$conn" -v since="$since" <<'SQL'
select coalesce(min(c.position), 0) from ledger.chain c join ledger.mt_events e on e.seq_id = c.seq
where e.timestamp > :'since'::timestamptz;
SQL
)
  if [ "$first" = 0 ]; then echo "A restore to $since loses nothing this database holds: no event was recorded after it."; exit 0; fi
  events_from "$conn" "$first"
  echo "A restore to $since loses $(( $(head_of "$conn") - first + 1 )) events: positions $first to $(head_of "$conn")."
  exit 0
fi

head=$(head_of "$conn")
if [ -n "$trusted" ]; then
  [ -r "$trusted" ] || die "cannot read $trusted"
  IFS='|' read -r position hash signed < <(psql_at "$conn" -v trusted="$(cat "$trusted")" <<'SQL'
with j as (select :'trusted'::jsonb j),
     c as (select c from j, jsonb_array_elements(case when j ? 'checkpoints' then j->'checkpoints' else jsonb_build_array(j) end) c)
select c->>'position', c->>'hash', c->>'signedAt' from c order by (c->>'position')::bigint desc limit 1;
SQL
) || die "$trusted is not an exported checkpoint file"
  [ -n "$position" ] || die "$trusted holds no checkpoint"
  if [ "$head" -lt "$position" ]; then
    echo "BEHIND: the chain ends at position $head; the checkpoint signed at $signed attests position $position:" \
         "$((position - head)) acknowledged positions are missing ($((head + 1)) to $position)."
  elif [ "$(hash_at "$conn" "$position")" != "$hash" ]; then
    echo "FORKED: at position $position the chain's hash differs from the checkpoint signed at $signed: another history."
  else
    echo "CONSISTENT: the chain holds the checkpoint signed at $signed (position $position) and ends at $head."
  fi
fi

if [ -n "$against" ]; then
  newer=$(to_conninfo "$against")
  [ "$head" = 0 ] || [ "$(hash_at "$newer" "$head")" = "$(hash_at "$conn" "$head")" ] \
    || die "the newer copy has another hash at position $head: the two histories part before it; run verify on both"
  lost=$(events_from "$newer" $((head + 1)))
  [ -z "$lost" ] || echo "$lost"
  echo "The restored chain ends at position $head; the newer copy holds $(grep -c . <<< "$lost" || true) events after it."
fi
