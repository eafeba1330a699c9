"""``sandbox generate``: build a population county by county and write the layout.

Each county is generated, settled and written to rows before the next one starts;
only compact rows are kept for the final sort the layout asks for. The same seed
gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from sandbox import layout
from sandbox.generate import benefits, noise, regions, writer
from sandbox.generate.cases import CASES, LOOKALIKES
from sandbox.generate.cases.common import dibao_household
from sandbox.generate.families import WORKING, family
from sandbox.generate.model import Person
from sandbox.generate.world import Config, Registry, World

TYPOS = "typos.jsonl"
"""Beside the layout: one deliberately mistyped number a line, {"source", "raw", "id_number"}."""


def dumps(row: object) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class Rows:
    """Every row written so far, with its sort key."""

    civil: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    tekun: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    payments: list[tuple[tuple[str, str], str]] = field(default_factory=list)
    # the long ones as UTF-8 bytes: a third of the memory of str with Chinese names in it
    disability: list[tuple[str, bytes]] = field(default_factory=list)
    medical: list[tuple[str, bytes]] = field(default_factory=list)
    exports: list[dict[str, object]] = field(default_factory=list)
    truth: list[str] = field(default_factory=list)
    lookalikes: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    typos: list[str] = field(default_factory=list)
    persons: int = 0


def standards(
    counties: list[regions.County], cfg: Config
) -> tuple[list[dict[str, str]], dict[tuple[str, str], Decimal]]:
    """Three years of published standards per county and area, and those in force on the check date."""
    rng = random.Random(f"{cfg.seed}:standards")
    published: list[dict[str, str]] = []
    in_force: dict[tuple[str, str], Decimal] = {}
    for county in counties:
        urban = Decimal(rng.randint(700, 860) if county.district else rng.randint(640, 760))
        rural = (urban * Decimal("0.72")).quantize(Decimal("1"))
        for back in (2, 1, 0):
            factor = Decimal("0.95") ** back
            for area, base in (("urban", urban), ("rural", rural)):
                value = (base * factor).quantize(Decimal("1"))
                published.append(
                    {
                        "county": county.code,
                        "area_type": area,
                        "monthly_standard": f"{value:.2f}",
                        "effective_from": f"{cfg.year - back}-01-01",
                    }
                )
                if back == 0:
                    in_force[(county.code, area)] = value
    published.sort(key=lambda r: (r["effective_from"], r["county"], r["area_type"]))
    return published, in_force


def quotas(counties: list[regions.County], total: int) -> list[int]:
    weights = [13 if c.district else 10 for c in counties]
    shares = [total * w // sum(weights) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    return shares


def _plant(w: World, cfg: Config, n_counties: int) -> None:
    k = max(1, round(cfg.persons * cfg.case_rate / len(CASES)))
    for i, (_, build) in enumerate(CASES):
        for j in range(k):
            if (i * 5 + j) % n_counties == w.index:
                build(w, j)
    kl = max(1, round(k / 2))
    for b, build_lookalike in enumerate(LOOKALIKES):
        for j in range(kl):
            if (b * 3 + j + 1) % n_counties == w.index:
                build_lookalike(w, j)


def _ghosts(w: World, profile: noise.Profile, quota: int, malformed: list[dict[str, object]]) -> None:
    """Rows that break the contract, about persons no other row names."""
    count = max(1, round(quota * profile.malformed / 3))
    faults = (
        ("id", "missing id_number"),
        ("relation", "unknown relation 'X3'"),
        ("amount", "monthly_amount '—'"),
    )
    for n in range(count):
        v = w.village(urban=True)
        fam = family(w, v, size=2 + n % 2)
        members = [(p, code, True) for p, code in fam.members]
        hh = dibao_household(w, v, fam.house, members)
        fault, reason = faults[(w.index + n) % 3]
        hh.malformed = fault
        where = "dibao" if fault == "amount" else f"member {len(members)}"
        malformed.append({"source": "civil", "location": hh.hid, "reason": f"{where}: {reason}"})
        if n == 0:
            pay = w.add_payment(fam.members[0][0], hh.hid, "other", w.days_ago(1, 300))
            pay.malformed = True
            malformed.append({"source": "civil", "location": pay.pid, "reason": "amount '—'"})
        ghost = w.person(w.village(), n % 2 == 0, 40 + n % 20)
        cert = benefits.certify(w, ghost, level=4, type_=4)
        cert.subsidies = []
        ghost.subject = True
        fault_d = ("type", "level", "birthday")[n % 3]
        ghost_key = f"{ghost.id18}{cert.type}{cert.level}"
        malformed.append({"source": "disability", "location": ghost_key, "reason": f"unreadable {fault_d}"})
        w.ghost_faults[id(ghost)] = fault_d


def _break_poverty_lines(w: World, profile: noise.Profile) -> None:
    """Mark some member lines of comfortable poverty households to break the contract."""
    floor = w.standard(w.county, "rural") * 24
    pool = [ph for ph in w.poverty if ph.income >= floor and not any(m.person.subject for m in ph.members)]
    count = max(1, round(len(pool) * profile.malformed * 5)) if pool else 0
    for n, ph in enumerate(w.rng.sample(pool, min(count, len(pool)))):
        candidates = [m for m in ph.members if m.labour in WORKING and not m.person.covered_in]
        if candidates:
            m = candidates[0]
            m.malformed = ("fields", "labour", "date")[n % 3]
            m.person.subject = True


def _sources(w: World) -> dict[int, list[str]]:
    seen: dict[int, list[str]] = {}

    def mark(p: Person, source: str) -> None:
        got = seen.setdefault(id(p), [])
        if source not in got:
            got.append(source)

    for hh in w.civil:
        for m in hh.members:
            mark(m.person, "civil")
    for t in w.tekun:
        mark(t.person, "civil")
    for pay in w.payments:
        mark(pay.person, "civil")
    for ph in w.poverty:
        for pm in ph.members:
            mark(pm.person, "poverty")
    for p in w.persons:
        if p.cert is not None:
            mark(p, "disability")
        if p.medical:
            mark(p, "medical")
    return seen


def _write_poverty(w: World, out: Path, cfg: Config, rows: Rows) -> None:
    created = cfg.check_date - timedelta(days=2)
    name = f"fpxx_{w.county.code}_{created:%Y%m%d}.csv"
    lines: list[list[str]] = []
    for ph in w.poverty:
        address = w.county.hand_address(ph.village, noise.written_house(ph.house, w.profile, w.noise_rng))
        for fields, fault in writer.poverty_lines(ph, address):
            lines.append(fields)
            if fault:
                rows.malformed.append(
                    dumps(
                        {
                            "source": "poverty",
                            "location": f"{name}:{len(lines) + 1}",
                            "reason": {
                                "fields": "wrong number of fields",
                                "labour": "unknown 劳动技能 '半劳力'",
                                "date": "unreadable 出生日期",
                            }[fault],
                        }
                    )
                )
    data = writer.csv_bytes(lines)
    folder = out / layout.POVERTY_FILES
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    rows.exports.append(
        {
            "name": name,
            "county": w.county.code,
            "created_at": f"{created.isoformat()}T02:00:00+08:00",
            "rows": len(lines),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    )


def _county(w: World, cfg: Config, quota: int, out: Path, rows: Rows) -> None:
    profile = noise.PROFILES[cfg.noise]
    _plant(w, cfg, len(w.counties))
    malformed: list[dict[str, object]] = []
    if profile.malformed:
        _ghosts(w, profile, quota, malformed)
    while len(w.persons) < quota:
        left = quota - len(w.persons)
        v = w.village()
        if left >= 2 and w.rng.random() < 0.0008:
            benefits.orphans(w)
            continue
        fam = family(w, v, size=None if left >= 7 else w.rng.randint(1, left))
        benefits.assign(w, fam)
    benefits.settle(w)
    if profile.malformed:
        _break_poverty_lines(w, profile)
    rows.malformed.extend(dumps(m) for m in malformed)
    seen = _sources(w)
    nrng = w.noise_rng
    for p in w.persons:
        got = seen.get(id(p))
        if got:
            typo = noise.decide(p, profile, nrng, tuple(got))
            if typo:
                rows.typos.append(dumps({"source": typo, "raw": p.raw_id[typo], "id_number": p.id18}))
    for hh in w.civil:
        address = hh.county.full_address(hh.village, noise.written_house(hh.house, profile, nrng))
        rows.civil.append(((writer.iso(hh.updated), hh.hid), dumps(writer.civil_row(hh, address))))
    for t in w.tekun:
        row = writer.tekun_row(t)
        rows.tekun.append(((str(row["updated_at"]), str(row["person_id_number"])), dumps(row)))
    for pay in w.payments:
        rows.payments.append(((pay.paid_on.isoformat(), pay.pid), dumps(writer.payment_row(pay))))
    _write_poverty(w, out, cfg, rows)
    for p in w.persons:
        if p.cert is not None:
            address = p.county.short_address(p.village, noise.written_house(p.house, profile, nrng))
            row = writer.disability_row(p, address, p.cert.guardian, w.ghost_faults.get(id(p)))
            rows.disability.append((str(row["certNo"]), dumps(row).encode()))
        if p.medical:
            rows.medical.append((p.id18, dumps(writer.medical_row(p)).encode()))
    rows.truth.extend(dumps(t) for t in w.truth)
    rows.lookalikes.extend(dumps(t) for t in w.lookalikes)
    rows.persons += len(w.persons)


def _write_bytes(path: Path, lines: Iterable[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for line in lines:
            fh.write(line)
            fh.write(b"\n")


def _write_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")


def generate(cfg: Config, out: Path) -> dict[str, object]:
    """Write a population for ``cfg`` under ``out``; answers the meta object written."""
    if cfg.noise not in noise.PROFILES:
        raise ValueError(f"unknown noise profile {cfg.noise!r}")
    if cfg.persons < 500:
        raise ValueError(f"--persons must be at least 500 to hold every planted case, got {cfg.persons}")
    out.mkdir(parents=True, exist_ok=True)
    counties = regions.build(cfg.province, cfg.persons, random.Random(f"{cfg.seed}:regions"))
    published, in_force = standards(counties, cfg)
    registry = Registry()
    rows = Rows()
    for index, (county, quota) in enumerate(zip(counties, quotas(counties, cfg.persons), strict=True)):
        world = World(cfg, county, counties, index, registry, in_force)
        _county(world, cfg, quota, out, rows)
    _write_lines(out / layout.REGIONS, [dumps(r) for r in regions.rows(counties)])
    (out / layout.CIVIL_STANDARDS).parent.mkdir(parents=True, exist_ok=True)
    (out / layout.CIVIL_STANDARDS).write_text(
        json.dumps(published, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    _write_lines(out / layout.CIVIL_HOUSEHOLDS, [line for _, line in sorted(rows.civil)])
    _write_lines(out / layout.CIVIL_TEKUN, [line for _, line in sorted(rows.tekun)])
    _write_lines(out / layout.CIVIL_PAYMENTS, [line for _, line in sorted(rows.payments)])
    n_disability, n_medical = len(rows.disability), len(rows.medical)
    rows.disability.sort(key=itemgetter(0))
    _write_bytes(out / layout.DISABILITY_PERSONS, (line for _, line in rows.disability))
    rows.disability.clear()
    rows.medical.sort(key=itemgetter(0))
    _write_bytes(out / layout.MEDICAL_INSURED, (line for _, line in rows.medical))
    rows.medical.clear()
    (out / layout.POVERTY_LISTING).write_text(
        json.dumps(rows.exports, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    _write_lines(out / layout.TRUTH, sorted(rows.truth))
    _write_lines(out / layout.LOOKALIKES, sorted(rows.lookalikes))
    _write_lines(out / layout.MALFORMED, sorted(rows.malformed))
    _write_lines(out / TYPOS, sorted(rows.typos))
    meta: dict[str, object] = {
        "seed": cfg.seed,
        "persons": rows.persons,
        "province": cfg.province,
        "noise": cfg.noise,
        "case_rate": cfg.case_rate,
        "rates": asdict(cfg.rates),
        "check_date": cfg.check_date.isoformat(),
        "year": cfg.year,
        "counts": {
            "civil_households": len(rows.civil),
            "tekun": len(rows.tekun),
            "payments": len(rows.payments),
            "poverty_members": sum(int(str(e["rows"])) for e in rows.exports),
            "disability_persons": n_disability,
            "medical_persons": n_medical,
            "truth": len(rows.truth),
            "lookalikes": len(rows.lookalikes),
            "malformed": len(rows.malformed),
            "typos": len(rows.typos),
        },
    }
    (out / layout.META).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return meta
