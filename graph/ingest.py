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
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Final, Literal, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, AsyncTransaction, ResultSummary

from adapters import records as r
from graph import rows as rw

Tx = AsyncManagedTransaction | AsyncTransaction

QUIET: Final[tuple[Literal["UNRECOGNIZED"], ...]] = ("UNRECOGNIZED",)
"""Notification classifications a session of ours does not log (unknown labels and types)."""


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
# Queries: one per label or relationship type. Every query starts from the node it
# MERGEs or from a unique-key MATCH, and reaches what a record replaces through a
# pattern comprehension on that anchor whose far end has no label: given a label (or an
# OPTIONAL MATCH), the planner may start from an index scan of the far side when the
# statistics it compiled with made that label look empty, and the plan stays cached.
# Without a label the only other start is a scan of every node, never the cheaper one. Labels
# and types come from this module's own constants, never from data.

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

ADDRESSES: Final = """
UNWIND $rows AS key
MERGE (:Address {key: key})
"""

STUB_HOUSEHOLDS: Final = """
UNWIND $rows AS row
MERGE (h:CivilHousehold {key: row.hh})
ON CREATE SET h.household_id = row.household_id
"""


def _drop(pattern: LiteralString, where: LiteralString) -> LiteralString:
    """Delete the relationships ``old`` matching ``pattern`` from the anchor ``n``, keep one row per input."""
    return " WITH n, row FOREACH (x IN [" + pattern + " WHERE " + where + " | old] | DELETE x)"


def _nodes(label: LiteralString, *drops: LiteralString) -> LiteralString:
    return "UNWIND $rows AS row MERGE (n:" + label + " {key: row.key}) SET n += row.props" + "".join(drops)


def _place(label: LiteralString) -> LiteralString:
    """Tie a node to its region and address, dropping ones that changed."""
    return (
        "UNWIND $rows AS row MATCH (n:" + label + " {key: row.key})"
        " OPTIONAL MATCH (r:Region {code: row.region})"
        " OPTIONAL MATCH (a:Address {key: row.address_key})"
        " FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | MERGE (n)-[:IN_REGION]->(r))"
        " FOREACH (_ IN CASE WHEN a IS NULL THEN [] ELSE [1] END | MERGE (n)-[:AT]->(a))"
        " FOREACH (x IN [(n)-[old:IN_REGION|AT]->(y) WHERE (r IS NULL OR y <> r) AND (a IS NULL OR y <> a) | old]"
        " | DELETE x)"
    )


# The person a fact attaches to: the one its number names, or the valid person that
# number was linked to for this source by identity resolution.
_TARGET: Final = """
UNWIND $rows AS row
MATCH (written:Person {id: row.pid})
WITH row, written, head([(written)-[:LINKED_TO {source: $source}]->(v) | v]) AS v
WITH row, coalesce(v, written) AS p, v IS NOT NULL AS linked
"""


def _edge(rel: LiteralString, label: LiteralString, set_clause: LiteralString) -> LiteralString:
    """Person → fact edge through ``_TARGET``; a fact has one person, so another's edge goes."""
    return (
        _TARGET + "MATCH (f:" + label + " {key: row.key}) MERGE (p)-[m:" + rel + "]->(f) " + set_clause + ""
        " FOREACH (x IN [(y)-[old:" + rel + "]->(f) WHERE y <> p | old] | DELETE x)"
    )


def _household_edge(label: LiteralString, rel: LiteralString) -> LiteralString:
    return (
        "UNWIND $rows AS row MATCH (f:" + label + " {key: row.key}) MATCH (h:CivilHousehold {key: row.hh})"
        " MERGE (f)-[:" + rel + "]->(h)"
        " FOREACH (x IN [(f)-[old:" + rel + "]->(y) WHERE y <> h | old] | DELETE x)"
    )


def _children(parent: LiteralString, rel: LiteralString, child: LiteralString) -> LiteralString:
    """A parent's owned children (subsidies, insurance records), keyed; the parent's query drops the rest."""
    return (
        "UNWIND $rows AS row MATCH (n:" + parent + " {key: row.parent})"
        " MERGE (c:" + child + " {key: row.key}) SET c += row.props"
        " MERGE (n)-[:" + rel + "]->(c)"
    )


