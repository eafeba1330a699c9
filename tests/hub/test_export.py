"""The 台账 exports: XLSX read back with openpyxl, checked against the API's own answers
(headers, row counts, masking per role), over the real app and the session's Neo4j."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import AsyncDriver
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from world import IDS, NAMES, WANG, ZHANG, World, build_world

from hub.app import create_app
from hub.export import COVERAGE_HEADERS, FINDING_HEADERS, KIND_NAMES

COUNTS = "query($k: [FindingKind!]) { findings(filter: {kinds: $k}) { totalCount } }"


class Client:
    def __init__(self, http: httpx.AsyncClient, world: World) -> None:
        self.http = http
        self.world = world

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.world.tokens[who]}"}

    async def query(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        r = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.auth(who)
        )
        body: dict[str, Any] = r.json()
        assert not body.get("errors"), body
        return body["data"]

    async def get(self, who: str, path: str) -> httpx.Response:
        return await self.http.get(path, headers=self.auth(who))


@pytest.fixture
async def client(graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path) -> AsyncIterator[Client]:
    world = await build_world(graph, neo4j_auth, tmp_path)
    app = create_app(world.settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as http,
    ):
        yield Client(http, world)
    world.engine.dispose()


def cells(book: Any, sheet: str) -> list[list[Any]]:
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def text_of(book: Any) -> str:
    return "\n".join(
        str(v) for name in book.sheetnames for row in cells(book, name) for v in row if v is not None
    )


async def test_findings_xlsx_matches_the_api(client: Client) -> None:
    response = await client.get("sup_city", "/export/findings.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "汇总"
    total = 0
    for kind, title in KIND_NAMES.items():
        expected = (await client.query("sup_city", COUNTS, k=[kind]))["findings"]["totalCount"]
        total += expected
        if expected == 0:
            assert title not in book.sheetnames
            continue
        rows = cells(book, title)
        assert tuple(rows[0]) == FINDING_HEADERS
        assert len(rows) - 1 == expected
        assert [r[0] for r in rows[1:]] == list(range(1, expected + 1))
    summary = cells(book, "汇总")
    assert summary[-1][0] == "合计" and summary[-1][-1] == total == 3
    # A supervisor's 台账 names people in full, as the API shows him.
    text = text_of(book)
    assert ZHANG in text and "张建国" in text and WANG in text


async def test_findings_export_is_masked_for_a_department_and_refused_to_a_leader(client: Client) -> None:
    response = await client.get("civil_a", "/export/findings.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    text = text_of(book)
    expected = (await client.query("civil_a", COUNTS))["findings"]["totalCount"]
    rows = sum(len(cells(book, name)) - 1 for name in book.sheetnames[1:])
    assert rows == expected > 0
    for secret in (*IDS, *NAMES):
        assert secret not in text
    assert ZHANG[:6] + "********" + ZHANG[-4:] in text  # masked as schema.masking masks
    leader = await client.get("leader", "/export/findings.xlsx")
    assert leader.status_code == 403
    anonymous = await client.http.get("/export/findings.xlsx")
    assert anonymous.status_code == 401


async def test_findings_csv_and_filters(client: Client) -> None:
    response = await client.get("admin", "/export/findings.csv?status=OPEN&region=530103")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(FINDING_HEADERS)
    assert len(rows) == 2 and WANG in rows[1][5]


async def test_coverage_xlsx_matches_the_api(client: Client) -> None:
    response = await client.get("leader", "/export/coverage.xlsx?region=5301&depth=2")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = cells(book, "覆盖情况")
    assert tuple(rows[0]) == COVERAGE_HEADERS
    counties = (
        await client.query(
            "leader", '{ coverage(region: "5301") { children { region registries { civil } } } }'
        )
    )["coverage"]["children"]
    townships = []
    for county in counties:
        data = await client.query(
            "leader",
            "query($r: String!) { coverage(region: $r) { children { region } } }",
            r=county["region"],
        )
        townships += data["coverage"]["children"]
    assert len(rows) - 1 == len(counties) + len(townships)
    by_region = {r[0]: r for r in rows[1:]}
    for county in counties:
        assert by_region[county["region"]][2] == county["registries"]["civil"]
    assert not any(name in text_of(book) for name in NAMES)


async def test_export_commands(client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hub.cli import main

    s = client.world.settings
    monkeypatch.setenv("DOUDI_NEO4J_URI", s.neo4j_uri)
    monkeypatch.setenv("DOUDI_NEO4J_USER", s.neo4j_user)
    monkeypatch.setenv("DOUDI_NEO4J_PASSWORD", s.neo4j_password.get_secret_value())
    monkeypatch.setenv("DOUDI_SQL_URL", s.sql_database_url)
    monkeypatch.setenv("DOUDI_CHECK_DATE", "2026-11-23")
    out = tmp_path / "f.xlsx"
    token = client.world.tokens["civil_a"]
    # The CLI runs its own event loop: in a thread, as from a shell.
    assert await asyncio.to_thread(main, ["export", "findings", "--token", token, "-o", str(out)]) == 0
    assert ZHANG not in text_of(load_workbook(out))
    cov = tmp_path / "c.csv"
    args = ["export", "coverage", "--region", "53", "--depth", "2", "--format", "csv", "-o", str(cov)]
    assert await asyncio.to_thread(main, args) == 0
    assert cov.read_text(encoding="utf-8-sig").splitlines()[0].split(",") == list(COVERAGE_HEADERS)
    assert await asyncio.to_thread(main, ["export", "findings", "--role", "leader", "-o", str(out)]) == 1
