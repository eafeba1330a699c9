"""The session's Neo4j is real: a write is read back, and constraints hold."""

from __future__ import annotations

import pytest
from neo4j import AsyncDriver
from neo4j.exceptions import ConstraintError


async def test_a_person_written_is_read_back(graph: AsyncDriver) -> None:
    await graph.execute_query("CREATE (:Person {id: $id, valid: true})", id="530102198001011237")

    records, _, _ = await graph.execute_query("MATCH (p:Person) RETURN p.id AS id, p.valid AS valid")

    assert [(r["id"], r["valid"]) for r in records] == [("530102198001011237", True)]


async def test_person_ids_are_unique(graph: AsyncDriver) -> None:
    await graph.execute_query("CREATE (:Person {id: '530102198001011237'})")

    with pytest.raises(ConstraintError):
        await graph.execute_query("CREATE (:Person {id: '530102198001011237'})")


async def test_each_test_starts_from_an_empty_graph(graph: AsyncDriver) -> None:
    records, _, _ = await graph.execute_query("MATCH (n) RETURN count(n) AS n")

    assert records[0]["n"] == 0
