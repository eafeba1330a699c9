"""Ingest benchmark: the hub's ingest beside a bare UNWIND script and the offline importer.

Prints figures; it is not a test. Usage::

    .venv/bin/python bench/ingest.py --persons 30000
    .venv/bin/python bench/ingest.py --uri neo4j://127.0.0.1:7687 --password ...

It generates a synthetic population in memory (households of three, each person in the
civil, poverty-relief and medical registries, some with certificates, 特困 records and
payments, 2% with a mistyped number), then writes the same canonical records three
ways, each into an empty database:

1. ``graph.ingest.write_records`` — what the hub runs (constraints in place, MERGE,
   member-set replacement, link following), then ``graph.identity.resolve``;
2. a bare batched ``UNWIND … MERGE`` script over the same rows (no replacement logic);
3. ``neo4j-admin database import full`` from CSV files of the same nodes and
   relationships, into a stopped database in a temporary server home (JVM start
   included; the time to write the CSV files is printed apart).

The server is warmed on another small population first (the hub's server runs for
days); the importer is timed whole, JVM start included. Records per second count
canonical records (a civil household with its members is one).
Without ``--uri`` a temporary server is started with ``hub.neo4jserver`` and stopped at
the end. ``--population DIR`` reads a sandbox population folder instead, once the
adapters' wire parsers exist.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase

from adapters import records as r
from adapters.normalise import address_key, check_char, name_key, parse_id_number, relation_of_code
from graph import rows as rw
from graph.identity import resolve
from graph.ingest import write_records
from graph.model import constraint_statements
from hub import neo4jserver
from hub.settings import Settings

FETCHED = datetime(2026, 11, 1, tzinfo=UTC)
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
SNAPSHOT = "fpxx_{county}_20261101.csv"


# ---------------------------------------------------------------------------
# A synthetic population


def _number(rng: random.Random, county: str, born: date) -> str:
    first17 = f"{county}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_char(first17)


def _prov(source: r.Source, key: str, row: dict[str, Any]) -> r.Provenance:
    return r.Provenance(source, key, FETCHED, json.dumps(row, ensure_ascii=False))


def synthetic(persons: int, seed: int = 7) -> list[r.Record]:
    """Canonical records of about ``persons`` people, in the order a full sync streams them."""
    rng = random.Random(seed)
    civil: list[r.Record] = []
    tekun: list[r.Record] = []
    payments: list[r.Record] = []
    poverty: dict[str, list[r.Record]] = defaultdict(list)
    certs: list[r.Record] = []
    medical: list[r.Record] = []
    counties = [f"5301{c:02d}" for c in range(2, 12)]
    seen: set[str] = set()
    for h in range(persons // 3):
        county = rng.choice(counties)
        village = f"{county}{rng.randrange(1, 20):03d}{rng.randrange(1, 30):03d}"
        address = f"{village}号村{rng.randrange(1, 200)}号"
        hid = f"MZ{county}-{h:06d}"
        members = []
        for m, code in enumerate(("02", "10", "20")):
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(60 * 365))
            number = _number(rng, county, born)
            if number in seen:
                continue
            seen.add(number)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            written = number[:-1] + ("0" if number[-1] != "0" else "1") if rng.random() < 0.02 else number
            idn = parse_id_number(written)
            members.append(
                r.CivilMember(
                    name,
                    name_key(name),
                    idn,
                    code,
                    relation_of_code(code),
                    r.Gender.MALE if int(number[16]) % 2 else r.Gender.FEMALE,
                    born,
                    True,
                )
            )
            if m == 0 and rng.random() < 0.05:
                tekun.append(
                    r.TekunRecord(
                        _prov(r.Source.CIVIL, number, {}),
                        idn,
                        name,
                        name_key(name),
                        hid,
                        "scattered",
                        "active",
                        date(2024, 1, 1),
                        None,
                        Decimal("900"),
                        "full_self_care",
                        FETCHED,
                    )
                )
            if rng.random() < 0.05:
                payments.append(
                    r.Payment(
                        _prov(r.Source.CIVIL, f"P{h}-{m}", {}),
                        f"P{h}-{m}",
                        "TEMP_AID",
                        idn,
                        hid,
                        Decimal("1500"),
                        date(2026, 2, 1),
                        "火灾",
                        village,
                    )
                )
            if rng.random() < 0.1:
                cert = f"{number}{rng.randrange(1, 8)}{rng.randrange(1, 5)}"
                subsidy = r.DisabilitySubsidy("LIVING", "ACTIVE", Decimal("100"), date(2024, 1, 1), None)
                certs.append(
                    r.Certificate(
                        _prov(r.Source.DISABILITY, cert, {}),
                        cert,
                        parse_id_number(number),
                        name,
                        name_key(name),
                        None,
                        born,
                        4,
                        2,
                        "VALID",
                        None,
                        date(2020, 1, 1),
                        date(2030, 1, 1),
                        village,
                        address,
                        address_key(village, address),
                        None,
                        None,
                        (subsidy,),
                        FETCHED,
                    )
                )
            if h % 2 == 0:
                snap = SNAPSHOT.format(county=county)
                line = len(poverty[county]) + 2
                poverty[county].append(
                    r.PovertyMember(
                        _prov(r.Source.POVERTY, f"{snap}:{line}", {}),
                        snap,
                        county,
                        village,
                        f"{village}-{h:05d}",
                        members[0].name,
                        name,
                        name_key(name),
                        idn,
                        "户主" if m == 0 else "配偶" if m == 1 else "之子",
                        r.Relation.HEAD if m == 0 else r.Relation.SPOUSE if m == 1 else r.Relation.SON,
                        None,
                        born,
                        "汉族",
                        "普通劳动力",
                        ("健康",),
                        "",
                        "脱贫户",
                        None,
                        Decimal("6000"),
                        address,
                        address_key(village, address),
                        2016,
                        FETCHED,
                    )
                )
            insured = r.InsuranceRecord(
                "RESIDENT", county, 2026, "ENROLLED", Decimal("380"), "NONE", Decimal("0"), date(2025, 12, 1)
            )
            medical.append(
                r.MedicalAnswer(
                    _prov(r.Source.MEDICAL, f"{number}|2026", {}),
                    number,
                    2026,
                    True,
                    name,
                    name_key(name),
                    (insured,),
                    False,
                    None,
                )
            )
        dibao = r.Dibao("B", "active", date(2024, 1, 1), None, Decimal("600"), Decimal("200"), Decimal("700"))
        civil.append(
            r.CivilHousehold(
                _prov(r.Source.CIVIL, hid, {}),
                hid,
                village,
                address,
                address_key(village, address),
                "rural",
                "active",
                FETCHED,
                tuple(members),
                dibao,
            )
        )
    snapshots: list[r.Record] = []
    for county, lines in poverty.items():
        snapshots += lines
        snapshots.append(
            r.PovertySnapshot(
                _prov(r.Source.POVERTY, SNAPSHOT.format(county=county), {}),
                county,
                SNAPSHOT.format(county=county),
                FETCHED,
                len(lines),
                "0" * 64,
            )
        )
    standards = [
        r.DibaoStandard(_prov(r.Source.CIVIL, c, {}), c, "rural", Decimal("700"), date(2026, 1, 1))
        for c in counties
    ]
    return [*standards, *civil, *tekun, *payments, *snapshots, *certs, *medical]


def population(folder: Path) -> list[r.Record]:
    """Records of a sandbox population folder, parsed by the adapters' own wire parsers."""
    raise SystemExit(
        f"--population {folder}: the adapters' wire parsers are not in this tree yet; "
        "run without it for a synthetic population"
    )


