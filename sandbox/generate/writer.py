"""Rows: each department's wire format for the facts of one county, noise included.

The servers only page and filter these rows (``sandbox/layout.py``), so everything a
department would send — raw numbers, spellings, malformed rows — is decided here.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from sandbox.generate.model import CivilHousehold, Payment, Person, PovertyHousehold, Tekun
from sandbox.layout import POVERTY_HEADER

TZ = "+08:00"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + TZ


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def _id(p: Person, source: str) -> str:
    return p.raw_id.get(source, p.id18)


def _name(p: Person, source: str) -> str:
    return p.written_name.get(source, p.name)


def civil_row(hh: CivilHousehold, address: str) -> dict[str, object]:
    members: list[dict[str, object]] = []
    for i, m in enumerate(hh.members):
        p = m.person
        row: dict[str, object] = {
            "name": _name(p, "civil"),
            "id_number": _id(p, "civil"),
            "relation": m.relation,
            "gender": "1" if p.male else "2",
            "birth_date": p.born.isoformat(),
            "covered": m.covered,
        }
        if hh.malformed == "id" and i == len(hh.members) - 1:
            del row["id_number"]
        if hh.malformed == "relation" and i == len(hh.members) - 1:
            row["relation"] = "X3"
        members.append(row)
    dibao: dict[str, object] | None = None
    d = hh.dibao
    if d is not None:
        assert d.amount is not None  # settled before writing
        dibao = {
            "category": d.category,
            "status": d.status,
            "start_date": d.start.isoformat(),
            "end_date": d.end.isoformat() if d.end else None,
            "monthly_amount": "—" if hh.malformed == "amount" else money(d.amount),
            "per_capita_income": money(d.per_capita_income),
            "standard": money(d.standard),
        }
    return {
        "household_id": hh.hid,
        "region_code": hh.village.code,
        "address": address,
        "area_type": hh.area,
        "status": hh.status,
        "updated_at": iso(hh.updated),
        "members": members,
        "dibao": dibao,
    }


def tekun_row(t: Tekun) -> dict[str, object]:
    return {
        "person_id_number": _id(t.person, "civil"),
        "name": _name(t.person, "civil"),
        "household_id": t.hid,
        "support_mode": t.mode,
        "status": t.status,
        "start_date": t.start.isoformat(),
        "end_date": t.end.isoformat() if t.end else None,
        "monthly_amount": money(t.amount),
        "care_level": t.care,
        "updated_at": iso(t.updated),
    }


def payment_row(pay: Payment) -> dict[str, object]:
    return {
        "payment_id": pay.pid,
        "program": pay.program,
        "id_number": _id(pay.person, "civil"),
        "household_id": pay.hid,
        "amount": "—" if pay.malformed else money(pay.amount),
        "paid_on": pay.paid_on.isoformat(),
        "reason": pay.reason,
        "region_code": pay.region,
    }


def poverty_lines(ph: PovertyHousehold, address: str) -> list[tuple[list[str], str | None]]:
    """(fields, fault) per member line; a fault names how the line breaks the contract."""
    head = ph.members[0].person
    out: list[tuple[list[str], str | None]] = []
    for m in ph.members:
        p = m.person
        born = f"{p.born.year}/{p.born.month}/{p.born.day}"
        fields = [
            ph.village.code,
            ph.hid,
            _name(head, "poverty"),
            _name(p, "poverty"),
            _id(p, "poverty"),
            m.word,
            "男" if p.male else "女",
            born,
            p.ethnicity,
            m.labour,
            p.health,
            p.school,
            ph.kind,
            ph.risk,
            f"{ph.income:.1f}",
            address,
            str(ph.year),
            ph.updated.strftime("%Y-%m-%d %H:%M:%S"),
        ]
        if m.malformed == "fields":
            fields = fields[:-2] + fields[-1:]
        elif m.malformed == "labour":
            fields[9] = "半劳力"
        elif m.malformed == "date":
            fields[7] = f"{p.born.year}/13/{p.born.day + 31}"
        out.append((fields, m.malformed))
    return out


def csv_bytes(lines: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(POVERTY_HEADER)
    writer.writerows(lines)
    return buf.getvalue().encode("gb18030")


def disability_row(p: Person, address: str, guardian: Person | None, fault: str | None) -> dict[str, object]:
    cert = p.cert
    assert cert is not None and cert.subsidies is not None
    birthday = f"{cert.birthday or p.born:%Y%m%d}"
    if fault == "birthday":
        birthday = "2O" + birthday[2:]  # a letter O typed for a zero: unreadable
    row: dict[str, object] = {
        "certNo": cert.cert_no or f"{p.id18}{cert.type}{cert.level}",
        "name": _name(p, "disability"),
        "idCard": _id(p, "disability"),
        "gender": "M" if p.male else "F",
        "birthday": birthday,
        "disabilityType": cert.type if fault != "type" else 9,
        "disabilityLevel": cert.level if fault != "level" else 0,
        "certStatus": cert.status,
        "issueDate": f"{cert.issued:%Y%m%d}",
        "validUntil": f"{cert.valid_until:%Y%m%d}",
        "regionCode": p.village.code,
        "address": address,
        "guardian": {"name": _name(guardian, "disability"), "idCard": _id(guardian, "disability")}
        if guardian
        else None,
        "subsidies": [
            {
                "type": s.type,
                "status": s.status,
                "monthlyAmount": s.amount,
                "startDate": f"{s.start:%Y%m%d}",
                "endDate": f"{s.end:%Y%m%d}" if s.end else None,
            }
            for s in cert.subsidies
        ],
        "modifiedAt": cert.modified.strftime("%Y%m%d%H%M%S"),
    }
    if cert.status == "CANCELLED":
        row["cancelReason"] = cert.cancel_reason
    return row


def medical_row(p: Person) -> dict[str, object]:
    death: date | None = p.death if p.death_known_to_medical else None
    return {
        "id_number": p.id18,
        "name": p.medical_name or _name(p, "medical"),
        "found": True,
        "records": p.medical,
        "deceased": death is not None,
        "death_date": death.isoformat() if death else None,
    }
