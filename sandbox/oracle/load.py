"""Reads a population folder in each department's wire format (sandbox/layout.py).

Rows that break their contract are set aside the way the contracts say a hub
quarantines them: a civil household with one bad member goes whole, a poverty
row with the wrong field count, an unknown 劳动技能 or an unreadable date goes
alone. Nothing here interprets the rules; it only parses.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from sandbox import layout
from sandbox.oracle.records import (
    Certificate,
    Dibao,
    Household,
    Insurance,
    Insured,
    Member,
    Payment,
    Population,
    PovertyMember,
    Quarantined,
    Standard,
    Subsidy,
    Tekun,
)

RELATIONS = frozenset({"01", "02", "10", "11", "12", *(f"{n:02d}" for n in range(20, 98)), "99"})
DIBAO_STATUSES = frozenset({"active", "suspended", "ended", "phasing_out"})
TEKUN_STATUSES = frozenset({"active", "suspended", "ended"})
PROGRAMS = frozenset({"TEMP_AID", "MEDICAL_AID"})
REASONS = frozenset({"illness", "accident", "disaster", "fire", "education", "unemployment", "other"})
SKILLS = frozenset({"技能劳动力", "普通劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"})
CERT_STATUSES = frozenset({"VALID", "EXPIRED", "CANCELLED"})

_T = TypeVar("_T")


class Malformed(ValueError):
    """A row that breaks its source's contract; the message names the bad value."""


# -- field readers: each raises Malformed naming the bad value -------------------------


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Malformed(f"{key} missing or empty: {value!r}")
    return value


