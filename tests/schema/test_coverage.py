"""Coverage over HTTP: per child region, registries, programmes, findings and gaps."""

from __future__ import annotations

from conftest import World

COVERAGE = """query($region: String!, $level: RegionLevel) { coverage(region: $region, level: $level) {
  region level asOf year
  total { region registries { civil poverty disability medical }
          programmes { dibao tekun livingSubsidy nursingSubsidy medicalEnrolled }
          gaps { unableToWorkNotCovered severeWithoutNursing dibaoDisabledWithoutLiving dibaoNotEnrolled }
          findings { kind status count } }
  children { region registries { civil poverty disability }
             programmes { dibao tekun } gaps { severeWithoutNursing unableToWorkNotCovered }
             findings { kind status count } } } }"""


async def test_city_by_county(world: World) -> None:
    body = await world.query("leader", COVERAGE, region="5301", level="COUNTY")
    assert "errors" not in body, body
    c = body["data"]["coverage"]
    assert c["level"] == "COUNTY" and c["asOf"] == "2026-11-23"
    total = c["total"]
    assert total["registries"] == {"civil": 3, "poverty": 2, "disability": 1, "medical": 1}
    assert total["programmes"] == {
        "dibao": 3,
        "tekun": 1,
        "livingSubsidy": 1,
        "nursingSubsidy": 0,
        "medicalEnrolled": 1,
    }
    # 张建国 is unable to work but covered by 低保: not a gap; he is severe without nursing.
    assert total["gaps"] == {
        "unableToWorkNotCovered": 0,
        "severeWithoutNursing": 1,
        "dibaoDisabledWithoutLiving": 0,
        "dibaoNotEnrolled": 2,
    }
    assert sorted(f["count"] for f in total["findings"]) == [1, 1]
    a, b = c["children"]
    assert (a["region"], b["region"]) == ("530102", "530103")
    assert a["registries"] == {"civil": 2, "poverty": 2, "disability": 1}
    assert b["programmes"] == {"dibao": 1, "tekun": 1}
    assert a["findings"] == [{"kind": "MISSED", "status": "OPEN", "count": 1}]


async def test_county_leader_sees_only_his_county_in_totals(world: World) -> None:
    body = await world.query("leader_a", COVERAGE, region="53", level="COUNTY")
    c = body["data"]["coverage"]
    assert [ch["region"] for ch in c["children"]] == ["530102"]
    assert c["total"]["registries"]["civil"] == 2 and c["total"]["programmes"]["tekun"] == 0
    assert c["total"]["findings"] == [{"kind": "MISSED", "status": "OPEN", "count": 1}]


async def test_village_level_and_bad_region(world: World) -> None:
    body = await world.query("admin", COVERAGE, region="530102", level="VILLAGE")
    assert [ch["region"] for ch in body["data"]["coverage"]["children"]] == ["530102001001"]
    bad = await world.query("admin", COVERAGE, region="53x")
    assert "not a 2/4/6/9/12-digit" in bad["errors"][0]["message"]
