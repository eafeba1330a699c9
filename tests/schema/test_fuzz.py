"""Schemathesis in GraphQL mode against the running app: no 5xx, no internal error.

The app runs under uvicorn on a loopback port in a thread of its own (its own event
loop, its own Neo4j driver), over ``conftest``'s small world, in production mode so
unexpected errors are masked, with GraphiQL on so the schema can be introspected.
Schemathesis generates queries and mutations for every root field from the schema
itself (loaded in-process: collection needs no server); each is sent with an admin's
token and with a leader's. A masked error in a response means a resolver raised
something it should not have: the test fails and shows the logged exception.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import pytest
import schemathesis
import uvicorn
from conftest import make_settings, population, seed_store
from hypothesis import HealthCheck, settings
from neo4j import AsyncDriver

from graph.ingest import write_records
from hub.app import create_app
from hub.store.db import create_all, make_engine, session_factory
from schema.schema import schema as strawberry_schema

pytestmark = [
    # Schemathesis' GraphQL strategies call `random` inside a strategy (its issue, not the app's).
    pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies"),
    # Shown instead of the failure when a failing example is large: the assertion says more.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

MASKED = "Unexpected error."
EXAMPLES = 10  # per root field and role: ~10 s on a quiet machine, well under a minute


# The introspection result of the very schema the app serves (graphql-core's, no execution).
SCHEMA = schemathesis.graphql.from_dict(dict(graphql.introspection_from_schema(strawberry_schema._schema)))


@dataclass
class Served:
    """The app on a loopback port, its tokens and the exceptions its resolvers logged."""

    base_url: str
    tokens: dict[str, str]
    logged: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    """Keeps each logged GraphQL execution error with its traceback, to explain a failure."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.ERROR)
        self._into = into

    def emit(self, record: logging.LogRecord) -> None:
        self._into.append(logging.Formatter().format(record))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
async def served(
    neo4j_driver: AsyncDriver, neo4j_auth: Any, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Served]:
    async with neo4j_driver.session() as session:
        result = await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
        await result.consume()
    await write_records(neo4j_driver, population())
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    app_settings = make_settings(neo4j_auth, tmp, environment="production", graphiql=True)
    engine = make_engine(app_settings.sql_database_url)
    create_all(engine)
    tokens, _ = seed_store(session_factory(engine))
    engine.dispose()

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(app_settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="fuzz-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        await asyncio.sleep(0.05)

    logged: list[str] = []
    handler = _Collect(logged)
    logger = logging.getLogger("strawberry.execution")
    logger.addHandler(handler)
    try:
        yield Served(f"http://127.0.0.1:{port}", tokens, logged)
    finally:
        logger.removeHandler(handler)
        server.should_exit = True
        await asyncio.to_thread(thread.join, 30)


@pytest.fixture
def served_now(served: Served) -> Iterator[Served]:
    """The module's server, with the log of the previous operation forgotten."""
    served.logged.clear()
    yield served


def _check(served: Served, case: Any, who: str) -> None:
    response = case.call(
        base_url=f"{served.base_url}/graphql",
        headers={"Authorization": f"Bearer {served.tokens[who]}"},
        timeout=30,
    )
    assert response.status_code < 500, (who, case.body, response.text)
    body = response.json()
    for error in body.get("errors") or []:
        message = str(error.get("message", ""))
        assert message != MASKED, (who, case.body, "\n".join(served.logged[-3:]))
        assert "Traceback" not in message and "neo4j" not in message.lower(), (who, message)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is not flaky, a failure reproduces
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SCHEMA.parametrize()
@FUZZ
def test_no_server_error_as_admin(case: Any, served_now: Served) -> None:
    _check(served_now, case, "admin")


@SCHEMA.parametrize()
@FUZZ
def test_no_server_error_as_leader(case: Any, served_now: Served) -> None:
    _check(served_now, case, "leader")
