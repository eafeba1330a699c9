#!/usr/bin/env bash
# Set up everything the project needs on a machine like ours (Python 3.11, Java 17,
# Maven): a virtualenv with the project and its dev tools, the Neo4j jars from Maven
# Central, and (as root, when missing) Debian's PostgreSQL and Chromium for the tests.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[dev]"
  touch .venv/.installed
fi

want_apt=()
command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || want_apt+=(postgresql)
[ -x /usr/bin/chromium ] || want_apt+=(chromium)
# Without a CJK font every Chinese character renders as a box in the dashboard screenshots.
fc-list 2>/dev/null | grep -qi "wqy\|noto.*cjk" || want_apt+=(fonts-wqy-zenhei)
command -v docker-compose >/dev/null 2>&1 || want_apt+=(docker-compose)
if [ ${#want_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing Debian packages: ${want_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want_apt[@]}" >/dev/null
  else
    echo "warning: please install with apt-get: ${want_apt[*]}" >&2
  fi
fi

.venv/bin/hub neo4j fetch
