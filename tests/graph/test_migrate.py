"""Migration creates every constraint and index of the model, and running it again is harmless."""

from __future__ import annotations

from neo4j import AsyncDriver

from graph.migrate import migrate
from graph.model import INDEXES, LABEL_KEYS


async def test_migrate_creates_the_models_constraints_and_indexes(graph: AsyncDriver) -> None:
    ran = await migrate(graph)

    found, _, _ = await graph.execute_query("SHOW CONSTRAINTS YIELD labelsOrTypes, properties")
    constraints = {(c["labelsOrTypes"][0], c["properties"][0]) for c in found}
    found, _, _ = await graph.execute_query("SHOW INDEXES YIELD labelsOrTypes, properties, state")
    indexes = {(i["labelsOrTypes"][0], i["properties"][0]) for i in found if i["labelsOrTypes"]}
    assert set(LABEL_KEYS) <= constraints
    assert set(INDEXES) <= indexes
    assert {i["state"] for i in found} == {"ONLINE"}
    assert ran == len(LABEL_KEYS) + len(INDEXES)


async def test_migrate_twice_is_harmless(graph: AsyncDriver) -> None:
    await migrate(graph)
    found, _, _ = await graph.execute_query("SHOW CONSTRAINTS YIELD name")
    before = sorted(c["name"] for c in found)

    await migrate(graph)

    found, _, _ = await graph.execute_query("SHOW CONSTRAINTS YIELD name")
    assert sorted(c["name"] for c in found) == before
