# Shared by run.sh and test.sh.

# The embedded default needs PostgreSQL server binaries (initdb, pg_ctl). Install them when
# missing and we may (root with apt-get); otherwise say what to do.
ensure_postgres_binaries() {
  if [ -n "${LEDGER_DB:-}" ] || [ -n "${LEDGER_PG_BIN:-}" ] || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL server binaries not found: installing postgresql (apt-get)..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
    return 0
  fi
  echo "No PostgreSQL server binaries found (/usr/lib/postgresql/*/bin)." >&2
  echo "Install them (Debian: sudo apt-get install postgresql-15), point LEDGER_PG_BIN at their bin folder," >&2
  echo "or set LEDGER_DB to a PostgreSQL connection string." >&2
  exit 1
}
