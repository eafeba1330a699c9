"""乡村振兴 poverty relief: a listing of county snapshot files in GB18030 (contracts/poverty-relief.md).

The listing and the files are served as the generator wrote them: the files
are already GB18030 bytes, and the listing already carries their sha256. A
file is streamed from disk in chunks, never read whole. Faults: a download may
be slow (its chunks trickle out over ``slow_seconds``) or corrupt (one byte
changed, so its sha256 no longer matches and the hub must fetch it again).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from sandbox import layout
from sandbox.servers.auth import same_secret
from sandbox.servers.config import ServerConfig
from sandbox.servers.faults import Fault, FaultPlan
from sandbox.servers.index import IndexedFile
from sandbox.servers.wire import JSON, json_response

CSV = "text/csv; charset=GB18030"
CHUNK = 64 * 1024


class PovertyServer:
    """The poverty-relief system over one population folder."""

    name = "poverty"

    def __init__(self, root: Path, config: ServerConfig) -> None:
        self.root = root
        self.api_key = config.credentials.poverty_api_key
        self.faults = FaultPlan(config.faults, self.name)
        self.files: tuple[IndexedFile, ...] = ()  # nothing to index: files are streamed whole
        self.app = Starlette(
            routes=[
                Route("/exports", self.listing, methods=["GET"]),
                Route("/exports/{name:str}", self.download, methods=["GET"]),
            ]
        )

    def _allowed(self, request: Request) -> bool:
        return same_secret(request.headers.get("x-api-key"), self.api_key)

    async def listing(self, request: Request) -> Response:
        """``GET /exports``: every snapshot file, as listed by the generator."""
        if not self._allowed(request):
            return json_response({"error": "forbidden"}, 403)
        await self.faults.delay()
        try:
            body = layout.path(self.root, layout.POVERTY_LISTING).read_bytes()
        except FileNotFoundError:
            body = b"[]"
        return Response(body, media_type=JSON)

    async def download(self, request: Request) -> Response:
        """``GET /exports/{name}``: one snapshot file, streamed."""
        if not self._allowed(request):
            return json_response({"error": "forbidden"}, 403)
        name = request.path_params["name"]
        folder = layout.path(self.root, layout.POVERTY_FILES)
        file = folder / name
        # Only a plain file name inside the files folder: no way out of it.
        if "/" in name or "\\" in name or name.startswith(".") or not file.is_file():
            return json_response({"error": "not_found"}, 404)
        corrupt = self.faults.next() is Fault.ERROR
        slow = self.faults.slow()
        size = file.stat().st_size
        return StreamingResponse(
            _chunks(file, size, corrupt, slow),
            media_type=CSV,
            headers={"Content-Length": str(size), "Content-Disposition": f'attachment; filename="{name}"'},
        )

    def close(self) -> None:
        """Nothing is held open between calls."""


async def _chunks(file: Path, size: int, corrupt: bool, slow: float) -> AsyncIterator[bytes]:
    """The file's bytes in chunks; with ``corrupt`` one byte is changed, with ``slow`` they trickle."""
    pause = slow / max(1, -(-size // CHUNK)) if slow > 0 else 0.0  # spread over every chunk
    with file.open("rb") as handle:
        first = True
        while chunk := handle.read(CHUNK):
            if corrupt and first:
                # Same length, wrong content: only the checksum can tell.
                chunk = bytes([chunk[0] ^ 0x01]) + chunk[1:]
            first = False
            if pause:
                await asyncio.sleep(pause)
            yield chunk
