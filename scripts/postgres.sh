#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, kept under one directory.
#
#   scripts/postgres.sh start DIR   create the cluster in DIR (once), start it on a free
#                                   loopback port, create database doudi_test, and print
#                                   its URL on stdout (the only thing printed there)
#   scripts/postgres.sh url DIR     print the URL of the running cluster
#   scripts/postgres.sh status DIR  say whether it runs (exit 0 when it does)
#   scripts/postgres.sh stop DIR    stop it (the data stays; rm -rf DIR to forget it)
#
# Typical use:  export DOUDI_TEST_POSTGRES_URL=$(scripts/postgres.sh start var/test/postgres)
#
# Uses Debian's postgresql package (pg_ctl on PATH or /usr/lib/postgresql/*/bin).
# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres`
# system user, which must be able to reach DIR. Trust authentication on 127.0.0.1
# only and fsync off: for tests, never for data that matters.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $0 start|stop|status|url DIR"
dir=$(realpath -m "$dir")
data=$dir/data
user=doudi
database=doudi_test

if command -v pg_ctl >/dev/null 2>&1; then
  bin=$(dirname "$(realpath "$(command -v pg_ctl)")")
else
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || die "PostgreSQL is not installed: apt-get install -y postgresql"
fi

# Run a PostgreSQL program as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() { [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { echo "postgresql+psycopg://$user@127.0.0.1:$(cat "$dir/port")/$database"; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if running; then url; return; fi
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    runuser -u postgres -- test -w "$dir" || die "user postgres cannot reach $dir: choose a directory it can (e.g. under /tmp)"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data" -U "$user" --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || die "initdb failed, see $dir/initdb.log"
    # Loopback TCP only (no Unix socket: DIR may be too long a path for one).
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
  fi
  local port
  port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 -o "-p $port" start >/dev/null \
    || die "PostgreSQL did not start, see $dir/postgres.log"
  echo "$port" >"$dir/port"
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U "$user" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" "$database"
  fi
  url
}

case "$cmd" in
  start) start ;;
  url) running || die "not running in $dir"; url ;;
  status)
    if running; then echo "running: $(url)"; else echo "not running"; exit 3; fi ;;
  stop)
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; echo "stopped" >&2
    else echo "not running" >&2; fi ;;
  *) die "unknown command $cmd: start|stop|status|url DIR" ;;
esac
