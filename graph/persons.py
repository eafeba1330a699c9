"""Which persons the graph knows: the ID numbers the medical platform is asked about."""

from __future__ import annotations

from neo4j import AsyncDriver

# Every valid person named by a civil listing (any status), a 特困 record, a payment,
# a current poverty snapshot or a disability certificate (medical-insurance.md).
_NAMED = """
MATCH (p:Person {valid: true})
WHERE EXISTS { (p)-[:CIVIL_MEMBER|POVERTY_MEMBER|HOLDS|HAS_TEKUN|RECEIVED]->() }
  AND (NOT $missing_only OR NOT EXISTS { (p)-[:MEDICAL]->(:MedicalAnswer {year: $year}) })
RETURN p.id AS id ORDER BY id
"""


async def ids_to_ask(
    driver: AsyncDriver, year: int, *, missing_only: bool = False, database: str | None = None
) -> list[str]:
    """Normalised ID numbers to ask the medical platform about, sorted; with
    ``missing_only``, only those without an answer for ``year`` yet (incremental sync)."""
    records, _, _ = await driver.execute_query(
        _NAMED, year=year, missing_only=missing_only, database_=database, routing_="r"
    )
    return [str(r["id"]) for r in records]
