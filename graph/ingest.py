"""Ingest: canonical records into the graph, batched, idempotent, one transaction a page.

Entry points:

- :func:`write_page` writes one :class:`adapters.records.Page` inside a transaction
  the caller owns (``await session.execute_write(write_page, page)``), so a fault never
  leaves a page half-written and the hub persists the page's resume token only after
  commit.
- :func:`write_records` writes any iterable of records in batches, one transaction
  each (tests, benchmarks, a rebuild).

How a batch is written: records are grouped by type and turned into plain rows
(:mod:`graph.rows`); then one parameterised ``UNWIND $rows`` query per label or
relationship type runs, nodes before the relationships that need them. Every write is a
``MERGE`` on a constrained key followed by ``SET`` of the same values, so syncing the
same data twice creates and deletes nothing (:attr:`IngestStats.writes` is 0).

What a record replaces:

- a civil household replaces its member set (a member no longer listed loses his
  ``CIVIL_MEMBER`` edge); a cancelled household stays, with its ``status``;
- a 特困 record or payment naming a household not yet seen creates a stub
  ``CivilHousehold`` (key and ``household_id`` only);
- a :class:`~adapters.records.PovertySnapshot` makes its county's registry exactly that
  snapshot: ``POVERTY_MEMBER`` edges and ``PovertyHousehold`` nodes of the county from
  any other snapshot are deleted, and the departed (household, person) pairs are
  returned in :attr:`IngestStats.departures` for the hub to record;
- a certificate replaces its subsidies; a medical answer replaces that person's
  insurance records for that year.

Invalid numbers: a fact whose number is invalid attaches to ``(:Person {id: <number as
normalised>, valid: false})``, unless that node already has ``LINKED_TO {source}`` for
the record's source (see :mod:`graph.identity`): then it attaches to the linked valid
person, with ``linked: true``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, AsyncTransaction, ResultSummary

from adapters import records as r
from graph import rows as rw

Tx = AsyncManagedTransaction | AsyncTransaction


@dataclass(frozen=True, slots=True, order=True)
class Departure:
    """A member who left the poverty-relief registry with a newer county snapshot."""

    household: str  # "poverty:<户编号>"
    person: str  # the Person id the membership hung on
    county: str
    snapshot: str  # the snapshot that no longer lists him


@dataclass(slots=True)
class IngestStats:
    """What a write did, from the server's counters (summed over every query)."""

    records: int = 0
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    departures: list[Departure] = field(default_factory=list)

    @property
    def writes(self) -> int:
        """Nodes and relationships created or deleted: 0 when a re-sync changed nothing."""
        return (
            self.nodes_created + self.nodes_deleted + self.relationships_created + self.relationships_deleted
        )

    def count(self, summary: ResultSummary) -> None:
        c = summary.counters
        self.nodes_created += c.nodes_created
        self.nodes_deleted += c.nodes_deleted
        self.relationships_created += c.relationships_created
        self.relationships_deleted += c.relationships_deleted
        self.properties_set += c.properties_set

    def add(self, other: IngestStats) -> None:
        self.records += other.records
        self.nodes_created += other.nodes_created
        self.nodes_deleted += other.nodes_deleted
        self.relationships_created += other.relationships_created
        self.relationships_deleted += other.relationships_deleted
        self.properties_set += other.properties_set
        self.departures.extend(other.departures)


# ---------------------------------------------------------------------------
# Queries. Labels come from this module's own constants, never from data.

PERSONS: Final = """
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
ON CREATE SET p.valid = row.valid, p.birth_date = row.birth_date, p.gender = row.gender,
              p.region6 = row.region6
"""

REGIONS: Final = """
UNWIND $rows AS row
MERGE (r:Region {code: row.code})
ON CREATE SET r.level = row.level, r.prefix = row.prefix
WITH r, row WHERE row.parent IS NOT NULL
MATCH (up:Region {code: row.parent})
MERGE (r)-[:PARENT]->(up)
"""