def _orphans(rel: LiteralString) -> LiteralString:
    return (
        " WITH n, row FOREACH (x IN [(n)-[:"
        + rel
        + "]->(old) WHERE NOT old.key IN row.keep | old] | DETACH DELETE x)"
    )


# A member no longer listed loses his membership (his own number's, or the person that
# number is linked to).
CIVIL_HOUSEHOLDS: Final = _nodes(
    "CivilHousehold",
    _drop(
        "(n)<-[old:CIVIL_MEMBER]-(p)",
        "NOT p.id IN row.pids"
        " AND NOT EXISTS { MATCH (q:Person)-[:LINKED_TO {source: 'civil'}]->(p) WHERE q.id IN row.pids }",
    ),
)
CIVIL_PLACE: Final = _place("CivilHousehold")
CIVIL_MEMBERS: Final = _TARGET + (
    "MATCH (h:CivilHousehold {key: row.hh}) MERGE (p)-[m:CIVIL_MEMBER]->(h) SET m += row.props, m.linked = linked"
)
TEKUN: Final = _nodes("Tekun")
TEKUN_PERSON: Final = _edge("HAS_TEKUN", "Tekun", "SET f.linked = linked")
TEKUN_HOUSEHOLD: Final = _household_edge("Tekun", "TEKUN_HOUSEHOLD")
PAYMENTS: Final = _nodes("Payment")
PAYMENT_PERSON: Final = _edge("RECEIVED", "Payment", "SET f.linked = linked")
PAYMENT_HOUSEHOLD: Final = _household_edge("Payment", "PAYMENT_HOUSEHOLD")
STANDARDS: Final = _nodes("Standard")
POVERTY_HOUSEHOLDS: Final = _nodes("PovertyHousehold")
POVERTY_PLACE: Final = _place("PovertyHousehold")
POVERTY_MEMBERS: Final = _TARGET + (
    "MATCH (h:PovertyHousehold {key: row.hh}) MERGE (p)-[m:POVERTY_MEMBER]->(h)"
    " SET m += row.props, m.linked = linked"
)
CERTIFICATES: Final = _nodes("Certificate", _orphans("HAS_SUBSIDY"))
CERTIFICATE_PLACE: Final = _place("Certificate")
HOLDERS: Final = _edge("HOLDS", "Certificate", "SET m += row.holds, m.linked = linked")
SUBSIDIES: Final = _children("Certificate", "HAS_SUBSIDY", "Subsidy")
MEDICAL: Final = _nodes("MedicalAnswer", _orphans("HAS_INSURANCE"))
MEDICAL_PERSON: Final = _TARGET + "MATCH (a:MedicalAnswer {key: row.key}) MERGE (p)-[:MEDICAL]->(a)"
INSURANCE: Final = _children("MedicalAnswer", "HAS_INSURANCE", "Insurance")

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


# ---------------------------------------------------------------------------
# Writing


# When to compile plans afresh. A plan cached from a small graph (the first batch of a
# new database sees none of its own rows in the statistics) can start from a label
# scan that costs nothing there and minutes a few batches later (200 s for one query in
# the benchmark), and Neo4j replans only after its own divergence check. So a batch
# compiles its queries afresh whenever the graph has doubled since the last batch that
# did; on a graph of steady size that is never, and compiling costs a few ms a query.
REPLAN: Final = "CYPHER replan=force "
SIZE: Final = "MATCH (n) RETURN count(n) AS n"


@dataclass(slots=True)
class _Planning:
    compiled_at: int = -1  # node count when plans were last compiled afresh (process-wide)

    async def prefix(self, tx: Tx) -> str:
        result = await tx.run(SIZE)
        record = await result.single(strict=True)
        size = int(record["n"])
        if size <= 2 * self.compiled_at:
            return ""
        self.compiled_at = size
        return REPLAN


_planning = _Planning()


async def _run(
    tx: Tx, stats: IngestStats, prefix: str, query: LiteralString, rows: Sequence[Any], **params: Any
) -> None:
    if not rows:
        return
    result = await tx.run(prefix + query, rows=list(rows), **params)
    stats.count(await result.consume())


