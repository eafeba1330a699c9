"""DataLoaders, one set per request: ``<thing>_by_<key>``, one query per batch, key order.

Every graph loader sends one Cypher statement per batch (``UNWIND $keys``) through the
request's :class:`GraphReader`; store loaders make one store call per batch. Resolvers
never query inside a loop: they ask a loader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from schema.context import FindingEvent, FindingFilter, FindingRecord, MedicalLookup, MedicalRow, Services
from schema.errors import LiveSourceError
from schema.reader import GraphReader

MEDICAL_BATCH = 100
"""The medical platform answers at most 100 numbers a call."""


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """Everything the graph holds about one person, read in one query."""

    id: str
    node: dict[str, Any]
    civil: list[dict[str, Any]] = field(default_factory=list)  # {m, key, region, h}
    poverty: list[dict[str, Any]] = field(default_factory=list)  # {m, key, region}
    tekun: list[dict[str, Any]] = field(default_factory=list)  # {t, household: {key, region}}
    payments: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[dict[str, Any]] = field(default_factory=list)  # {r, c, subsidies}
    medical: list[dict[str, Any]] = field(default_factory=list)  # {a, insurance}
    linked: list[dict[str, Any]] = field(default_factory=list)  # {id, source, method, confidence}


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """A civil or poverty-relief household with its members, benefits and neighbours."""

    key: str
    source: str  # civil, poverty
    node: dict[str, Any]
    members: list[dict[str, Any]]  # {id, m}
    tekun: list[dict[str, Any]]  # {id, t}
    payments: list[dict[str, Any]]  # {id, x}
    shared_members: list[str]
    same_address: list[str]


PERSON_QUERY = """
UNWIND $keys AS key
MATCH (p:Person {id: key})
RETURN key, properties(p) AS node,
  [(p)-[m:CIVIL_MEMBER]->(h:CivilHousehold) |
     {m: properties(m), key: h.key, region: h.region_code, h: properties(h)}] AS civil,
  [(p)-[m:POVERTY_MEMBER]->(h:PovertyHousehold) | {m: properties(m), key: h.key, region: h.region_code}] AS poverty,
  [(p)-[:HAS_TEKUN]->(t:Tekun) |
     {t: properties(t), household: head([(t)-[:TEKUN_HOUSEHOLD]->(h) | {key: h.key, region: h.region_code}])}]
     AS tekun,
  [(p)-[:RECEIVED]->(x:Payment) | properties(x)] AS payments,
  [(p)-[r:HOLDS]->(c:Certificate) |
     {r: properties(r), c: properties(c), subsidies: [(c)-[:HAS_SUBSIDY]->(s:Subsidy) | properties(s)]}]
     AS certificates,
  [(p)-[:MEDICAL]->(a:MedicalAnswer) |
     {a: properties(a), insurance: [(a)-[:HAS_INSURANCE]->(i:Insurance) | properties(i)]}] AS medical,
  [(o:Person)-[l:LINKED_TO]->(p) | {id: o.id, source: l.source, method: l.method, confidence: l.confidence}]
     AS linked
"""

HOUSEHOLD_QUERY = """
UNWIND $keys AS key
CALL (key) {
  MATCH (h:CivilHousehold {key: key}) RETURN h
  UNION
  MATCH (h:PovertyHousehold {key: key}) RETURN h
}
RETURN key, properties(h) AS node, CASE WHEN h:CivilHousehold THEN 'civil' ELSE 'poverty' END AS source,
  [(p:Person)-[m:CIVIL_MEMBER|POVERTY_MEMBER]->(h) | {id: p.id, m: properties(m)}] AS members,
  [(p:Person)-[:HAS_TEKUN]->(t:Tekun)-[:TEKUN_HOUSEHOLD]->(h) | {id: p.id, t: properties(t)}] AS tekun,
  [(p:Person)-[:RECEIVED]->(x:Payment)-[:PAYMENT_HOUSEHOLD]->(h) | {id: p.id, x: properties(x)}] AS payments,
  [(h)<-[:CIVIL_MEMBER|POVERTY_MEMBER]-(:Person)-[:CIVIL_MEMBER|POVERTY_MEMBER]->(o)
     WHERE (o:CivilHousehold OR o:PovertyHousehold) AND labels(o) <> labels(h) | o.key] AS shared_members,
  [(h)-[:AT]->(:Address)<-[:AT]-(o)
     WHERE (o:CivilHousehold OR o:PovertyHousehold) AND labels(o) <> labels(h) | o.key] AS same_address