# The person a fact attaches to: the one its number names, or the valid person that
# number was linked to for this source by identity resolution.
_TARGET: Final = """
MATCH (written:Person {id: row.pid})
OPTIONAL MATCH (written)-[:LINKED_TO {source: $source}]->(v:Person)
WITH row, coalesce(v, written) AS p, v IS NOT NULL AS linked
"""

# Region and address of a household or certificate, replaced when they change.
_PLACE: Final = """
CALL (n, row) {
  MATCH (n)-[old:IN_REGION]->(r:Region) WHERE r.code <> row.region OR row.region IS NULL
  DELETE old
}
CALL (n, row) {
  MATCH (r:Region {code: row.region})
  MERGE (n)-[:IN_REGION]->(r)
}
CALL (n, row) {
  MATCH (n)-[old:AT]->(a:Address) WHERE a.key <> row.address_key OR row.address_key IS NULL
  DELETE old
}
CALL (n, row) {
  WITH n, row WHERE row.address_key IS NOT NULL
  MERGE (a:Address {key: row.address_key})
  MERGE (n)-[:AT]->(a)
}
"""

CIVIL_HOUSEHOLDS: Final = (
    """
UNWIND $rows AS row
MERGE (n:CivilHousehold {key: row.key})
SET n += row.props
WITH n, row
CALL (n, row) {
  MATCH (n)<-[m:CIVIL_MEMBER]-(p:Person)
  WHERE NOT p.id IN row.pids
    AND NOT EXISTS { MATCH (q:Person)-[:LINKED_TO {source: 'civil'}]->(p) WHERE q.id IN row.pids }
  DELETE m
}
"""
    + _PLACE
)

CIVIL_MEMBERS: Final = (
    """
UNWIND $rows AS row
"""
    + _TARGET
    + """
MATCH (h:CivilHousehold {key: row.hh})
MERGE (p)-[m:CIVIL_MEMBER]->(h)
SET m += row.props, m.linked = linked
"""
)

_STUB_HOUSEHOLD: Final = """
MERGE (h:CivilHousehold {key: row.hh})
ON CREATE SET h.household_id = row.household_id
"""

TEKUN: Final = (
    "UNWIND $rows AS row\n"
    + _TARGET
    + """
MERGE (t:Tekun {key: row.key})
SET t += row.props, t.linked = linked
MERGE (p)-[:HAS_TEKUN]->(t)
WITH t, row
"""
    + _STUB_HOUSEHOLD
    + """
MERGE (t)-[:TEKUN_HOUSEHOLD]->(h)
"""
)

PAYMENTS: Final = (
    "UNWIND $rows AS row\n"
    + _TARGET
    + """
MERGE (pay:Payment {key: row.key})
SET pay += row.props, pay.linked = linked
MERGE (p)-[:RECEIVED]->(pay)
WITH p, pay, row
CALL (p, pay) {
  MATCH (other:Person)-[old:RECEIVED]->(pay) WHERE other <> p
  DELETE old
}
CALL (pay, row) {
  MATCH (pay)-[old:PAYMENT_HOUSEHOLD]->(x:CivilHousehold) WHERE x.key <> row.hh
  DELETE old
}
"""
    + _STUB_HOUSEHOLD
    + """
MERGE (pay)-[:PAYMENT_HOUSEHOLD]->(h)
"""
)

STANDARDS: Final = """
UNWIND $rows AS row
MERGE (s:Standard {key: row.key})
SET s += row.props
"""

POVERTY_HOUSEHOLDS: Final = (
    """
UNWIND $rows AS row
MERGE (n:PovertyHousehold {key: row.key})
SET n += row.props
WITH n, row
"""
    + _PLACE
)

POVERTY_MEMBERS: Final = (
    "UNWIND $rows AS row\n"
    + _TARGET
    + """
MATCH (h:PovertyHousehold {key: row.hh})
MERGE (p)-[m:POVERTY_MEMBER]->(h)
SET m += row.props, m.linked = linked
"""
)

