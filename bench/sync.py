"""End-to-end sync of a sandbox population: records/s per source, persons/s, peak memory.

    .venv/bin/python bench/sync.py --persons 1000000 --seed 1 [--work /tmp/syncbench]
    .venv/bin/python bench/sync.py --population DIR

Generates the population (unless given), serves it with the four sandbox
department servers in a separate process (so they do not share the hub's CPU
budget unfairly), starts a dedicated Neo4j from the project's own launcher, runs a
full sync exactly as ``hub sync`` does, and prints per source: records read,
seconds, records/s; the medical look-ups achieved against the platform's limit
(5 batches of 100 a second); persons in the graph per second of the whole sync;
and the peak resident memory of the hub process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from adapters.records import Source  # noqa: E402
from hub import neo4jserver  # noqa: E402
from hub.runtime import open_services  # noqa: E402
from hub.settings import Settings  # noqa: E402
from hub.sources import ORDER, sync_sources  # noqa: E402

MEDICAL_LIMIT_BATCHES = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem:.0f} GiB, {cpu}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", default="default")
    parser.add_argument("--population", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/doudi-syncbench"))
    parser.add_argument("--heap", default="4g")
    parser.add_argument("--pagecache", default="4g")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    population = args.population or args.work / f"pop-{args.persons}-{args.seed}-{args.noise}"
    if not (population / "meta.json").exists():
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sandbox",
                "generate",
                "--persons",
                str(args.persons),
                "--seed",
                str(args.seed),
                "--noise",
                args.noise,
                "--check-date",
                "2026-11-23",
                "--out",
                str(population),
            ],
            check=True,
            cwd=REPO,
        )
        print(f"generated {args.persons:,} persons in {time.monotonic() - started:,.1f} s")
    meta = json.loads((population / "meta.json").read_text(encoding="utf-8"))
    persons = int(meta.get("persons", args.persons))

    endpoints = args.work / "endpoints.json"
    endpoints.unlink(missing_ok=True)
    servers = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "serve",
            str(population),
            "--endpoints",
            str(endpoints),
            "--civil-port",
            "0",
            "--poverty-port",
            "0",
            "--disability-port",
            "0",
            "--medical-port",
            "0",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    home = args.work / "neo4j"
    cfg = neo4jserver.ServerConfig(
        version=Settings.from_mapping({}).neo4j_version,
        home=home,
        cache=Settings.from_mapping({}).neo4j_cache_dir,
        host="127.0.0.1",
        port=_free_port(),
        user="neo4j",
        password="bench-password",
        heap=args.heap,
        pagecache=args.pagecache,
    )
    try:
        import shutil

        shutil.rmtree(home, ignore_errors=True)
        neo4jserver.start(cfg)
        for _ in range(600):
            if endpoints.exists() and endpoints.stat().st_size:
                break
            time.sleep(0.5)
        settings = Settings.from_mapping(
            {
                "DOUDI_VAR_DIR": str(args.work / "var"),
                "DOUDI_NEO4J_URI": cfg.uri,
                "DOUDI_NEO4J_PASSWORD": cfg.password,
                "DOUDI_ENDPOINTS_FILE": str(endpoints),
            }
        )
        db = args.work / "var" / "doudi.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        asyncio.run(_bench(settings, persons, population))
    finally:
        servers.terminate()
        servers.wait()
        neo4jserver.stop(cfg)
    return 0


async def _bench(settings: Settings, persons: int, population: Path) -> None:
    counts: dict[Source, int] = defaultdict(int)
    first: dict[Source, float] = {}
    last: dict[Source, float] = {}

    def progress(source: Source, stream: str, done: int, _total: int | None) -> None:
        now = time.monotonic()
        first.setdefault(source, now)
        last[source] = now
        counts[source] += done

    async with open_services(settings) as services:
        began = time.monotonic()
        timing: dict[Source, float] = {}
        for source in ORDER:
            t0 = time.monotonic()
            result = await sync_sources(services, [source], full=True, progress=progress)
            timing[source] = time.monotonic() - t0
            if result.failed:
                print(f"{source.value}: FAILED {result.failed[0].error}")
        total = time.monotonic() - began
        records, _, _ = await services.driver.execute_query("MATCH (p:Person) RETURN count(p) AS n")
        graph_persons = records[0]["n"]

    print(f"\nmachine: {machine()}")
    print(f"population: {population} ({persons:,} persons generated; {graph_persons:,} persons in the graph)")
    print(f"{'source':<12}{'records':>12}{'seconds':>10}{'records/s':>12}")
    for source in ORDER:
        secs = timing.get(source, 0.0)
        print(
            f"{source.value:<12}{counts[source]:>12,}{secs:>10.1f}{counts[source] / max(secs, 1e-9):>12,.0f}"
        )
    print(f"{'all':<12}{sum(counts.values()):>12,}{total:>10.1f}{sum(counts.values()) / total:>12,.0f}")
    print(f"persons in the graph per second of sync: {graph_persons / total:,.0f}")
    medical = counts[Source.MEDICAL]
    if medical:
        achieved = medical / 100 / max(timing[Source.MEDICAL], 1e-9)
        print(
            f"medical look-ups: {medical / timing[Source.MEDICAL]:,.0f} IDs/s = {achieved:.2f} batches/s "
            f"of the {MEDICAL_LIMIT_BATCHES:.0f}/s limit ({achieved / MEDICAL_LIMIT_BATCHES:.0%})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the hub process: {peak:,.0f} MiB")
    print(f"check date of the population: {date(2026, 11, 23)}")


if __name__ == "__main__":
    sys.exit(main())
