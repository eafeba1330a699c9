"""The dashboard over a generated population, built the way the demo builds it.

A sandbox population is served by the four imitation department systems, synced,
checked, and shown; the test walks every page as a supervisor, a leader and an
admin, and its screenshots (``docs/screenshots/demo-*.png``) are the README's.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from conftest import _free_port
from neo4j import AsyncDriver
from test_dashboard import drill, sign_in

from hub.app import create_app
from hub.checking import run_check
from hub.runtime import open_services
from hub.settings import Settings
from hub.sources import ORDER, sync_sources
from hub.store.db import session_scope
from hub.store.states import Role
from hub.store.users import add_user, issue_token
from sandbox.generate.run import generate
from sandbox.generate.world import Config
from sandbox.servers import ServerConfig, run_servers

CHECK_DATE = date(2026, 11, 23)
ID_NUMBER = re.compile(r"\b\d{17}[\dX]\b")


@pytest.fixture
async def demo(graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """The hub serving a synced and checked sandbox population; its URL and a token per role."""
    population = tmp_path / "population"
    generate(Config(persons=2500, seed=7, noise="default", check_date=CHECK_DATE), population)
    uri, (user, password) = neo4j_auth
    async with run_servers(population, ServerConfig()) as endpoints:
        (tmp_path / "endpoints.json").write_text(json.dumps(dict(endpoints)), encoding="utf-8")
        settings = Settings.from_mapping(
            {
                "DOUDI_VAR_DIR": str(tmp_path),
                "DOUDI_NEO4J_URI": uri,
                "DOUDI_NEO4J_USER": user,
                "DOUDI_NEO4J_PASSWORD": password,
                "DOUDI_ENDPOINTS_FILE": str(tmp_path / "endpoints.json"),
            }
        )
        async with open_services(settings) as services:
            result = await sync_sources(services, list(ORDER))
            assert not result.failed
            await run_check(services.driver, services.sessions, check_date=CHECK_DATE, check_year=2026)
            tokens: dict[str, str] = {}
            with session_scope(services.sessions) as session:
                for name, role in (("supervisor", Role.SUPERVISOR), ("leader", Role.LEADER), ("admin", Role.ADMIN)):
                    add_user(session, name, role=role, region_scope="53")
                    tokens[name] = issue_token(session, name).token
        port = _free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, name="demo-hub", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the hub did not start"
            await asyncio.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", tokens
        finally:
            server.should_exit = True
            thread.join(timeout=10)


async def test_every_page_over_a_generated_population(
    demo: tuple[str, dict[str, str]], browser: Any, screenshots: Path
) -> None:
    url, tokens = demo

    # Leader: coverage from the province down two levels; never a name or an ID number.
    context, page, _ = await sign_in(browser, url, tokens["leader"])
    await page.wait_for_selector("[data-testid=coverage-title]")
    city = await page.get_attribute("#coverage-table tr[data-region]", "data-region")
    assert city
    await drill(page, city)
    await page.screenshot(path=screenshots / "demo-coverage-leader.png", full_page=True)
    assert not ID_NUMBER.search(await page.inner_text("body"))
    await context.close()

    # Supervisor: the findings list, one finding with its evidence graph, its person.
    context, page, _ = await sign_in(browser, url, tokens["supervisor"])
    await page.goto(url + "/#/findings")
    await page.wait_for_selector("[data-testid=findings-table] tr[data-finding]")
    await page.screenshot(path=screenshots / "demo-findings.png", full_page=True)
    await page.click("[data-testid=findings-table] tr[data-finding]")
    await page.wait_for_selector("[data-testid=evidence-graph][data-nodes]")
    await page.screenshot(path=screenshots / "demo-finding.png", full_page=True)
    person = ID_NUMBER.search(await page.inner_text("body"))
    assert person, "a supervisor sees the finding's ID numbers"
    await page.goto(url + "/#/person/" + person.group(0))
    await page.wait_for_selector("[data-testid=person-card]")
    await page.screenshot(path=screenshots / "demo-person.png", full_page=True)
    await context.close()

    # Admin: the sources with their last sync and quarantined rows.
    context, page, _ = await sign_in(browser, url, tokens["admin"])
    await page.goto(url + "/#/sources")
    await page.wait_for_selector("[data-testid=sources-table]")
    await page.screenshot(path=screenshots / "demo-sources.png", full_page=True)
    await context.close()
