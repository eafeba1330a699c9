"""Contract tests of the imitation poverty-relief system (contracts/poverty-relief.md), over real HTTP."""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox import layout
from sandbox.servers import FaultSettings, ServerConfig, run_servers

POVERTY = frozenset({"poverty"})


@pytest.fixture
async def poverty(servers_population: Any) -> AsyncIterator[dict[str, Any]]:
    """A poverty server over the shared population."""
    async with run_servers(servers_population.root, ServerConfig(only=POVERTY)) as endpoints:
        yield endpoints["poverty"]


def key(server: dict[str, Any]) -> dict[str, str]:
    return {"X-Api-Key": server["api_key"]}


@pytest.mark.parametrize("path", ["/exports", "/exports/fpxx_530102_20261101.csv"])
async def test_refused_without_or_with_wrong_key(
    http: httpx.AsyncClient, poverty: dict[str, Any], path: str
) -> None:
    for headers in ({}, {"X-Api-Key": "wrong"}):
        assert (await http.get(poverty["base_url"] + path, headers=headers)).status_code == 403


async def test_files_are_gb18030_and_match_the_listing(
    http: httpx.AsyncClient, poverty: dict[str, Any], servers_population: Any
) -> None:
    listing = (await http.get(poverty["base_url"] + "/exports", headers=key(poverty))).json()
    assert listing == servers_population.exports
    for entry in listing:
        answer = await http.get(f"{poverty['base_url']}/exports/{entry['name']}", headers=key(poverty))
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/csv; charset=GB18030"
        assert hashlib.sha256(answer.content).hexdigest() == entry["sha256"]
        rows = list(csv.reader(io.StringIO(answer.content.decode("gb18030"))))
        assert tuple(rows[0]) == layout.POVERTY_HEADER and len(rows) - 1 == entry["rows"]
        assert rows[1][15].endswith("𠀀村")  # outside GBK: only GB18030 carries it


@pytest.mark.parametrize("name", ["nope.csv", "..%2Fmeta.json", ".hidden"])
async def test_unknown_files_are_not_found(
    http: httpx.AsyncClient, poverty: dict[str, Any], name: str
) -> None:
    assert (await http.get(f"{poverty['base_url']}/exports/{name}", headers=key(poverty))).status_code == 404


async def test_corrupt_and_slow_downloads_only_when_on(
    http: httpx.AsyncClient, servers_population: Any
) -> None:
    entry = servers_population.exports[0]
    for enabled in (True, False):
        faults = FaultSettings(enabled=enabled, fault_rate=0.5, slow_rate=0.3, slow_seconds=0.2, seed=4)
        async with run_servers(
            servers_population.root, ServerConfig(only=POVERTY, faults=faults)
        ) as endpoints:
            server = endpoints["poverty"]
            digests, seconds = [], []
            for _ in range(10):
                started = time.perf_counter()
                answer = await http.get(f"{server['base_url']}/exports/{entry['name']}", headers=key(server))
                seconds.append(time.perf_counter() - started)
                digests.append(hashlib.sha256(answer.content).hexdigest())
                assert answer.status_code == 200 and len(answer.content) == len(answer.content)
        good = [d == entry["sha256"] for d in digests]
        if enabled:
            assert True in good and False in good and max(seconds) >= 0.2
        else:
            assert all(good) and max(seconds) < 0.2
