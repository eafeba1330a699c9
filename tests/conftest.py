"""Shared fixtures: a real Neo4j for the whole session, wiped between tests.

Set ``DOUDI_TEST_NEO4J_URI`` (and ``DOUDI_TEST_NEO4J_PASSWORD``) to reuse a running
server, as ``.ci/run`` does; otherwise the session starts the project's own server
(``hub.neo4jserver``) in a temporary directory on a free loopback port and stops it
at the end. No test talks to a fake graph.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from neo4j import AsyncDriver, AsyncGraphDatabase

from hub import neo4jserver
from hub.settings import Settings

TEST_PASSWORD = "doudi-test-password"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def neo4j_auth() -> Iterator[tuple[str, tuple[str, str]]]:
    """The URI and credentials of the session's Neo4j server."""
    given = os.environ.get("DOUDI_TEST_NEO4J_URI")
    if given:
        yield given, ("neo4j", os.environ.get("DOUDI_TEST_NEO4J_PASSWORD", TEST_PASSWORD))
        return
    defaults = Settings.from_mapping({})
    with tempfile.TemporaryDirectory(prefix="doudi-neo4j-") as home:
        cfg = neo4jserver.ServerConfig(
            version=defaults.neo4j_version,
            home=Path(home),
            cache=defaults.neo4j_cache_dir,
            host="127.0.0.1",
            port=_free_port(),
            user="neo4j",
            password=TEST_PASSWORD,
            heap="768m",
            pagecache="256m",
        )
        neo4jserver.start(cfg)
        try:
            yield cfg.uri, ("neo4j", TEST_PASSWORD)
        finally:
            neo4jserver.stop(cfg)


@pytest.fixture(scope="session")
async def neo4j_driver(neo4j_auth: tuple[str, tuple[str, str]]) -> AsyncIterator[AsyncDriver]:
    """One driver for the session, with the model's constraints created once."""
    from graph.model import constraint_statements

    uri, auth = neo4j_auth
    driver = AsyncGraphDatabase.driver(uri, auth=auth)
    for statement in constraint_statements():
        await driver.execute_query(statement)
    try:
        yield driver
    finally:
        await driver.close()


@pytest.fixture
async def graph(neo4j_driver: AsyncDriver) -> AsyncDriver:
    """The session's driver over an empty graph (constraints kept)."""
    async with neo4j_driver.session() as session:
        # CALL … IN TRANSACTIONS needs an auto-commit transaction (session.run).
        result = await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
        await result.consume()
    return neo4j_driver
