#!/usr/bin/env bash
# Runs the whole test suite. The tests start their own throwaway PostgreSQL cluster (under
# /tmp) from this machine's binaries, or use LEDGER_TEST_DB when set. Ends with a totals line.
set -uo pipefail
cd "$(dirname "$0")"
source infra/scripts/common.sh
ensure_postgres_binaries
ensure_postgis || true
ensure_gdal || true
ensure_cjk_fonts || true
ensure_chromium || true
ensure_promtool || true

results=test-output/results
rm -rf "$results"
dotnet test Ledger.sln -c Release --logger "trx" --results-directory "$results" "$@"
status=$?
python3 infra/scripts/totals.py "$results" || status=1
exit $status
