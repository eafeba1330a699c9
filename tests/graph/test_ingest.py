"""Ingest writes each source's facts as the model says, and a re-sync changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from factories import (
    certificate,
    civil_household,
    dibao,
    insurance,
    medical,
    member,
    page,
    payment,
    pid,
    poverty_member,
    poverty_snapshot,
    standard,
    subsidy,
    tekun,
    typo,
)
from neo4j import AsyncDriver

from adapters import records as r
from graph.ingest import Departure, write_page, write_records

HEAD = pid("1960-03-04", 1)
WIFE = pid("1962-05-06", 2, female=True)
SON = pid("1990-07-08", 3)


async def counts(graph: AsyncDriver) -> dict[str, int]:
    found, _, _ = await graph.execute_query("MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n")
    return {rec["label"]: rec["n"] for rec in found}


async def rel_counts(graph: AsyncDriver) -> dict[str, int]:
    found, _, _ = await graph.execute_query("MATCH ()-[x]->() RETURN type(x) AS type, count(*) AS n")
    return {rec["type"]: rec["n"] for rec in found}


async def one(graph: AsyncDriver, query: str, **params: Any) -> Any:
    found, _, _ = await graph.execute_query(query, params)
    assert len(found) == 1, found
    return found[0][0]


def a_bit_of_everything() -> list[r.Record]:
    family = civil_household(
        "MZ530102-000001",
        members=[
            member(HEAD, "张三"),
            member(WIFE, "李四", relation="10"),
            member(SON, "张五", relation="20"),
        ],
        dibao=dibao(),
    )
    return [
        standard(),
        family,
        tekun(pid("1940-01-01", 9), "MZ530102-000777", "王老"),
        payment("P2026-0001", HEAD, "MZ530102-000001"),
        poverty_member("530102001001-0042", HEAD, "张三", line=2),
        poverty_member("530102001001-0042", WIFE, "李四", relation="配偶", head_name="张三", line=3),
        poverty_snapshot(household_ids=["530102001001-0042"]),
        certificate(SON, "张五", subsidies=[subsidy("LIVING"), subsidy("NURSING")]),
        medical(HEAD, [insurance(), insurance("EMPLOYEE", region_code="530103")]),
    ]


async def test_each_record_becomes_the_nodes_and_edges_of_the_model(graph: AsyncDriver) -> None:
    stats = await write_records(graph, a_bit_of_everything())

    assert await counts(graph) == {
        "Standard": 1,
        "CivilHousehold": 2,  # the family, and the stub the 特困 record names
        "Person": 4,
        "Tekun": 1,
        "Payment": 1,
        "PovertyHousehold": 1,
        "Certificate": 1,
        "Subsidy": 2,
        "MedicalAnswer": 1,
        "Insurance": 2,
        "Region": 5,  # 53, 5301, 530102, 530102001, 530102001001
        "Address": 1,
    }
    assert await rel_counts(graph) == {
        "CIVIL_MEMBER": 3,
        "HAS_TEKUN": 1,
        "TEKUN_HOUSEHOLD": 1,
        "RECEIVED": 1,
        "PAYMENT_HOUSEHOLD": 1,
        "POVERTY_MEMBER": 2,
        "HOLDS": 1,
        "HAS_SUBSIDY": 2,
        "MEDICAL": 1,
        "HAS_INSURANCE": 2,
        "IN_REGION": 3,
        "AT": 3,
        "PARENT": 4,
    }
    assert stats.records == 9
    assert stats.departures == []


async def test_values_keep_their_types(graph: AsyncDriver) -> None:
    await write_records(graph, a_bit_of_everything())

    h = await one(graph, "MATCH (h:CivilHousehold {key: 'civil:MZ530102-000001'}) RETURN h")
    assert h["dibao"] is True
    assert h["dibao_amount"] == 600.0
    assert h["dibao_start"].to_native() == date(2024, 1, 1)
    assert h["county"] == "530102"
    assert h["source"] == "civil"
    assert h["record_key"] == "MZ530102-000001"
    m = await one(graph, "MATCH (:Person {id: $id})-[m:CIVIL_MEMBER]->() RETURN m", id=WIFE)
    assert (m["relation"], m["relation_code"], m["gender"], m["linked"]) == ("SPOUSE", "10", "F", False)
    p = await one(graph, "MATCH (p:Person {id: $id}) RETURN p", id=WIFE)
    assert (p["valid"], p["gender"], p["region6"]) == (True, "F", "530102")
    assert p["birth_date"].to_native() == date(1962, 5, 6)
    pm = await one(graph, "MATCH (:Person {id: $id})-[m:POVERTY_MEMBER]->() RETURN m", id=WIFE)
    assert (pm["relation_word"], pm["line"], pm["health"]) == ("配偶", 3, ["健康"])


async def test_regions_are_a_tree_of_padded_codes(graph: AsyncDriver) -> None:
    await write_records(graph, a_bit_of_everything())

    found, _, _ = await graph.execute_query(
        "MATCH (:CivilHousehold {key: 'civil:MZ530102-000001'})-[:IN_REGION]->(v:Region)"
        "-[:PARENT*0..]->(r:Region) RETURN r.code AS code, r.level AS level, r.prefix AS prefix"
        " ORDER BY level"
    )
    assert [(x["code"], x["level"], x["prefix"]) for x in found] == [
        ("530000000000", 1, "53"),
        ("530100000000", 2, "5301"),
        ("530102000000", 3, "530102"),
        ("530102001000", 4, "530102001"),
        ("530102001001", 5, "530102001001"),
    ]


async def test_a_second_sync_of_the_same_data_writes_nothing(graph: AsyncDriver) -> None:
    await write_records(graph, a_bit_of_everything())

    again = await write_records(graph, a_bit_of_everything())

    assert again.writes == 0


async def test_a_page_is_written_in_the_callers_transaction(graph: AsyncDriver) -> None:
    family = civil_household("MZ530102-000001", members=[member(HEAD)])
    async with graph.session() as session:
        stats = await session.execute_write(write_page, page(family))

    assert stats.nodes_created > 0
    assert (await counts(graph))["CivilHousehold"] == 1


async def test_a_member_dropped_from_the_listing_loses_his_membership(graph: AsyncDriver) -> None:
    members = [member(HEAD, "张三"), member(WIFE, "李四", relation="10"), member(SON, "张五", relation="20")]
    await write_records(graph, [civil_household("MZ530102-000001", members)])

    stats = await write_records(graph, [civil_household("MZ530102-000001", members[:2])])

    assert stats.relationships_deleted == 1
    assert await one(graph, "MATCH (:Person {id: $id})-[m:CIVIL_MEMBER]->() RETURN count(m)", id=SON) == 0
    assert await one(graph, "MATCH (p:Person {id: $id}) RETURN count(p)", id=SON) == 1


async def test_a_cancelled_household_stays_with_its_status(graph: AsyncDriver) -> None:
    members = [member(HEAD)]
    await write_records(graph, [civil_household("MZ530102-000001", members, dibao=dibao())])

    await write_records(graph, [civil_household("MZ530102-000001", members, status="cancelled")])

    h = await one(graph, "MATCH (h:CivilHousehold) RETURN h")
    assert (h["status"], h["dibao"], h.get("dibao_status")) == ("cancelled", False, None)
    assert await one(graph, "MATCH ()-[m:CIVIL_MEMBER]->() RETURN count(m)") == 1


async def test_a_later_version_in_the_same_batch_wins(graph: AsyncDriver) -> None:
    first = civil_household("MZ530102-000001", [member(HEAD), member(SON, relation="20")])
    second = civil_household("MZ530102-000001", [member(HEAD)], status="cancelled")

    await write_records(graph, [first, second])

    assert await one(graph, "MATCH ()-[m:CIVIL_MEMBER]->() RETURN count(m)") == 1
    assert await one(graph, "MATCH (h:CivilHousehold) RETURN h.status") == "cancelled"


async def test_a_stub_household_is_filled_by_its_own_row(graph: AsyncDriver) -> None:
    await write_records(graph, [tekun(HEAD, "MZ530102-000001")])
    stub = await one(graph, "MATCH (h:CivilHousehold) RETURN h")
    assert dict(stub) == {"key": "civil:MZ530102-000001", "household_id": "MZ530102-000001"}

    await write_records(graph, [civil_household("MZ530102-000001", [member(HEAD)])])

    assert await one(graph, "MATCH (h:CivilHousehold)<-[:TEKUN_HOUSEHOLD]-() RETURN h.status") == "active"
    assert (await counts(graph))["CivilHousehold"] == 1


async def test_a_newer_snapshot_replaces_the_county_and_reports_who_left(graph: AsyncDriver) -> None:
    old, new = "fpxx_530102_20261001.csv", "fpxx_530102_20261101.csv"
    other_county = poverty_member(
        "530103001001-0001",
        pid("1970-01-01", 4, region="530103"),
        region_code="530103001001",
        snapshot="fpxx_530103_20261001.csv",
    )
    await write_records(
        graph,
        [
            poverty_member("530102001001-0001", HEAD, "张三", snapshot=old, line=2),
            poverty_member("530102001001-0001", SON, "张五", relation="之子", snapshot=old, line=3),
            poverty_member("530102001001-0002", WIFE, "李四", snapshot=old, line=4),
            poverty_snapshot(name=old),
            other_county,
        ],
    )

    stats = await write_records(
        graph,
        [
            poverty_member("530102001001-0001", HEAD, "张三", snapshot=new, line=2),
            poverty_snapshot(name=new),
        ],
    )

    assert sorted(stats.departures) == sorted(
        [
            Departure("poverty:530102001001-0001", SON, "530102", new),
            Departure("poverty:530102001001-0002", WIFE, "530102", new),
        ]
    )
    found, _, _ = await graph.execute_query("MATCH (p)-[:POVERTY_MEMBER]->(h) RETURN h.key AS h, p.id AS p")
    assert sorted((x["h"], x["p"]) for x in found) == sorted(
        [
            ("poverty:530102001001-0001", HEAD),
            ("poverty:530103001001-0001", other_county.id_number.value),
        ]
    )
    assert await one(graph, "MATCH (h:PovertyHousehold {county: '530102'}) RETURN h.snapshot") == new


async def test_the_same_snapshot_again_changes_nothing(graph: AsyncDriver) -> None:
    rows: list[r.Record] = [poverty_member("530102001001-0001", HEAD), poverty_snapshot()]
    await write_records(graph, rows)

    again = await write_records(graph, rows)

    assert (again.writes, again.departures) == (0, [])


async def test_a_medical_answer_replaces_that_years_records(graph: AsyncDriver) -> None:
    await write_records(
        graph,
        [
            medical(HEAD, [insurance(), insurance(region_code="530103")]),
            medical(HEAD, [insurance()], year=2025),
        ],
    )

    await write_records(graph, [medical(HEAD, [insurance(status="TERMINATED")])])

    found, _, _ = await graph.execute_query(
        "MATCH (:Person {id: $id})-[:MEDICAL]->(a)-[:HAS_INSURANCE]->(i)"
        " RETURN a.year AS year, i.status AS status ORDER BY year",
        id=HEAD,
    )
    assert [(x["year"], x["status"]) for x in found] == [(2025, "ENROLLED"), (2026, "TERMINATED")]
    assert (await counts(graph))["Insurance"] == 2


async def test_a_certificate_replaces_its_subsidies(graph: AsyncDriver) -> None:
    await write_records(graph, [certificate(SON, subsidies=[subsidy("LIVING"), subsidy("NURSING")])])

    await write_records(graph, [certificate(SON, subsidies=[subsidy("NURSING", "STOPPED")])])

    found, _, _ = await graph.execute_query(
        "MATCH (:Certificate)-[:HAS_SUBSIDY]->(s) RETURN s.type AS t, s.status AS s"
    )
    assert [(x["t"], x["s"]) for x in found] == [("NURSING", "STOPPED")]


async def test_an_invalid_number_names_its_own_person(graph: AsyncDriver) -> None:
    wrong = typo(HEAD)
    await write_records(graph, [civil_household("MZ530102-000001", [member(wrong, "张三")])])

    p = await one(graph, "MATCH (p:Person)-[m:CIVIL_MEMBER]->() RETURN p")
    assert (p["id"], p["valid"], p["region6"]) == (wrong, False, "530102")
    assert p["birth_date"].to_native() == date(1960, 3, 4)