# ---------------------------------------------------------------------------
# The same records as nodes and relationships (for the bare script and the importer)

Nodes = dict[str, dict[str, dict[str, Any]]]  # label → key → properties
Rels = dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any]]]]  # (type, from, to) → rows


def graph_of(records: Iterable[r.Record]) -> tuple[Nodes, Rels]:
    nodes: Nodes = defaultdict(dict)
    rels: Rels = defaultdict(list)

    def person(idn: r.IdNumber | str) -> str:
        row = rw.person(idn)
        nodes["Person"].setdefault(row["id"], row)
        return str(row["id"])

    def place(label: str, row: dict[str, Any]) -> None:
        for region in rw.region_chain(row["region"] or ""):
            nodes["Region"].setdefault(region["code"], {k: region[k] for k in ("code", "level", "prefix")})
            if region["parent"] and region["code"] not in nodes["_parented"]:
                nodes["_parented"][region["code"]] = {}
                rels[("PARENT", "Region", "Region")].append((region["code"], region["parent"], {}))
        if row["region"]:
            rels[("IN_REGION", label, "Region")].append((row["key"], row["region"], {}))
        if row["address_key"]:
            nodes["Address"].setdefault(row["address_key"], {"key": row["address_key"]})
            rels[("AT", label, "Address")].append((row["key"], row["address_key"], {}))

    for rec in records:
        if isinstance(rec, r.CivilHousehold):
            row = rw.civil_household(rec)
            nodes["CivilHousehold"][row["key"]] = {"key": row["key"], **row["props"]}
            place("CivilHousehold", row)
            for m in rec.members:
                mrow = rw.civil_member(row["key"], m)
                rels[("CIVIL_MEMBER", "Person", "CivilHousehold")].append(
                    (person(m.id_number), row["key"], {**mrow["props"], "linked": False})
                )
        elif isinstance(rec, r.TekunRecord | r.Payment):
            label, rel, hrel = (
                ("Tekun", "HAS_TEKUN", "TEKUN_HOUSEHOLD")
                if isinstance(rec, r.TekunRecord)
                else ("Payment", "RECEIVED", "PAYMENT_HOUSEHOLD")
            )
            row = rw.tekun(rec) if isinstance(rec, r.TekunRecord) else rw.payment(rec)
            nodes[label][row["key"]] = {"key": row["key"], **row["props"], "linked": False}
            nodes["CivilHousehold"].setdefault(
                row["hh"], {"key": row["hh"], "household_id": row["household_id"]}
            )
            rels[(rel, "Person", label)].append((person(rec.id_number), row["key"], {}))
            rels[(hrel, label, "CivilHousehold")].append((row["key"], row["hh"], {}))
        elif isinstance(rec, r.DibaoStandard):
            row = rw.standard(rec)
            nodes["Standard"][row["key"]] = {"key": row["key"], **row["props"]}
        elif isinstance(rec, r.PovertyMember):
            row = rw.poverty_household(rec)
            if row["key"] not in nodes["PovertyHousehold"]:
                nodes["PovertyHousehold"][row["key"]] = {"key": row["key"], **row["props"]}
                place("PovertyHousehold", row)
            mrow = rw.poverty_member(rec)
            rels[("POVERTY_MEMBER", "Person", "PovertyHousehold")].append(
                (person(rec.id_number), row["key"], {**mrow["props"], "linked": False})
            )
        elif isinstance(rec, r.Certificate):
            row = rw.certificate(rec)
            nodes["Certificate"][row["key"]] = {"key": row["key"], **row["props"]}
            place("Certificate", row)
            rels[("HOLDS", "Person", "Certificate")].append(
                (person(rec.id_number), row["key"], {**row["holds"], "linked": False})
            )
            for sub in row["subsidies"]:
                nodes["Subsidy"][sub["key"]] = {"key": sub["key"], **sub["props"]}
                rels[("HAS_SUBSIDY", "Certificate", "Subsidy")].append((row["key"], sub["key"], {}))
        elif isinstance(rec, r.MedicalAnswer):
            row = rw.medical_answer(rec)
            nodes["MedicalAnswer"][row["key"]] = {"key": row["key"], **row["props"]}
            rels[("MEDICAL", "Person", "MedicalAnswer")].append((person(rec.id_number), row["key"], {}))
            for ins in row["insurance"]:
                nodes["Insurance"][ins["key"]] = {"key": ins["key"], **ins["props"]}
                rels[("HAS_INSURANCE", "MedicalAnswer", "Insurance")].append((row["key"], ins["key"], {}))
    nodes.pop("_parented", None)
    return nodes, rels


