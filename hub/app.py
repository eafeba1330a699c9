"""The Starlette application: /health, /graphql and the dashboard, wired from Settings.

The Neo4j driver and the SQL engine live for the application's lifespan and are
handed down; nothing below the hub opens a connection of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import sqlalchemy
from neo4j import AsyncDriver
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.migrate import migrate
from hub.runtime import Services, open_services
from hub.settings import Settings
from hub.store.db import create_all

if TYPE_CHECKING:
    from hub.graphql import DoudiGraphQL

log = logging.getLogger("doudi.app")


async def _neo4j_ok(driver: AsyncDriver, database: str) -> tuple[bool, str]:
    try:
        await asyncio.wait_for(driver.execute_query("RETURN 1", database_=database), timeout=5.0)
        return True, "ok"
    except Exception as exc:  # any failure means "not reachable"; the reason is reported
        return False, type(exc).__name__


def _sql_ok(engine: Engine) -> tuple[bool, str]:
    try:
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
        return True, "ok"
    except Exception as exc:  # any failure means "not reachable"
        return False, type(exc).__name__


async def health(request: Request) -> JSONResponse:
    """Neo4j and SQL reachability; 503 when either is down."""
    services: Services = request.app.state.services
    neo_ok, neo_why = await _neo4j_ok(services.driver, services.settings.neo4j_database)
    sql_ok, sql_why = await asyncio.to_thread(_sql_ok, services.engine)
    body: dict[str, Any] = {
        "status": "ok" if neo_ok and sql_ok else "unavailable",
        "neo4j": neo_why,
        "sql": sql_why,
    }
    return JSONResponse(body, status_code=200 if neo_ok and sql_ok else 503)


async def _prepare(services: Services) -> None:
    """Create tables and constraints when the stores answer; /health reports them when not."""
    try:
        await asyncio.to_thread(create_all, services.engine)
    except Exception as exc:  # the app still starts, so /health can say what is down
        log.warning("SQL store not prepared: %s", type(exc).__name__)
    try:
        await migrate(services.driver, database=services.database)
    except Exception as exc:
        log.warning("Neo4j constraints not created: %s", type(exc).__name__)


def create_app(settings: Settings) -> Starlette:
    """The hub's ASGI application."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from hub.jobs import JobRunner

        async with open_services(settings, prepare=False) as services:
            await _prepare(services)
            app.state.services = services
            app.state.jobs = JobRunner(services)
            try:
                yield
            finally:
                await app.state.jobs.close()
                await endpoint.aclose()

    endpoint, graphql_routes = _graphql_routes(settings)
    routes: list[Any] = [Route("/health", health), *graphql_routes]
    routes += _dashboard_routes(settings)
    return Starlette(routes=routes, lifespan=lifespan)


def _dashboard_routes(settings: Settings) -> list[Any]:
    """The 台账 downloads, then the dashboard's static files at / (last: it answers every other path)."""
    from pathlib import Path

    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from hub.export import export_routes

    static = Path(__file__).with_name("static")
    return [*export_routes(settings), Mount("/", StaticFiles(directory=static, html=True), name="dashboard")]


def _graphql_routes(settings: Settings) -> tuple[DoudiGraphQL, list[Any]]:
    """The endpoint (the lifespan closes it) and its HTTP and websocket routes."""
    from starlette.routing import WebSocketRoute

    from hub.graphql import graphql_app

    endpoint = graphql_app(settings)
    # A Route, not a Mount: a Mount would redirect /graphql to /graphql/.
    return endpoint, [Route("/graphql", endpoint), WebSocketRoute("/graphql", endpoint)]
