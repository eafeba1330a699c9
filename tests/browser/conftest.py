"""The dashboard under a real browser: the hub served by uvicorn on a loopback port in a
background thread, over the session's Neo4j and a SQLite store in tmp_path, driven by
Debian's headless Chromium through Playwright (never a downloaded browser)."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from neo4j import AsyncDriver

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import World, build_world

from hub.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_INSTALLED = Path(CHROMIUM).exists()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here drives Chromium (scripts/setup.sh installs it; a missing one fails them)."""
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Hub:
    url: str
    world: World


@pytest.fixture
async def hub(graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path) -> AsyncIterator[Hub]:
    """The hub on a free loopback port, serving the world, until the test ends."""
    world = await build_world(graph, neo4j_auth, tmp_path)
    port = _free_port()
    config = uvicorn.Config(
        create_app(world.settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="hub-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the hub did not start")
        await asyncio.sleep(0.05)
    try:
        yield Hub(f"http://127.0.0.1:{port}", world)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        world.engine.dispose()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    """Debian's Chromium, headless, through Playwright's async API."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        if not CHROMIUM_INSTALLED:
            pytest.fail(f"{CHROMIUM} is not installed: run scripts/setup.sh as root, or apt-get install chromium")
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture(scope="session")
def screenshots() -> Iterator[Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield SCREENSHOTS
