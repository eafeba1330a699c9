"""台账 exports: findings and coverage as XLSX or CSV, read through the GraphQL schema.

Every figure, name and ID number comes from executing the API's own queries in-process
as a given viewer, so the exports carry exactly what the dashboard shows: the same
resolvers, the same region scope, the same masking (``schema.masking`` via the
resolvers) and the same audit entries for PII reads. Nothing here masks or filters by
itself.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.exceptions import StrawberryGraphQLError

from hub.graphql import DoudiGraphQL, graphql_app
from hub.runtime import Services as Runtime
from hub.settings import Settings
from schema.context import Context, Viewer
from schema.findings import findings_scope
from schema.loaders import Loaders
from schema.reader import GraphReader

FINDING_HEADERS: tuple[str, ...] = (
    "序号",
    "疑点类型",
    "规则",
    "所在地区",
    "姓名",
    "身份证号",
    "户编号",
    "疑点描述",
    "证据",
    "核查状态",
    "核查人",
    "核查结论",
    "整改情况",
    "发现日期",
)
"""The 台账 columns, in the order supervision teams file them."""

KIND_NAMES = {
    "DUPLICATE": "重复享受",
    "MISSED": "应保未保",
    "SPLIT_HOUSEHOLD": "拆户合户",
    "OTHER": "其他疑点",
}
STATUS_NAMES = {
    "OPEN": "待核查",
    "ASSIGNED": "核查中",
    "CONFIRMED": "属实",
    "DISMISSED": "不属实",
    "RECTIFIED": "已整改",
    "CLEARED": "已消除",
}
SOURCE_NAMES = {
    "civil": "民政",
    "poverty": "乡村振兴",
    "disability": "残联",
    "medical": "医保",
    "doudi": "兜底",
}
LEVEL_NAMES = {2: "省", 4: "市", 6: "县", 9: "乡镇", 12: "村"}

COVERAGE_HEADERS: tuple[str, ...] = (
    "地区代码",
    "层级",
    "民政人数",
    "建档立卡人数",
    "残联人数",
    "医保人数",
    "低保",
    "特困",
    "残疾人生活补贴",
    "重度残疾人护理补贴",
    "医保参保",
    "无劳动力未纳入兜底",
    "重度残疾无护理补贴",
    "低保残疾人无生活补贴",
    "低保对象未参保",
    "疑点总数",
    "待核查",
    "核查中",
    "属实",
    "不属实",
    "已整改",
)

PAGE = 100
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

FINDINGS_QUERY = """
query ExportFindings($filter: FindingFilterInput, $after: String) {
  findings(filter: $filter, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id ruleId kind severity status region summary persons households firstSeen assignee
      rule { summary }
      people { id names { source name } }
      evidence { source recordKey note facts { field value } }
      history { at actor action toStatus note }
    } }
  }
}
"""

COVERAGE_QUERY = """
query ExportCoverage($region: String!) {
  coverage(region: $region) {
    region level
    children {
      region
      registries { civil poverty disability medical }
      programmes { dibao tekun livingSubsidy nursingSubsidy medicalEnrolled }
      gaps { unableToWorkNotCovered severeWithoutNursing dibaoDisabledWithoutLiving dibaoNotEnrolled }
      findings { kind status count }
    }
  }
}
"""


class ExportError(Exception):
    """The API refused the export (role, scope or argument); the message says why."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.forbidden = forbidden  # a permission refusal, not a bad argument


@dataclass
class Api:
    """Runs the schema's queries in-process as one viewer, as /graphql would for his token."""

    endpoint: DoudiGraphQL
    runtime: Runtime
    viewer: Viewer
    state: Any = field(default_factory=SimpleNamespace)

    def _context(self) -> Context:
        services = self.endpoint.services(self.runtime, self.state)
        graph = GraphReader(self.runtime.driver, self.runtime.database)
        loaders = Loaders(graph, services, findings_scope(self.viewer), services.medical)
        return Context(
            request=None, response=None, viewer=self.viewer, graph=graph, services=services, loaders=loaders
        )

    async def query(self, text: str, **variables: Any) -> dict[str, Any]:
        """The ``data`` of one operation; the first error raised as :class:`ExportError`."""
        result = await self.endpoint.schema.execute(
            text, variable_values=variables, context_value=self._context()
        )
        if result.errors:
            error = result.errors[0]
            forbidden = isinstance(error.original_error, StrawberryGraphQLError)
            raise ExportError(error.message, forbidden=forbidden)
        return dict(result.data or {})


