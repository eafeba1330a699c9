"""Identity resolution links an invalid number to exactly one valid person, source by source."""

from __future__ import annotations

from datetime import date
from typing import Any

from factories import (
    certificate,
    civil_household,
    medical,
    member,
    payment,
    pid,
    poverty_member,
    tekun,
    typo,
)
from neo4j import AsyncDriver

from graph.identity import Link, resolve
from graph.ingest import write_records

ZHANG = pid("1960-03-04", 1)
WANG = pid("1962-05-06", 2, female=True)


async def rows(graph: AsyncDriver, query: str, **params: Any) -> list[dict[str, Any]]:
    found, _, _ = await graph.execute_query(query, params)
    return [dict(rec) for rec in found]


async def test_an_invalid_number_is_linked_with_everything_its_source_wrote(graph: AsyncDriver) -> None:
    wrong = typo(ZHANG)
    await write_records(
        graph,
        [
            certificate(ZHANG, "张三"),  # the valid number, known to the disability registry
            civil_household("MZ530102-000001", [member(wrong, "張三")]),  # traditional form: same name
            tekun(wrong, "MZ530102-000001", "张三"),
            payment("P2026-0001", wrong, "MZ530102-000001"),
        ],
    )

    stats = await resolve(graph)

    assert stats.links == [Link(wrong, "civil", ZHANG, 0.9)]
    facts = await rows(
        graph,
        "MATCH (p:Person {id: $id})-[x]->(f) RETURN type(x) AS rel, x.linked AS edge, f.linked AS node"
        " ORDER BY rel",
        id=ZHANG,
    )
    assert facts == [
        {"rel": "CIVIL_MEMBER", "edge": True, "node": None},
        {"rel": "HAS_TEKUN", "edge": None, "node": True},
        {"rel": "HOLDS", "edge": False, "node": None},
        {"rel": "RECEIVED", "edge": None, "node": True},
    ]
    member_edge = (await rows(graph, "MATCH ()-[m:CIVIL_MEMBER]->() RETURN m"))[0]["m"]
    assert (member_edge["name"], member_edge["raw_id"]) == ("張三", wrong)
    link = await rows(
        graph,
        "MATCH (:Person {id: $bad, valid: false})-[k:LINKED_TO]->(:Person {id: $good}) RETURN k",
        bad=wrong,
        good=ZHANG,
    )
    assert (link[0]["k"]["source"], link[0]["k"]["method"]) == ("civil", "name+birth+region")
    assert (
        await rows(
            graph, "MATCH (:Person {id: $id})-[x]->(f) WHERE type(x) <> 'LINKED_TO' RETURN x", id=wrong
        )
        == []
    )


async def test_a_later_page_with_the_same_number_attaches_to_the_linked_person(graph: AsyncDriver) -> None:
    wrong = typo(ZHANG)
    await write_records(
        graph, [certificate(ZHANG, "张三"), civil_household("MZ530102-000001", [member(wrong, "张三")])]
    )
    await resolve(graph)

    await write_records(
        graph,
        [
            civil_household("MZ530102-000001", [member(wrong, "张三")]),  # the same listing again
            tekun(wrong, "MZ530102-000009", "张三"),
            payment("P2026-0002", wrong, "MZ530102-000009"),
        ],
    )

    facts = await rows(
        graph,
        "MATCH (p:Person)-[x:CIVIL_MEMBER|HAS_TEKUN|RECEIVED]->(f)"
        " RETURN p.id AS person, type(x) AS rel, coalesce(x.linked, f.linked) AS linked ORDER BY rel",
    )
    assert facts == [
        {"person": ZHANG, "rel": "CIVIL_MEMBER", "linked": True},
        {"person": ZHANG, "rel": "HAS_TEKUN", "linked": True},
        {"person": ZHANG, "rel": "RECEIVED", "linked": True},
    ]


async def test_resolving_twice_changes_nothing(graph: AsyncDriver) -> None:
    wrong = typo(ZHANG)
    await write_records(
        graph, [certificate(ZHANG, "张三"), civil_household("MZ530102-000001", [member(wrong, "张三")])]
    )
    await resolve(graph)
    before = await rows(graph, "MATCH (a)-[x]->(b) RETURN elementId(x) AS x ORDER BY x")

    again = await resolve(graph)

    assert (again.links, again.unlinked, again.relationships_moved) == ([], [], 0)
    assert await rows(graph, "MATCH (a)-[x]->(b) RETURN elementId(x) AS x ORDER BY x") == before


