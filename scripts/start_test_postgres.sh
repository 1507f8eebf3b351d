#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests (loopback only, data under /tmp) unless one is already
# listening there, creates a test user and database, and prints the URL for CONFIRM_DESK_TEST_PG_URL.
# Installs Debian's postgresql package first when no server binaries are present (needs root).
# Usage in CI:  CONFIRM_DESK_TEST_PG_URL="$(bash scripts/start_test_postgres.sh)"
# Everything but the URL goes to stderr.
set -euo pipefail
PORT="${CONFIRM_DESK_PG_PORT:-55432}"
DATA="${CONFIRM_DESK_PG_DATA:-/tmp/confirm-desk-pg-$PORT}"
DB_USER=confirm_test
DB_NAME=confirm_test
DB_PASS=confirm_test_pw  # a throwaway server that listens on 127.0.0.1 only
URL="postgresql+psycopg://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"

say() { echo "start_test_postgres: $*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN="$(pg_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  if [ "$(id -u)" != "0" ]; then
    say "PostgreSQL is not installed and this is not root: apt-get install postgresql"
    exit 1
  fi
  say "installing Debian's postgresql package"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
  BIN="$(pg_bin)"
fi

# Root runs the server as the postgres user (the server refuses root); anyone else as themselves.
if [ "$(id -u)" = "0" ]; then
  as_owner() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_owner() { "$@"; }
  OWNER="$(id -un)"
fi
psql_admin() { as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA" -p "$PORT" -U "$OWNER" -d postgres "$@"; }

if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  if [ ! -f "$DATA/PG_VERSION" ]; then
    say "initialising $DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$DATA"
    chmod 700 "$DATA"
    as_owner "$BIN/initdb" -D "$DATA" -U "$OWNER" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  say "starting the server on 127.0.0.1:$PORT"
  # Loopback only; the socket lives in the data dir; fsync off: the data is thrown away anyway.
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=60" >&2
fi

if ! psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname='$DB_USER'" | grep -q 1; then
  psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS'"
fi
if ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
  psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8'"
fi
say "ready: ${URL/:$DB_PASS@/:***@}"
echo "$URL"
