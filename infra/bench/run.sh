#!/usr/bin/env bash
# Benchmarks: run.sh ingest [--events N --batch N --clients N] | run.sh sheets [--occupations N]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/Api/Api.csproj -c Release -v quiet -nologo
dotnet run -c Release --project infra/bench/Ledger.Bench.csproj -- "$@"
