#!/usr/bin/env bash
# Benchmarks: run.sh log [--entries N --proofs N] | county [--parcels N --zones N] | ogc [--parcels N --walks N --rounds N] | import [--features N --rounds N --parallel N] | ingest [--events N --batch N --clients N --rounds N] | bulk [--events N --streams N] | national [--events N --shards N] | sheets [--occupations N] | audits [--occupations N --runs N] | soak | verify [--data DIR] | geometry [--batches N]
#             | telemetry [--events N --rounds N] (ingest with LEDGER_TELEMETRY on and off) | ingestcpu [--batches N] (the API's own parsing CPU)
#             | sheetparts [--data DIR] | successions
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/scripts/common.sh
ensure_postgres_binaries
ensure_postgis || true
ensure_cjk_fonts || true
dotnet build src/Api/Api.csproj -c Release -v quiet -nologo
dotnet build src/Verifier/Verifier.csproj -c Release -v quiet -nologo
dotnet run -c Release --project infra/bench/Ledger.Bench.csproj -- "$@"
