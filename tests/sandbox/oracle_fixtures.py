"""Tiny hand-written populations for the oracle tests, written in the layout's wire formats."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox import layout

CHECK = "2026-11-23"
COUNTY = "530102"
VILLAGE = "530102001001"
ADDRESS = "云南省昆明市五华区华山街道翠湖社区青云路12号"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def idn(birth: str = "19800101", seq: int = 123, region: str = COUNTY) -> str:
    """A valid 18-character number; odd sequence for a man, even for a woman."""
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def typo(number: str) -> str:
    """The same number with a wrong check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def _iso(number: str) -> str:
    return f"{number[6:10]}-{number[10:12]}-{number[12:14]}"


def member(
    number: str, name: str, relation: str = "02", covered: bool = True, **extra: Any
) -> dict[str, Any]:
    """A civil household member; birth date and gender taken from a valid number unless given."""
    row = {
        "name": name,
        "id_number": number,
        "relation": relation,
        "gender": "1" if int(number[16]) % 2 else "2",
        "birth_date": _iso(number),
        "covered": covered,
    }
    row.update(extra)
    return row


def dibao(
    status: str = "active",
    start: str = "2024-05-01",
    end: str | None = None,
    amount: str = "100.00",
    income: str = "600.00",
    standard: str = "750.00",
) -> dict[str, Any]:
    """A 低保 block; by default paid well within its entitlement."""
    return {
        "category": "B",
        "status": status,
        "start_date": start,
        "end_date": end,
        "monthly_amount": amount,
        "per_capita_income": income,
        "standard": standard,
    }