KEYS = {"Person": "id", "Region": "code"}


async def bare_unwind(driver: AsyncDriver, nodes: Nodes, rels: Rels, batch: int) -> None:
    """The plainest batched script: MERGE each label on its key, then MATCH/MATCH/MERGE each type."""
    async with driver.session() as session:
        for label, by_key in nodes.items():
            key = KEYS.get(label, "key")
            query = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.k}}) SET n += row.p"
            items = [{"k": k, "p": p} for k, p in by_key.items()]
            for i in range(0, len(items), batch):
                await session.execute_write(_run, query, items[i : i + batch])
        for (rel, start, end), rows in rels.items():
            query = (
                f"UNWIND $rows AS row MATCH (a:{start} {{{KEYS.get(start, 'key')}: row.a}}) "
                f"MATCH (b:{end} {{{KEYS.get(end, 'key')}: row.b}}) MERGE (a)-[x:{rel}]->(b) SET x += row.p"
            )
            items = [{"a": a, "b": b, "p": p} for a, b, p in rows]
            for i in range(0, len(items), batch):
                await session.execute_write(_run, query, items[i : i + batch])


async def _run(tx: Any, query: str, rows: list[dict[str, Any]]) -> None:
    await (await tx.run("CYPHER replan=force " + query, rows=rows)).consume()


