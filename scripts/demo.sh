#!/usr/bin/env bash
# Set up everything and run the demo: generate a synthetic population, start the
# four sandbox department systems and Neo4j, sync all four sources, run every
# integrity check, create one user per role, and serve the API and dashboard.
# Ctrl-C stops the hub, the sandbox and Neo4j. Environment knobs:
#   DEMO_PERSONS (20000), DEMO_SEED (7), DEMO_NOISE (default), DOUDI_PORT (8000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

export DOUDI_VAR_DIR=${DOUDI_VAR_DIR:-$PWD/var/demo}
export DOUDI_NEO4J_URI=${DOUDI_NEO4J_URI:-neo4j://127.0.0.1:17687}
export DOUDI_NEO4J_PASSWORD=${DOUDI_NEO4J_PASSWORD:-doudi-dev-password}
export DOUDI_PORT=${DOUDI_PORT:-8000}
population=$DOUDI_VAR_DIR/population
export DOUDI_ENDPOINTS_FILE=$DOUDI_VAR_DIR/endpoints.json
mkdir -p "$DOUDI_VAR_DIR"
hub=.venv/bin/hub

if [ ! -f "$population/meta.json" ]; then
  echo "== generating ${DEMO_PERSONS:-20000} persons"
  .venv/bin/python -m sandbox generate --persons "${DEMO_PERSONS:-20000}" --seed "${DEMO_SEED:-7}" \
    --noise "${DEMO_NOISE:-default}" --out "$population"
fi

sandbox_pid=
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  "$hub" neo4j stop || true
}
trap cleanup EXIT INT TERM

echo "== starting the four sandbox departments"
rm -f "$DOUDI_ENDPOINTS_FILE"
.venv/bin/python -m sandbox serve "$population" --endpoints "$DOUDI_ENDPOINTS_FILE" \
  >"$DOUDI_VAR_DIR/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do [ -s "$DOUDI_ENDPOINTS_FILE" ] && break; sleep 0.2; done
[ -s "$DOUDI_ENDPOINTS_FILE" ] || { echo "sandbox did not start; see $DOUDI_VAR_DIR/sandbox.log" >&2; exit 1; }

echo "== starting Neo4j"
"$hub" neo4j start

echo "== syncing the four sources"
"$hub" sync --source all

echo "== running every integrity check"
"$hub" check

echo "== users (tokens in $DOUDI_VAR_DIR/tokens.txt)"
county=$(.venv/bin/python -c "import json,sys; print(json.load(open(sys.argv[1]))['province'])" "$population/meta.json")
: >"$DOUDI_VAR_DIR/tokens.txt"
for spec in "admin admin" "supervisor supervisor" "leader leader"; do
  set -- $spec
  "$hub" users add "$1" --role "$2" --region "$county" >/dev/null 2>&1 || true
  echo "$1 $("$hub" users token "$1" --days 30)" >>"$DOUDI_VAR_DIR/tokens.txt"
done
cat "$DOUDI_VAR_DIR/tokens.txt"

echo "== serving: dashboard http://127.0.0.1:$DOUDI_PORT/  API http://127.0.0.1:$DOUDI_PORT/graphql"
"$hub" serve
