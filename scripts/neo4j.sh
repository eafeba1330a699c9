#!/usr/bin/env bash
# start | stop | status | fetch the project's own Neo4j (see hub/neo4jserver.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m hub.neo4jserver "$@"
