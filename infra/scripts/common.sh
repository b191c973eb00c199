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

# Debian packages the project needs beyond PostgreSQL, installed when missing and we may (root
# with apt-get). The package lists are refreshed once, only when something must be installed.
apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    return 1
  fi
  if [ -z "${LEDGER_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || true
    export LEDGER_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

# Geometry (contract 1.1) needs PostGIS beside the server binaries, of the same major version as the
# server the embedded cluster uses (the newest under /usr/lib/postgresql). With LEDGER_DB the
# server is someone else's: its administrator installs PostGIS there.
ensure_postgis() {
  if [ -n "${LEDGER_DB:-}" ] || [ -n "${LEDGER_PG_BIN:-}" ]; then
    return 0
  fi
  local major
  major="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sed 's#/usr/lib/postgresql/\([0-9]*\)/bin#\1#' | sort -n | tail -1)"
  if [ -z "$major" ] || ls /usr/share/postgresql/"$major"/extension/postgis.control >/dev/null 2>&1; then
    return 0
  fi
  echo "PostGIS not found for PostgreSQL $major: installing postgresql-$major-postgis-3 (apt-get)..."
  if ! apt_install --no-install-recommends "postgresql-$major-postgis-3"; then
    echo "Could not install postgresql-$major-postgis-3 (needs root and apt-get); the ledger will refuse to start without PostGIS." >&2
    echo "Install it with: sudo apt-get install postgresql-$major-postgis-3" >&2
    return 1
  fi
}

# FileGDB imports are converted by GDAL's ogr2ogr (Debian's gdal-bin; PostGIS already pulls in libgdal).
ensure_gdal() {
  if command -v ogr2ogr >/dev/null 2>&1; then
    return 0
  fi
  echo "ogr2ogr not found: installing gdal-bin (apt-get) for FileGDB imports..."
  if ! apt_install --no-install-recommends gdal-bin; then
    echo "Could not install gdal-bin (needs root and apt-get). FileGDB imports will be refused until it is installed" >&2
    echo "(sudo apt-get install gdal-bin); GeoJSON, Shapefile and GeoPackage imports do not need it." >&2
    return 1
  fi
}

# PDF reports draw Chinese text: they need a CJK font (Debian's fonts-noto-cjk).
ensure_cjk_fonts() {
  if [ -n "${LEDGER_CJK_FONT:-}" ] || ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
    return 0
  fi
  echo "CJK fonts not found: installing fonts-noto-cjk (apt-get)..."
  if ! apt_install fonts-noto-cjk; then
    echo "Could not install fonts-noto-cjk (needs root and apt-get). PDF reports will answer 503 until a CJK font is" >&2
    echo "installed (sudo apt-get install fonts-noto-cjk) or LEDGER_CJK_FONT points at one." >&2
    return 1
  fi
}

# The workbench's browser tests drive Debian's Chromium (Playwright is pointed at /usr/bin/chromium).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    return 0
  fi
  echo "Chromium not found: installing chromium (apt-get) for the browser tests..."
  if ! apt_install chromium; then
    echo "Could not install chromium (needs root and apt-get); the workbench browser tests will fail." >&2
    echo "Install it with: sudo apt-get install chromium" >&2
    return 1
  fi
}

# .data holds the embedded cluster, its socket directory and key files: nobody else may list or
# read it. (As root the service then lets the postgres group pass through: it must reach .data/pg.)
ensure_private_dir() {
  (umask 077; mkdir -p "$1")
  chmod go-rwx "$1"
}

# The demo admin key: random, and 0600 from the moment it exists (umask 077 in a subshell, never
# chmod after writing). A key file left world-readable by an older version is tightened.
ensure_demo_admin_key() {
  if [ ! -s "$1" ]; then
    rm -f "$1"
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$1")
  fi
  chmod 600 "$1"
}

# The monitoring tests check /metrics, the alert rules and the dashboard's queries with promtool,
# from Debian's prometheus package (without recommends: no exporters, and no service is started).
ensure_promtool() {
  if command -v promtool >/dev/null; then
    return 0
  fi
  echo "promtool not found: installing prometheus (apt-get) for the monitoring tests..."
  if ! apt_install --no-install-recommends prometheus; then
    echo "Could not install prometheus (needs root and apt-get); the monitoring tests will fail." >&2
    echo "Install it with: sudo apt-get install --no-install-recommends prometheus" >&2
    return 1
  fi
}
