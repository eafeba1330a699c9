"""API latency and throughput (printed figures, not a test).

Runs the hub on loopback (``hub serve``, its own process) and drives it with N concurrent clients:
person-360, a findings page and county coverage. Then, in-process, the bare round-trips
for the same data (the Cypher the resolvers send for person-360 and for coverage, the SQL
for the findings page), and person-360 executed through Strawberry (as served, and without
its extensions) vs plain graphql-core over the same schema and resolvers. Prints the
machine, the figures and the p95 ratios against the targets.

    DOUDI_NEO4J_URI=... DOUDI_SQL_URL=... DOUDI_CHECK_DATE=... .venv/bin/python bench/api.py \\
        --token doudi_... --person 530102198001011237 --county 530102 --clients 50 --requests 1000

Works on a small graph; the lead runs it on a big one. The token is an admin's or a
supervisor's (``hub users token``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import graphql
import httpx

from hub.settings import Settings
from schema.coverage import COVERAGE_QUERY
from schema.loaders import HOUSEHOLD_QUERY, PERSON_QUERY

PERSON_360 = """query($id: String!) { person(id: $id) {
  id names { source name } households { householdKey relation covered household { key region members { name } } }
  dibao { status monthlyAmount standard active } tekun { status active } payments { amount paidOn }
  certificates { status disabilityLevel subsidies { type status } } deceased { deceased }
  findings { id ruleId status } identityConflicts { field } } }"""
FINDINGS_PAGE = """query { findings(first: 50) { totalCount edges { cursor node {
  id ruleId kind severity status region persons households evidence { source recordKey } } } } }"""
COVERAGE = """query($region: String!) { coverage(region: $region, level: TOWNSHIP) {
  total { registries { civil poverty disability } programmes { dibao tekun } gaps { severeWithoutNursing } }
  children { region programmes { dibao } findings { kind status count } } } }"""


P95: dict[str, float] = {}


def figures(name: str, seconds: list[float], wall: float) -> None:
    """p50/p95/p99 in ms and requests a second (p95 kept for the ratios at the end)."""
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else [ms[0]] * 99
    P95[name] = q[94]
    print(
        f"{name:<34} n={len(ms):>5}  p50={q[49]:8.2f}  p95={q[94]:8.2f}  p99={q[98]:8.2f} ms  "
        f"{len(ms) / wall:8.1f} req/s"
    )


def machine() -> str:
    """CPUs, memory, CPU model and load: the figures mean little without them."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            kib = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown memory"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"nproc={os.cpu_count()}  memory={memory}  cpu={model}  load(1/5/15 min)={load}"


def ratios() -> None:
    """The targets: person-360 p95 within 3× the bare round-trips, Strawberry within 1.5× graphql-core."""
    pairs = (
        ("person-360 (HTTP)", "bare Cypher (person-360 data)", 3.0),
        ("person-360 Strawberry (in-process)", "bare Cypher (person-360 data)", 3.0),
        ("county coverage (HTTP)", "bare Cypher (coverage data)", None),
        ("findings page (HTTP)", "bare SQL (findings page)", None),
        ("person-360 Strawberry (in-process)", "person-360 graphql-core", 1.5),
        ("person-360 Strawberry, no extensions", "person-360 graphql-core", 1.5),
    )
    for a, b, target in pairs:
        if a in P95 and b in P95 and P95[b] > 0:
            ratio = P95[a] / P95[b]
            verdict = (
                "" if target is None else f"  target ≤ {target}×: {'met' if ratio <= target else 'MISSED'}"
            )
            print(f"p95 {a} / {b} = {ratio:.2f}×{verdict}")


async def drive(
    call: Callable[[], Awaitable[None]], clients: int, requests: int
) -> tuple[list[float], float]:
    """``requests`` calls spread over ``clients`` concurrent workers; each call's latency and the wall time."""
    times: list[float] = []
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            await call()
            times.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return times, time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def over_http(args: argparse.Namespace, settings: Settings) -> None:
    # The hub in a process of its own (``hub serve``), so the clients' work does not share the
    # server's event loop and the figures are the server's.
    port = free_port()
    hub = Path(sys.executable).with_name("hub")
    server = await asyncio.create_subprocess_exec(
        str(hub),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    headers = {"Authorization": f"Bearer {args.token}"}
    limits = httpx.Limits(max_connections=args.clients)
    # A generous timeout: under 50 clients a slow query queues; the figures say how long, not a crash.
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits, timeout=600.0
        ) as client:
            for _ in range(600):
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.returncode is not None:
                    raise SystemExit(f"hub serve exited with {server.returncode}")
                await asyncio.sleep(0.1)
            for name, query, variables in (
                ("person-360 (HTTP)", PERSON_360, {"id": args.person}),
                ("findings page (HTTP)", FINDINGS_PAGE, {}),
                ("county coverage (HTTP)", COVERAGE, {"region": args.county}),
            ):

                async def call(query: str = query, variables: dict[str, Any] = variables) -> None:
                    response = await client.post("/graphql", json={"query": query, "variables": variables})
                    body = response.json()
                    if body.get("errors"):
                        raise SystemExit(f"{body['errors'][0]['message']}")

                await call()  # warm the caches and the pools
                figures(name, *await drive(call, args.clients, args.requests))
    finally:
        server.terminate()
        await server.wait()


