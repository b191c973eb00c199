#!/usr/bin/env bash
# Runs the ledger on http://127.0.0.1:5080 (or LEDGER_URLS) over the embedded default: a private
# PostgreSQL cluster under .data/pg, started from this machine's PostgreSQL binaries, with demo
# data. LEDGER_DB=<connection string> uses your PostgreSQL instead; LEDGER_DEMO=0 starts empty.
# Ctrl-C stops the service and the cluster it started.
set -euo pipefail
cd "$(dirname "$0")"
source infra/scripts/common.sh
ensure_postgres_binaries
ensure_postgis || true
ensure_gdal || true
ensure_cjk_fonts || true

ensure_private_dir .data
if [ -z "${LEDGER_BOOTSTRAP_ADMIN_KEY:-}" ]; then
  ensure_demo_admin_key .data/demo-admin-key
  export LEDGER_BOOTSTRAP_ADMIN_KEY="$(cat .data/demo-admin-key)"
fi
url="${LEDGER_URLS:-http://127.0.0.1:5080}"
url="${url%%;*}"
metrics="${LEDGER_METRICS_URLS:-http://127.0.0.1:9464}"
metrics="${metrics%%;*}"

dotnet build src/Api/Api.csproj -c Release -v quiet -nologo
cat <<INFO

  Land-resource ledger: $url   (API reference: $url/docs, OpenAPI: $url/openapi/v1.json)
  Auditor workbench:    $url/ui   (sign in with an auditor or investigator key, issued as below)
  Prometheus metrics:   ${metrics%/}/metrics   (no key: LEDGER_METRICS_URLS; LEDGER_TELEMETRY=0 turns it off)
  Admin key (demo): $LEDGER_BOOTSTRAP_ADMIN_KEY

  Try:
    curl -s $url/health
    curl -s -X POST $url/api/v1/admin/keys -H "X-Api-Key: $LEDGER_BOOTSTRAP_ADMIN_KEY" \\
         -H 'content-type: application/json' -d '{"name":"auditor-1","role":"auditor","scope":"000000"}'
    curl -s $url/api/v1/streams/farmland/990101-000001 -H "X-Api-Key: <the auditor key>"
    curl -s $url/api/v1/streams/farmland/990101-000001/events -H "X-Api-Key: <the auditor key>"
    curl -s -X POST $url/api/v1/audits/departure -H "X-Api-Key: <the auditor key>" \\
         -H 'content-type: application/json' -d '{"tenureId":"T-990101-2016-p"}'

INFO
exec dotnet src/Api/bin/Release/net10.0/Ledger.Api.dll "$@"
