"""End to end over real HTTP and the real Neo4j: sandbox servers → adapters → graph → checks.

A small generated population is served by the four imitation department systems
on loopback; the hub syncs it into Neo4j and a SQLite store, and the tests compare
what landed with what the sandbox holds, and the findings with the planted truth.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from adapters.records import Source
from hub.checking import run_check
from hub.runtime import open_services
from hub.settings import Settings
from hub.sources import ORDER, sync_sources
from hub.store import sync as store_sync
from hub.store.db import session_scope
from hub.store.listing import FindingFilter, export_jsonl
from sandbox.generate.run import generate
from sandbox.generate.world import Config
from sandbox.servers import FaultSettings, ServerConfig, run_servers

CHECK_DATE = date(2026, 11, 23)


def _population(root: Path, noise: str, persons: int = 2500, seed: int = 11) -> Path:
    out = root / f"pop-{noise}-{persons}-{seed}"
    if not (out / "meta.json").exists():
        generate(Config(persons=persons, seed=seed, noise=noise, check_date=CHECK_DATE), out)
    return out


@pytest.fixture(scope="session")
def populations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("populations")


def _settings(tmp: Path, neo4j_auth: tuple[str, tuple[str, str]], endpoints: dict[str, object]) -> Settings:
    uri, (user, password) = neo4j_auth
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "endpoints.json"
    path.write_text(json.dumps(endpoints), encoding="utf-8")
    return Settings.from_mapping(
        {
            "DOUDI_VAR_DIR": str(tmp),
            "DOUDI_NEO4J_URI": uri,
            "DOUDI_NEO4J_USER": user,
            "DOUDI_NEO4J_PASSWORD": password,
            "DOUDI_ENDPOINTS_FILE": str(path),
        }
    )


async def _sync(settings: Settings, **kwargs: object) -> tuple[int, int]:
    async with open_services(settings) as services:
        result = await sync_sources(services, list(ORDER), **kwargs)  # type: ignore[arg-type]
    assert not result.failed, [s.error for s in result.failed]
    return sum(s.written for s in result.streams), sum(s.quarantined for s in result.streams)


async def graph_digest(driver: AsyncDriver) -> dict[str, str]:
    """Counts and a hash of every node's key and properties, and every relationship, per label/type."""
    digest: dict[str, str] = {}
    labels, _, _ = await driver.execute_query("CALL db.labels() YIELD label RETURN label ORDER BY label")
    for row in labels:
        label = row["label"]
        records, _, _ = await driver.execute_query(
            "MATCH (n) WHERE $label IN labels(n) "
            "RETURN n {.*, fetched_at: null} AS props ORDER BY coalesce(n.key, n.id, n.code)",
            label=label,
        )
        body = json.dumps([r["props"] for r in records], sort_keys=True, default=str)
        digest[label] = f"{len(records)}:{hashlib.sha256(body.encode()).hexdigest()[:16]}"
    rels, _, _ = await driver.execute_query(
        "MATCH (a)-[r]->(b) WITH type(r) AS t, coalesce(a.key, a.id, a.code) + '>' + coalesce(b.key, b.id, b.code) AS k "
        "RETURN t, count(*) AS n, collect(k) AS ks ORDER BY t"
    )
    for row in rels:
        keys = sorted(row["ks"])
        digest[f"-{row['t']}-"] = f"{row['n']}:{hashlib.sha256('|'.join(keys).encode()).hexdigest()[:16]}"
    return digest


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _cases(rows: list[dict[str, object]]) -> set[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return {
        (str(r["rule"]), tuple(sorted(r["persons"])), tuple(sorted(r["households"])))  # type: ignore[arg-type]
        for r in rows
    }


@pytest.fixture
async def served(
    populations: Path, tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], graph: AsyncDriver
) -> AsyncIterator[tuple[Path, Settings]]:
    pop = _population(populations, "default")
    async with run_servers(pop, ServerConfig()) as endpoints:
        yield pop, _settings(tmp_path, neo4j_auth, dict(endpoints))


async def test_counts_in_the_graph_equal_the_sandbox_and_bad_rows_are_quarantined(
    served: tuple[Path, Settings], graph: AsyncDriver
) -> None:
    pop, settings = served

    await _sync(settings)

    malformed = _jsonl(pop / "malformed.jsonl")
    bad = {(str(m["source"]), str(m["location"])) for m in malformed}
    households = {r["household_id"] for r in _jsonl(pop / "civil/households.jsonl")}
    bad_households = {loc for src, loc in bad if src == "civil" and loc in households}
    certificates = {r["certNo"] for r in _jsonl(pop / "disability/persons.jsonl")}
    records, _, _ = await graph.execute_query(
        "MATCH (h:CivilHousehold) WHERE h.status IS NOT NULL RETURN count(h) AS n"
    )
    assert records[0]["n"] == len(households - bad_households)
    records, _, _ = await graph.execute_query("MATCH (c:Certificate) RETURN count(c) AS n")
    assert records[0]["n"] == len(certificates - {loc for src, loc in bad if src == "disability"})
    async with open_services(settings) as services:
        with session_scope(services.sessions) as session:
            quarantined = {
                (q.source.value, q.location) for q in store_sync.list_quarantined(session, limit=100_000)
            }
    missing = {b for b in bad if not any(b[0] == q[0] and b[1] in q[1] for q in quarantined)}
    assert not missing, f"malformed rows not quarantined: {sorted(missing)[:5]}"


