"""Fixtures for the sandbox tests: small hand-written populations in the layout's wire formats.

The servers' contract tests use :func:`write_servers_population` (and the
``servers_population`` fixture built from it): a few dozen rows per department,
malformed ones included, enough to page, filter and fault over real HTTP.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox import layout

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CST = timezone(timedelta(hours=8))
SERVERS_REGIONS = ("530102001001", "530102002003", "530103001002")


def servers_id_number(region: str, birth: str, seq: int) -> str:
    """A valid 18-character number (check character computed)."""
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class ServersPopulation:
    """A population folder written for the servers' tests, and what it holds."""

    root: Path
    households: list[dict[str, Any]]
    tekun: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    disability: list[dict[str, Any]]
    medical: list[dict[str, Any]]
    exports: list[dict[str, Any]]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def servers_households(count: int = 30) -> list[dict[str, Any]]:
    """Households in feed order; pairs share an ``updated_at`` so ties are ordered by id."""
    start = datetime(2026, 3, 1, 10, 0, tzinfo=_CST)
    rows = []
    for i in range(count):
        region = SERVERS_REGIONS[i % 3]
        head = servers_id_number(region[:6], f"19{60 + i % 30:02d}0101", 2 * i + 1)
        rows.append(
            {
                "household_id": f"MZ{region[:6]}-{i:06d}",
                "region_code": region,
                "address": f"云南省昆明市五华区华山街道翠湖社区青云路{i}号",
                "area_type": "urban" if i % 2 else "rural",
                "status": "cancelled" if i == 7 else "active",
                "updated_at": (start + timedelta(hours=i // 2)).isoformat(),
                "members": [
                    {
                        "name": "张建国",
                        "id_number": head,
                        "relation": "02",
                        "gender": "1",
                        "birth_date": f"19{60 + i % 30:02d}-01-01",
                        "covered": True,
                    },
                ],
                "dibao": {
                    "category": "A",
                    "status": "active",
                    "start_date": "2024-05-01",
                    "end_date": None,
                    "monthly_amount": "—" if i == 11 else "612.00",
                    "per_capita_income": "180.00",
                    "standard": "750.00",
                },
            }
        )
    del rows[12]["members"][0]["id_number"]  # a malformed row is still served as it is
    return sorted(rows, key=lambda r: (r["updated_at"], r["household_id"]))


def servers_tekun(households: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A 特困 person in every fifth household."""
    rows = []
    for i, household in enumerate(households[::5]):
        rows.append(
            {
                "person_id_number": household["members"][0].get("id_number", ""),
                "name": "王德福",
                "household_id": household["household_id"],
                "support_mode": "scattered",
                "status": "active",
                "start_date": "2019-01-01",
                "end_date": None,
                "monthly_amount": "980.00",
                "care_level": "full_self_care",
                "updated_at": f"2026-02-{i + 1:02d}T09:00:00+08:00",
            }
        )
    return sorted(rows, key=lambda r: (r["updated_at"], r["person_id_number"]))


def servers_payments(households: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Eight payments over four days."""
    rows = []
    for i, household in enumerate(households[:8]):
        rows.append(
            {
                "payment_id": f"P2026-{i:07d}",
                "program": "TEMP_AID" if i % 2 else "MEDICAL_AID",
                "id_number": household["members"][0].get("id_number", ""),
                "household_id": household["household_id"],
                "amount": "1500.00",
                "paid_on": f"2026-02-{10 + i // 2:02d}",
                "reason": "illness",
                "region_code": household["region_code"],
            }
        )
    return sorted(rows, key=lambda r: (r["paid_on"], r["payment_id"]))


def servers_disability(count: int = 30) -> list[dict[str, Any]]:
    """Disability certificates sorted by certNo, modified on different days."""
    rows = []
    for i in range(count):
        region = SERVERS_REGIONS[i % 3]
        number = servers_id_number(region[:6], f"19{50 + i:02d}0202", 2 * i + 1)
        rows.append(
            {
                "certNo": f"{number}{i % 7 + 1}{i % 4 + 1}",
                "name": f"残疾人{i}",
                "idCard": number,
                "gender": "M",
                "birthday": f"19{50 + i:02d}0202",
                "disabilityType": i % 7 + 1,
                "disabilityLevel": i % 4 + 1,
                "certStatus": "VALID",
                "issueDate": "20200315",
                "validUntil": "20300314",
                "regionCode": region,
                "address": "五华区华山街道",
                "guardian": None,
                "subsidies": [
                    {
                        "type": "LIVING",
                        "status": "ACTIVE",
                        "monthlyAmount": 80.0,
                        "startDate": "20240101",
                        "endDate": None,
                    }
                ],
                "modifiedAt": f"202603{i % 28 + 1:02d}101500",
            }
        )
    return sorted(rows, key=lambda r: r["certNo"])


def servers_medical(count: int = 12) -> list[dict[str, Any]]:
    """Insured persons sorted by id_number, with records for 2025 and 2026; the last one died."""
    rows = []
    for i in range(count):
        number = servers_id_number("530102", f"19{70 + i:02d}0303", 2 * i + 2)
        records = [
            {
                "insurance_type": "RESIDENT",
                "region_code": "530102",
                "year": year,
                "status": "ENROLLED",
                "contribution": 40000,
                "subsidy_category": "DIBAO",
                "subsidy": 20000,
                "enrolled_on": f"{year - 1}-12-10",
            }
            for year in (2025, 2026)
        ]
        rows.append(
            {
                "id_number": number,
                "name": f"参保人{i}",
                "found": True,
                "records": records,
                "deceased": i == count - 1,
                "death_date": "2026-05-01" if i == count - 1 else None,
            }
        )
    return sorted(rows, key=lambda r: r["id_number"])


def servers_poverty_file(county: str, members: int) -> bytes:
    """A snapshot file in GB18030: the header and ``members`` member lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(layout.POVERTY_HEADER)
    for i in range(members):
        number = servers_id_number(county, f"19{80 + i:02d}0404", 2 * i + 1)
        writer.writerow(
            [
                f"{county}001001",
                f"{county}001001-{i // 3:04d}",
                "李秀英",
                f"李{'一二三四五六七八九十'[i % 10]}",
                number,
                "户主" if i % 3 == 0 else "之子",
                "男",
                f"19{80 + i}/4/4",
                "彝族",
                "普通劳动力",
                "残疾,长期慢性病",
                "",
                "脱贫户",
                "",
                "4230.5",
                "五华区华山街道𠀀村",
                "2016",
                "2026-11-01 02:00:00",
            ]
        )
    return out.getvalue().encode("gb18030")


def write_servers_population(root: Path) -> ServersPopulation:
    """Write the servers' test population under ``root`` and describe it."""
    households = servers_households()
    tekun, payments = servers_tekun(households), servers_payments(households)
    disability, medical = servers_disability(), servers_medical()
    _jsonl(layout.path(root, layout.CIVIL_HOUSEHOLDS), households)
    _jsonl(layout.path(root, layout.CIVIL_TEKUN), tekun)
    _jsonl(layout.path(root, layout.CIVIL_PAYMENTS), payments)
    standards = [
        {
            "county": "530102",
            "area_type": "urban",
            "monthly_standard": "750.00",
            "effective_from": "2026-01-01",
        },
        {
            "county": "530102",
            "area_type": "rural",
            "monthly_standard": "520.00",
            "effective_from": "2026-01-01",
        },
    ]
    layout.path(root, layout.CIVIL_STANDARDS).write_text(
        json.dumps(standards, ensure_ascii=False), encoding="utf-8"
    )
    _jsonl(layout.path(root, layout.DISABILITY_PERSONS), disability)
    _jsonl(layout.path(root, layout.MEDICAL_INSURED), medical)
    files = layout.path(root, layout.POVERTY_FILES)
    files.mkdir(parents=True, exist_ok=True)
    exports = []
    for county, members in (("530102", 9), ("530103", 4)):
        name = f"fpxx_{county}_20261101.csv"
        data = servers_poverty_file(county, members)
        (files / name).write_bytes(data)
        exports.append(
            {
                "name": name,
                "county": county,
                "created_at": "2026-11-01T02:00:00+08:00",
                "rows": members,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    layout.path(root, layout.POVERTY_LISTING).write_text(
        json.dumps(exports, ensure_ascii=False), encoding="utf-8"
    )
    meta = {
        "seed": 0,
        "persons": 100,
        "province": "53",
        "noise": 0.0,
        "case_rate": 0.0,
        "check_date": "2026-11-23",
        "year": 2026,
        "counts": {},
    }
    layout.path(root, layout.META).write_text(json.dumps(meta), encoding="utf-8")
    return ServersPopulation(root, households, tekun, payments, disability, medical, exports)


@pytest.fixture(scope="session")
def servers_population(tmp_path_factory: pytest.TempPathFactory) -> ServersPopulation:
    """One read-only population for the servers' tests (tests that rewrite files make their own)."""
    return write_servers_population(tmp_path_factory.mktemp("servers-population"))


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """A real HTTP client for the servers' tests (loopback, no ASGI transport), closed after the test."""
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield client
