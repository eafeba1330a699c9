"""A thin reader over the Neo4j driver that counts round-trips (the loaders' only way in)."""

from __future__ import annotations

from typing import Any, LiteralString

from neo4j import AsyncDriver, RoutingControl


class GraphReader:
    """Read-only Cypher for one request; ``round_trips`` counts the queries sent."""

    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self._driver = driver
        self._database = database
        self.round_trips = 0

    async def rows(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """Every record of one query as a plain dict."""
        self.round_trips += 1
        records, _, _ = await self._driver.execute_query(
            cypher, params, database_=self._database, routing_=RoutingControl.READ
        )
        return [record.data() for record in records]