async def authenticate(
    endpoint: DoudiGraphQL, runtime: Runtime, token: str, state: Any = None
) -> Viewer | None:
    """The viewer a bearer token stands for, through the API's own authenticator."""
    services = endpoint.services(runtime, state if state is not None else SimpleNamespace())
    return await services.authenticator.authenticate(token)


# ---------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class FindingQuery:
    """What to export: the findings connection's filter, in the API's terms."""

    region: str | None = None
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    rule_ids: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    assignee: str | None = None

    def as_input(self) -> dict[str, Any]:
        given: dict[str, Any] = {
            "regionPrefix": self.region or None,
            "statuses": list(self.statuses) or None,
            "kinds": list(self.kinds) or None,
            "ruleIds": list(self.rule_ids) or None,
            "severities": list(self.severities) or None,
            "assignee": self.assignee or None,
        }
        return {k: v for k, v in given.items() if v is not None}


async def fetch_findings(api: Api, where: FindingQuery) -> tuple[list[dict[str, Any]], int]:
    """Every finding matching ``where`` as the API serves it to the viewer, and the API's total."""
    nodes: list[dict[str, Any]] = []
    after: str | None = None
    total = 0
    while True:
        data = await api.query(FINDINGS_QUERY, filter=where.as_input(), after=after)
        page = data["findings"]
        total = int(page["totalCount"])
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


def _names(node: dict[str, Any]) -> list[str]:
    """Names as the API shows them: each person's first written name, else the evidence's name facts."""
    names: list[str] = []
    for person in node.get("people") or []:
        written = [n["name"] for n in person.get("names") or [] if n.get("name")]
        if written and written[0] not in names:
            names.append(written[0])
    if not names:
        for item in node.get("evidence") or []:
            for fact in item.get("facts") or []:
                if fact["field"] in ("name", "姓名", "head_name", "户主姓名") and fact["value"] not in names:
                    names.append(fact["value"])
    return names


def _evidence(node: dict[str, Any]) -> str:
    lines = []
    for item in node.get("evidence") or []:
        facts = "；".join(f"{f['field']}={f['value']}" for f in item.get("facts") or [])
        source = SOURCE_NAMES.get(str(item["source"]).lower(), str(item["source"]))
        note = f"（{item['note']}）" if item.get("note") else ""
        lines.append(f"[{source}] {item['recordKey']}：{facts}{note}")
    return "\n".join(lines)


def _conclusion(node: dict[str, Any]) -> tuple[str, str]:
    """(核查结论, 整改情况) from the history the API shows (notes are empty without PII rights)."""
    conclusion = rectification = ""
    for event in node.get("history") or []:
        action, note = event["action"], event.get("note") or ""
        if action == "CONFIRM":
            conclusion = "属实" + (f"：{note}" if note else "")
        elif action == "DISMISS":
            conclusion = "不属实" + (f"：{note}" if note else "")
        elif action == "RECTIFY":
            rectification = "已整改" + (f"：{note}" if note else "")
        elif action == "REOPENED":
            conclusion = rectification = ""
    return conclusion, rectification


def finding_row(number: int, node: dict[str, Any]) -> list[Any]:
    """One 台账 line for a finding node of :data:`FINDINGS_QUERY`."""
    conclusion, rectification = _conclusion(node)
    return [
        number,
        KIND_NAMES.get(node["kind"], node["kind"]),
        node["ruleId"],
        node["region"],
        "、".join(_names(node)),
        "、".join(node.get("persons") or []),
        "、".join(node.get("households") or []),
        node.get("summary") or (node.get("rule") or {}).get("summary", ""),
        _evidence(node),
        STATUS_NAMES.get(node["status"], node["status"]),
        node.get("assignee") or "",
        conclusion,
        rectification,
        node["firstSeen"],
    ]


