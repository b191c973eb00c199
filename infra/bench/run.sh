#!/usr/bin/env bash
# Ingest benchmark: dotnet run it with --events N --batch N --clients N (defaults 200000/500/4).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Api/Api.csproj -c Release -v quiet -nologo
dotnet run -c Release --project infra/bench/Ledger.Bench.csproj -- "$@"
