"""Finding quality and check cost, end to end: generate → serve → sync → check → score.

Prints figures; it is not a test. Usage::

    .venv/bin/python bench/quality.py --persons 20000 --seed 1 --noise clean default dirty
    .venv/bin/python bench/quality.py --persons 100000 --noise default --neo4j-uri neo4j://127.0.0.1:7687

For each noise profile it generates a sandbox population, serves it with the four
imitation department systems on loopback, runs a full sync into an empty graph (and a
fresh SQLite store), checks every rule, exports the current findings and scores them
per rule against the planted ``truth.jsonl``: planted, found, true positives, false
positives (and how many of them are listed in ``lookalikes.jsonl``), false negatives,
precision and recall. Beside Doudi's recall it prints the recall of an exact-ID
baseline (bench/baseline.py: the oracle's rules over records joined on raw ID strings).

Cost: the check time over all rules and its ratio to the full sync time; then
``python -m sandbox mutate`` changes a fraction of the population, and the incremental
sync plus re-check is timed as a share of the full sync + check (the servers re-index
changed files themselves). The post-mutation findings are scored again.

Without ``--neo4j-uri`` the project's own server (``hub.neo4jserver``) is started in a
temporary home on a free port and stopped at the end; with it, that server's graph is
wiped (every node) before each profile, so give a dedicated instance.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from neo4j import AsyncGraphDatabase

from hub import neo4jserver
from hub.checking import run_check
from hub.runtime import open_services
from hub.settings import Settings
from hub.sources import ORDER, sync_sources
from hub.store.db import session_scope
from hub.store.listing import FindingFilter, export_jsonl
from hub.sync import StreamResult
from sandbox.generate.run import generate
from sandbox.generate.world import Config
from sandbox.oracle import RULES, Case, read_cases
from sandbox.servers import ServerConfig, run_servers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import evaluate_exact_id  # a sibling script module, not a package

CHECK_DATE = date(2026, 11, 23)
RULE_IDS = [rule_id for rule_id, _ in RULES]


# -- scoring ----------------------------------------------------------------------------


@dataclass
class Score:
    """One rule's counts against the planted truth."""

    planted: int = 0
    found: int = 0
    tp: int = 0
    fp: int = 0
    lookalike_fp: int = 0
    fn: int = 0
    baseline_tp: int = 0
    baseline_found: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.planted if self.planted else 1.0

    @property
    def baseline_recall(self) -> float:
        return self.baseline_tp / self.planted if self.planted else 1.0

    @property
    def baseline_precision(self) -> float:
        return self.baseline_tp / self.baseline_found if self.baseline_found else 1.0


def _by_rule(cases: Iterable[Case]) -> dict[str, set[Case]]:
    out: dict[str, set[Case]] = defaultdict(set)
    for case in cases:
        out[case.rule].add(case)
    return out


def score(truth: set[Case], found: set[Case], lookalikes: set[Case], baseline: set[Case]) -> dict[str, Score]:
    """Per-rule scores; a case matches only on rule, persons and households all equal."""
    t, f, look, b = _by_rule(truth), _by_rule(found), _by_rule(lookalikes), _by_rule(baseline)
    scores: dict[str, Score] = {}
    for rule in [*RULE_IDS, *sorted((t.keys() | f.keys()) - set(RULE_IDS))]:
        planted, flagged, base = t.get(rule, set()), f.get(rule, set()), b.get(rule, set())
        false = flagged - planted
        scores[rule] = Score(
            planted=len(planted),
            found=len(flagged),
            tp=len(flagged & planted),
            fp=len(false),
            lookalike_fp=len(false & look.get(rule, set())),
            fn=len(planted - flagged),
            baseline_tp=len(base & planted),
            baseline_found=len(base),
        )
    return scores


def _cases_of_jsonl(text: str) -> set[Case]:
    return {Case.from_dict(json.loads(line)) for line in text.splitlines() if line.strip()}


# -- one profile ------------------------------------------------------------------------


@dataclass
class Run:
    """What one noise profile measured."""

    noise: str
    persons: int
    records: int = 0
    full_sync: float = 0.0
    check: float = 0.0
    warm_check: float = 0.0
    rule_seconds: dict[str, float] = field(default_factory=dict)
    mutation: str = ""
    incr_sync: float = 0.0
    incr_written: int = 0
    recheck: float = 0.0
    scores: dict[str, Score] = field(default_factory=dict)
    after: dict[str, Score] = field(default_factory=dict)
    differences: list[str] = field(default_factory=list)
    full_streams: list[str] = field(default_factory=list)
    incr_streams: list[str] = field(default_factory=list)


