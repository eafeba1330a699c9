"""The poverty-relief system, 建档立卡 / 防返贫监测 (source ``poverty``): county snapshot files.

No query API: each county publishes a full snapshot now and then as CSV in GB18030
(``contracts/poverty-relief.md``). The newest snapshot of a county is its whole
registry, so after the last row the adapter yields a :class:`PovertySnapshot` with
every household id seen, and the graph retires the households missing from it.

A file is downloaded to a temporary file while its sha256 is computed; a mismatch
means another download (up to ``download_attempts``), then
:class:`adapters.errors.IntegrityFailure`. No row of an unverified file is ever
yielded. The verified file is then decoded line by line, never held whole in memory.

Each snapshot is its own stream (``Page.stream`` is the file name). Resume tokens
are ``"<file name>:<line>"``: the last line of the file the hub has committed (the
header is line 1). The final page of a snapshot has ``resume=None``.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import AsyncIterator, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from adapters import normalise as n
from adapters.errors import ContractViolation, IntegrityFailure, SourceUnavailable
from adapters.http import Clock, RetryPolicy, Sleep, SourceClient
from adapters.records import Page, PovertyMember, PovertySnapshot, Provenance, Quarantined, Record, Source

SOURCE = Source.POVERTY
ENCODING = "gb18030"
COLUMNS = (
    "区划代码", "户编号", "户主姓名", "成员姓名", "证件号码", "与户主关系", "性别", "出生日期", "民族",
    "劳动技能", "健康状况", "在校生状况", "户类型", "风险是否消除", "年人均纯收入", "家庭住址", "识别年度", "更新时间",
)  # fmt: skip
LABOUR_SKILLS = ("技能劳动力", "普通劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
_CHUNK = 64 * 1024

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Export:
    """One snapshot file as the listing describes it."""

    name: str
    county: str
    created_at: datetime
    rows: int
    sha256: str


class PovertyAdapter:
    """Client of the poverty-relief system's snapshot exports."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        api_key: str,
        page_size: int = 1000,
        rate: float = 5.0,
        download_attempts: int = 3,
        tmp_dir: str | Path | None = None,
        policy: RetryPolicy | None = None,
        timeout: float = 120.0,  # a file of several MB may come slowly
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        if page_size < 1 or download_attempts < 1:
            raise ValueError(
                f"page_size and download_attempts must be positive: {page_size}, {download_attempts}"
            )
        self._http = SourceClient(
            client,
            source=SOURCE,
            base_url=base_url,
            rate=rate,
            policy=policy,
            timeout=timeout,
            sleep=sleep,
            clock=clock,
        )
        self._headers = {"X-Api-Key": api_key}
        self._page_size = page_size
        self._attempts = download_attempts
        self._tmp_dir = tmp_dir

    async def exports(self) -> list[Export]:
        """Every snapshot the system lists."""
        body = await self._http.json("GET", "/exports", headers=self._headers)
        if not isinstance(body, list):
            raise ContractViolation(SOURCE, "/exports: not a list")
        try:
            return [
                Export(
                    name=n.text(item, "name"),
                    county=n.text(item, "county"),
                    created_at=n.parse_datetime(n.text(item, "created_at")),
                    rows=int(n.field(item, "rows")),
                    sha256=n.text(item, "sha256").lower(),
                )
                for item in body
            ]
        except (ValueError, TypeError) as exc:
            raise ContractViolation(SOURCE, f"/exports: {exc}") from exc

    async def newest(self, ingested: Collection[str] = ()) -> list[Export]:
        """The newest snapshot of each county, leaving out those already ``ingested`` (by name)."""
        newest: dict[str, Export] = {}
        for export in await self.exports():
            current = newest.get(export.county)
            if current is None or (export.created_at, export.name) > (current.created_at, current.name):
                newest[export.county] = export
        return sorted((e for e in newest.values() if e.name not in ingested), key=lambda e: e.county)

    async def snapshots(
        self, *, ingested: Collection[str] = (), resume: str | None = None
    ) -> AsyncIterator[Page]:
        """The pages of every county's newest snapshot not yet ingested, one stream per file."""
        resumed = resume.rpartition(":")[0] if resume else None
        for export in await self.newest(ingested):
            async for page in self.snapshot(export, resume=resume if export.name == resumed else None):
                yield page

    async def snapshot(self, export: Export, *, resume: str | None = None) -> AsyncIterator[Page]:
        """The member rows of one verified snapshot, then its :class:`PovertySnapshot`."""
        after = _resume_line(resume, export.name) if resume else 0
        path = await self._download(export)
        try:
            async for page in self._pages(export, path, after):
                yield page
        finally:
            _discard(path)

    # -- download and verify -----------------------------------------------------

    async def _download(self, export: Export) -> Path:
        for attempt in range(1, self._attempts + 1):
            fd, name = tempfile.mkstemp(prefix="doudi-poverty-", suffix=".csv", dir=self._tmp_dir)
            path = Path(name)
            digest = hashlib.sha256()
            try:
                with os.fdopen(fd, "wb") as file:
                    async with self._http.stream(
                        "GET", f"/exports/{quote(export.name)}", headers=self._headers
                    ) as response:
                        async for chunk in response.aiter_bytes(_CHUNK):
                            digest.update(chunk)
                            file.write(chunk)
            except httpx.TransportError as exc:
                # The body broke off mid-way: as good as a mismatch, download again.
                _discard(path)
                if attempt == self._attempts:
                    raise SourceUnavailable(
                        SOURCE, f"{export.name}: download failed {attempt} times"
                    ) from exc
                logger.warning("poverty %s: download broke off (%r), attempt %d", export.name, exc, attempt)
                continue
            except BaseException:
                _discard(path)
                raise
            if digest.hexdigest() == export.sha256:
                return path
            _discard(path)
            logger.warning("poverty %s: sha256 mismatch on attempt %d", export.name, attempt)
        raise IntegrityFailure(
            SOURCE, f"{export.name}: sha256 did not match after {self._attempts} downloads"
        )

    # -- decode and parse --------------------------------------------------------

    async def _pages(self, export: Export, path: Path, after: int) -> AsyncIterator[Page]:
        lines = _lines(path)
        header = _header(next(lines, None), export.name)
        households: set[str] = set()
        members = 0
        records: list[Record] = []
        quarantined: list[Quarantined] = []
        fetched_at = n.now()
        last_line = 1
        for line_no, text in lines:
            last_line = line_no
            members += 1
            where = f"{export.name}:{line_no}"
            fields = next(csv.reader([text])) if text is not None else None
            row = dict(zip(header, fields, strict=True)) if fields and len(fields) == len(header) else None
            if row is not None and row["户编号"].strip():
                households.add(row["户编号"].strip())
            if line_no <= after:
                continue  # committed before the restart; read only for the household ids
            if text is None:
                quarantined.append(Quarantined(SOURCE, where, "", f"line is not {ENCODING}", fetched_at))
            elif row is None:
                count = len(fields) if fields else 0
                reason = f"expected {len(header)} fields, found {count}"
                quarantined.append(Quarantined(SOURCE, where, text, reason, fetched_at))
            else:
                try:
                    records.append(_member(row, export, where, fetched_at))
                except ValueError as exc:
                    quarantined.append(Quarantined(SOURCE, where, n.raw_json(row), str(exc), fetched_at))
            if len(records) + len(quarantined) >= self._page_size:
                yield Page(SOURCE, export.name, tuple(records), tuple(quarantined), where)
                records, quarantined, fetched_at = [], [], n.now()
                await asyncio.sleep(0)  # reading is synchronous: let other tasks run between pages
        if members != export.rows:
            logger.warning(
                "poverty %s: %d member lines, the listing says %d", export.name, members, export.rows
            )
        snapshot = PovertySnapshot(
            provenance=Provenance(
                SOURCE, f"{export.name}:{last_line}", fetched_at, n.raw_json(_listing(export))
            ),
            county=export.county,
            name=export.name,
            created_at=export.created_at,
            rows=members,
            sha256=export.sha256,
            household_ids=frozenset(households),
        )
        yield Page(SOURCE, export.name, (*records, snapshot), tuple(quarantined), None)


