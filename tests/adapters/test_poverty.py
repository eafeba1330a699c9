"""The poverty-relief adapter: listing, verified downloads, GB18030 decoding, pages and departures."""

from __future__ import annotations

import csv
import hashlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from adapter_fakes import FakeTime

from adapters.errors import AuthenticationFailed, IntegrityFailure
from adapters.poverty import COLUMNS, PovertyAdapter
from adapters.records import Gender, Page, PovertyMember, PovertySnapshot, Relation

NAME = "fpxx_530102_20261101.csv"


def line(household: str, name: str, relation: str = "户主", **overrides: str) -> str:
    values = {
        "区划代码": "530102001001",
        "户编号": household,
        "户主姓名": "张建国",
        "成员姓名": name,
        "证件号码": "530102198001011237",
        "与户主关系": relation,
        "性别": "男",
        "出生日期": "1980/1/1",
        "民族": "彝族",
        "劳动技能": "丧失劳动力",
        "健康状况": "残疾,长期慢性病",
        "在校生状况": "",
        "户类型": "脱贫户",
        "风险是否消除": "否",
        "年人均纯收入": "4230.5",
        "家庭住址": "翠湖社區青雲路十二號",
        "识别年度": "2014",
        "更新时间": "2026-10-30 08:00:00",
    } | overrides
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values[c] for c in COLUMNS])  # quotes 残疾,长期慢性病
    return out.getvalue()


def leftovers(directory: Path) -> list[Path]:
    return list(directory.iterdir())


def csv_bytes(lines: list[str]) -> bytes:
    return ("\r\n".join([",".join(COLUMNS), *lines]) + "\r\n").encode("gb18030")


class FakeExports:
    """The export service: a listing and files, the first ``corrupt`` downloads damaged."""

    def __init__(self, files: dict[str, tuple[str, bytes]], corrupt: int = 0) -> None:
        self.files = files
        self.corrupt = corrupt
        self.downloads = 0

    def listing(self) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "county": county,
                "created_at": f"{name[12:16]}-{name[16:18]}-{name[18:20]}T02:00:00+08:00",
                "rows": body.count(b"\n") - 1,
                "sha256": hashlib.sha256(body).hexdigest(),
            }
            for name, (county, body) in self.files.items()
        ]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("X-Api-Key") != "key":
            return httpx.Response(403)
        if request.url.path == "/exports":
            return httpx.Response(200, json=self.listing())
        name = request.url.path.removeprefix("/exports/")
        body = self.files[name][1]
        self.downloads += 1
        if self.downloads <= self.corrupt:
            body = body[:-10] + b"0123456789"
        return httpx.Response(200, content=body, headers={"Content-Type": "text/csv; charset=GB18030"})


def adapter(server: Any, fake_time: FakeTime, tmp_path: Path, **kwargs: Any) -> PovertyAdapter:
    return PovertyAdapter(
        httpx.AsyncClient(transport=httpx.MockTransport(server)),
        base_url="http://fp.test",
        api_key=kwargs.pop("api_key", "key"),
        tmp_dir=tmp_path,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        **kwargs,
    )


async def all_pages(poverty: PovertyAdapter, **kwargs: Any) -> list[Page]:
    return [page async for page in poverty.snapshots(**kwargs)]


def members(pages: list[Page]) -> list[PovertyMember]:
    return [r for p in pages for r in p.records if isinstance(r, PovertyMember)]


async def test_a_snapshot_is_decoded_paged_and_closed(fake_time: FakeTime, tmp_path: Path) -> None:
    rows = [
        line(f"530102001001-{i:04d}", name)
        for i, name in enumerate(["張建國", "李秀英", "䶮𠀀", "王五", "赵六"])
    ]
    server = FakeExports({NAME: ("530102", csv_bytes(rows))})
    pages = await all_pages(adapter(server, fake_time, tmp_path, page_size=2))

    assert [p.stream for p in pages] == [NAME] * 3
    assert [p.resume for p in pages] == [f"{NAME}:3", f"{NAME}:5", None]
    read = members(pages)
    assert [m.name for m in read] == ["張建國", "李秀英", "䶮𠀀", "王五", "赵六"]  # GB18030 beyond GBK too
    first = read[0]
    assert first.name_key == "张建国"
    assert first.provenance.record_key == f"{NAME}:2"
    assert '"成员姓名": "張建國"' in first.provenance.raw
    assert first.relation is Relation.HEAD
    assert first.gender is Gender.MALE
    assert first.health == ("残疾", "长期慢性病")
    assert first.risk_cleared is False
    assert first.income_per_capita_year == Decimal("4230.50")
    assert first.address_key == "530102001001|青云路12号"
    assert first.year_identified == 2014
    snapshot = pages[-1].records[-1]
    assert isinstance(snapshot, PovertySnapshot)
    assert snapshot.rows == 5
    assert snapshot.household_ids == {f"530102001001-{i:04d}" for i in range(5)}
    assert leftovers(tmp_path) == []  # the temporary file is gone