"""


class Loaders:
    """The request's DataLoaders; ``where`` is the viewer's findings scope."""

    def __init__(
        self, graph: GraphReader, services: Services, where: FindingFilter, medical: MedicalLookup | None
    ) -> None:
        self._graph = graph
        self._services = services
        self._where = where
        self._medical = medical
        self.person_by_id = DataLoader[str, PersonFacts | None](load_fn=self._persons)
        self.household_by_key = DataLoader[str, HouseholdFacts | None](load_fn=self._households)
        self.medical_by_person_year = DataLoader[tuple[str, int], MedicalRow](
            load_fn=self._medical_live, max_batch_size=MEDICAL_BATCH
        )
        self.finding_by_id = DataLoader[str, FindingRecord | None](load_fn=self._findings)
        self.findings_by_person = DataLoader[str, list[FindingRecord]](load_fn=self._person_findings)
        self.findings_by_household = DataLoader[str, list[FindingRecord]](load_fn=self._household_findings)
        self.history_by_finding = DataLoader[str, list[FindingEvent]](load_fn=self._history)

    async def _persons(self, keys: Sequence[str]) -> list[PersonFacts | None]:
        rows = await self._graph.rows(PERSON_QUERY, keys=list(keys))
        found = {
            row["key"]: PersonFacts(
                id=row["key"],
                node=row["node"],
                civil=row["civil"],
                poverty=row["poverty"],
                tekun=row["tekun"],
                payments=row["payments"],
                certificates=row["certificates"],
                medical=row["medical"],
                linked=row["linked"],
            )
            for row in rows
        }
        return [found.get(key) for key in keys]

    async def _households(self, keys: Sequence[str]) -> list[HouseholdFacts | None]:
        rows = await self._graph.rows(HOUSEHOLD_QUERY, keys=list(keys))
        found = {
            row["key"]: HouseholdFacts(
                key=row["key"],
                source=row["source"],
                node=row["node"],
                members=row["members"],
                tekun=row["tekun"],
                payments=row["payments"],
                shared_members=sorted(set(row["shared_members"])),
                same_address=sorted(set(row["same_address"])),
            )
            for row in rows
        }
        return [found.get(key) for key in keys]

    async def _medical_live(self, keys: Sequence[tuple[str, int]]) -> list[MedicalRow | BaseException]:
        if self._medical is None:
            error = LiveSourceError("medical: no live look-up is configured")
            return [error for _ in keys]
        by_year: dict[int, list[str]] = defaultdict(list)
        for person, year in keys:
            by_year[year].append(person)
        answers: dict[tuple[str, int], MedicalRow | BaseException] = {}
        for year, ids in by_year.items():
            # A batch holds at most MEDICAL_BATCH keys, so each year's call is within the limit.
            try:
                rows = await self._medical.lookup(ids, year)
            except LiveSourceError as exc:
                answers.update({(person, year): exc for person in ids})
                continue
            answers.update({(person, year): row for person, row in zip(ids, rows, strict=True)})
        return [answers[key] for key in keys]

    async def _findings(self, keys: Sequence[str]) -> list[FindingRecord | None]:
        return await self._services.findings.findings_by_ids(list(keys))

    async def _person_findings(self, keys: Sequence[str]) -> list[list[FindingRecord]]:
        return await self._services.findings.findings_by_persons(list(keys), self._where)

    async def _household_findings(self, keys: Sequence[str]) -> list[list[FindingRecord]]:
        return await self._services.findings.findings_by_households(list(keys), self._where)

    async def _history(self, keys: Sequence[str]) -> list[list[FindingEvent]]:
        return await self._services.findings.history_by_ids(list(keys))