def _discard(path: Path) -> None:
    """Remove a temporary file (a local unlink: quick enough to do inline)."""
    path.unlink(missing_ok=True)


def _resume_line(token: str, name: str) -> int:
    file, _, line = token.rpartition(":")
    if file != name or not line.isdigit():
        raise ValueError(f"not a resume token of {name}: {token!r}")
    return int(line)


def _lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """``(line number, text)`` of each non-blank line, decoded one at a time; ``None`` where undecodable."""
    with path.open("rb") as file:
        for line_no, raw in enumerate(file, start=1):
            try:
                text = raw.decode(ENCODING).rstrip("\r\n")
            except UnicodeDecodeError:
                yield line_no, None
                continue
            if line_no == 1:
                text = text.lstrip("\ufeff")
            if text.strip():
                yield line_no, text


def _header(first: tuple[int, str | None] | None, name: str) -> list[str]:
    if first is None or first[1] is None:
        raise ContractViolation(SOURCE, f"{name}: no readable header line")
    header = [column.strip() for column in next(csv.reader([first[1]]))]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ContractViolation(SOURCE, f"{name}: header lacks {', '.join(missing)}")
    return header


def _listing(export: Export) -> dict[str, Any]:
    return {
        "name": export.name,
        "county": export.county,
        "created_at": export.created_at.isoformat(),
        "rows": export.rows,
        "sha256": export.sha256,
    }


