"""The on-disk layout of a generated population: what the generator writes, the servers read.

Every data file holds rows exactly as the department system sends them (the wire
format of its contract), malformed rows included, so a server only pages, filters
and encodes; it never builds a row. Paths are relative to the population folder::

    meta.json                 {"seed", "persons", "province", "noise", "case_rate",
                               "check_date": "YYYY-MM-DD", "year": 2026,
                               "counts": {...}}
    regions.jsonl             {"code", "name", "level", "parent"}  (12-digit codes)
    civil/households.jsonl    one household item per line, sorted by (updated_at, household_id)
    civil/tekun.jsonl         one 特困 item per line, sorted by (updated_at, person_id_number)
    civil/payments.jsonl      one payment per line, sorted by (paid_on, payment_id)
    civil/standards.json      the standards list, newest last
    poverty/exports.json      the listing: [{"name", "county", "created_at", "rows", "sha256"}]
    poverty/files/<name>      each snapshot file, GB18030 bytes exactly as served
    disability/persons.jsonl  one person item per line, sorted by certNo
    medical/insured.jsonl     one answer object per known person, sorted by id_number:
                              {"id_number", "name", "found": true, "records": [... every
                               year ...], "deceased", "death_date"}; the server keeps the
                               asked year's records only
    truth.jsonl               one planted case per line (contracts/README.md format)
    lookalikes.jsonl          one legitimate look-alike per line: {"rule", "persons",
                              "households", "why"} — must not be flagged
    typos.jsonl               one deliberately mistyped ID number per line: {"source", "raw",
                              "id_number"} (the number it stands for)
    malformed.jsonl           one planted malformed row per line: {"source", "location",
                              "reason"}; location is the record key (household_id,
                              payment_id, certNo) or "<file name>:<line>" (line 1 = header)

A line of a ``.jsonl`` file is one JSON object in UTF-8 (``ensure_ascii=False``).
``sandbox mutate`` rewrites these files in place (atomically, file by file); a
running server notices the change by the file's modification time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

META: Final = "meta.json"
REGIONS: Final = "regions.jsonl"
CIVIL_HOUSEHOLDS: Final = "civil/households.jsonl"
CIVIL_TEKUN: Final = "civil/tekun.jsonl"
CIVIL_PAYMENTS: Final = "civil/payments.jsonl"
CIVIL_STANDARDS: Final = "civil/standards.json"
POVERTY_LISTING: Final = "poverty/exports.json"
POVERTY_FILES: Final = "poverty/files"
DISABILITY_PERSONS: Final = "disability/persons.jsonl"
MEDICAL_INSURED: Final = "medical/insured.jsonl"
TRUTH: Final = "truth.jsonl"
LOOKALIKES: Final = "lookalikes.jsonl"
MALFORMED: Final = "malformed.jsonl"
TYPOS: Final = "typos.jsonl"
ENDPOINTS: Final = "endpoints.json"

POVERTY_HEADER: Final[tuple[str, ...]] = (
    "区划代码",
    "户编号",
    "户主姓名",
    "成员姓名",
    "证件号码",
    "与户主关系",
    "性别",
    "出生日期",
    "民族",
    "劳动技能",
    "健康状况",
    "在校生状况",
    "户类型",
    "风险是否消除",
    "年人均纯收入",
    "家庭住址",
    "识别年度",
    "更新时间",
)
"""The snapshot file's header, in column order."""


def path(root: Path, name: str) -> Path:
    """The path of one file of the layout under a population folder."""
    return root / name
