"""Contract tests of the imitation medical-insurance platform (contracts/medical-insurance.md), over real HTTP."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from sandbox.servers import FaultSettings, ServerConfig, run_servers, sign_request

MEDICAL = frozenset({"medical"})
BATCH = "/nhsa/v1/insured/batch-query"


@pytest.fixture
async def medical(servers_population: Any) -> AsyncIterator[dict[str, Any]]:
    """A fresh medical server (its own rate-limit window) over the shared population."""
    async with run_servers(servers_population.root, ServerConfig(only=MEDICAL)) as endpoints:
        yield endpoints["medical"]


async def batch(
    http: httpx.AsyncClient,
    server: dict[str, Any],
    payload: Any,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = sign_request(server["app_id"], secret or server["app_secret"], body, timestamp)
    return await http.post(
        server["base_url"] + BATCH, content=body, headers={**headers, "Content-Type": "application/json"}
    )


def business(answer: httpx.Response) -> tuple[int, Any]:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"code", "message", "data"}
    return body["code"], body["data"]


async def test_unsigned_or_wrongly_signed_calls_get_1001(
    http: httpx.AsyncClient, medical: dict[str, Any]
) -> None:
    unsigned = await http.post(medical["base_url"] + BATCH, json={"year": 2026, "id_numbers": []})
    assert business(unsigned) == (1001, None)
    assert business(await batch(http, medical, {"year": 2026, "id_numbers": []}, secret="wrong")) == (
        1001,
        None,
    )
    body = json.dumps({"year": 2026, "id_numbers": []}).encode()
    headers = sign_request(medical["app_id"], medical["app_secret"], body)
    tampered = await http.post(
        medical["base_url"] + BATCH, content=body.replace(b"2026", b"2025"), headers=headers
    )
    assert business(tampered) == (1001, None)


@pytest.mark.parametrize("skew", [-310, 310])
async def test_stale_timestamps_get_1002(http: httpx.AsyncClient, medical: dict[str, Any], skew: int) -> None:
    answer = await batch(http, medical, {"year": 2026, "id_numbers": []}, timestamp=int(time.time()) + skew)
    assert business(answer) == (1002, None)
    fresh = await batch(http, medical, {"year": 2026, "id_numbers": []}, timestamp=int(time.time()) - 250)
    assert business(fresh) == (0, [])


async def test_batch_answers_in_order_with_only_the_asked_year(
    http: httpx.AsyncClient, medical: dict[str, Any], servers_population: Any
) -> None:
    known = servers_population.medical
    asked = [
        known[3]["id_number"],
        "530102190001011234",
        known[0]["id_number"],
        known[-1]["id_number"],
        known[3]["id_number"],
    ]
    code, data = business(await batch(http, medical, {"year": 2025, "id_numbers": asked}))
    assert code == 0 and [d["id_number"] for d in data] == asked
    assert data[1] == {
        "id_number": asked[1],
        "name": None,
        "found": False,
        "records": [],
        "deceased": False,
        "death_date": None,
    }
    assert data[0]["found"] and [r["year"] for r in data[0]["records"]] == [2025]
    assert data[0] == data[4] and set(data[0]) == {
        "id_number",
        "name",
        "found",
        "records",
        "deceased",
        "death_date",
    }
    assert (data[3]["deceased"], data[3]["death_date"]) == (True, "2026-05-01")
    code, data = business(await batch(http, medical, {"year": 2024, "id_numbers": asked[:1]}))
    assert data[0]["found"] and data[0]["records"] == []


async def test_malformed_and_oversized_batches(http: httpx.AsyncClient, medical: dict[str, Any]) -> None:
    numbers = [f"5301021980010{i:04d}X" for i in range(101)]
    assert business(await batch(http, medical, {"year": 2026, "id_numbers": numbers})) == (2001, None)
    assert business(await batch(http, medical, b"{not json"))[0] == 2000
    assert business(await batch(http, medical, {"id_numbers": []}))[0] == 2000
    assert business(await batch(http, medical, {"year": 2026, "id_numbers": [1, 2]}))[0] == 2000
    assert business(await batch(http, medical, {"year": 2026, "id_numbers": numbers[:100]}))[0] == 0


async def test_single_look_up(
    http: httpx.AsyncClient, medical: dict[str, Any], servers_population: Any
) -> None:
    person = servers_population.medical[2]
    url = f"{medical['base_url']}/nhsa/v1/insured/{person['id_number']}"
    answer = await http.get(
        url, params={"year": 2026}, headers=sign_request(medical["app_id"], medical["app_secret"], b"")
    )
    code, data = business(answer)
    assert code == 0 and data["name"] == person["name"] and [r["year"] for r in data["records"]] == [2026]
    assert business(await http.get(url, params={"year": 2026}))[0] == 1001


async def test_more_than_5_batches_a_second_get_1003(
    http: httpx.AsyncClient, medical: dict[str, Any]
) -> None:
    answers = await asyncio.gather(
        *(batch(http, medical, {"year": 2026, "id_numbers": []}) for _ in range(8))
    )
    codes = sorted(business(a)[0] for a in answers)
    assert codes == [0] * 5 + [1003] * 3


async def test_faults_appear_when_on_and_never_when_off(
    http: httpx.AsyncClient, servers_population: Any
) -> None:
    for enabled in (True, False):
        faults = FaultSettings(enabled=enabled, fault_rate=0.4, slow_rate=0.0, seed=3)
        async with run_servers(
            servers_population.root, ServerConfig(only=MEDICAL, faults=faults)
        ) as endpoints:
            server = endpoints["medical"]
            codes = [
                business(await batch(http, server, {"year": 2026, "id_numbers": []}))[0] for _ in range(5)
            ]
        if enabled:
            assert 5000 in codes and 0 in codes and set(codes) <= {0, 1003, 5000}
        else:
            assert codes == [0] * 5
