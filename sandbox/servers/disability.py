"""残联 disability registry: API key, offset pages by certNo, camelCase (contracts/disability.md).

Persons are served from one JSON-lines file sorted by ``certNo``. Filters
(``modifiedAfter``, strictly after, and a ``regionCode`` prefix) select rows
once per file version and filter, then ``offset``/``limit`` slice them. Calls
past 10 a second get ``429 {"code": "RATE_LIMITED"}`` without ``Retry-After``.
With churn on, ``total`` moves between calls: see :mod:`sandbox.servers.churn`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import layout
from sandbox.servers.auth import same_secret
from sandbox.servers.churn import Churn
from sandbox.servers.config import ServerConfig
from sandbox.servers.faults import Fault, FaultPlan, RateLimiter
from sandbox.servers.index import IndexedFile, text
from sandbox.servers.wire import json_array, json_response, raw_json

RATE_LIMIT = 10
MAX_LIMIT, DEFAULT_LIMIT = 200, 100


class BadQuery(Exception):
    """A query parameter the registry refuses (400)."""


def _integer(raw: str | None, default: int, name: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise BadQuery(f"{name} must be an integer, not {raw!r}") from exc


def parse_modified_after(raw: str | None) -> bytes:
    """``yyyyMMddHHmmss`` as comparable bytes (b"" when absent)."""
    if raw is None or raw == "":
        return b""
    try:
        if len(raw) != 14 or not raw.isdigit():
            raise ValueError(raw)
        datetime.strptime(raw, "%Y%m%d%H%M%S")
    except ValueError as exc:
        raise BadQuery(f"modifiedAfter must be yyyyMMddHHmmss, not {raw!r}") from exc
    return raw.encode()


class DisabilityServer:
    """The disability registry over one population folder."""

    name = "disability"

    def __init__(self, root: Path, config: ServerConfig) -> None:
        self.api_key = config.credentials.disability_api_key
        self.limiter = RateLimiter(RATE_LIMIT)
        self.faults = FaultPlan(config.faults, self.name)
        self.churn = Churn(config.faults)
        self.persons = IndexedFile(
            layout.path(root, layout.DISABILITY_PERSONS),
            lambda row: text(row.get("certNo")),
            {
                "modified": lambda row: text(row.get("modifiedAt")),
                "region": lambda row: text(row.get("regionCode")),
            },
        )
        self.files = (self.persons,)
        self.app = Starlette(routes=[Route("/cdpf/api/v2/persons", self.list_persons, methods=["GET"])])

    async def list_persons(self, request: Request) -> Response:
        """``GET /cdpf/api/v2/persons``: one offset page."""
        if not self.limiter.allow():
            return json_response({"code": "RATE_LIMITED"}, 429)
        if not same_secret(request.headers.get("x-api-key"), self.api_key):
            return json_response({"code": "UNAUTHORIZED"}, 401)
        fault = self.faults.next()
        if fault is Fault.ERROR:
            return json_response({"code": "INTERNAL_ERROR"}, 500)
        if fault is Fault.THROTTLE:
            return json_response({"code": "RATE_LIMITED"}, 429)
        query = request.query_params
        try:
            offset = _integer(query.get("offset"), 0, "offset")
            limit = _integer(query.get("limit"), DEFAULT_LIMIT, "limit")
            if offset < 0:
                raise BadQuery(f"offset must not be negative, not {offset}")
            if not 1 <= limit <= MAX_LIMIT:
                raise BadQuery(f"limit must be 1–{MAX_LIMIT}, not {limit}")
            after = parse_modified_after(query.get("modifiedAfter"))
            region = query.get("regionCode") or ""
            if region and not (region.isascii() and region.isdigit() and len(region) <= 12):
                raise BadQuery(f"regionCode must be digits, not {region!r}")
        except BadQuery as exc:
            return json_response({"code": "BAD_REQUEST", "message": str(exc)}, 400)
        await self.faults.delay()
        snap = await self.persons.current()
        rows: Sequence[int] = range(len(snap))
        if after or region:
            modified, regions, prefix = snap.attrs["modified"], snap.attrs["region"], region.encode()
            rows = snap.view(
                (after, prefix),
                lambda i: (not after or modified[i] > after) and regions[i].startswith(prefix),
            )
        total, chosen = self.churn.page(snap, rows, offset, limit)
        body = b'{"total":%d,"offset":%d,"data":%s}' % (total, offset, json_array(snap.rows(chosen)))
        return raw_json(body)

    def close(self) -> None:
        """Release the file's descriptor."""
        self.persons.close()
