#!/usr/bin/env bash
# Where the machine's CPU goes during the ingest benchmark's timed phase: runs
# `run.sh ingest`, records `perf record -a -g` for --seconds of the timed HTTP phase, then prints
# the share of each process and PostgreSQL's and the API's heaviest functions.
# The API's JIT-compiled code is named through perf maps (DOTNET_PerfMapEnabled=1 with
# DOTNET_EnableWriteXorExecute=0, or the code shows as anonymous memory).
#   infra/bench/profile-ingest.sh [--events 300000] [--seconds 8] [--out /tmp/ledger-profile]
set -euo pipefail
cd "$(dirname "$0")/../.."
events=300000 seconds=8 out=/tmp/ledger-profile
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v perf > /dev/null || { echo "perf is not installed (apt-get install linux-perf or linux-tools)" >&2; exit 1; }

DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 infra/bench/run.sh ingest --events "$events" > "$out.txt" 2>&1 &
bench=$!
until grep -q "HTTP ingest:" "$out.txt" 2>/dev/null; do
  kill -0 "$bench" 2> /dev/null || { echo "the benchmark stopped before its timed phase; see $out.txt" >&2; exit 1; }
  sleep 1
done
sleep 2 # past the first batches
perf record -a -g -F 299 -o "$out.data" -- sleep "$seconds" > /dev/null 2>&1
wait "$bench"

echo "Samples by process (perf record -a for $seconds s of the timed phase; benchmark output in $out.txt):"
perf script -i "$out.data" -F comm,pid 2> /dev/null | awk '{print $NF, $1}' | sort | uniq -c | sort -rn | head -12
echo
echo "PostgreSQL, inclusive time of the functions that matter for writes (share of all samples):"
perf report -i "$out.data" --comm postgres --children --sort sym -g none --stdio 2> /dev/null \
  | grep -E "\] (PostgresMain|ExecInsertIndexTuples|heap_insert|jsonb_recv|pg_plan_queries|pg_analyze_and_rewrite_varparams|raw_parser|XLogInsert|CommitTransactionCommand|XLogFlush|ExecScan)$" || true
echo
api=$(perf script -i "$out.data" -F comm,pid 2> /dev/null | grep "\.NET" | awk '{print $NF}' | sort | uniq -c | sort -rn | head -1 | awk '{print $2}')
echo "The API (pid $api), heaviest functions by own time:"
# head closes the pipe early; under pipefail that would end the script before the clean-up.
perf report -i "$out.data" --pid "$api" --no-children --sort sym -g none --stdio 2> /dev/null | grep -v "^#" | grep -v "^$" | head -25 | cut -c1-200 || true
rm -f /tmp/perf-*.map