def _settings(var: Path, uri: str, password: str, endpoints: dict[str, object]) -> Settings:
    var.mkdir(parents=True, exist_ok=True)
    path = var / "endpoints.json"
    path.write_text(json.dumps(endpoints), encoding="utf-8")
    return Settings.from_mapping(
        {
            "DOUDI_VAR_DIR": str(var),
            "DOUDI_NEO4J_URI": uri,
            "DOUDI_NEO4J_USER": "neo4j",
            "DOUDI_NEO4J_PASSWORD": password,
            "DOUDI_ENDPOINTS_FILE": str(path),
        }
    )


async def _wipe(uri: str, password: str) -> None:
    """Every node and relationship gone (constraints stay: the hub creates them if missing)."""
    async with (
        AsyncGraphDatabase.driver(uri, auth=("neo4j", password)) as driver,
        driver.session() as session,
    ):
        # CALL … IN TRANSACTIONS needs an auto-commit transaction (session.run).
        result = await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
        await result.consume()


async def _sync(settings: Settings, *, full: bool, streams: list[str] | None = None) -> tuple[float, int]:
    """One sync of every source; ``streams`` receives each stream's seconds, to see where time goes."""
    started = time.perf_counter()
    marks = [started]

    def on_stream(outcome: StreamResult) -> None:
        marks.append(time.perf_counter())
        if streams is not None:
            streams.append(
                f"{outcome.source.value}/{outcome.stream} {marks[-1] - marks[-2]:.1f} s ({outcome.written} written)"
            )

    async with open_services(settings) as services:
        result = await sync_sources(services, list(ORDER), full=full, on_stream=on_stream)
    elapsed = time.perf_counter() - started
    if streams is not None:
        streams.append(f"final identity resolve {time.perf_counter() - marks[-1]:.1f} s")
    if result.failed:
        raise RuntimeError(f"sync failed: {[s.error for s in result.failed]}")
    return elapsed, sum(s.written for s in result.streams)


async def _check(settings: Settings, run: Run | None) -> tuple[float, set[Case]]:
    """Check every rule; the seconds of the check alone, and the current findings."""
    async with open_services(settings) as services:
        marks: list[float] = []

        def progress(rule: object, done: int, total: int, hits: int) -> None:
            marks.append(time.perf_counter())
            if run is not None:
                rid = str(getattr(rule, "id", rule))
                before = marks[-2] if len(marks) > 1 else started
                run.rule_seconds[rid] = marks[-1] - before

        started = time.perf_counter()
        await run_check(
            services.driver,
            services.sessions,
            check_date=CHECK_DATE,
            check_year=CHECK_DATE.year,
            progress=progress,
        )
        elapsed = time.perf_counter() - started
        with session_scope(services.sessions) as session:
            out = io.StringIO()
            export_jsonl(session, out, FindingFilter(current=True))
    return elapsed, _cases_of_jsonl(out.getvalue())


def _differences(label: str, truth: set[Case], found: set[Case], limit: int = 8) -> list[str]:
    lines = [f"  [{label}] planted, not found: {c.to_json()}" for c in sorted(truth - found)[:limit]]
    lines += [f"  [{label}] found, not planted: {c.to_json()}" for c in sorted(found - truth)[:limit]]
    return lines


