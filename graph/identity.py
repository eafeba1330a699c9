"""Identity resolution: linking a fact written with an invalid ID number to one valid person.

The rule (contracts/README.md, "Identity"): a number still invalid after
normalisation is linked to a person when exactly one valid number known in any
source has the same normalised name, the same birth date and the same first six
digits as the number written; every record of that source carrying the same number
follows the link. :func:`resolve` runs after a sync and applies it.

How it decides, for each invalid ``Person`` and each source that has facts on it and
no ``LINKED_TO {source}`` yet:

1. Each fact with a name and a birth date of its own is a question: a
   ``CIVIL_MEMBER``, ``POVERTY_MEMBER`` or ``HOLDS`` edge gives its ``name_key`` and
   ``birth_date``. 特困 records, payments and medical answers carry no birth date:
   they never decide, they follow.
2. Its candidates are the valid persons whose number begins with the first six digits
   written and the fact's birth date (``id STARTS WITH region6 + YYYYMMDD``: one index
   seek) and who carry the same ``name_key`` on a fact of their own, in any source
   (a membership or ``HOLDS`` edge, a ``Tekun`` or a ``MedicalAnswer``). Facts that
   themselves arrived through a link do not count, so the outcome does not depend on
   the order in which numbers are resolved.
3. A fact with exactly one candidate points at it. When the source's facts point at
   exactly one person between them, that source is linked: every edge of that source
   on the invalid person (memberships, ``HOLDS``, ``HAS_TEKUN``, ``RECEIVED``) is
   re-created on the valid person with the same properties and ``linked: true``, the
   old edge deleted, ``Tekun`` and ``Payment`` nodes marked ``linked: true``, and
   ``(invalid)-[:LINKED_TO {source, confidence, method: 'name+birth+region', at}]->(valid)``
   is written. Later rows of that source with the same number attach straight to
   the valid person (:mod:`graph.ingest`).
4. Otherwise nothing moves, and :class:`ResolveStats` says why: no fact with a birth
   date and readable region (``no_question``), no candidate (``no_candidate``),
   several candidates (``ambiguous``), or facts pointing at different persons
   (``disagree``).

Confidence is 0.9 for a unique match, and 1.0 when the household agrees too: another
member of the fact's civil (poverty) household is also a member of a poverty (civil)
household in which the candidate is a member.

What it will not do:

- link on a recomputed check character (``IdNumber.candidate`` is for a reviewer only);
- merge two valid numbers, or touch a valid person's own facts;
- split or repair a number carried with conflicting names, birth dates or genders:
  it stays one person, each fact keeping its own ``name_key``, ``birth_date`` and
  ``gender`` for the rule ``other.identity_conflict``;
- revisit a link once written (a valid number that appears later with the same name
  does not undo it).

Running it twice changes nothing: a linked (person, source) pair is not asked again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from neo4j import AsyncDriver, AsyncManagedTransaction

from graph.ingest import QUIET, REPLAN

METHOD: Final = "name+birth+region"
UNIQUE: Final = 0.9
HOUSEHOLD_AGREES: Final = 1.0


@dataclass(frozen=True, slots=True)
class Link:
    """One (invalid number, source) linked to a valid person."""

    invalid: str
    source: str
    valid: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Unlinked:
    """One (invalid number, source) left unlinked, with why and who was considered."""

    invalid: str
    source: str
    reason: str  # no_question, no_candidate, ambiguous, disagree
    candidates: tuple[str, ...] = ()


@dataclass(slots=True)
class ResolveStats:
    """What a run decided."""

    links: list[Link] = field(default_factory=list)
    unlinked: list[Unlinked] = field(default_factory=list)
    relationships_moved: int = 0

    @property
    def reasons(self) -> Counter[str]:
        """How many pairs stayed unlinked, by reason."""
        return Counter(u.reason for u in self.unlinked)


# ---------------------------------------------------------------------------
# Queries

# Every fact on an invalid person, per source, from sources not linked yet.
PENDING: Final = """
MATCH (p:Person {valid: false})
CALL (p) {
  MATCH (p)-[m:CIVIL_MEMBER]->(h) RETURN 'civil' AS source, m.name_key AS name_key,
        m.birth_date AS birth_date, h.key AS household
  UNION ALL
  MATCH (p)-[m:POVERTY_MEMBER]->(h) RETURN 'poverty' AS source, m.name_key AS name_key,
        m.birth_date AS birth_date, h.key AS household
  UNION ALL
  MATCH (p)-[m:HOLDS]->() RETURN 'disability' AS source, m.name_key AS name_key,
        m.birth_date AS birth_date, null AS household
  UNION ALL
  MATCH (p)-[:HAS_TEKUN|RECEIVED]->() RETURN 'civil' AS source, null AS name_key,
        null AS birth_date, null AS household
}
WITH p, source, name_key, birth_date, household
WHERE NOT EXISTS { MATCH (p)-[:LINKED_TO {source: source}]->() }
RETURN p.id AS invalid, p.region6 AS region6, source, name_key, birth_date, household
"""

CANDIDATES: Final = """
UNWIND $questions AS q
MATCH (v:Person) WHERE v.id STARTS WITH q.prefix AND v.valid = true
  AND (EXISTS { MATCH (v)-[m:CIVIL_MEMBER|POVERTY_MEMBER|HOLDS]->()
                WHERE m.name_key = q.name_key AND NOT coalesce(m.linked, false) }
    OR EXISTS { MATCH (v)-[:HAS_TEKUN]->(t:Tekun)
                WHERE t.name_key = q.name_key AND NOT coalesce(t.linked, false) }
    OR EXISTS { MATCH (v)-[:MEDICAL]->(a:MedicalAnswer) WHERE a.name_key = q.name_key })
