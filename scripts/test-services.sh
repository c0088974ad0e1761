#!/usr/bin/env bash
# Start the services the test suite claims (a PostgreSQL server in a temporary data folder, run
# as the postgres user) and print the environment the tests read. Source it:
#   . scripts/test-services.sh    # exports UNSPUN_TEST_POSTGRES, UNSPUN_TEST_CHROMIUM
# Installs Debian's postgresql and chromium when they are missing (needs root).
set -euo pipefail
missing=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > /dev/null
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_port=${UNSPUN_TEST_PG_PORT:-55432}
pg_data=$(mktemp -d /tmp/unspun-pg.XXXXXX)
chown postgres "$pg_data"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres > /dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w \
    -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off" start > /dev/null
export UNSPUN_TEST_PG_DATA="$pg_data" UNSPUN_TEST_PG_BIN="$pg_bin"
export UNSPUN_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$pg_port/postgres"
export UNSPUN_TEST_CHROMIUM=/usr/bin/chromium
stop_test_services() {
    runuser -u postgres -- "$UNSPUN_TEST_PG_BIN/pg_ctl" -D "$UNSPUN_TEST_PG_DATA" -m fast stop > /dev/null || true
    rm -rf "$UNSPUN_TEST_PG_DATA"
}