def _optional_text(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Malformed(f"{key} is not text: {value!r}")
    return value


def _choice(row: dict[str, Any], key: str, allowed: frozenset[str]) -> str:
    value = row.get(key)
    if value not in allowed:
        raise Malformed(f"unknown {key}: {value!r}")
    return str(value)


def _iso_date(row: dict[str, Any], key: str, *, optional: bool = False) -> date | None:
    value = row.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Malformed(f"unreadable {key}: {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Malformed(f"unreadable {key}: {value!r}") from exc


def _compact_date(value: object, key: str) -> date:
    if not isinstance(value, str) or len(value) < 8 or not value[:8].isdigit():
        raise Malformed(f"unreadable {key}: {value!r}")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise Malformed(f"unreadable {key}: {value!r}") from exc


def _money(row: dict[str, Any], key: str) -> Decimal:
    value = row.get(key)
    try:
        amount = Decimal(str(value)) if isinstance(value, str | int | float) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise Malformed(f"unreadable {key}: {value!r}")
    return amount


def _required_date(row: dict[str, Any], key: str) -> date:
    found = _iso_date(row, key)
    if found is None:
        raise Malformed(f"{key} missing")
    return found


# -- civil ------------------------------------------------------------------------------


def _member(item: Any) -> Member:
    if not isinstance(item, dict):
        raise Malformed(f"member is not an object: {item!r}")
    covered = item.get("covered")
    if not isinstance(covered, bool):
        raise Malformed(f"covered is not true/false: {covered!r}")
    gender = _choice(item, "gender", frozenset({"1", "2"}))
    return Member(
        name=_text(item, "name"),
        raw_id=_text(item, "id_number"),
        relation=_choice(item, "relation", RELATIONS),
        gender="M" if gender == "1" else "F",
        birth=_required_date(item, "birth_date"),
        covered=covered,
    )


def _dibao(block: Any) -> Dibao | None:
    if block is None:
        return None
    if not isinstance(block, dict):
        raise Malformed(f"dibao is not an object: {block!r}")
    return Dibao(
        status=_choice(block, "status", DIBAO_STATUSES),
        start=_required_date(block, "start_date"),
        end=_iso_date(block, "end_date", optional=True),
        monthly_amount=_money(block, "monthly_amount"),
        per_capita_income=_money(block, "per_capita_income"),
        standard=_money(block, "standard"),
    )


def _household(row: dict[str, Any]) -> Household:
    members = row.get("members")
    if not isinstance(members, list):
        raise Malformed(f"members is not a list: {members!r}")
    parsed = []
    for index, item in enumerate(members):
        try:
            parsed.append(_member(item))
        except Malformed as exc:
            raise Malformed(f"member {index}: {exc}") from exc
    return Household(
        household_id=_text(row, "household_id"),
        region_code=_text(row, "region_code"),
        address=_optional_text(row, "address") or "",
        area_type=_choice(row, "area_type", frozenset({"urban", "rural"})),
        status=_choice(row, "status", frozenset({"active", "cancelled"})),
        members=tuple(parsed),
        dibao=_dibao(row.get("dibao")),
    )


def _tekun(row: dict[str, Any]) -> Tekun:
    return Tekun(
        raw_id=_text(row, "person_id_number"),
        name=_optional_text(row, "name") or "",
        household_id=_optional_text(row, "household_id"),
        status=_choice(row, "status", TEKUN_STATUSES),
        start=_required_date(row, "start_date"),
        end=_iso_date(row, "end_date", optional=True),
    )


def _payment(row: dict[str, Any]) -> Payment:
    _money(row, "amount")
    return Payment(
        payment_id=_text(row, "payment_id"),
        program=_choice(row, "program", PROGRAMS),
        raw_id=_text(row, "id_number"),
        household_id=_optional_text(row, "household_id"),
        paid_on=_required_date(row, "paid_on"),
        reason=_choice(row, "reason", REASONS),
    )


def _standard(row: dict[str, Any]) -> Standard:
    return Standard(
        county=_text(row, "county"),
        area_type=_choice(row, "area_type", frozenset({"urban", "rural"})),
        monthly=_money(row, "monthly_standard"),
        effective_from=_required_date(row, "effective_from"),
    )


# -- disability and medical ------------------------------------------------------------


def _certificate(row: dict[str, Any]) -> Certificate:
    subsidies = row.get("subsidies") or []
    if not isinstance(subsidies, list):
        raise Malformed(f"subsidies is not a list: {subsidies!r}")
    parsed = []
    for item in subsidies:
        if not isinstance(item, dict):
            raise Malformed(f"subsidy is not an object: {item!r}")
        parsed.append(
            Subsidy(
                type=_choice(item, "type", frozenset({"LIVING", "NURSING"})),
                status=_choice(item, "status", frozenset({"ACTIVE", "STOPPED"})),
            )
        )
    kind, level = row.get("disabilityType"), row.get("disabilityLevel")
    if not isinstance(kind, int) or not 1 <= kind <= 7:
        raise Malformed(f"unknown disabilityType: {kind!r}")
    if not isinstance(level, int) or not 1 <= level <= 4:
        raise Malformed(f"unknown disabilityLevel: {level!r}")
    valid_until = row.get("validUntil")
    return Certificate(
        cert_no=_text(row, "certNo"),
        name=_text(row, "name"),
        raw_id=_text(row, "idCard"),
        gender="M" if _choice(row, "gender", frozenset({"M", "F"})) == "M" else "F",
        birth=_compact_date(row.get("birthday"), "birthday"),
        type=kind,
        level=level,
        status=_choice(row, "certStatus", CERT_STATUSES),
        cancel_reason=_optional_text(row, "cancelReason"),
        valid_until=None if valid_until is None else _compact_date(valid_until, "validUntil"),
        modified_on=_compact_date(row.get("modifiedAt"), "modifiedAt"),
        subsidies=tuple(parsed),
    )


def _insured(row: dict[str, Any], year: int) -> Insured:
    records = []
    for item in row.get("records") or []:
        if isinstance(item, dict) and item.get("year") == year:
            records.append(
                Insurance(
                    insurance_type=str(item.get("insurance_type")),
                    region_code=str(item.get("region_code")),
                    status=str(item.get("status")),
                    subsidy_category=str(item.get("subsidy_category") or "NONE"),
                )
            )
    death = row.get("death_date")
    return Insured(
        id_number=str(row.get("id_number")),
        name=row.get("name") if isinstance(row.get("name"), str) else None,
        records=tuple(records),
        deceased=row.get("deceased") is True,
        death_date=date.fromisoformat(death) if isinstance(death, str) and death else None,
    )


# -- poverty ----------------------------------------------------------------------------


def _slash_date(value: str) -> date:
    parts = value.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise Malformed(f"unreadable 出生日期: {value!r}")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError as exc:
        raise Malformed(f"unreadable 出生日期: {value!r}") from exc


def _poverty_member(name: str, line: int, row: list[str]) -> PovertyMember:
    if len(row) != len(layout.POVERTY_HEADER):
        raise Malformed(f"{len(row)} fields, not {len(layout.POVERTY_HEADER)}")
    cell = dict(zip(layout.POVERTY_HEADER, row, strict=True))
    if cell["劳动技能"] not in SKILLS:
        raise Malformed(f"unknown 劳动技能: {cell['劳动技能']!r}")
    birth = _slash_date(cell["出生日期"])
    try:
        datetime.strptime(cell["更新时间"].strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError as exc:
        raise Malformed(f"unreadable 更新时间: {cell['更新时间']!r}") from exc
    try:
        income: Decimal | None = Decimal(cell["年人均纯收入"].strip())
    except InvalidOperation:
        income = None
    return PovertyMember(
        location=f"{name}:{line}",
        region_code=cell["区划代码"].strip(),
        household_no=cell["户编号"].strip(),
        name=cell["成员姓名"],
        raw_id=cell["证件号码"],
        relation=cell["与户主关系"].strip(),
        gender={"男": "M", "女": "F"}.get(cell["性别"].strip(), ""),
        birth=birth,
        skill=cell["劳动技能"],
        health=cell["健康状况"],
        school=cell["在校生状况"].strip(),
        risk_cleared=cell["风险是否消除"].strip(),
        income=income,
        address=cell["家庭住址"],
    )


def _newest_snapshots(root: Path) -> list[str]:
    listing = json.loads(layout.path(root, layout.POVERTY_LISTING).read_text("utf-8"))
    newest: dict[str, tuple[datetime, str]] = {}
    for entry in listing:
        created = datetime.fromisoformat(entry["created_at"])
        key = (created, entry["name"])
        if entry["county"] not in newest or key > newest[entry["county"]]:
            newest[entry["county"]] = key
    return sorted(name for _, name in newest.values())


def _load_poverty(root: Path, population: Population) -> None:
    listing = layout.path(root, layout.POVERTY_LISTING)
    if not listing.exists():
        return
    for name in _newest_snapshots(root):
        text = (layout.path(root, layout.POVERTY_FILES) / name).read_bytes().decode("gb18030")
        reader = csv.reader(io.StringIO(text, newline=""))
        next(reader, None)  # the header
        for row in reader:
            if not row:
                continue
            try:
                population.poverty.append(_poverty_member(name, reader.line_num, row))
            except Malformed as exc:
                population.quarantined.append(Quarantined("poverty", f"{name}:{reader.line_num}", str(exc)))


# -- the folder -------------------------------------------------------------------------


def _lines(root: Path, name: str) -> Iterator[dict[str, Any]]:
    file = layout.path(root, name)
    if not file.exists():
        return
    with file.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _each(
    rows: Iterator[dict[str, Any]],
    parse: Callable[[dict[str, Any]], _T],
    source: str,
    key: str,
    population: Population,
) -> Iterator[_T]:
    for row in rows:
        try:
            yield parse(row)
        except Malformed as exc:
            population.quarantined.append(Quarantined(source, str(row.get(key)), str(exc)))


def load(root: Path, check_date: date | None = None, year: int | None = None) -> Population:
    """Parse a population folder; the check date and year default to meta.json's."""
    meta_file = layout.path(root, layout.META)
    meta = json.loads(meta_file.read_text("utf-8")) if meta_file.exists() else {}
    if check_date is None:
        check_date = date.fromisoformat(meta["check_date"]) if "check_date" in meta else date.today()
    if year is None:
        year = int(meta["year"]) if "year" in meta else check_date.year
    population = Population(check_date=check_date, year=year)
    # A household sent again (a change, a cancellation) replaces its earlier
    # version: the file is in feed order, so the last version is the current one.
    households = _each(_lines(root, layout.CIVIL_HOUSEHOLDS), _household, "civil", "household_id", population)
    population.households = list({h.household_id: h for h in households}.values())
    population.tekun = list(
        _each(_lines(root, layout.CIVIL_TEKUN), _tekun, "civil", "person_id_number", population)
    )
    payments = _each(_lines(root, layout.CIVIL_PAYMENTS), _payment, "civil", "payment_id", population)
    population.payments = list({p.payment_id: p for p in payments}.values())
    standards_file = layout.path(root, layout.CIVIL_STANDARDS)
    if standards_file.exists():
        rows = json.loads(standards_file.read_text("utf-8"))
        population.standards = list(_each(iter(rows), _standard, "civil", "county", population))
    _load_poverty(root, population)
    certificates = _each(
        _lines(root, layout.DISABILITY_PERSONS), _certificate, "disability", "certNo", population
    )
    population.certificates = list({c.cert_no: c for c in certificates}.values())
    population.insured = [_insured(row, year) for row in _lines(root, layout.MEDICAL_INSURED)]
    return population