_HEALTH_SPLIT = re.compile(r"[,，、;；]")


def _column(row: dict[str, str], column: str) -> str:
    return row[column].strip()


def _required(row: dict[str, str], column: str) -> str:
    value = _column(row, column)
    if not value:
        raise ValueError(f"{column}: empty")
    return value


def _member(row: dict[str, str], export: Export, where: str, fetched_at: datetime) -> PovertyMember:
    def read(column: str, parse: Any) -> Any:
        try:
            return parse(_column(row, column))
        except ValueError as exc:
            raise ValueError(f"{column}: {exc}") from None

    region_code = _required(row, "区划代码")
    address = _column(row, "家庭住址")
    labour_skill = _column(row, "劳动技能")
    if labour_skill not in LABOUR_SKILLS:
        raise ValueError(f"劳动技能: unknown {labour_skill!r}")
    risk = _column(row, "风险是否消除")
    if risk not in ("是", "否", ""):
        raise ValueError(f"风险是否消除: unknown {risk!r}")
    year = _column(row, "识别年度")
    if year and not (year.isdigit() and len(year) == 4):
        raise ValueError(f"识别年度: not a year {year!r}")
    name = _required(row, "成员姓名")
    relation_word = _required(row, "与户主关系")
    return PovertyMember(
        provenance=Provenance(SOURCE, where, fetched_at, n.raw_json(row)),
        snapshot=export.name,
        county=export.county,
        region_code=region_code,
        household_id=_required(row, "户编号"),
        head_name=n.clean_name(_column(row, "户主姓名")),
        name=n.clean_name(name),
        name_key=n.name_key(name),
        id_number=read("证件号码", n.parse_id_number),
        relation_word=relation_word,
        relation=read("与户主关系", n.relation_of_word),
        gender=read("性别", n.parse_gender),
        birth_date=read("出生日期", n.optional_date),
        ethnicity=_column(row, "民族"),
        labour_skill=labour_skill,
        health=tuple(part.strip() for part in _HEALTH_SPLIT.split(_column(row, "健康状况")) if part.strip()),
        school=_column(row, "在校生状况"),
        household_type=_column(row, "户类型"),
        risk_cleared={"是": True, "否": False}.get(risk),
        income_per_capita_year=read("年人均纯收入", n.yuan),
        address=address,
        address_key=n.address_key(region_code, address),
        year_identified=int(year) if year else None,
        updated_at=read("更新时间", lambda v: n.parse_datetime(v) if v else None),
    )