async def test_each_source_is_linked_on_its_own_facts(graph: AsyncDriver) -> None:
    wrong = typo(ZHANG)
    await write_records(
        graph,
        [
            medical(ZHANG, name="张三"),  # a medical answer makes the valid number known
            civil_household("MZ530102-000001", [member(wrong, "张三")]),
            certificate(wrong, "李四"),  # the same wrong number, another name: no match
        ],
    )

    stats = await resolve(graph)

    assert [(x.source, x.valid) for x in stats.links] == [("civil", ZHANG)]
    assert [(u.source, u.reason) for u in stats.unlinked] == [("disability", "no_candidate")]
    holder = await rows(graph, "MATCH (p:Person)-[:HOLDS]->() RETURN p.id AS id")
    assert holder == [{"id": wrong}]


async def test_two_candidates_leave_the_record_unlinked(graph: AsyncDriver) -> None:
    twin_a, twin_b = pid("1960-03-04", 1), pid("1960-03-04", 5)  # same name, day and county
    wrong = typo(twin_a)
    await write_records(
        graph,
        [
            certificate(twin_a, "张三"),
            certificate(twin_b, "张三"),
            civil_household("MZ530102-000001", [member(wrong, "张三")]),
        ],
    )

    stats = await resolve(graph)

    assert stats.links == []
    assert [(u.invalid, u.reason, u.candidates) for u in stats.unlinked] == [
        (wrong, "ambiguous", tuple(sorted([twin_a, twin_b])))
    ]
    assert await rows(graph, "MATCH ()-[k:LINKED_TO]->() RETURN k") == []


async def test_the_records_own_birth_date_and_the_county_must_agree(graph: AsyncDriver) -> None:
    wrong = typo(ZHANG)
    elsewhere = typo(pid("1960-03-04", 1, region="530103"))
    await write_records(
        graph,
        [
            certificate(ZHANG, "张三"),
            civil_household("MZ530102-000001", [member(wrong, "张三", birth_date=date(1960, 3, 5))]),
            poverty_member("530102001001-0001", elsewhere, "张三"),
        ],
    )

    stats = await resolve(graph)

    assert stats.links == []
    assert sorted(u.reason for u in stats.unlinked) == ["no_candidate", "no_candidate"]


async def test_a_number_without_a_readable_birth_date_asks_nothing(graph: AsyncDriver) -> None:
    await write_records(
        graph, [certificate(ZHANG, "张三"), tekun("53010219600304", "MZ530102-000001", "张三")]
    )

    stats = await resolve(graph)

    assert [(u.source, u.reason) for u in stats.unlinked] == [("civil", "no_question")]


async def test_a_link_is_certain_when_the_household_agrees(graph: AsyncDriver) -> None:
    wrong = typo(ZHANG)
    await write_records(
        graph,
        [
            poverty_member("530102001001-0001", ZHANG, "张三", line=2),
            poverty_member("530102001001-0001", WANG, "王芳", relation="配偶", head_name="张三", line=3),
            civil_household("MZ530102-000001", [member(wrong, "张三"), member(WANG, "王芳", relation="10")]),
        ],
    )

    stats = await resolve(graph)

    assert stats.links == [Link(wrong, "civil", ZHANG, 1.0)]


async def test_conflicting_names_on_one_number_stay_one_person(graph: AsyncDriver) -> None:
    await write_records(
        graph,
        [
            civil_household("MZ530102-000001", [member(ZHANG, "张三")]),
            certificate(ZHANG, "张山", birth_date=date(1961, 3, 4)),
            medical(ZHANG, name="李四"),
        ],
    )

    stats = await resolve(graph)

    assert (stats.links, stats.unlinked) == ([], [])
    facts = await rows(
        graph,
        "MATCH (p:Person {id: $id}) OPTIONAL MATCH (p)-[m:CIVIL_MEMBER|HOLDS]->()"
        " RETURN count(DISTINCT p) AS persons, collect(m.name_key) AS names",
        id=ZHANG,
    )
    assert facts[0]["persons"] == 1
    assert sorted(facts[0]["names"]) == ["张三", "张山"]
    assert (await rows(graph, "MATCH (p:Person) RETURN count(p) AS n"))[0]["n"] == 1