@dataclass
class World:
    """A population under construction; ``write`` puts it on disk."""

    root: Path
    households: list[dict[str, Any]] = field(default_factory=list)
    tekun_rows: list[dict[str, Any]] = field(default_factory=list)
    payment_rows: list[dict[str, Any]] = field(default_factory=list)
    poverty_rows: list[list[str]] = field(default_factory=list)
    poverty_extra: list[str] = field(default_factory=list)  # raw lines, for malformed rows
    persons: list[dict[str, Any]] = field(default_factory=list)
    insured_rows: list[dict[str, Any]] = field(default_factory=list)
    standards: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {
                "county": COUNTY,
                "area_type": "urban",
                "monthly_standard": "750.00",
                "effective_from": "2026-01-01",
            },
            {
                "county": COUNTY,
                "area_type": "rural",
                "monthly_standard": "520.00",
                "effective_from": "2026-01-01",
            },
        ]
    )

    def household(
        self,
        hid: str,
        *members: dict[str, Any],
        block: dict[str, Any] | None = None,
        status: str = "active",
        address: str = ADDRESS,
        region: str = VILLAGE,
    ) -> str:
        """Add a civil household (a 低保 one unless ``block`` is given as something else)."""
        self.households.append(
            {
                "household_id": hid,
                "region_code": region,
                "address": address,
                "area_type": "urban",
                "status": status,
                "updated_at": "2026-03-01T10:00:00+08:00",
                "members": list(members),
                "dibao": dibao() if block is None else block,
            }
        )
        return f"civil:{hid}"

    def plain_household(self, hid: str, *members: dict[str, Any], **kw: Any) -> str:
        """A civil household on file without a 低保 block."""
        ref = self.household(hid, *members, **kw)
        self.households[-1]["dibao"] = None
        return ref

    def tekun(
        self, number: str, name: str, hid: str = "MZ-T1", status: str = "active", start: str = "2019-01-01"
    ) -> None:
        """Add a 特困 record."""
        self.tekun_rows.append(
            {
                "person_id_number": number,
                "name": name,
                "household_id": hid,
                "support_mode": "scattered",
                "status": status,
                "start_date": start,
                "end_date": None,
                "monthly_amount": "980.00",
                "care_level": "full_self_care",
                "updated_at": "2026-02-01T09:00:00+08:00",
            }
        )

    def payment(
        self, pid: str, number: str, paid_on: str, reason: str = "illness", hid: str | None = None
    ) -> None:
        """Add a 临时救助 payment."""
        self.payment_rows.append(
            {
                "payment_id": pid,
                "program": "TEMP_AID",
                "id_number": number,
                "household_id": hid,
                "amount": "1500.00",
                "paid_on": paid_on,
                "reason": reason,
                "region_code": VILLAGE,
            }
        )

    def poverty(
        self,
        hno: str,
        number: str,
        name: str,
        relation: str = "户主",
        *,
        skill: str = "普通劳动力",
        health: str = "健康",
        school: str = "",
        risk: str = "是",
        income: str = "3000",
        address: str = ADDRESS,
        region: str = VILLAGE,
        birth: str | None = None,
    ) -> str:
        """Add a poverty-relief member line."""
        born = birth or f"{int(number[6:10])}/{int(number[10:12])}/{int(number[12:14])}"
        gender = "男" if int(number[-2 if len(number) == 18 else -1]) % 2 else "女"
        row = [region, hno, "户主", name, number, relation, gender, born, "汉族", skill, health, school]
        row.extend(["脱贫户", risk, income, address, "2016", "2026-10-01 08:00:00"])
        self.poverty_rows.append(row)
        return f"poverty:{hno}"

    def certificate(
        self,
        number: str,
        name: str,
        *,
        kind: int = 4,
        level: int = 4,
        status: str = "VALID",
        subsidies: tuple[tuple[str, str], ...] = (),
        cancel_reason: str | None = None,
        valid_until: str = "20300314",
        modified: str = "20260301101500",
        cert_no: str | None = None,
        of: str | None = None,
    ) -> None:
        """Add a disability certificate; ``of`` is the clean number when ``number`` is dirty."""
        clean = of or number
        row: dict[str, Any] = {
            "certNo": cert_no or f"{number}{kind}{level}",
            "name": name,
            "idCard": number,
            "gender": "M" if int(clean[16]) % 2 else "F",
            "birthday": clean[6:14],
            "disabilityType": kind,
            "disabilityLevel": level,
            "certStatus": status,
            "issueDate": "20200315",
            "validUntil": valid_until,
            "regionCode": VILLAGE,
            "address": "五华区华山街道翠湖社区青云路12号",
            "guardian": None,
            "subsidies": [
                {"type": t, "status": s, "monthlyAmount": 80.0, "startDate": "20240101", "endDate": None}
                for t, s in subsidies
            ],
            "modifiedAt": modified,
        }
        if cancel_reason:
            row["cancelReason"] = cancel_reason
        self.persons.append(row)

    def insured(
        self,
        number: str,
        name: str,
        *records: tuple[str, str, str, str],
        deceased: bool = False,
        death_date: str | None = None,
        year: int = 2026,
    ) -> None:
        """Add a medical answer; each record is (type, region, status, subsidy category)."""
        self.insured_rows.append(
            {
                "id_number": number,
                "name": name,
                "found": True,
                "records": [
                    {
                        "insurance_type": t,
                        "region_code": r,
                        "year": year,
                        "status": s,
                        "contribution": 40000,
                        "subsidy_category": c,
                        "subsidy": 0,
                        "enrolled_on": "2025-12-10",
                    }
                    for t, r, s, c in records
                ],
                "deceased": deceased,
                "death_date": death_date,
            }
        )

    def enrol(self, number: str, name: str, category: str = "DIBAO") -> None:
        """Insure a person for the year, so that the insurance rules stay quiet."""
        self.insured(number, name, ("RESIDENT", COUNTY, "ENROLLED", category))

    def write(self, check_date: str = CHECK) -> Path:
        """Write the population folder and return it."""
        root = self.root
        (root / "civil").mkdir(parents=True, exist_ok=True)
        (root / layout.POVERTY_FILES).mkdir(parents=True, exist_ok=True)
        (root / "disability").mkdir(parents=True, exist_ok=True)
        (root / "medical").mkdir(parents=True, exist_ok=True)
        meta = {"seed": 0, "persons": 0, "check_date": check_date, "year": int(check_date[:4])}
        layout.path(root, layout.META).write_text(json.dumps(meta), "utf-8")
        for name, rows in (
            (layout.CIVIL_HOUSEHOLDS, self.households),
            (layout.CIVIL_TEKUN, self.tekun_rows),
            (layout.CIVIL_PAYMENTS, self.payment_rows),
            (layout.DISABILITY_PERSONS, self.persons),
            (layout.MEDICAL_INSURED, self.insured_rows),
        ):
            text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            layout.path(root, name).write_text(text, "utf-8")
        layout.path(root, layout.CIVIL_STANDARDS).write_text(json.dumps(self.standards), "utf-8")
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(layout.POVERTY_HEADER)
        writer.writerows(self.poverty_rows)
        body = out.getvalue() + "".join(line + "\r\n" for line in self.poverty_extra)
        name = f"fpxx_{COUNTY}_20261101.csv"
        (root / layout.POVERTY_FILES / name).write_bytes(body.encode("gb18030"))
        listing = [{"name": name, "county": COUNTY, "created_at": "2026-11-01T02:00:00+08:00", "rows": 0}]
        layout.path(root, layout.POVERTY_LISTING).write_text(json.dumps(listing), "utf-8")
        return root
