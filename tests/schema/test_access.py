"""The role × region matrix: no PII or out-of-region record reaches a role that must not see it,
through top-level fields, nested fields, connections or coverage totals."""

from __future__ import annotations

import json

import pytest
from conftest import LI, WANG, ZHANG, World

DEEP = """query($id: String!, $wang: String!) {
  person(id: $id) { id birthDate names { name } households { household { address members { name person { id } } } }
                    certificates { certNo disabilityLevel } findings { persons summary evidence { recordKey facts { value } } } }
  wang: person(id: $wang) { id }
  household(key: "civil:MZ530103-000001") { key members { name } }
  findings(first: 50) { totalCount edges { node { id persons region summary evidence { facts { value } } people { id } } } }
}"""

SECRETS = [ZHANG, LI, WANG, "张建国", "張建國", "李秀英", "王五", "青云路12号"]


def leaks(body: object) -> list[str]:
    text = json.dumps(body, ensure_ascii=False)
    return [s for s in SECRETS if s in text]


async def test_supervisor_sees_pii_only_in_his_county(world: World) -> None:
    body = await world.query("sup_a", DEEP, id=ZHANG, wang=WANG)
    data = body["data"]
    assert data["person"]["id"] == ZHANG and data["wang"] is None and data["household"] is None
    assert data["findings"]["totalCount"] == 1
    assert "王五" not in json.dumps(body, ensure_ascii=False) and WANG not in json.dumps(body)


@pytest.mark.parametrize("who", ["civil_a", "disability_a"])
async def test_departments_see_their_source_masked(world: World, who: str) -> None:
    body = await world.query(who, DEEP, id=ZHANG, wang=WANG)
    assert leaks(body) == [], body
    data = body["data"]
    assert data["person"]["id"] == "530102********" + ZHANG[-4:]
    assert data["wang"] is None and data["household"] is None
    assert data["person"]["birthDate"] is None
    if who == "civil_a":
        assert data["person"]["certificates"] == []  # another source's records
        assert data["person"]["names"] == [{"name": "张*国"}]
        assert all(h["household"]["address"] is None for h in data["person"]["households"])
    else:
        assert data["person"]["certificates"][0]["disabilityLevel"] == 1  # its own health data
        assert data["person"]["households"] == []
    assert data["findings"]["totalCount"] == 1


@pytest.mark.parametrize("who", ["leader", "leader_a"])
async def test_leaders_never_see_a_person_or_a_finding(world: World, who: str) -> None:
    body = await world.query(who, DEEP, id=ZHANG, wang=WANG)
    assert body["data"] is None and leaks(body) == []
    assert {e["path"][0] for e in body["errors"]} >= {"person", "findings"}


async def test_anonymous_requests_are_refused(world: World) -> None:
    body = await world.query("nobody", DEEP, id=ZHANG, wang=WANG)
    assert body["data"] is None and leaks(body) == []
    assert "authentication required" in body["errors"][0]["message"]
    bad = await world.client.post(
        "/graphql", json={"query": "{ me { user } }"}, headers={"Authorization": "Bearer doudi_not_a_token"}
    )
    assert bad.json()["data"] is None


async def test_health_is_hidden_from_roles_without_health_rights(world: World) -> None:
    q = "query($id: String!) { person(id: $id) { households { health } certificates { disabilityLevel } } }"
    civil = (await world.query("civil_a", q, id=ZHANG))["data"]["person"]
    assert civil["households"] == [{"health": None}]
    sup = (await world.query("sup_a", q, id=ZHANG))["data"]["person"]
    assert any(h["health"] for h in sup["households"])


async def test_admin_sees_everything(world: World) -> None:
    body = await world.query("admin", DEEP, id=ZHANG, wang=WANG)
    assert body["data"]["wang"]["id"] == WANG and body["data"]["findings"]["totalCount"] == 2


async def test_revoked_token_stops_working(world: World) -> None:
    from hub.store import users
    from hub.store.db import session_scope

    assert (await world.query("sup_a", "{ me { role region pii } }"))["data"]["me"] == {
        "role": "supervisor",
        "region": "530102",
        "pii": True,
    }
    with session_scope(world.sessions) as s:
        users.revoke_tokens(s, "sup_a")
    assert (await world.query("sup_a", "{ me { role } }"))["data"] is None