async def profile(args: argparse.Namespace, noise: str, uri: str, password: str, work: Path) -> Run:
    """Generate, serve, sync, check, score, mutate, re-sync, re-check one noise profile."""
    run = Run(noise, args.persons)
    pop = work / f"pop-{noise}"
    cached = args.cache / f"pop-{noise}-{args.persons}-{args.seed}" if args.cache else None
    if cached is not None and (cached / "meta.json").exists():
        shutil.copytree(cached, pop)  # mutate rewrites the folder; the cache stays pristine
    else:
        generate(
            Config(args.persons, args.seed, "53", noise, args.case_rate, CHECK_DATE),
            cached if cached is not None else pop,
        )
        if cached is not None:
            shutil.copytree(cached, pop)
    _log(f"[{noise}] population ready in {pop}")
    await _wipe(uri, password)
    async with run_servers(pop, ServerConfig()) as endpoints:
        settings = _settings(work / f"var-{noise}", uri, password, dict(endpoints))
        run.full_sync, run.records = await _sync(settings, full=True, streams=run.full_streams)
        _log(f"[{noise}] full sync {run.full_sync:.1f} s, {run.records} records written")
        run.check, found = await _check(settings, run)
        _log(f"[{noise}] check {run.check:.1f} s, {len(found)} current findings")
        # The first check on a fresh server also pays for Cypher planning; a second one
        # over the same graph shows what a routine re-check costs.
        run.warm_check, _ = await _check(settings, None)
        _log(f"[{noise}] warm check {run.warm_check:.1f} s")
        truth = read_cases(pop / "truth.jsonl")
        lookalikes = read_cases(pop / "lookalikes.jsonl")
        baseline = evaluate_exact_id(pop)
        run.scores = score(truth, found, lookalikes, baseline)
        run.differences = _differences("before mutation", truth, found)

        # In a thread: the servers run in this event loop and must keep serving meanwhile.
        mutate = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "sandbox", "mutate", str(pop), "--seed", str(args.mutate_seed),
             "--fraction", str(args.fraction)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        run.mutation = mutate.stdout.strip()
        _log(f"[{noise}] {run.mutation}")
        run.incr_sync, run.incr_written = await _sync(settings, full=False, streams=run.incr_streams)
        run.recheck, found = await _check(settings, None)
        _log(
            f"[{noise}] incremental sync {run.incr_sync:.1f} s ({run.incr_written} written), re-check {run.recheck:.1f} s"
        )
        truth = read_cases(pop / "truth.jsonl")
        lookalikes = read_cases(pop / "lookalikes.jsonl")
        run.after = score(truth, found, lookalikes, evaluate_exact_id(pop))
        run.differences += _differences("after mutation", truth, found)
    return run


