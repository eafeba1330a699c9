"""Migration: the constraints and indexes of :mod:`graph.model`, created where missing.

Every statement is ``IF NOT EXISTS``, so running it on every start is safe; it runs
before the first sync (ingest's ``MERGE`` relies on the uniqueness constraints both
for correctness and for speed).
"""

from __future__ import annotations

from neo4j import AsyncDriver

from graph.model import constraint_statements


async def migrate(driver: AsyncDriver, database: str | None = None) -> int:
    """Create every constraint and index of the model that is missing; return how many statements ran."""
    statements = constraint_statements()
    async with driver.session(database=database) as session:
        for statement in statements:
            result = await session.run(statement)
            await result.consume()
        # A new index is populated in the background; the first sync should not race it.
        result = await session.run("CALL db.awaitIndexes(300)")
        await result.consume()
    return len(statements)