# ---------------------------------------------------------------------------
# neo4j-admin database import full


def _csv_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    if isinstance(value, list):
        return "string[]"
    return "string"


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def _columns(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    columns: dict[str, str] = {}
    for row in rows:
        for name, value in row.items():
            if value is not None and name not in columns:
                columns[name] = _csv_type(value)
    return columns


def write_csv(folder: Path, nodes: Nodes, rels: Rels) -> list[str]:
    """CSV files with typed headers; returns the importer's ``--nodes``/``--relationships`` arguments."""
    args: list[str] = []
    for label, by_key in nodes.items():
        key = KEYS.get(label, "key")
        columns = {k: t for k, t in _columns(by_key.values()).items() if k != key}
        path = folder / f"{label}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow([f"{key}:ID({label})", *(f"{c}:{t}" for c, t in columns.items())])
            for k, props in by_key.items():
                out.writerow([k, *(_csv_value(props.get(c)) for c in columns)])
        args.append(f"--nodes={label}={path}")
    for (rel, start, end), rows in rels.items():
        columns = _columns(p for _, _, p in rows)
        path = folder / f"{rel}-{start}-{end}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(
                [f":START_ID({start})", f":END_ID({end})", *(f"{c}:{t}" for c, t in columns.items())]
            )
            for a, b, props in rows:
                out.writerow([a, b, *(_csv_value(props.get(c)) for c in columns)])
        args.append(f"--relationships={rel}={path}")
    return args


def admin_import(lib: Path, home: Path, args: list[str]) -> None:
    conf = home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "neo4j.conf").write_text(
        f"server.directories.data={home / 'data'}\nserver.directories.logs={home / 'logs'}\n"
        f"server.directories.transaction.logs.root={home / 'data' / 'transactions'}\n",
        encoding="utf-8",
    )
    java = shutil.which("java") or "java"
    cmd = [
        java,
        *neo4jserver.JVM_FLAGS,
        "-cp",
        f"{lib}/*",
        "org.neo4j.cli.AdminTool",
        "database",
        "import",
        "full",
        "neo4j",
        "--overwrite-destination=true",
        "--array-delimiter=;",
        *args,
    ]
    env = {"NEO4J_HOME": str(home), "NEO4J_CONF": str(conf), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"import failed: {(done.stdout + done.stderr)[-2000:]}")


# ---------------------------------------------------------------------------


async def _empty(driver: AsyncDriver, constraints: bool) -> None:
    async with driver.session() as session:
        await (
            await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
        ).consume()
        if constraints:
            for statement in constraint_statements():
                await (await session.run(statement)).consume()