async def test_a_second_sync_writes_nothing(served: tuple[Path, Settings], graph: AsyncDriver) -> None:
    _, settings = served
    await _sync(settings)
    before = await graph_digest(graph)

    incremental, _ = await _sync(settings)
    full, _ = await _sync(settings, full=True)

    assert incremental == 0
    assert full == 0
    assert await graph_digest(graph) == before


async def test_faults_still_converge_to_the_same_graph(
    populations: Path, tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], graph: AsyncDriver
) -> None:
    pop = _population(populations, "default")
    async with run_servers(pop, ServerConfig()) as endpoints:
        await _sync(_settings(tmp_path / "calm", neo4j_auth, dict(endpoints)))
    calm = await graph_digest(graph)
    await graph.execute_query("MATCH (n) DETACH DELETE n")

    faults = FaultSettings(enabled=True, fault_rate=0.15, slow_rate=0.05, slow_seconds=0.2, churn=True, seed=5)
    async with run_servers(pop, ServerConfig(faults=faults)) as endpoints:
        await _sync(_settings(tmp_path / "stormy", neo4j_auth, dict(endpoints)))

    assert await graph_digest(graph) == calm


async def test_a_killed_sync_resumes_to_the_same_graph(
    populations: Path, tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], graph: AsyncDriver
) -> None:
    pop = _population(populations, "default")
    async with run_servers(pop, ServerConfig()) as endpoints:
        await _sync(_settings(tmp_path / "whole", neo4j_auth, dict(endpoints)))
        whole = await graph_digest(graph)
        await graph.execute_query("MATCH (n) DETACH DELETE n")

        settings = _settings(tmp_path / "killed", neo4j_auth, dict(endpoints))
        env = {**os.environ, **_env_of(settings)}
        proc = subprocess.Popen(  # noqa: ASYNC220 - a real process, so it can be killed for real
            [sys.executable, "-m", "hub.cli", "sync"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        await _wait_for_pages(settings, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

        await _sync(settings)

    assert await graph_digest(graph) == whole


def _env_of(settings: Settings) -> dict[str, str]:
    return {
        "DOUDI_VAR_DIR": str(settings.var_dir),
        "DOUDI_NEO4J_URI": settings.neo4j_uri,
        "DOUDI_NEO4J_USER": settings.neo4j_user,
        "DOUDI_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "DOUDI_ENDPOINTS_FILE": str(settings.endpoints_file),
    }


async def _wait_for_pages(settings: Settings, proc: subprocess.Popen[bytes], pages: int = 3) -> None:
    """Until the subprocess has committed a few pages (cursors saved), so the kill lands mid-sync."""
    deadline = time.monotonic() + 60
    async with open_services(settings) as services:
        while time.monotonic() < deadline and proc.poll() is None:
            with session_scope(services.sessions) as session:
                saved = sum(
                    1
                    for source in (Source.CIVIL, Source.POVERTY)
                    for stream in ("households", "tekun", "payments", "snapshots")
                    if store_sync.load_cursor(session, source, stream) is not None
                )
            if saved >= pages:
                return
            await asyncio.sleep(0.05)
    assert proc.poll() is None, "the sync ended before it could be killed mid-way"


@pytest.mark.parametrize("noise", ["clean", "default"])
async def test_findings_equal_the_planted_truth(
    noise: str, populations: Path, tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], graph: AsyncDriver
) -> None:
    pop = _population(populations, noise)
    async with run_servers(pop, ServerConfig()) as endpoints:
        settings = _settings(tmp_path, neo4j_auth, dict(endpoints))
        await _sync(settings)
    async with open_services(settings) as services:
        await run_check(services.driver, services.sessions, check_date=CHECK_DATE, check_year=CHECK_DATE.year)
        with session_scope(services.sessions) as session:
            out = io.StringIO()
            export_jsonl(session, out, FindingFilter(current=True))
    found = _cases([json.loads(line) for line in out.getvalue().splitlines()])

    truth = _cases(_jsonl(pop / "truth.jsonl"))
    lookalikes = _cases(_jsonl(pop / "lookalikes.jsonl"))
    assert sorted(found - truth) == [], "flagged but not planted"
    assert sorted(truth - found) == [], "planted but not found"
    assert not (found & lookalikes)