def _last_by(records: Iterable[Any], key: Callable[[Any], str]) -> list[Any]:
    """One record per key, the last one given (a later version of the same row wins)."""
    latest: dict[str, Any] = {}
    for record in records:
        k = key(record)
        latest.pop(k, None)
        latest[k] = record
    return list(latest.values())


@dataclass(slots=True)
class _Segment:
    """The rows of a run of records, by query."""

    persons: dict[str, rw.Row] = field(default_factory=dict)
    regions: dict[str, rw.Row] = field(default_factory=dict)
    addresses: set[str] = field(default_factory=set)
    civil: list[rw.Row] = field(default_factory=list)
    members: list[rw.Row] = field(default_factory=list)
    tekun: list[rw.Row] = field(default_factory=list)
    payments: list[rw.Row] = field(default_factory=list)
    standards: list[rw.Row] = field(default_factory=list)
    poverty: dict[str, rw.Row] = field(default_factory=dict)
    poverty_members: list[rw.Row] = field(default_factory=list)
    certs: list[rw.Row] = field(default_factory=list)
    subsidies: list[rw.Row] = field(default_factory=list)
    medical: list[rw.Row] = field(default_factory=list)
    insurance: list[rw.Row] = field(default_factory=list)

    def person(self, id_number: r.IdNumber | str) -> None:
        value = id_number if isinstance(id_number, str) else id_number.value
        if value not in self.persons:
            self.persons[value] = rw.person(id_number)

    def place(self, row: rw.Row, region_code: str) -> None:
        for region in rw.region_chain(region_code):
            self.regions.setdefault(region["code"], region)
        if row["address_key"]:
            self.addresses.add(row["address_key"])


def _segment(records: Sequence[r.Record]) -> _Segment:
    seg = _Segment()
    for h in _last_by((x for x in records if isinstance(x, r.CivilHousehold)), lambda h: h.household_id):
        row = rw.civil_household(h)
        seg.civil.append(row)
        seg.place(row, h.region_code)
        for m in h.members:
            seg.person(m.id_number)
            seg.members.append(rw.civil_member(row["key"], m))
    for t in _last_by((x for x in records if isinstance(x, r.TekunRecord)), rw.tekun_key):
        seg.person(t.id_number)
        seg.tekun.append(rw.tekun(t))
    for p in _last_by((x for x in records if isinstance(x, r.Payment)), lambda p: p.payment_id):
        seg.person(p.id_number)
        seg.payments.append(rw.payment(p))
    seg.standards = [
        rw.standard(s)
        for s in _last_by((x for x in records if isinstance(x, r.DibaoStandard)), rw.standard_key)
    ]
    poverty = _last_by(
        (x for x in records if isinstance(x, r.PovertyMember)),
        lambda m: f"{m.household_id}|{m.id_number.value}",
    )
    for m in poverty:
        seg.person(m.id_number)
        key = rw.poverty_key(m.household_id)
        if key not in seg.poverty:
            # A household's first line carries its provenance; later lines repeat the same fields.
            seg.poverty[key] = rw.poverty_household(m)
            seg.place(seg.poverty[key], m.region_code)
        seg.poverty_members.append(rw.poverty_member(m))
    for c in _last_by((x for x in records if isinstance(x, r.Certificate)), lambda c: c.cert_no):
        seg.person(c.id_number)
        row = rw.certificate(c)
        seg.certs.append(row)
        seg.place(row, c.region_code)
        seg.subsidies += [{"parent": row["key"], **s} for s in row["subsidies"]]
    for a in _last_by(
        (x for x in records if isinstance(x, r.MedicalAnswer)), lambda a: f"{a.id_number}|{a.year}"
    ):
        seg.person(a.id_number)
        row = rw.medical_answer(a)
        seg.medical.append(row)
        seg.insurance += [{"parent": row["key"], **i} for i in row["insurance"]]
    return seg