async def measure(uri: str, auth: tuple[str, str], records: list[r.Record], batch: int, lib: Path) -> None:
    n = len(records)
    driver = AsyncGraphDatabase.driver(uri, auth=auth)
    try:
        # The hub's server is long-running: warm its JIT and caches on other data first
        # (the importer, a fresh JVM each time, gets no such help and is timed whole).
        warm = synthetic(3000, seed=99)
        await _empty(driver, constraints=True)
        await write_records(driver, warm, batch_size=batch)
        await bare_unwind(driver, *graph_of(warm), batch)
        await _empty(driver, constraints=True)
        started = time.perf_counter()
        stats = await write_records(driver, records, batch_size=batch)
        hub_s = time.perf_counter() - started
        started = time.perf_counter()
        resolved = await resolve(driver)
        resolve_s = time.perf_counter() - started
        again_started = time.perf_counter()
        again = await write_records(driver, records, batch_size=batch)
        again_s = time.perf_counter() - again_started

        nodes, rels = graph_of(records)
        await _empty(driver, constraints=True)
        started = time.perf_counter()
        await bare_unwind(driver, nodes, rels, batch)
        bare_s = time.perf_counter() - started
    finally:
        await driver.close()

    with tempfile.TemporaryDirectory(prefix="doudi-import-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        args = write_csv(folder, nodes, rels)
        csv_s = time.perf_counter() - started
        started = time.perf_counter()
        admin_import(lib, folder / "home", args)
        import_s = time.perf_counter() - started

    n_nodes = sum(len(v) for v in nodes.values())
    n_rels = sum(len(v) for v in rels.values())
    print(f"records {n}  nodes {n_nodes}  relationships {n_rels}  batch {batch}")
    print(
        f"hub ingest (write_records)   {hub_s:8.2f} s  {n / hub_s:10.0f} records/s"
        f"  (created {stats.nodes_created} nodes, {stats.relationships_created} rels)"
    )
    print(
        f"  re-sync of the same data   {again_s:8.2f} s  {n / again_s:10.0f} records/s  writes {again.writes}"
    )
    print(
        f"  identity resolve           {resolve_s:8.2f} s  links {len(resolved.links)}"
        f"  unlinked {dict(resolved.reasons)}"
    )
    print(f"bare UNWIND MERGE script     {bare_s:8.2f} s  {n / bare_s:10.0f} records/s")
    print(
        f"neo4j-admin import full      {import_s:8.2f} s  {n / import_s:10.0f} records/s"
        f"  (+ {csv_s:.2f} s writing CSV)"
    )
    print(
        f"ratios: hub/bare {bare_s / hub_s:.2f}x   hub/import {import_s / hub_s:.2f}x"
        f"   hub/(import+csv) {(import_s + csv_s) / hub_s:.2f}x   (target hub/import >= 0.3x)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--persons", type=int, default=30_000)
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--population", type=Path)
    parser.add_argument("--uri", help="a running server to use (its data is wiped)")
    parser.add_argument("--password", default="neo4j")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="1g")
    opts = parser.parse_args(argv)

    started = time.perf_counter()
    records = population(opts.population) if opts.population else synthetic(opts.persons)
    print(f"generated {len(records)} records in {time.perf_counter() - started:.1f} s", flush=True)
    defaults = Settings.from_mapping({})
    lib = defaults.neo4j_cache_dir / "lib"
    if opts.uri:
        asyncio.run(measure(opts.uri, ("neo4j", opts.password), records, opts.batch, lib))
        return 0
    with tempfile.TemporaryDirectory(prefix="doudi-bench-") as home:
        cfg = neo4jserver.ServerConfig(
            version=defaults.neo4j_version,
            home=Path(home),
            cache=defaults.neo4j_cache_dir,
            host="127.0.0.1",
            port=_free_port(),
            user="neo4j",
            password="doudi-bench-password",
            heap=opts.heap,
            pagecache=opts.pagecache,
        )
        neo4jserver.start(cfg)
        try:
            asyncio.run(measure(cfg.uri, ("neo4j", cfg.password), records, opts.batch, lib))
        finally:
            neo4jserver.stop(cfg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
