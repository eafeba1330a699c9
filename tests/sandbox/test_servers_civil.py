"""Contract tests of the imitation civil-affairs server (contracts/civil-affairs.md), over real HTTP."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import layout
from sandbox.servers import FaultSettings, ServerConfig, run_servers

CIVIL = frozenset({"civil"})


@pytest.fixture
async def civil(servers_population: Any) -> AsyncIterator[dict[str, Any]]:
    """A fresh civil server (its own rate-limit window) over the shared population."""
    async with run_servers(servers_population.root, ServerConfig(only=CIVIL)) as endpoints:
        yield endpoints["civil"]


async def token(http: httpx.AsyncClient, civil: dict[str, Any]) -> dict[str, str]:
    answer = await http.post(
        civil["base_url"] + "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": civil["client_id"],
            "client_secret": civil["client_secret"],
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"access_token", "expires_in"}
    return {"Authorization": f"Bearer {body['access_token']}"}


async def page_all(
    http: httpx.AsyncClient, civil: dict[str, Any], feed: str, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await http.get(f"{civil['base_url']}/api/v1/{feed}", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"items", "next_cursor"}
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_token_refused_for_wrong_client_or_grant(
    http: httpx.AsyncClient, civil: dict[str, Any]
) -> None:
    url = civil["base_url"] + "/oauth/token"
    wrong = await http.post(
        url,
        data={"grant_type": "client_credentials", "client_id": civil["client_id"], "client_secret": "nope"},
    )
    grant = await http.post(
        url,
        data={
            "grant_type": "password",
            "client_id": civil["client_id"],
            "client_secret": civil["client_secret"],
        },
    )
    assert (wrong.status_code, wrong.json()) == (401, {"error": "invalid_client"})
    assert grant.status_code == 400


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
async def test_data_refused_without_a_valid_token(
    http: httpx.AsyncClient, civil: dict[str, Any], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = await http.get(civil["base_url"] + "/api/v1/households", headers=headers)
    assert (answer.status_code, answer.json()) == (401, {"error": "invalid_token"})


async def test_token_expires(http: httpx.AsyncClient, servers_population: Any) -> None:
    async with run_servers(servers_population.root, ServerConfig(only=CIVIL, token_ttl=0.2)) as endpoints:
        civil = endpoints["civil"]
        headers = await token(http, civil)
        url = civil["base_url"] + "/api/v1/standards"
        assert (await http.get(url, headers=headers)).status_code == 200
        await asyncio.sleep(0.3)
        expired = await http.get(url, headers=headers)
        assert (expired.status_code, expired.json()) == (401, {"error": "invalid_token"})
        assert (await http.get(url, headers=await token(http, civil))).status_code == 200


@pytest.mark.parametrize("limit", [4, 7, 500])
async def test_households_come_once_each_in_feed_order(
    http: httpx.AsyncClient, civil: dict[str, Any], servers_population: Any, limit: int
) -> None:
    items = await page_all(http, civil, "households", await token(http, civil), limit=limit)
    # Rows go out exactly as written, malformed ones included.
    assert items == servers_population.households
    keys = [(i["updated_at"], i["household_id"]) for i in items]
    assert keys == sorted(keys)


async def test_default_page_is_200_and_limit_is_bounded(
    http: httpx.AsyncClient, civil: dict[str, Any]
) -> None:
    headers = await token(http, civil)
    url = civil["base_url"] + "/api/v1/households"
    first = (await http.get(url, headers=headers)).json()
    assert len(first["items"]) == 30 and first["next_cursor"] is None
    for bad in ("0", "501", "x"):
        assert (await http.get(url, params={"limit": bad}, headers=headers)).status_code == 400
    assert (await http.get(url, params={"cursor": "!!"}, headers=headers)).status_code == 400
    assert (await http.get(url, params={"updated_since": "yesterday"}, headers=headers)).status_code == 400


async def test_updated_since_is_inclusive_whatever_the_offset(
    http: httpx.AsyncClient, civil: dict[str, Any], servers_population: Any
) -> None:
    headers = await token(http, civil)
    since = servers_population.households[10]["updated_at"]
    expected = [h for h in servers_population.households if h["updated_at"] >= since]
    assert await page_all(http, civil, "households", headers, updated_since=since, limit=5) == expected
    in_utc = datetime.fromisoformat(since).astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert await page_all(http, civil, "households", headers, updated_since=in_utc) == expected
    naive = since[:19]  # no offset: China time
    assert await page_all(http, civil, "households", headers, updated_since=naive) == expected


@pytest.mark.parametrize("region", ["530102", "530102002003", "5301"])
async def test_region_is_a_prefix(
    http: httpx.AsyncClient, civil: dict[str, Any], servers_population: Any, region: str
) -> None:
    headers = await token(http, civil)
    expected = [h for h in servers_population.households if h["region_code"].startswith(region)]
    assert await page_all(http, civil, "households", headers, region=region, limit=3) == expected


async def test_tekun_and_payments_feeds(
    http: httpx.AsyncClient, civil: dict[str, Any], servers_population: Any
) -> None:
    headers = await token(http, civil)
    assert await page_all(http, civil, "tekun", headers, limit=2) == servers_population.tekun
    by_household = {h["household_id"]: h["region_code"] for h in servers_population.households}
    in_region = [t for t in servers_population.tekun if by_household[t["household_id"]].startswith("530103")]
    assert await page_all(http, civil, "tekun", headers, region="530103") == in_region
    assert await page_all(http, civil, "payments", headers, limit=3) == servers_population.payments
    late = [p for p in servers_population.payments if p["paid_on"] >= "2026-02-11"]
    assert await page_all(http, civil, "payments", headers, paid_since="2026-02-11") == late
    standards = await http.get(civil["base_url"] + "/api/v1/standards", headers=headers)
    assert standards.json()[0]["monthly_standard"] == "750.00"


async def test_cursor_survives_a_rewrite_and_new_rows_follow(
    http: httpx.AsyncClient, servers_population: Any, tmp_path: Path
) -> None:
    root = tmp_path / "population"
    shutil.copytree(servers_population.root, root)
    async with run_servers(root, ServerConfig(only=CIVIL)) as endpoints:
        civil = endpoints["civil"]
        headers = await token(http, civil)
        url = civil["base_url"] + "/api/v1/households"
        first = (await http.get(url, params={"limit": 10}, headers=headers)).json()
        newest = {
            **servers_population.households[0],
            "household_id": "MZ530102-999999",
            "updated_at": "2026-10-01T00:00:00+08:00",
        }
        rows = [*servers_population.households, newest]
        path = layout.path(root, layout.CIVIL_HOUSEHOLDS)
        staged = path.with_suffix(".tmp")
        staged.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        staged.replace(path)  # as `sandbox mutate` does: a new file, atomically
        rest = await page_all(http, civil, "households", headers, cursor=first["next_cursor"], limit=500)
        assert first["items"] + rest == rows


async def test_more_than_20_calls_a_second_get_429_with_retry_after(
    http: httpx.AsyncClient, civil: dict[str, Any]
) -> None:
    headers = await token(http, civil)
    url = civil["base_url"] + "/api/v1/standards"
    answers = await asyncio.gather(*(http.get(url, headers=headers) for _ in range(30)))
    codes = [a.status_code for a in answers]
    assert set(codes) == {200, 429} and codes.count(200) <= 19  # the token call counted too
    assert all(a.headers["Retry-After"] == "1" for a in answers if a.status_code == 429)
    await asyncio.sleep(1.0)
    assert (await http.get(url, headers=headers)).status_code == 200


async def test_faults_appear_when_on(http: httpx.AsyncClient, servers_population: Any) -> None:
    faults = FaultSettings(enabled=True, fault_rate=0.4, slow_rate=0.2, slow_seconds=0.05, seed=3)
    async with run_servers(servers_population.root, ServerConfig(only=CIVIL, faults=faults)) as endpoints:
        civil = endpoints["civil"]
        headers = await token(http, civil)
        codes = [
            (
                await http.get(civil["base_url"] + "/api/v1/households", params={"limit": 1}, headers=headers)
            ).status_code
            for _ in range(18)
        ]
    assert 503 in codes and 200 in codes and set(codes) <= {200, 429, 503}


async def test_faults_never_appear_when_off(http: httpx.AsyncClient, servers_population: Any) -> None:
    faults = FaultSettings(enabled=False, fault_rate=1.0, slow_rate=1.0, slow_seconds=5.0, seed=3)
    async with run_servers(servers_population.root, ServerConfig(only=CIVIL, faults=faults)) as endpoints:
        civil = endpoints["civil"]
        headers = await token(http, civil)
        started = asyncio.get_running_loop().time()
        codes = [
            (
                await http.get(civil["base_url"] + "/api/v1/households", params={"limit": 1}, headers=headers)
            ).status_code
            for _ in range(18)
        ]
        assert asyncio.get_running_loop().time() - started < 2.0
    assert codes == [200] * 18
