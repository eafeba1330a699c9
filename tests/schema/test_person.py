"""Person and household over HTTP: identity, memberships, benefits, medical, findings."""

from __future__ import annotations

from conftest import LI, WANG, ZHANG, ZHAO, World

PERSON = """
query($id: String!) { person(id: $id) {
  id valid birthDate gender registrationRegion
  names { source recordKey name }
  households { householdKey source relation covered labourSkill health
               household { key region members { name relation covered person { id } } } }
  dibao { householdKey category status monthlyAmount standard active }
  tekun { status active household { key } }
  payments { paymentId amount }
  certificates { certNo status disabilityLevel subsidies { type status } }
  medical(year: 2026) { origin found records { status subsidyCategory } }
  deceased { deceased }
  findings { id ruleId kind status persons evidence { source recordKey facts { field value } } }
  identityConflicts { field source value expected }
} }
"""


async def test_supervisor_reads_a_person_in_full(world: World) -> None:
    body = await world.query("sup_a", PERSON, id=ZHANG.lower())
    assert "errors" not in body, body
    p = body["data"]["person"]
    assert p["id"] == ZHANG and p["valid"] and p["gender"] == "M"
    assert {n["name"] for n in p["names"]} >= {"张建国", "張建國"}
    assert {h["householdKey"] for h in p["households"]} == {"civil:MZ530102-000001", "poverty:P530102-01"}
    poverty = next(h for h in p["households"] if h["source"] == "POVERTY")
    assert poverty["labourSkill"] == "丧失劳动力" and "患有大病" in poverty["health"]
    civil = next(h for h in p["households"] if h["source"] == "CIVIL")
    assert {m["person"]["id"] for m in civil["household"]["members"]} == {ZHANG, LI}
    assert p["dibao"][0]["active"] is True and p["dibao"][0]["standard"] == 700.0
    assert p["certificates"][0]["disabilityLevel"] == 1
    assert p["medical"] == {
        "origin": "GRAPH",
        "found": True,
        "records": [{"status": "ENROLLED", "subsidyCategory": "DIBAO"}],
    }
    assert [x["ruleId"] for x in p["findings"]] == ["miss.nursing_subsidy"]
    assert p["identityConflicts"] == []  # 張建國 is 张建国 once folded
    assert world.medical.calls == []


async def test_medical_not_in_the_graph_is_fetched_live_in_one_batch(world: World) -> None:
    query = "query($ids: [String!]!) { persons(ids: $ids) { medical(year: 2026) { origin found } } }"
    body = await world.query("admin", query, ids=[ZHAO, LI, ZHANG])
    assert "errors" not in body, body
    assert [p["medical"]["origin"] for p in body["data"]["persons"]] == ["LIVE", "LIVE", "GRAPH"]
    assert world.medical.calls == [(2026, [ZHAO, LI])]


async def test_household_with_benefits_and_related_households(world: World) -> None:
    query = """query { household(key: "poverty:P530102-01") {
      key source region members { name labourSkill }
      relatedHouseholds { key sharesMembers household { key dibao { active } } } } }"""
    body = await world.query("sup_a", query)
    assert "errors" not in body, body
    h = body["data"]["household"]
    assert h["source"] == "POVERTY" and len(h["members"]) == 2
    assert h["relatedHouseholds"] == [
        {
            "key": "civil:MZ530102-000001",
            "sharesMembers": True,
            "household": {"key": "civil:MZ530102-000001", "dibao": {"active": True}},
        }
    ]


async def test_tekun_person_in_county_b(world: World) -> None:
    body = await world.query("sup_b", PERSON, id=WANG)
    p = body["data"]["person"]
    assert p["tekun"][0]["active"] is True and p["tekun"][0]["household"]["key"] == "civil:MZ530103-000001"
    assert [x["ruleId"] for x in p["findings"]] == ["dup.dibao_and_tekun"]