RETURN q.n AS n, collect(v.id) AS candidates
"""

HOUSEHOLD_CONTEXT: Final = """
UNWIND $links AS l
MATCH (v:Person {id: l.valid})
RETURN l.n AS n,
  EXISTS { MATCH (h:CivilHousehold)<-[:CIVIL_MEMBER]-(x:Person)-[:POVERTY_MEMBER]->
                 (:PovertyHousehold)<-[:POVERTY_MEMBER]-(v)
           WHERE h.key IN l.households AND x <> v AND x.id <> l.invalid }
  OR EXISTS { MATCH (h:PovertyHousehold)<-[:POVERTY_MEMBER]-(x:Person)-[:CIVIL_MEMBER]->
                    (:CivilHousehold)<-[:CIVIL_MEMBER]-(v)
              WHERE h.key IN l.households AND x <> v AND x.id <> l.invalid } AS agrees
"""

# One query per relationship type a source may hang on a person (types are constants).
_MOVE_EDGE: Final = """
UNWIND $links AS l
MATCH (p:Person {id: l.invalid})-[old:%s]->(f)
MATCH (v:Person {id: l.valid})
MERGE (v)-[new:%s]->(f)
SET new += properties(old), new.linked = true
DELETE old
"""

_MOVE_NODE_EDGE: Final = """
UNWIND $links AS l
MATCH (p:Person {id: l.invalid})-[old:%s]->(f)
MATCH (v:Person {id: l.valid})
MERGE (v)-[:%s]->(f)
SET f.linked = true
DELETE old
"""

EDGES_OF: Final[dict[str, tuple[str, ...]]] = {
    "civil": (
        _MOVE_EDGE % ("CIVIL_MEMBER", "CIVIL_MEMBER"),
        _MOVE_NODE_EDGE % ("HAS_TEKUN", "HAS_TEKUN"),
        _MOVE_NODE_EDGE % ("RECEIVED", "RECEIVED"),
    ),
    "poverty": (_MOVE_EDGE % ("POVERTY_MEMBER", "POVERTY_MEMBER"),),
    "disability": (_MOVE_EDGE % ("HOLDS", "HOLDS"),),
}

LINK: Final = """
UNWIND $links AS l
MATCH (p:Person {id: l.invalid}), (v:Person {id: l.valid})
MERGE (p)-[k:LINKED_TO {source: l.source}]->(v)
ON CREATE SET k.confidence = l.confidence, k.method = $method, k.at = datetime()
"""


# ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Pair:
    """The facts of one source on one invalid number, and what they point at."""

    invalid: str
    source: str
    questions: list[dict[str, Any]] = field(default_factory=list)
    households: set[str] = field(default_factory=set)


def _questions(records: list[Any]) -> dict[tuple[str, str], _Pair]:
    pairs: dict[tuple[str, str], _Pair] = {}
    for rec in records:
        pair = pairs.setdefault((rec["invalid"], rec["source"]), _Pair(rec["invalid"], rec["source"]))
        if rec["household"] is not None:
            pair.households.add(rec["household"])
        born = rec["birth_date"]
        region6 = rec["region6"]
        if rec["name_key"] and born is not None and region6:
            day: date = born.to_native()
            pair.questions.append({"prefix": f"{region6}{day:%Y%m%d}", "name_key": rec["name_key"]})
    return pairs


def _decide(pair: _Pair, answers: list[list[str]]) -> Link | Unlinked:
    if not pair.questions:
        return Unlinked(pair.invalid, pair.source, "no_question")
    unique = {found[0] for found in answers if len(found) == 1}
    considered = tuple(sorted({c for found in answers for c in found}))
    if len(unique) == 1:
        return Link(pair.invalid, pair.source, unique.pop(), UNIQUE)
    if len(unique) > 1:
        return Unlinked(pair.invalid, pair.source, "disagree", considered)
    if considered:
        return Unlinked(pair.invalid, pair.source, "ambiguous", considered)
    return Unlinked(pair.invalid, pair.source, "no_candidate")


async def _apply(tx: AsyncManagedTransaction, links: list[dict[str, Any]]) -> int:
    moved = 0
    for source in {link["source"] for link in links}:
        rows = [link for link in links if link["source"] == source]
        for query in EDGES_OF.get(source, ()):
            result = await tx.run(REPLAN + query, links=rows)
            moved += (await result.consume()).counters.relationships_deleted
    result = await tx.run(REPLAN + LINK, links=links, method=METHOD)
    await result.consume()
    return moved


async def resolve(driver: AsyncDriver, *, database: str | None = None) -> ResolveStats:
    """Link every invalid number that identifies exactly one valid person, source by source."""
    stats = ResolveStats()
    # A relationship type not written yet (LINKED_TO on a new graph) is expected, not news.
    async with driver.session(database=database, notifications_disabled_classifications=QUIET) as session:
        result = await session.run(REPLAN + PENDING)
        pairs = _questions([rec async for rec in result])
        if not pairs:
            return stats
        numbered = [(pair, q) for pair in pairs.values() for q in pair.questions]
        questions = [{"n": n, **q} for n, (_, q) in enumerate(numbered)]
        result = await session.run(REPLAN + CANDIDATES, questions=questions)
        found = {rec["n"]: list(rec["candidates"]) async for rec in result}
        answers: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
        for n, (pair, _) in enumerate(numbered):
            answers[(pair.invalid, pair.source)].append(found.get(n, []))
        decisions = [_decide(pair, answers[key]) for key, pair in pairs.items()]
        links = [d for d in decisions if isinstance(d, Link)]
        stats.unlinked = [d for d in decisions if isinstance(d, Unlinked)]
        if not links:
            return stats
        context = [
            {
                "n": n,
                "invalid": x.invalid,
                "valid": x.valid,
                "households": sorted(pairs[(x.invalid, x.source)].households),
            }
            for n, x in enumerate(links)
        ]
        result = await session.run(REPLAN + HOUSEHOLD_CONTEXT, links=context)
        agrees = {rec["n"]: bool(rec["agrees"]) async for rec in result}
        stats.links = [
            Link(x.invalid, x.source, x.valid, HOUSEHOLD_AGREES if agrees.get(n) else UNIQUE)
            for n, x in enumerate(links)
        ]
        rows = [
            {"invalid": x.invalid, "source": x.source, "valid": x.valid, "confidence": x.confidence}
            for x in stats.links
        ]
        stats.relationships_moved = await session.execute_write(_apply, rows)
    return stats