POVERTY_DEPARTED: Final = """
MATCH (h:PovertyHousehold {county: $county})<-[m:POVERTY_MEMBER]-(p:Person)
WHERE h.snapshot <> $snapshot OR m.snapshot IS NULL OR m.snapshot <> $snapshot
DELETE m
RETURN h.key AS household, p.id AS person
"""

POVERTY_OLD_HOUSEHOLDS: Final = """
MATCH (h:PovertyHousehold {county: $county})
WHERE h.snapshot <> $snapshot
DETACH DELETE h
"""

CERTIFICATES: Final = (
    """
UNWIND $rows AS row
MERGE (n:Certificate {key: row.key})
SET n += row.props
WITH n, row
CALL (n, row) {
  MATCH (n)-[:HAS_SUBSIDY]->(s:Subsidy) WHERE NOT s.key IN row.subsidy_keys
  DETACH DELETE s
}
CALL (n, row) {
  UNWIND row.subsidies AS sub
  MERGE (s:Subsidy {key: sub.key})
  SET s += sub.props
  MERGE (n)-[:HAS_SUBSIDY]->(s)
}
"""
    + _PLACE
)

HOLDERS: Final = (
    "UNWIND $rows AS row\n"
    + _TARGET
    + """
MATCH (c:Certificate {key: row.key})
MERGE (p)-[m:HOLDS]->(c)
SET m += row.holds, m.linked = linked
WITH p, c
MATCH (other:Person)-[old:HOLDS]->(c) WHERE other <> p
DELETE old
"""
)

MEDICAL: Final = (
    "UNWIND $rows AS row\n"
    + _TARGET
    + """
MERGE (a:MedicalAnswer {key: row.key})
SET a += row.props
MERGE (p)-[:MEDICAL]->(a)
WITH a, row
CALL (a, row) {
  MATCH (a)-[:HAS_INSURANCE]->(i:Insurance) WHERE NOT i.key IN row.insurance_keys
  DETACH DELETE i
}
CALL (a, row) {
  UNWIND row.insurance AS ins
  MERGE (i:Insurance {key: ins.key})
  SET i += ins.props
  MERGE (a)-[:HAS_INSURANCE]->(i)
}
"""
)


# ---------------------------------------------------------------------------
# Writing


async def _run(tx: Tx, stats: IngestStats, query: LiteralString, rows: Sequence[Any], **params: Any) -> None:
    if not rows:
        return
    result = await tx.run(query, rows=list(rows), **params)
    stats.count(await result.consume())


def _last_by(records: Iterable[Any], key: Callable[[Any], str]) -> list[Any]:
    """One record per key, the last one given (a later version of the same row wins)."""
    latest: dict[str, Any] = {}
    for record in records:
        k = key(record)
        latest.pop(k, None)
        latest[k] = record
    return list(latest.values())


