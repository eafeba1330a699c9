"""民政 civil affairs: OAuth2 client credentials, cursor pages, a change feed (contracts/civil-affairs.md).

Households, 特困 (tekun) persons and payments are each served from one
JSON-lines file in feed order. A cursor is the opaque sort key of the last row
sent (instant of ``updated_at`` or the ``paid_on`` date, then the id), so paging
resumes by bisection even after the file was rewritten in between. Calls past
20 a second get ``429`` with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import bisect
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import parse_qs

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox import layout
from sandbox.servers.auth import TokenStore
from sandbox.servers.config import ServerConfig
from sandbox.servers.faults import Fault, FaultPlan, RateLimiter
from sandbox.servers.index import IndexedFile, Row, Snapshot, date_key, text, time_key
from sandbox.servers.wire import JSON, json_array, json_response, raw_json

RATE_LIMIT = 20
MAX_LIMIT, DEFAULT_LIMIT = 500, 200


def _key(time_field: str, id_field: str, when: Callable[[object], bytes]) -> Callable[[Row], bytes]:
    return lambda row: when(row.get(time_field)) + b"\0" + text(row.get(id_field))


class BadRequest(Exception):
    """A query parameter the system refuses (400)."""


def encode_cursor(key: bytes) -> str:
    """The cursor handed out after a row with this key."""
    return base64.urlsafe_b64encode(key).decode().rstrip("=")


def decode_cursor(cursor: str) -> bytes:
    """The key a cursor resumes after; BadRequest when it is not one of ours."""
    try:
        key = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadRequest(f"invalid cursor {cursor!r}") from exc
    if b"\0" not in key:
        raise BadRequest(f"invalid cursor {cursor!r}")
    return key


def parse_limit(raw: str | None, default: int, most: int) -> int:
    """A page size within 1..most."""
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"limit must be an integer, not {raw!r}") from exc
    if not 1 <= value <= most:
        raise BadRequest(f"limit must be 1–{most}, not {value}")
    return value


def parse_region(raw: str | None) -> bytes:
    """A region prefix: digits only, at most 12."""
    if raw is None or raw == "":
        return b""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        raise BadRequest(f"region must be a 6- or 12-digit prefix, not {raw!r}")
    return raw.encode()


class Feed:
    """One paged feed: its file, its ``*_since`` parameter and how that parameter sorts."""

    def __init__(self, file: IndexedFile, since_param: str, since_key: Callable[[object], bytes]) -> None:
        self.file = file
        self.since_param = since_param
        self.since_key = since_key

    def page(self, snap: Snapshot, since: bytes, region: bytes, cursor: bytes, limit: int) -> bytes:
        """The JSON body of one page."""
        rows: Sequence[int] = range(len(snap))
        if region:
            regions = snap.attrs["region"]
            rows = snap.view(("region", region), lambda i: regions[i].startswith(region))
        keys = snap.keys
        start = bisect.bisect_left(rows, since, key=keys.__getitem__) if since else 0
        if cursor:
            start = max(start, bisect.bisect_right(rows, cursor, key=keys.__getitem__))
        chosen = rows[start : start + limit]
        following = encode_cursor(keys[chosen[-1]]) if start + limit < len(rows) else None
        return (
            b'{"items":' + json_array(snap.rows(chosen)) + b',"next_cursor":' + orjson.dumps(following) + b"}"
        )


class CivilServer:
    """The civil-affairs system over one population folder."""

    name = "civil"

    def __init__(self, root: Path, config: ServerConfig) -> None:
        creds = config.credentials
        self.tokens = TokenStore(creds.civil_client_id, creds.civil_client_secret, config.token_ttl)
        self.limiter = RateLimiter(RATE_LIMIT)
        self.faults = FaultPlan(config.faults, self.name)
        self.root = root
        region = {"region": lambda row: text(row.get("region_code"))}
        self.households = IndexedFile(
            layout.path(root, layout.CIVIL_HOUSEHOLDS), _key("updated_at", "household_id", time_key), region
        )
        # 特困 items carry no region: they are filtered by their household's region.
        self._household_regions: dict[bytes, bytes] = {}
        self._regions_for: object = None
        self.tekun = IndexedFile(
            layout.path(root, layout.CIVIL_TEKUN),
            _key("updated_at", "person_id_number", time_key),
            {"region": self._tekun_region},
            extra_signature=lambda: self._regions_for,
        )
        self.payments = IndexedFile(
            layout.path(root, layout.CIVIL_PAYMENTS), _key("paid_on", "payment_id", date_key), region
        )
        self.files = (self.households, self.tekun, self.payments)
        self.feeds = {
            "households": Feed(self.households, "updated_since", time_key),
            "tekun": Feed(self.tekun, "updated_since", time_key),
            "payments": Feed(self.payments, "paid_since", date_key),
        }
        self.app = Starlette(
            routes=[
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/api/v1/standards", self.standards, methods=["GET"]),
                Route("/api/v1/{feed:str}", self.feed, methods=["GET"]),
            ]
        )

    def _tekun_region(self, row: Row) -> bytes:
        household = text(row.get("household_id"))
        found = self._household_regions.get(household)
        if found is not None:
            return found
        # Not on file as a household: fall back to the county in the id (MZ530102-000777).
        digits = household[2:8]
        return digits if digits.isdigit() else b""

    async def _refresh_household_regions(self) -> None:
        snap = await self.households.current()
        if snap.signature != self._regions_for:
            regions = snap.attrs.get("region")

            def build() -> dict[bytes, bytes]:
                return (
                    {snap.keys[i].split(b"\0", 1)[1]: regions[i] for i in range(len(snap))} if regions else {}
                )

            self._household_regions = await asyncio.to_thread(build)
            self._regions_for = snap.signature

    def _throttled(self) -> Response:
        wait = max(1, math.ceil(self.limiter.retry_after()))
        return json_response({"error": "rate_limited"}, 429, {"Retry-After": str(wait)})

    async def _gate(self, request: Request) -> Response | None:
        """The answer instead of data: throttled, unauthorised or a fault; None to go on."""
        if not self.limiter.allow():
            return self._throttled()
        if not self.tokens.valid(request.headers.get("authorization")):
            return json_response({"error": "invalid_token"}, 401)
        fault = self.faults.next()
        if fault is Fault.ERROR:
            return json_response({"error": "service_unavailable"}, 503)
        if fault is Fault.THROTTLE:
            return self._throttled()
        await self.faults.delay()
        return None

    async def token(self, request: Request) -> Response:
        """``POST /oauth/token``: client credentials for a bearer token."""
        if not self.limiter.allow():
            return self._throttled()
        form = parse_qs((await request.body()).decode("utf-8", "replace"))

        def field(name: str) -> str | None:
            values = form.get(name)
            return values[0] if values else None

        if field("grant_type") != "client_credentials":
            return json_response({"error": "unsupported_grant_type"}, 400)
        issued = self.tokens.issue(field("client_id"), field("client_secret"))
        if issued is None:
            return json_response({"error": "invalid_client"}, 401)
        return json_response({"access_token": issued, "expires_in": max(1, round(self.tokens.ttl))})

    async def feed(self, request: Request) -> Response:
        """``GET /api/v1/households|tekun|payments``: one cursor page."""
        feed = self.feeds.get(request.path_params["feed"])
        if feed is None:
            return json_response({"error": "not_found"}, 404)
        refused = await self._gate(request)
        if refused is not None:
            return refused
        query = request.query_params
        try:
            limit = parse_limit(query.get("limit"), DEFAULT_LIMIT, MAX_LIMIT)
            region = parse_region(query.get("region"))
            since = b""
            if query.get(feed.since_param):
                since = feed.since_key(query[feed.since_param])
                if not since:
                    raise BadRequest(f"{feed.since_param} must be ISO-8601, not {query[feed.since_param]!r}")
            cursor = decode_cursor(query["cursor"]) if query.get("cursor") else b""
        except BadRequest as exc:
            return json_response({"error": "invalid_request", "error_description": str(exc)}, 400)
        if feed is self.feeds["tekun"] and region:
            await self._refresh_household_regions()
        snap = await feed.file.current()
        return raw_json(feed.page(snap, since, region, cursor, limit))

    async def standards(self, request: Request) -> Response:
        """``GET /api/v1/standards``: the published standards, newest last."""
        refused = await self._gate(request)
        if refused is not None:
            return refused
        try:
            body = layout.path(self.root, layout.CIVIL_STANDARDS).read_bytes()
        except FileNotFoundError:
            body = b"[]"
        return Response(body, media_type=JSON)

    def close(self) -> None:
        """Release the files' descriptors."""
        for feed in self.feeds.values():
            feed.file.close()
