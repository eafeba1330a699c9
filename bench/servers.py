"""Throughput of the imitation department servers over loopback, on one population folder.

    .venv/bin/python bench/servers.py var/population [--seconds 10] [--only civil,medical]

Starts the four servers in this process (faults off), then reads each one the
way a well-behaved client would, honouring its rate limit (waiting on 429 /
code 1003), for at most ``--seconds`` per feed. Prints the time to index the files at start,
then per feed records per second, calls, the mean latency of a call and the
first call's. The contracts' limits cap records/s (civil 20 pages of 500,
disability 10 pages of 200, medical 5 batches of 100 per second); the latency
says how far below that cap the server itself is.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sandbox import layout
from sandbox.servers import ServerConfig, run_servers, sign_request
from sandbox.servers.config import SERVER_NAMES


@dataclass
class Tally:
    """What one feed's run measured."""

    name: str
    records: int = 0
    calls: int = 0
    busy: float = 0.0
    first: float | None = None
    waits: int = 0
    started: float = field(default_factory=time.perf_counter)

    async def call(self, send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
        began = time.perf_counter()
        answer = await send()
        spent = time.perf_counter() - began
        self.calls += 1
        self.busy += spent
        if self.first is None:
            self.first = spent
        return answer

    def line(self) -> str:
        elapsed = time.perf_counter() - self.started
        mean = 1000 * self.busy / max(1, self.calls)
        return (
            f"{self.name:<22} {self.records:>9} rec {elapsed:7.2f} s {self.records / max(elapsed, 1e-9):>10.0f} rec/s "
            f"{self.calls:>6} calls  mean {mean:6.1f} ms  first {1000 * (self.first or 0):7.1f} ms  {self.waits} waits"
        )


async def civil(http: httpx.AsyncClient, server: dict[str, Any], feed: str, seconds: float) -> Tally:
    tally = Tally(f"civil {feed}")
    form = {
        "grant_type": "client_credentials",
        "client_id": server["client_id"],
        "client_secret": server["client_secret"],
    }
    token = (await http.post(server["base_url"] + "/oauth/token", data=form)).json()["access_token"]
    cursor: str | None = None
    while time.perf_counter() - tally.started < seconds:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        answer = await tally.call(
            lambda p=params: http.get(
                f"{server['base_url']}/api/v1/{feed}", params=p, headers={"Authorization": f"Bearer {token}"}
            )
        )
        if answer.status_code == 429:
            tally.waits += 1
            await asyncio.sleep(float(answer.headers.get("Retry-After", "1")))
            continue
        body = answer.json()
        tally.records += len(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return tally


async def poverty(http: httpx.AsyncClient, server: dict[str, Any], seconds: float) -> Tally:
    tally = Tally("poverty files")
    headers = {"X-Api-Key": server["api_key"]}
    listing = (await http.get(server["base_url"] + "/exports", headers=headers)).json()
    for entry in listing:
        if time.perf_counter() - tally.started >= seconds:
            break
        await tally.call(
            lambda e=entry: http.get(f"{server['base_url']}/exports/{e['name']}", headers=headers)
        )
        tally.records += int(entry["rows"])
    return tally


async def disability(http: httpx.AsyncClient, server: dict[str, Any], seconds: float) -> Tally:
    tally = Tally("disability persons")
    offset = 0
    while time.perf_counter() - tally.started < seconds:
        answer = await tally.call(
            lambda o=offset: http.get(
                server["base_url"] + "/cdpf/api/v2/persons",
                params={"offset": o, "limit": 200},
                headers={"X-Api-Key": server["api_key"]},
            )
        )
        if answer.status_code == 429:
            tally.waits += 1
            await asyncio.sleep(0.1)
            continue
        body = answer.json()
        tally.records += len(body["data"])
        offset += 200
        if offset >= body["total"]:
            break
    return tally


def known_ids(root: Path, most: int) -> list[str]:
    ids = []
    with layout.path(root, layout.MEDICAL_INSURED).open(encoding="utf-8") as handle:
        for line in handle:
            ids.append(json.loads(line)["id_number"])
            if len(ids) >= most:
                break
    return ids


async def medical(
    http: httpx.AsyncClient, server: dict[str, Any], root: Path, year: int, seconds: float
) -> Tally:
    ids = known_ids(root, 100 * int(5 * seconds + 5))
    tally = Tally("medical batch")
    at = 0
    while at < len(ids) and time.perf_counter() - tally.started < seconds:
        body = json.dumps({"year": year, "id_numbers": ids[at : at + 100]}).encode()
        headers = {
            **sign_request(server["app_id"], server["app_secret"], body),
            "Content-Type": "application/json",
        }
        answer = await tally.call(
            lambda b=body, h=headers: http.post(
                server["base_url"] + "/nhsa/v1/insured/batch-query", content=b, headers=h
            )
        )
        if answer.json()["code"] == 1003:
            tally.waits += 1
            await asyncio.sleep(0.2)
            continue
        tally.records += len(answer.json()["data"])
        at += 100
    return tally


async def run(root: Path, only: frozenset[str], seconds: float) -> None:
    began = time.perf_counter()
    async with (
        run_servers(root, ServerConfig(only=only), warm=True) as endpoints,
        httpx.AsyncClient(timeout=120) as http,
    ):
        print(f"started and indexed in {time.perf_counter() - began:.2f} s", flush=True)
        year = int(endpoints.get("year", 2026))
        jobs: list[Awaitable[Tally]] = []
        if "civil" in only:
            jobs += [
                civil(http, endpoints["civil"], feed, seconds) for feed in ("households", "tekun", "payments")
            ]
        if "poverty" in only:
            jobs.append(poverty(http, endpoints["poverty"], seconds))
        if "disability" in only:
            jobs.append(disability(http, endpoints["disability"], seconds))
        if "medical" in only:
            jobs.append(medical(http, endpoints["medical"], root, year, seconds))
        # One after another: the servers share this process, so concurrent runs would measure each other.
        for job in jobs:
            print((await job).line(), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seconds", type=float, default=10.0, help="at most this long per feed")
    parser.add_argument("--only", default=",".join(SERVER_NAMES))
    args = parser.parse_args(argv)
    only = frozenset(name.strip() for name in args.only.split(",") if name.strip())
    asyncio.run(run(args.directory, only, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
