"""Contract tests of the imitation disability registry (contracts/disability.md), over real HTTP."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import layout
from sandbox.servers import FaultSettings, ServerConfig, run_servers
from sandbox.servers.churn import Churn
from sandbox.servers.index import Snapshot, build_snapshot

DISABILITY = frozenset({"disability"})
PERSONS = "/cdpf/api/v2/persons"


@pytest.fixture
async def disability(servers_population: Any) -> AsyncIterator[dict[str, Any]]:
    """A fresh disability server (its own rate-limit window) over the shared population."""
    async with run_servers(servers_population.root, ServerConfig(only=DISABILITY)) as endpoints:
        yield endpoints["disability"]


async def get(http: httpx.AsyncClient, server: dict[str, Any], **params: Any) -> dict[str, Any]:
    """One page, waiting out 429 and 500 as the contract asks."""
    while True:
        answer = await http.get(
            server["base_url"] + PERSONS, params=params, headers={"X-Api-Key": server["api_key"]}
        )
        if answer.status_code in (429, 500):
            await asyncio.sleep(0.1)
            continue
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        assert set(body) == {"total", "offset", "data"}
        return body


async def naive(http: httpx.AsyncClient, server: dict[str, Any], limit: int) -> tuple[list[str], set[int]]:
    """Offset += limit until total: what loses or doubles a person when total moves."""
    certs: list[str] = []
    totals: set[int] = set()
    offset = 0
    while True:
        body = await get(http, server, offset=offset, limit=limit)
        totals.add(body["total"])
        certs += [p["certNo"] for p in body["data"]]
        offset += limit
        if offset >= body["total"]:
            return certs, totals


async def anchored(http: httpx.AsyncClient, server: dict[str, Any], limit: int, **filters: Any) -> list[str]:
    """The reference client: overlap each page by one, anchor on the last certNo, step back on a gap."""
    certs: list[str] = []
    offset = 0
    while True:
        body = await get(http, server, offset=offset, limit=limit, **filters)
        data = body["data"]
        last = certs[-1] if certs else None
        if last is not None and offset > 0 and data and data[0]["certNo"] > last:
            offset = max(0, offset - limit)  # persons before us vanished: we may have skipped some
            continue
        certs += [p["certNo"] for p in data if last is None or p["certNo"] > last]
        if offset + len(data) >= body["total"] or len(data) < limit:
            return certs
        offset += len(data) - 1


async def test_refused_without_or_with_wrong_key(http: httpx.AsyncClient, disability: dict[str, Any]) -> None:
    for headers in ({}, {"X-Api-Key": "wrong"}):
        answer = await http.get(disability["base_url"] + PERSONS, headers=headers)
        assert (answer.status_code, answer.json()) == (401, {"code": "UNAUTHORIZED"})


@pytest.mark.parametrize("limit", [7, 200])
async def test_offset_pages_hold_every_person_once_by_cert_no(
    http: httpx.AsyncClient, disability: dict[str, Any], servers_population: Any, limit: int
) -> None:
    persons: list[dict[str, Any]] = []
    offset = 0
    while True:
        body = await get(http, disability, offset=offset, limit=limit)
        assert body["total"] == 30 and body["offset"] == offset
        persons += body["data"]
        offset += limit
        if offset >= body["total"]:
            break
    assert persons == servers_population.disability


async def test_default_limit_and_bounds(http: httpx.AsyncClient, disability: dict[str, Any]) -> None:
    assert len((await get(http, disability))["data"]) == 30
    headers = {"X-Api-Key": disability["api_key"]}
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"offset": "a"},
        {"modifiedAfter": "2026-03-01"},
    ):
        answer = await http.get(disability["base_url"] + PERSONS, params=params, headers=headers)
        assert answer.status_code == 400 and answer.json()["code"] == "BAD_REQUEST"


async def test_modified_after_is_strict_and_region_a_prefix(
    http: httpx.AsyncClient, disability: dict[str, Any], servers_population: Any
) -> None:
    after = "20260310101500"
    expected = [
        p
        for p in servers_population.disability
        if p["modifiedAt"] > after and p["regionCode"].startswith("530102")
    ]
    body = await get(http, disability, modifiedAfter=after, regionCode="530102", limit=200)
    assert body["data"] == expected and body["total"] == len(expected)
    second = await get(http, disability, modifiedAfter=after, regionCode="530102", offset=2, limit=3)
    assert second["data"] == expected[2:5]


async def test_more_than_10_calls_a_second_get_429_without_retry_after(
    http: httpx.AsyncClient, disability: dict[str, Any]
) -> None:
    url, headers = disability["base_url"] + PERSONS, {"X-Api-Key": disability["api_key"]}
    answers = await asyncio.gather(*(http.get(url, params={"limit": 1}, headers=headers) for _ in range(15)))
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) == 5 and all(a.json() == {"code": "RATE_LIMITED"} for a in refused)
    assert all("retry-after" not in a.headers for a in refused)


async def test_a_file_rewrite_is_noticed(
    http: httpx.AsyncClient, servers_population: Any, tmp_path: Path
) -> None:
    root = tmp_path / "population"
    shutil.copytree(servers_population.root, root)
    async with run_servers(root, ServerConfig(only=DISABILITY)) as endpoints:
        server = endpoints["disability"]
        assert (await get(http, server, limit=1))["total"] == 30
        path = layout.path(root, layout.DISABILITY_PERSONS)
        lines = path.read_bytes().splitlines(keepends=True)
        staged = path.with_suffix(".tmp")
        staged.write_bytes(b"".join(lines[:-3]))
        staged.replace(path)
        assert (await get(http, server, limit=1))["total"] == 27


async def test_faults_appear_when_on_and_never_when_off(
    http: httpx.AsyncClient, servers_population: Any
) -> None:
    for enabled in (True, False):
        faults = FaultSettings(enabled=enabled, fault_rate=0.5, slow_rate=0.0, seed=1)
        async with run_servers(
            servers_population.root, ServerConfig(only=DISABILITY, faults=faults)
        ) as endpoints:
            server = endpoints["disability"]
            codes = []
            for _ in range(9):
                answer = await http.get(
                    server["base_url"] + PERSONS, headers={"X-Api-Key": server["api_key"]}
                )
                codes.append(answer.status_code)
        if enabled:
            assert 500 in codes and 200 in codes and set(codes) <= {200, 429, 500}
        else:
            assert codes == [200] * 9


async def test_churn_moves_total_yet_an_anchored_client_gets_everyone_once(
    http: httpx.AsyncClient, servers_population: Any
) -> None:
    everyone = [p["certNo"] for p in servers_population.disability]
    faults = FaultSettings(churn=True, churn_rate=0.6, seed=5)
    async with run_servers(
        servers_population.root, ServerConfig(only=DISABILITY, faults=faults)
    ) as endpoints:
        server = endpoints["disability"]
        naive_certs, totals = await naive(http, server, limit=6)
        # Offset paging under churn loses or doubles someone; the total is seen moving.
        assert len(totals) > 1 and naive_certs != everyone
        assert await anchored(http, server, limit=6) == everyone


def churned_pass(churn: Churn, snap: Snapshot, rows: range, limit: int, *, anchor: bool) -> list[bytes]:
    """One client pass straight against :class:`Churn` (no HTTP), naive or anchored."""
    seen: list[bytes] = []
    offset = 0
    for _ in range(1000):
        total, chosen = churn.page(snap, rows, offset, limit)
        data = [snap.keys[i] for i in chosen]
        if not anchor:
            seen += data
            offset += limit
            if offset >= total:
                return seen
            continue
        last = seen[-1] if seen else None
        if last is not None and offset > 0 and data and data[0] > last:
            offset = max(0, offset - limit)
            continue
        seen += [c for c in data if last is None or c > last]
        if offset + len(data) >= total or len(data) < limit:
            return seen
        offset += len(data) - 1
    raise AssertionError("the pass did not end")


def test_churn_never_costs_an_anchored_client_a_person(servers_population: Any) -> None:
    path = layout.path(servers_population.root, layout.DISABILITY_PERSONS)
    snap = build_snapshot(path, "test", lambda row: str(row["certNo"]).encode(), {})
    everyone = [snap.keys[i] for i in range(len(snap))]
    naive_failures = 0
    try:
        for seed in range(60):
            for limit in (2, 3, 7, 29, 30):  # overlapping by one needs pages of two or more
                churn = Churn(FaultSettings(churn=True, churn_rate=0.7, seed=seed))
                naive_failures += churned_pass(churn, snap, range(len(snap)), limit, anchor=False) != everyone
                assert churned_pass(churn, snap, range(len(snap)), limit, anchor=True) == everyone, (
                    seed,
                    limit,
                )
                # The registry settles at the end of a pass: a new pass sees the file as it is.
                assert churn.page(snap, range(len(snap)), 0, 30) == (30, list(range(30)))
    finally:
        snap.close()
    assert naive_failures > 100


async def test_without_churn_the_total_stands_still(
    http: httpx.AsyncClient, disability: dict[str, Any], servers_population: Any
) -> None:
    certs, totals = await naive(http, disability, limit=5)
    assert totals == {30} and certs == [p["certNo"] for p in servers_population.disability]