async def in_process(args: argparse.Namespace, settings: Settings) -> None:
    import strawberry

    from hub.export import authenticate
    from hub.graphql import StoreFindings, graphql_app
    from hub.runtime import open_services
    from schema.context import Context
    from schema.findings import findings_scope
    from schema.household import Household
    from schema.loaders import Loaders
    from schema.person import Person
    from schema.reader import GraphReader
    from schema.schema import Mutation, Query

    endpoint = graphql_app(settings)
    # The same types and resolvers without the guards and the audit extension: what Strawberry's
    # own execution costs, apart from what the extensions do on purpose.
    plain = strawberry.federation.Schema(query=Query, mutation=Mutation, types=[Person, Household])
    async with open_services(settings, prepare=False) as runtime:
        viewer = await authenticate(endpoint, runtime, args.token)
        if viewer is None:
            raise SystemExit("the token does not authenticate")
        reader = GraphReader(runtime.driver, runtime.database)
        store = StoreFindings(runtime)
        where = findings_scope(viewer)

        def context() -> Context:
            services = endpoint.services(runtime, object())
            graph = GraphReader(runtime.driver, runtime.database)
            return Context(
                request=None,
                response=None,
                viewer=viewer,
                graph=graph,
                services=services,
                loaders=Loaders(graph, services, where, services.medical),
            )

        async def bare_person() -> None:
            await reader.rows(PERSON_QUERY, keys=[args.person])

        async def bare_person_360() -> None:
            # What the resolvers read from the graph for person-360: the person, then its households.
            rows = await reader.rows(PERSON_QUERY, keys=[args.person])
            keys = [h["key"] for r in rows for h in (*r["civil"], *r["poverty"])]
            if keys:
                await reader.rows(HOUSEHOLD_QUERY, keys=keys)

        year = settings.check_year()
        day = settings.check_date

        async def bare_coverage() -> None:
            # The two aggregations the coverage resolver runs side by side (children and total).
            await asyncio.gather(
                reader.rows(COVERAGE_QUERY, region=args.county, scope="", len=9, day=day, year=year),
                reader.rows(COVERAGE_QUERY, region=args.county, scope="", len=6, day=day, year=year),
            )

        async def bare_findings() -> None:
            await store.list_findings(where, 0, 50)

        async def strawberry_call() -> None:
            result = await endpoint.schema.execute(
                PERSON_360, variable_values={"id": args.person}, context_value=context()
            )
            if result.errors:
                raise SystemExit(str(result.errors[0]))

        async def plain_call() -> None:
            result = await plain.execute(
                PERSON_360, variable_values={"id": args.person}, context_value=context()
            )
            if result.errors:
                raise SystemExit(str(result.errors[0]))

        async def core_call() -> None:
            # The same GraphQLSchema and resolvers through graphql-core alone: parse, validate
            # (its standard rules) and execute each time, as Strawberry does, without its wrapper.
            result = await graphql.graphql(
                plain._schema, PERSON_360, context_value=context(), variable_values={"id": args.person}
            )
            if result.errors:
                raise SystemExit(str(result.errors[0]))

        for name, call in (
            ("bare Cypher (person node query)", bare_person),
            ("bare Cypher (person-360 data)", bare_person_360),
            ("bare Cypher (coverage data)", bare_coverage),
            ("bare SQL (findings page)", bare_findings),
            ("person-360 Strawberry (in-process)", strawberry_call),
            ("person-360 Strawberry, no extensions", plain_call),
            ("person-360 graphql-core", core_call),
        ):
            await call()
            figures(name, *await drive(call, args.clients, args.requests))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--token", required=True, help="an admin's or supervisor's bearer token")
    parser.add_argument("--person", required=True, help="a normalised ID number in the graph")
    parser.add_argument("--county", required=True, help="a 6-digit county code")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    settings = Settings.from_env()
    print(machine())
    print(f"clients={args.clients} requests={args.requests} neo4j={settings.neo4j_uri} pid={os.getpid()}")
    asyncio.run(over_http(args, settings))
    asyncio.run(in_process(args, settings))
    ratios()


if __name__ == "__main__":
    main()
