#!/usr/bin/env bash
# Long hostile-input run: the fixed corpus plus CASES (default 5000) seeded random invalid
# batches (SEED, default 2026). Each must get a 4xx problem and leave the ledger unchanged.
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/common.sh
ensure_postgres_binaries
export LEDGER_HOSTILE_RANDOM="${CASES:-5000}" LEDGER_HOSTILE_SEED="${SEED:-2026}"
dotnet test tests/Ledger.Tests/Ledger.Tests.csproj -c Release --filter "FullyQualifiedName~HostileInputTests.every_hostile" | grep -E "Passed|Failed" || true
cat "${TMPDIR:-/tmp}/ledger-hostile-report.txt"; echo