def findings_sheets(nodes: Sequence[dict[str, Any]]) -> dict[str, list[list[Any]]]:
    """汇总 first, then one sheet per kind present, each numbered from 1."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        by_kind.setdefault(node["kind"], []).append(node)
    statuses = list(STATUS_NAMES)
    summary: list[list[Any]] = [["疑点类型", *(STATUS_NAMES[s] for s in statuses), "合计"]]
    for kind in KIND_NAMES:
        counts = Counter(n["status"] for n in by_kind.get(kind, []))
        summary.append([KIND_NAMES[kind], *(counts.get(s, 0) for s in statuses), sum(counts.values())])
    overall = Counter(n["status"] for n in nodes)
    summary.append(["合计", *(overall.get(s, 0) for s in statuses), len(nodes)])
    sheets = {"汇总": summary}
    for kind in KIND_NAMES:
        if kind in by_kind:
            rows = [finding_row(i, n) for i, n in enumerate(by_kind[kind], start=1)]
            sheets[KIND_NAMES[kind]] = [list(FINDING_HEADERS), *rows]
    return sheets


def findings_csv(nodes: Sequence[dict[str, Any]]) -> bytes:
    """One table of every finding (CSV has no sheets), UTF-8 with a BOM so Excel reads the Chinese."""
    rows = [list(FINDING_HEADERS), *(finding_row(i, n) for i, n in enumerate(nodes, start=1))]
    return _csv(rows)


async def export_findings(api: Api, where: FindingQuery, fmt: str) -> tuple[bytes, int]:
    """The findings 台账 as ``xlsx`` or ``csv`` bytes, and how many findings it lists."""
    nodes, _total = await fetch_findings(api, where)
    if fmt == "csv":
        return findings_csv(nodes), len(nodes)
    return workbook(findings_sheets(nodes), wide={"证据": 60, "疑点描述": 40}), len(nodes)


# ---------------------------------------------------------------------------
# Coverage


def coverage_row(child: dict[str, Any]) -> list[Any]:
    """One coverage line for a child of :data:`COVERAGE_QUERY` (None where the API gives null)."""
    reg, prog, gaps = child["registries"], child["programmes"], child["gaps"]
    status = Counter[str]()
    for item in child.get("findings") or []:
        status[item["status"]] += int(item["count"])
    region = child["region"]
    return [
        region,
        LEVEL_NAMES.get(len(region), str(len(region))),
        reg["civil"],
        reg["poverty"],
        reg["disability"],
        reg["medical"],
        prog["dibao"],
        prog["tekun"],
        prog["livingSubsidy"],
        prog["nursingSubsidy"],
        prog["medicalEnrolled"],
        gaps["unableToWorkNotCovered"],
        gaps["severeWithoutNursing"],
        gaps["dibaoDisabledWithoutLiving"],
        gaps["dibaoNotEnrolled"],
        sum(status.values()),
        status["OPEN"],
        status["ASSIGNED"],
        status["CONFIRMED"],
        status["DISMISSED"],
        status["RECTIFIED"],
    ]


async def coverage_rows(api: Api, region: str, depth: int) -> list[list[Any]]:
    """The children of ``region`` down ``depth`` levels, each followed by its own children."""
    rows: list[list[Any]] = []

    async def walk(code: str, left: int) -> None:
        data = await api.query(COVERAGE_QUERY, region=code)
        for child in data["coverage"]["children"]:
            rows.append(coverage_row(child))
            if left > 1 and len(child["region"]) < 12:
                await walk(child["region"], left - 1)

    await walk(region, max(1, depth))
    return rows


async def export_coverage(api: Api, region: str, depth: int, fmt: str) -> tuple[bytes, int]:
    """The coverage table as ``xlsx`` or ``csv`` bytes, and its number of rows."""
    rows = await coverage_rows(api, region, depth)
    table = [list(COVERAGE_HEADERS), *rows]
    if fmt == "csv":
        return _csv(table), len(rows)
    return workbook({"覆盖情况": table}), len(rows)


# ---------------------------------------------------------------------------
# Files


def _csv(rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    # The BOM is what makes Excel read UTF-8 instead of the local code page.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def workbook(sheets: dict[str, list[list[Any]]], wide: dict[str, int] | None = None) -> bytes:
    """An XLSX of named sheets, first row a bold, frozen header with a filter."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title=title[:31])
        for row in rows:
            # ID numbers and codes stay text: Excel would turn 18 digits into 5.30102E+17.
            sheet.append(["" if v is None else v for v in row])
        if not rows:
            continue
        header = rows[0]
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
        for index, name in enumerate(header, start=1):
            width = (wide or {}).get(str(name)) or max(8, min(30, 2 * len(str(name)) + 4))
            sheet.column_dimensions[get_column_letter(index)].width = width
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(cell.value, str) and cell.value.isdigit():
                    cell.number_format = "@"
        sheet.freeze_panes = "A2"
        if len(rows) > 1:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# HTTP routes


