#!/usr/bin/env bash
# Set up everything and run every check and the whole test suite against a real
# Neo4j 5.26 (the project's own server) and a real PostgreSQL. Extra arguments go
# to pytest. Exit status is non-zero on any failure, and when no test ran at all.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export DOUDI_VAR_DIR=${DOUDI_VAR_DIR:-$PWD/var/test}
export DOUDI_NEO4J_URI=${DOUDI_NEO4J_URI:-neo4j://127.0.0.1:17688}
export DOUDI_NEO4J_PASSWORD=${DOUDI_NEO4J_PASSWORD:-doudi-test-password}
export DOUDI_NEO4J_HEAP=${DOUDI_NEO4J_HEAP:-1g}
export DOUDI_NEO4J_PAGECACHE=${DOUDI_NEO4J_PAGECACHE:-512m}
mkdir -p "$DOUDI_VAR_DIR"

cleanup() {
  .venv/bin/hub neo4j stop || true
  scripts/postgres.sh stop "$DOUDI_VAR_DIR/postgres" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "== static checks"
.venv/bin/ruff check .
.venv/bin/mypy adapters graph schema hub sandbox
.venv/bin/lint-imports
docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml: valid (validated, not run: no Docker engine needed)"

echo "== services"
.venv/bin/hub neo4j start
export DOUDI_TEST_NEO4J_URI=$DOUDI_NEO4J_URI
export DOUDI_TEST_NEO4J_PASSWORD=$DOUDI_NEO4J_PASSWORD
DOUDI_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$DOUDI_VAR_DIR/postgres")
export DOUDI_TEST_POSTGRES_URL

echo "== tests"
set +e
.venv/bin/pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  status=1
fi
exit "$status"
