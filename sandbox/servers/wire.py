"""JSON on the wire: answers built from objects, or spliced from the rows' own bytes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response

JSON = "application/json"


def json_response(content: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """An ``application/json`` answer, Chinese kept as UTF-8 rather than escaped."""
    return Response(orjson.dumps(content), status_code=status, headers=headers, media_type=JSON)


def raw_json(body: bytes, status: int = 200) -> Response:
    """An answer whose JSON bytes are already encoded (rows spliced as they are on disk)."""
    return Response(body, status_code=status, media_type=JSON)


def json_array(rows: list[bytes]) -> bytes:
    """A JSON array of rows that are already JSON."""
    return b"[" + b",".join(rows) + b"]"
