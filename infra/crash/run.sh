#!/usr/bin/env bash
# Long crash test: 4 clients retrying batches with fixed event ids while the API is SIGKILLed
# KILLS times (default 5) and PostgreSQL is restarted in immediate mode once; then checks that
# every acknowledged event is stored exactly once, the chain verifies and the projections equal
# a rebuild. Prints the report (also left in $TMPDIR/ledger-crash-report.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/common.sh
ensure_postgres_binaries
export LEDGER_CRASH_KILLS="${KILLS:-5}" LEDGER_CRASH_BATCHES="${BATCHES:-60}"
dotnet test tests/Ledger.Tests/Ledger.Tests.csproj -c Release --filter "FullyQualifiedName~CrashTests" --logger "console;verbosity=normal" | grep -E "CrashReport|Passed|Failed" || true
cat "${TMPDIR:-/tmp}/ledger-crash-report.txt"; echo