FORMATS = ("xlsx", "csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _listed(request: Request, name: str) -> tuple[str, ...]:
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values += [v.strip().upper() for v in raw.split(",") if v.strip()]
    return tuple(values)


def export_routes(settings: Settings) -> list[Route]:
    """GET /export/findings.{xlsx,csv} and /export/coverage.{xlsx,csv}, bearer-token authenticated."""
    endpoint = graphql_app(settings)

    async def api_for(request: Request) -> Api | Response:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        runtime: Runtime = request.app.state.services
        viewer = None
        if scheme.lower() == "bearer" and token.strip():
            viewer = await authenticate(endpoint, runtime, token.strip(), request.app.state)
        if viewer is None:
            return JSONResponse({"error": "authentication required: send Authorization: Bearer <token>"}, 401)
        return Api(endpoint, runtime, viewer, request.app.state)

    def attachment(body: bytes, name: str, ascii_name: str, fmt: str) -> Response:
        media = XLSX if fmt == "xlsx" else "text/csv; charset=utf-8"
        # RFC 5987: the Chinese file name for browsers, an ASCII fallback for the rest.
        disposition = f"attachment; filename=\"{ascii_name}.{fmt}\"; filename*=UTF-8''{quote(name)}.{fmt}"
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    async def findings(request: Request) -> Response:
        api = await api_for(request)
        if isinstance(api, Response):
            return api
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return JSONResponse({"error": f"format {fmt!r}: xlsx or csv"}, 404)
        q = request.query_params
        where = FindingQuery(
            region=q.get("region") or None,
            statuses=_listed(request, "status"),
            kinds=_listed(request, "kind"),
            rule_ids=tuple(v for v in q.getlist("rule") if v),
            severities=_listed(request, "severity"),
            assignee=q.get("assignee") or None,
        )
        try:
            body, _count = await export_findings(api, where, fmt)
        except ExportError as exc:
            return JSONResponse({"error": str(exc)}, 403 if exc.forbidden else 400)
        return attachment(body, "疑点台账", "findings", fmt)

    async def coverage(request: Request) -> Response:
        api = await api_for(request)
        if isinstance(api, Response):
            return api
        fmt = request.path_params["fmt"]
        if fmt not in FORMATS:
            return JSONResponse({"error": f"format {fmt!r}: xlsx or csv"}, 404)
        try:
            depth = int(request.query_params.get("depth", "1"))
            body, _count = await export_coverage(api, request.query_params.get("region", ""), depth, fmt)
        except ValueError:
            return JSONResponse({"error": "depth must be a whole number"}, 400)
        except ExportError as exc:
            return JSONResponse({"error": str(exc)}, 403 if exc.forbidden else 400)
        return attachment(body, "覆盖情况", "coverage", fmt)

    return [
        Route("/export/findings.{fmt:str}", findings, methods=["GET"]),
        Route("/export/coverage.{fmt:str}", coverage, methods=["GET"]),
    ]


__all__ = [
    "COVERAGE_HEADERS",
    "FINDING_HEADERS",
    "Api",
    "ExportError",
    "FindingQuery",
    "export_coverage",
    "export_findings",
    "export_routes",
]