async def _write_segment(tx: Tx, records: Sequence[r.Record], stats: IngestStats) -> None:
    """Write records that contain no snapshot marker: nodes first, then relationships."""
    civil = _last_by((x for x in records if isinstance(x, r.CivilHousehold)), lambda h: h.household_id)
    tekun = _last_by((x for x in records if isinstance(x, r.TekunRecord)), rw.tekun_key)
    payments = _last_by((x for x in records if isinstance(x, r.Payment)), lambda p: p.payment_id)
    standards = _last_by((x for x in records if isinstance(x, r.DibaoStandard)), rw.standard_key)
    poverty = _last_by(
        (x for x in records if isinstance(x, r.PovertyMember)),
        lambda m: f"{m.household_id}|{m.id_number.value}",
    )
    certs = _last_by((x for x in records if isinstance(x, r.Certificate)), lambda c: c.cert_no)
    medical = _last_by(
        (x for x in records if isinstance(x, r.MedicalAnswer)), lambda a: f"{a.id_number}|{a.year}"
    )

    civil_rows = [rw.civil_household(h) for h in civil]
    # A household's first line carries its provenance; later lines repeat the same fields.
    poverty_households: dict[str, rw.Row] = {}
    for m in poverty:
        poverty_households.setdefault(rw.poverty_key(m.household_id), rw.poverty_household(m))
    cert_rows = [rw.certificate(c) for c in certs]

    persons: dict[str, rw.Row] = {}
    for idn in (
        *(m.id_number for h in civil for m in h.members),
        *(t.id_number for t in tekun),
        *(p.id_number for p in payments),
        *(m.id_number for m in poverty),
        *(c.id_number for c in certs),
    ):
        if idn.value not in persons:
            persons[idn.value] = rw.person(idn)
    for a in medical:
        if a.id_number not in persons:
            persons[a.id_number] = rw.person(a.id_number)

    regions: dict[str, rw.Row] = {}
    for code in {
        *(h.region_code for h in civil),
        *(m.region_code for m in poverty),
        *(c.region_code for c in certs),
    }:
        for region in rw.region_chain(code):
            regions.setdefault(region["code"], region)

    await _run(tx, stats, PERSONS, list(persons.values()))
    await _run(tx, stats, REGIONS, sorted(regions.values(), key=lambda x: x["level"]))
    await _run(tx, stats, STANDARDS, [rw.standard(s) for s in standards])
    await _run(tx, stats, CIVIL_HOUSEHOLDS, civil_rows)
    await _run(tx, stats, POVERTY_HOUSEHOLDS, list(poverty_households.values()))
    await _run(tx, stats, CERTIFICATES, cert_rows)

    civil_members = [rw.civil_member(rw.civil_key(h.household_id), m) for h in civil for m in h.members]
    await _run(tx, stats, CIVIL_MEMBERS, civil_members, source="civil")
    await _run(tx, stats, TEKUN, [rw.tekun(t) for t in tekun], source="civil")
    await _run(tx, stats, PAYMENTS, [rw.payment(p) for p in payments], source="civil")
    await _run(tx, stats, POVERTY_MEMBERS, [rw.poverty_member(m) for m in poverty], source="poverty")
    await _run(tx, stats, HOLDERS, cert_rows, source="disability")
    await _run(tx, stats, MEDICAL, [rw.medical_answer(a) for a in medical], source="medical")


async def _apply_snapshot(tx: Tx, snapshot: r.PovertySnapshot, stats: IngestStats) -> None:
    params = {"county": snapshot.county, "snapshot": snapshot.name}
    result = await tx.run(POVERTY_DEPARTED, params)
    departed = [rec async for rec in result]
    stats.count(await result.consume())
    stats.departures.extend(
        Departure(rec["household"], rec["person"], snapshot.county, snapshot.name) for rec in departed
    )
    result = await tx.run(POVERTY_OLD_HOUSEHOLDS, params)
    stats.count(await result.consume())


async def write_batch(tx: Tx, records: Sequence[r.Record]) -> IngestStats:
    """Write a sequence of records in the caller's transaction.

    A snapshot marker applies to everything before it, so the batch is cut there:
    rows before it, then the replacement, then the rows after it.
    """
    stats = IngestStats(records=len(records))
    segment: list[r.Record] = []
    for record in records:
        if isinstance(record, r.PovertySnapshot):
            await _write_segment(tx, segment, stats)
            segment = []
            await _apply_snapshot(tx, record, stats)
        else:
            segment.append(record)
    await _write_segment(tx, segment, stats)
    return stats


async def write_page(tx: Tx, page: r.Page) -> IngestStats:
    """Write one page in the caller's transaction: ``await session.execute_write(write_page, page)``.

    Quarantined rows are not the graph's business: the hub keeps them in SQL.
    """
    return await write_batch(tx, page.records)


async def write_records(
    driver: AsyncDriver,
    records: Iterable[r.Record],
    *,
    batch_size: int = 2000,
    database: str | None = None,
) -> IngestStats:
    """Write records in batches of ``batch_size``, one transaction per batch; return the sum."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    total = IngestStats()
    batch: list[r.Record] = []
    async with driver.session(database=database) as session:
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                total.add(await session.execute_write(write_batch, batch))
                batch = []
        if batch:
            total.add(await session.execute_write(write_batch, batch))
    return total