async def test_bad_lines_are_quarantined_with_file_and_line(fake_time: FakeTime, tmp_path: Path) -> None:
    rows = [
        line("H1", "甲"),
        line("H2", "乙") + ",extra",
        line("H3", "丙", 劳动技能="会干活"),
        line("H4", "丁", 出生日期="1980/2/30"),
        line("H5", "戊", 与户主关系="之侄"),
        line("H6", "己"),
    ]
    server = FakeExports({NAME: ("530102", csv_bytes(rows))})
    pages = await all_pages(adapter(server, fake_time, tmp_path))

    assert [m.household_id for m in members(pages)] == ["H1", "H6"]
    reasons = {q.location: q.reason for p in pages for q in p.quarantined}
    assert "expected 18 fields, found 19" in reasons[f"{NAME}:3"]
    assert "劳动技能" in reasons[f"{NAME}:4"]
    assert "出生日期" in reasons[f"{NAME}:5"]
    assert "之侄" in reasons[f"{NAME}:6"]
    snapshot = pages[-1].records[-1]
    assert isinstance(snapshot, PovertySnapshot)
    # a household whose only line was unreadable has not left the registry
    assert snapshot.household_ids == {"H1", "H3", "H4", "H5", "H6"}


async def test_an_undecodable_line_is_quarantined(fake_time: FakeTime, tmp_path: Path) -> None:
    body = csv_bytes([line("H1", "甲")]) + b"\xff\xff\xff\r\n" + line("H2", "乙").encode("gb18030") + b"\r\n"
    server = FakeExports({NAME: ("530102", body)})
    pages = await all_pages(adapter(server, fake_time, tmp_path))
    assert [m.household_id for m in members(pages)] == ["H1", "H2"]
    assert pages[-1].quarantined[0].location == f"{NAME}:3"


async def test_a_mismatching_download_is_fetched_again(fake_time: FakeTime, tmp_path: Path) -> None:
    server = FakeExports({NAME: ("530102", csv_bytes([line("H1", "甲")]))}, corrupt=2)
    pages = await all_pages(adapter(server, fake_time, tmp_path, download_attempts=3))
    assert server.downloads == 3
    assert len(members(pages)) == 1


async def test_a_file_that_never_matches_is_refused_before_any_row(
    fake_time: FakeTime, tmp_path: Path
) -> None:
    server = FakeExports({NAME: ("530102", csv_bytes([line("H1", "甲")]))}, corrupt=99)
    pages: list[Page] = []
    with pytest.raises(IntegrityFailure, match="sha256"):
        async for page in adapter(server, fake_time, tmp_path, download_attempts=2).snapshots():
            pages.append(page)
    assert pages == []
    assert server.downloads == 2
    assert leftovers(tmp_path) == []


async def test_the_newest_snapshot_per_county_not_yet_ingested(fake_time: FakeTime, tmp_path: Path) -> None:
    body = csv_bytes([line("H1", "甲")])
    server = FakeExports(
        {
            "fpxx_530102_20261001.csv": ("530102", body),
            "fpxx_530102_20261101.csv": ("530102", body),
            "fpxx_530103_20261015.csv": ("530103", body),
            "fpxx_530104_20261020.csv": ("530104", body),
        }
    )
    poverty = adapter(server, fake_time, tmp_path)
    newest = await poverty.newest(ingested={"fpxx_530104_20261020.csv"})
    assert [e.name for e in newest] == ["fpxx_530102_20261101.csv", "fpxx_530103_20261015.csv"]
    pages = await all_pages(poverty, ingested={"fpxx_530104_20261020.csv"})
    assert [p.stream for p in pages] == ["fpxx_530102_20261101.csv", "fpxx_530103_20261015.csv"]


async def test_resume_skips_committed_lines_but_sees_every_household(
    fake_time: FakeTime, tmp_path: Path
) -> None:
    rows = [line(f"H{i}", f"人{i}") for i in range(1, 8)]
    server = FakeExports({NAME: ("530102", csv_bytes(rows))})
    pages = await all_pages(adapter(server, fake_time, tmp_path, page_size=3), resume=f"{NAME}:4")

    assert [m.household_id for m in members(pages)] == ["H4", "H5", "H6", "H7"]
    snapshot = pages[-1].records[-1]
    assert isinstance(snapshot, PovertySnapshot)
    assert snapshot.household_ids == {f"H{i}" for i in range(1, 8)}
    assert snapshot.rows == 7


async def test_a_wrong_key_is_refused(fake_time: FakeTime, tmp_path: Path) -> None:
    server = FakeExports({})
    with pytest.raises(AuthenticationFailed):
        await all_pages(adapter(server, fake_time, tmp_path, api_key="nope"))
