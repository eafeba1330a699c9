"""API latency and throughput (printed figures, not a test).

Runs the hub on loopback under uvicorn and drives it with N concurrent clients:
person-360, a findings page and county coverage; then the bare Cypher round-trip for
the same person, and the same person query executed through Strawberry vs plain
graphql-core over the same schema and resolvers (in-process, no HTTP).

    DOUDI_NEO4J_URI=... DOUDI_SQL_URL=... .venv/bin/python bench/api.py \\
        --token doudi_... --person 530102198001011237 --county 530102 --clients 16 --requests 400

Works on a small graph; the lead runs it on a big one. The token is an admin's or a
supervisor's (``hub users token``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import graphql
import httpx
import uvicorn

from hub.app import create_app
from hub.settings import Settings
from schema.loaders import PERSON_QUERY

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


def figures(name: str, seconds: list[float], wall: float) -> None:
    """p50/p95/p99 in ms and requests a second."""
    ms = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else [ms[0]] * 99
    print(
        f"{name:<28} n={len(ms):>5}  p50={q[49]:8.2f}  p95={q[94]:8.2f}  p99={q[98]:8.2f} ms  "
        f"{len(ms) / wall:8.1f} req/s"
    )


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
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event for "started"
        await asyncio.sleep(0.05)
    headers = {"Authorization": f"Bearer {args.token}"}
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits
    ) as client:
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
    server.should_exit = True
    await task


async def in_process(args: argparse.Namespace, settings: Settings) -> None:
    from hub.export import authenticate
    from hub.graphql import graphql_app
    from hub.runtime import open_services
    from schema.context import Context
    from schema.findings import findings_scope
    from schema.loaders import Loaders
    from schema.reader import GraphReader

    endpoint = graphql_app(settings)
    async with open_services(settings, prepare=False) as runtime:
        viewer = await authenticate(endpoint, runtime, args.token)
        if viewer is None:
            raise SystemExit("the token does not authenticate")

        def context() -> Context:
            services = endpoint.services(runtime, object())
            graph = GraphReader(runtime.driver, runtime.database)
            return Context(
                request=None,
                response=None,
                viewer=viewer,
                graph=graph,
                services=services,
                loaders=Loaders(graph, services, findings_scope(viewer), services.medical),
            )

        async def bare() -> None:
            await GraphReader(runtime.driver, runtime.database).rows(PERSON_QUERY, keys=[args.person])

        async def strawberry_call() -> None:
            result = await endpoint.schema.execute(
                PERSON_360, variable_values={"id": args.person}, context_value=context()
            )
            if result.errors:
                raise SystemExit(str(result.errors[0]))

        document = graphql.parse(PERSON_360)

        async def core_call() -> None:
            # The same GraphQLSchema and resolvers, without Strawberry's extensions and execution wrapper.
            result = graphql.execute(
                endpoint.schema._schema,
                document,
                context_value=context(),
                variable_values={"id": args.person},
            )
            if isinstance(result, Awaitable):
                result = await result
            if result.errors:
                raise SystemExit(str(result.errors[0]))

        for name, call in (
            ("bare Cypher (person)", bare),
            ("person-360 Strawberry", strawberry_call),
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
    print(f"clients={args.clients} requests={args.requests} neo4j={settings.neo4j_uri} pid={os.getpid()}")
    asyncio.run(over_http(args, settings))
    asyncio.run(in_process(args, settings))


if __name__ == "__main__":
    main()