async def _write_segment(
    tx: Tx, records: Sequence[r.Record], stats: IngestStats, prefix: str, known: AbstractSet[str]
) -> None:
    """Write records that contain no snapshot marker: nodes first, then relationships."""
    seg = _segment(records)
    regions = [x for x in seg.regions.values() if x["code"] not in known]
    stubs = [{"hh": x["hh"], "household_id": x["household_id"]} for x in seg.tekun + seg.payments]
    civil, poverty, certs = seg.civil, list(seg.poverty.values()), seg.certs
    steps: list[tuple[LiteralString, Sequence[Any], str]] = [
        # nodes
        (PERSONS, list(seg.persons.values()), ""),
        (REGIONS, sorted(regions, key=lambda x: int(x["level"])), ""),
        (ADDRESSES, sorted(seg.addresses), ""),
        (STANDARDS, seg.standards, ""),
        (CIVIL_HOUSEHOLDS, civil, ""),
        (STUB_HOUSEHOLDS, stubs, ""),
        (TEKUN, seg.tekun, ""),
        (PAYMENTS, seg.payments, ""),
        (POVERTY_HOUSEHOLDS, poverty, ""),
        (CERTIFICATES, certs, ""),
        (MEDICAL, seg.medical, ""),
        # relationships
        (CIVIL_PLACE, civil, ""),
        (POVERTY_PLACE, poverty, ""),
        (CERTIFICATE_PLACE, certs, ""),
        (CIVIL_MEMBERS, seg.members, "civil"),
        (TEKUN_PERSON, seg.tekun, "civil"),
        (TEKUN_HOUSEHOLD, seg.tekun, ""),
        (PAYMENT_PERSON, seg.payments, "civil"),
        (PAYMENT_HOUSEHOLD, seg.payments, ""),
        (POVERTY_MEMBERS, seg.poverty_members, "poverty"),
        (HOLDERS, certs, "disability"),
        (SUBSIDIES, seg.subsidies, ""),
        (MEDICAL_PERSON, seg.medical, "medical"),
        (INSURANCE, seg.insurance, ""),
    ]
    for query, rows, source in steps:
        await _run(tx, stats, prefix, query, rows, **({"source": source} if source else {}))


async def _apply_snapshot(tx: Tx, snapshot: r.PovertySnapshot, stats: IngestStats, prefix: str) -> None:
    params = {"county": snapshot.county, "snapshot": snapshot.name}
    result = await tx.run(prefix + POVERTY_DEPARTED, params)
    departed = [rec async for rec in result]
    stats.count(await result.consume())
    stats.departures.extend(
        Departure(rec["household"], rec["person"], snapshot.county, snapshot.name) for rec in departed
    )
    result = await tx.run(prefix + POVERTY_OLD_HOUSEHOLDS, params)
    stats.count(await result.consume())


async def write_batch(
    tx: Tx, records: Sequence[r.Record], known_regions: AbstractSet[str] = frozenset()
) -> IngestStats:
    """Write a sequence of records in the caller's transaction.

    A snapshot marker applies to everything before it, so the batch is cut there:
    rows before it, then the replacement, then the rows after it. ``known_regions``
    are Region codes committed earlier, not written again.
    """
    stats = IngestStats(records=len(records))
    prefix = await _planning.prefix(tx)
    segment: list[r.Record] = []
    for record in records:
        if isinstance(record, r.PovertySnapshot):
            await _write_segment(tx, segment, stats, prefix, known_regions)
            segment = []
            await _apply_snapshot(tx, record, stats, prefix)
        else:
            segment.append(record)
    await _write_segment(tx, segment, stats, prefix, known_regions)
    return stats


async def write_page(tx: Tx, page: r.Page) -> IngestStats:
    """Write one page in the caller's transaction: ``await session.execute_write(write_page, page)``.

    Quarantined rows are not the graph's business: the hub keeps them in SQL.
    """
    return await write_batch(tx, page.records)


def _region_codes(records: Iterable[r.Record]) -> set[str]:
    codes = {
        x.region_code for x in records if isinstance(x, r.CivilHousehold | r.PovertyMember | r.Certificate)
    }
    return {str(region["code"]) for code in codes for region in rw.region_chain(code)}


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
    # Region codes committed by an earlier batch of this call; added only after a
    # commit, so a retried transaction writes its regions again.
    known: set[str] = set()
    batch: list[r.Record] = []
    # A relationship type not written yet (LINKED_TO on a new graph) is expected, not news.
    async with driver.session(database=database, notifications_disabled_classifications=QUIET) as session:
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                total.add(await session.execute_write(write_batch, batch, frozenset(known)))
                known |= _region_codes(batch)
                batch = []
        if batch:
            total.add(await session.execute_write(write_batch, batch, frozenset(known)))
    return total