# -- printing ---------------------------------------------------------------------------


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> str:
    """nproc, memory and CPU model, from the kernel's own files."""
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return (
        f"machine: nproc {os.cpu_count()}, memory {memory}, CPU {model}, Python {platform.python_version()}, "
        # Times are wall clock: on a shared machine other work inflates them, so say how busy it was.
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


def _target(noise: str) -> float:
    return 0.995 if noise == "dirty" else 1.0


def quality_table(run: Run, scores: dict[str, Score], title: str) -> str:
    """The per-rule table of one profile."""
    head = (
        f"{'rule':38} {'planted':>7} {'found':>5} {'TP':>4} {'FP':>4} {'(look)':>6} {'FN':>4} "
        f"{'prec':>6} {'recall':>6} {'base.rec':>8} {'base.prec':>9} {'ok':>3}"
    )
    lines = [f"== {title}: noise={run.noise}, persons={run.persons} ==", head, "-" * len(head)]
    total = Score()
    for rule, s in scores.items():
        ok = "yes" if min(s.precision, s.recall) >= _target(run.noise) else "NO"
        lines.append(
            f"{rule:38} {s.planted:>7} {s.found:>5} {s.tp:>4} {s.fp:>4} {s.lookalike_fp:>6} {s.fn:>4} "
            f"{s.precision:>6.3f} {s.recall:>6.3f} {s.baseline_recall:>8.3f} {s.baseline_precision:>9.3f} {ok:>3}"
        )
        for name in ("planted", "found", "tp", "fp", "lookalike_fp", "fn", "baseline_tp", "baseline_found"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
    lines.append("-" * len(head))
    lines.append(
        f"{'all rules':38} {total.planted:>7} {total.found:>5} {total.tp:>4} {total.fp:>4} {total.lookalike_fp:>6} "
        f"{total.fn:>4} {total.precision:>6.3f} {total.recall:>6.3f} {total.baseline_recall:>8.3f} "
        f"{total.baseline_precision:>9.3f}"
    )
    return "\n".join(lines)


def cost_table(runs: list[Run], fraction: float) -> str:
    """Sync and check times of every profile, with the two ratios and their targets."""
    head = (
        f"{'noise':8} {'persons':>8} {'records':>8} {'full sync s':>11} {'check s':>8} {'check/sync':>10} "
        f"{'warm chk s':>10} {'warm/sync':>9} "
        f"{'incr sync s':>11} {'re-check s':>10} {'incr share':>10}"
    )
    lines = [f"== cost (mutation fraction {fraction}) ==", head, "-" * len(head)]
    for r in runs:
        ratio = r.check / r.full_sync if r.full_sync else 0.0
        warm = r.warm_check / r.full_sync if r.full_sync else 0.0
        share = (r.incr_sync + r.recheck) / (r.full_sync + r.check) if r.full_sync else 0.0
        lines.append(
            f"{r.noise:8} {r.persons:>8} {r.records:>8} {r.full_sync:>11.1f} {r.check:>8.1f} "
            f"{ratio:>9.3f}{'' if ratio <= 0.25 else '!'} {r.warm_check:>10.1f} {warm:>8.3f}{'' if warm <= 0.25 else '!'} "
            f"{r.incr_sync:>11.1f} {r.recheck:>10.1f} "
            f"{share:>9.1%}{'' if share <= 0.05 else '!'}"
        )
    lines.append(
        "targets: check/sync <= 0.25; (incremental sync + re-check) / (full sync + check) <= 5%; '!' marks a miss"
    )
    return "\n".join(lines)


def slowest_rules(run: Run, top: int = 5) -> str:
    """The rules that took longest in the full check."""
    worst = sorted(run.rule_seconds.items(), key=lambda kv: -kv[1])[:top]
    return f"slowest rules ({run.noise}): " + ", ".join(f"{rid} {sec:.2f} s" for rid, sec in worst)


# -- main -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _all(args: argparse.Namespace, uri: str, password: str) -> list[Run]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="doudi-quality-") as tmp:
        for noise in args.noise:
            work = Path(tmp) / noise
            work.mkdir()
            runs.append(await profile(args, noise, uri, password, work))
            if args.keep:
                shutil.copytree(work, args.keep / f"{noise}-{args.persons}-{args.seed}", dirs_exist_ok=True)
    return runs


def report(runs: list[Run], fraction: float) -> str:
    """Every table, the machine first."""
    parts = [machine()]
    for r in runs:
        parts.append(quality_table(r, r.scores, "quality"))
        parts.append(quality_table(r, r.after, "quality after mutation"))
        if r.differences:
            parts.append("differences from truth.jsonl:\n" + "\n".join(r.differences))
    parts.append(cost_table(runs, fraction))
    parts.extend(slowest_rules(r) for r in runs)
    for r in runs:
        parts.append(f"full sync streams ({r.noise}): " + "; ".join(r.full_streams))
        parts.append(f"incremental sync streams ({r.noise}): " + "; ".join(r.incr_streams))
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", nargs="+", choices=("clean", "default", "dirty"), default=["default"])
    parser.add_argument("--case-rate", type=float, default=0.002)
    parser.add_argument("--fraction", type=float, default=0.01, help="share of the population mutated")
    parser.add_argument("--mutate-seed", type=int, default=7)
    parser.add_argument("--cache", type=Path, help="keep generated populations here and reuse them")
    parser.add_argument("--keep", type=Path, help="copy each run's population and store here")
    parser.add_argument("--neo4j-uri", help="a running, dedicated server (its graph is wiped)")
    parser.add_argument("--neo4j-password", default="neo4j")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args(argv)
    # The driver warns on every retry while a fresh server finishes starting; the
    # retries succeed, and the warnings would bury the tables.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    if args.neo4j_uri:
        runs = asyncio.run(_all(args, args.neo4j_uri, args.neo4j_password))
        print(report(runs, args.fraction), flush=True)
        return 0
    defaults = Settings.from_mapping({})
    with tempfile.TemporaryDirectory(prefix="doudi-quality-neo4j-") as home:
        cfg = neo4jserver.ServerConfig(
            version=defaults.neo4j_version,
            home=Path(home),
            cache=defaults.neo4j_cache_dir,
            host="127.0.0.1",
            port=_free_port(),
            user="neo4j",
            password="doudi-bench-password",
            heap=args.heap,
            pagecache=args.pagecache,
        )
        neo4jserver.start(cfg)
        try:
            runs = asyncio.run(_all(args, cfg.uri, cfg.password))
        finally:
            neo4jserver.stop(cfg)
    print(report(runs, args.fraction), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
