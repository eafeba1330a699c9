"""A thin reader over the Neo4j driver that counts round-trips (the loaders' only way in)."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import READ_ACCESS, AsyncDriver


class GraphReader:
    """Read-only Cypher for one request; ``round_trips`` counts the queries sent."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database
        self.round_trips = 0

    async def rows(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """Every record of one query as a plain dict."""
        self.round_trips += 1
        # Notifications off: a fresh graph without LINKED_TO yet is not worth a log line per query.
        async with self._driver.session(
            database=self._database, default_access_mode=READ_ACCESS, notifications_min_severity="OFF"
        ) as session:
            result = await session.run(cypher, params)
            return [record.data() async for record in result]
