"""Canonical records as plain parameter rows: what ``graph.ingest`` hands to ``UNWIND $rows``.

Dates stay ``datetime.date`` (Neo4j ``DATE``), times aware ``datetime`` (``DATETIME``),
``Decimal`` becomes ``float`` yuan, enums their string value, and every fact node gets
its provenance as ``source``, ``record_key``, ``fetched_at`` and ``raw``. A ``None``
in a ``props`` map removes the property (``SET n += row.props``), so a value that
disappears at the source disappears from the graph.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from adapters import records as r
from adapters.normalise import birth_date_of, gender_of, parse_id_number

Row = dict[str, Any]

LEVEL_DIGITS: Final = (2, 4, 6, 9, 12)
"""Significant digits of a region code at levels 1 (province) … 5 (village)."""


def money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def provenance(p: r.Provenance) -> Row:
    return {"source": str(p.source), "record_key": p.record_key, "fetched_at": p.fetched_at, "raw": p.raw}


def person(id_number: r.IdNumber | str) -> Row:
    """The ``Person`` a number names: its value, and what the digits themselves say."""
    idn = parse_id_number(id_number) if isinstance(id_number, str) else id_number
    gender = gender_of(idn)
    head = idn.value[:6]
    return {
        "id": idn.value,
        "valid": idn.valid,
        "birth_date": birth_date_of(idn),
        "gender": None if gender is None else str(gender),
        "region6": head if len(head) == 6 and head.isascii() and head.isdigit() else None,
    }


def region_chain(code: str) -> list[Row]:
    """The ``Region`` rows of a code and every level above it, province first.

    ``code`` is the 12-digit zero-padded code at every level; ``prefix`` the 2, 4, 6, 9
    or 12 significant digits; the level is that of the last non-zero segment, so the
    county code ``530102`` and ``530102000000`` name the same node.
    """
    text = code.strip()
    if not (text.isascii() and text.isdigit() and len(text) in LEVEL_DIGITS):
        return []
    padded = text.ljust(12, "0")
    starts = (0, *LEVEL_DIGITS[:-1])
    level = max(
        (i + 1 for i, (a, b) in enumerate(zip(starts, LEVEL_DIGITS, strict=True)) if int(padded[a:b])),
        default=0,
    )
    chain: list[Row] = []
    for i in range(level):
        prefix = padded[: LEVEL_DIGITS[i]]
        parent = chain[-1]["code"] if chain else None
        chain.append({"code": prefix.ljust(12, "0"), "level": i + 1, "prefix": prefix, "parent": parent})
    return chain


def region_code12(code: str) -> str | None:
    """The ``Region.code`` a household or certificate sits in (``None`` when unreadable)."""
    chain = region_chain(code)
    return str(chain[-1]["code"]) if chain else None


def place(key: str, region_code: str, address_key: str) -> Row:
    return {"key": key, "region": region_code12(region_code), "address_key": address_key or None}


# ---------------------------------------------------------------------------
# 民政 civil affairs


def civil_key(household_id: str) -> str:
    return f"civil:{household_id}"


def civil_household(h: r.CivilHousehold) -> Row:
    d = h.dibao
    props: Row = {
        "household_id": h.household_id,
        "region_code": h.region_code,
        "county": h.region_code[:6],
        "address": h.address,
        "address_key": h.address_key,
        "area_type": h.area_type,
        "status": h.status,
        "updated_at": h.updated_at,
        "dibao": d is not None,
        "dibao_category": d and d.category,
        "dibao_status": d and d.status,
        "dibao_start": d and d.start_date,
        "dibao_end": d and d.end_date,
        "dibao_amount": d and money(d.monthly_amount),
        "dibao_income": d and money(d.per_capita_income),
        "dibao_standard": d and money(d.standard),
        **provenance(h.provenance),
    }
    key = civil_key(h.household_id)
    return {
        **place(key, h.region_code, h.address_key),
        "props": props,
        "pids": [m.id_number.value for m in h.members],
    }


def civil_member(household_key: str, m: r.CivilMember) -> Row:
    return {
        "hh": household_key,
        "pid": m.id_number.value,
        "props": {
            "relation": str(m.relation),
            "relation_code": m.relation_code,
            "covered": m.covered,
            "name": m.name,
            "name_key": m.name_key,
            "gender": None if m.gender is None else str(m.gender),
            "birth_date": m.birth_date,
            "raw_id": m.id_number.raw,
        },
    }


def tekun_key(t: r.TekunRecord) -> str:
    start = "" if t.start_date is None else t.start_date.isoformat()
    return f"{t.id_number.value}|{t.household_id}|{start}"


def tekun(t: r.TekunRecord) -> Row:
    return {
        "key": tekun_key(t),
        "pid": t.id_number.value,
        "hh": civil_key(t.household_id),
        "household_id": t.household_id,
        "props": {
            "household_id": t.household_id,
            "support_mode": t.support_mode,
            "status": t.status,
            "start_date": t.start_date,
            "end_date": t.end_date,
            "monthly_amount": money(t.monthly_amount),
            "care_level": t.care_level,
            "updated_at": t.updated_at,
            "name": t.name,
            "name_key": t.name_key,
            "raw_id": t.id_number.raw,
            **provenance(t.provenance),
        },
    }


def payment(p: r.Payment) -> Row:
    return {
        "key": p.payment_id,
        "pid": p.id_number.value,
        "hh": civil_key(p.household_id),
        "household_id": p.household_id,
        "props": {
            "program": p.program,
            "amount": money(p.amount),
            "paid_on": p.paid_on,
            "reason": p.reason,
            "region_code": p.region_code,
            "household_id": p.household_id,
            "raw_id": p.id_number.raw,
            **provenance(p.provenance),
        },
    }


def standard_key(s: r.DibaoStandard) -> str:
    return f"{s.county}|{s.area_type}|{s.effective_from.isoformat()}"


def standard(s: r.DibaoStandard) -> Row:
    return {
        "key": standard_key(s),
        "props": {
            "county": s.county,
            "area_type": s.area_type,
            "monthly_standard": money(s.monthly_standard),
            "effective_from": s.effective_from,
        },
    }


# ---------------------------------------------------------------------------
# 乡村振兴 poverty relief


def poverty_key(household_id: str) -> str:
    return f"poverty:{household_id}"


def _line(record_key: str) -> int | None:
    tail = record_key.rpartition(":")[2]
    return int(tail) if tail.isdigit() else None


def poverty_household(m: r.PovertyMember) -> Row:
    key = poverty_key(m.household_id)
    props: Row = {
        "household_id": m.household_id,
        "region_code": m.region_code,
        "county": m.county,
        "head_name": m.head_name,
        "address": m.address,
        "address_key": m.address_key,
        "household_type": m.household_type,
        "risk_cleared": m.risk_cleared,
        "income_per_capita_year": money(m.income_per_capita_year),
        "year_identified": m.year_identified,
        "snapshot": m.snapshot,
        **provenance(m.provenance),
    }
    return {**place(key, m.region_code, m.address_key), "props": props}


def poverty_member(m: r.PovertyMember) -> Row:
    return {
        "hh": poverty_key(m.household_id),
        "pid": m.id_number.value,
        "props": {
            "relation": str(m.relation),
            "relation_word": m.relation_word,
            "name": m.name,
            "name_key": m.name_key,
            "gender": None if m.gender is None else str(m.gender),
            "birth_date": m.birth_date,
            "ethnicity": m.ethnicity,
            "labour_skill": m.labour_skill,
            "health": list(m.health),
            "school": m.school,
            "raw_id": m.id_number.raw,
            "line": _line(m.provenance.record_key),
            "snapshot": m.snapshot,
        },
    }


# ---------------------------------------------------------------------------
# 残联 disability


def subsidy_key(cert_no: str, s: r.DisabilitySubsidy) -> str:
    start = "" if s.start_date is None else s.start_date.isoformat()
    return f"{cert_no}|{s.type}|{start}"


def certificate(c: r.Certificate) -> Row:
    props: Row = {
        "cert_no": c.cert_no,
        "id_card_raw": c.id_number.raw,
        "disability_type": c.disability_type,
        "disability_level": c.disability_level,
        "status": c.status,
        "cancel_reason": c.cancel_reason,
        "issue_date": c.issue_date,
        "valid_until": c.valid_until,
        "region_code": c.region_code,
        "address": c.address,
        "address_key": c.address_key,
        "modified_at": c.modified_at,
        "guardian_name": c.guardian_name,
        "guardian_id": c.guardian_id,
        **provenance(c.provenance),
    }
    subsidies = [
        {
            "key": subsidy_key(c.cert_no, s),
            "props": {
                "type": s.type,
                "status": s.status,
                "monthly_amount": money(s.monthly_amount),
                "start_date": s.start_date,
                "end_date": s.end_date,
            },
        }
        for s in c.subsidies
    ]
    return {
        **place(c.cert_no, c.region_code, c.address_key),
        "pid": c.id_number.value,
        "props": props,
        "holds": {
            "name": c.name,
            "name_key": c.name_key,
            "gender": None if c.gender is None else str(c.gender),
            "birth_date": c.birth_date,
            "raw_id": c.id_number.raw,
        },
        "subsidies": subsidies,
        "keep": [s["key"] for s in subsidies],
    }


# ---------------------------------------------------------------------------
# 医保 medical insurance


def medical_answer(a: r.MedicalAnswer) -> Row:
    key = f"{a.id_number}|{a.year}"
    insurance = [
        {
            "key": f"{key}|{n}",
            "props": {
                "insurance_type": i.insurance_type,
                "region_code": i.region_code,
                "year": i.year,
                "status": i.status,
                "contribution": money(i.contribution),
                "subsidy_category": i.subsidy_category,
                "subsidy": money(i.subsidy),
                "enrolled_on": i.enrolled_on,
            },
        }
        for n, i in enumerate(a.records)
    ]
    return {
        "key": key,
        "pid": a.id_number,
        "props": {
            "year": a.year,
            "found": a.found,
            "name": a.name,
            "name_key": a.name_key,
            "deceased": a.deceased,
            "death_date": a.death_date,
            **provenance(a.provenance),
        },
        "insurance": insurance,
        "keep": [i["key"] for i in insurance],
    }
