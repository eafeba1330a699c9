"""The Starlette application: /health, /graphql and the dashboard, wired from Settings.

The Neo4j driver and the SQL engine live for the application's lifespan and are
handed down; nothing below the hub opens a connection of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy
from neo4j import AsyncDriver, AsyncGraphDatabase
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.settings import Settings


@dataclass
class Services:
    """What the app holds for its lifetime."""

    settings: Settings
    driver: AsyncDriver
    engine: Engine


def make_engine(settings: Settings) -> Engine:
    url = settings.sql_database_url
    if url.startswith("sqlite:///"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    return sqlalchemy.create_engine(url, pool_pre_ping=True)


def make_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_acquisition_timeout=10.0,
    )


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


def create_app(settings: Settings) -> Starlette:
    """The hub's ASGI application."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = Services(settings=settings, driver=make_driver(settings), engine=make_engine(settings))
        app.state.services = services
        try:
            yield
        finally:
            await services.driver.close()
            services.engine.dispose()

    routes: list[Any] = [Route("/health", health)]
    routes += _graphql_routes(settings)
    return Starlette(routes=routes, lifespan=lifespan)


def _graphql_routes(settings: Settings) -> list[Any]:
    from starlette.routing import WebSocketRoute

    from hub.graphql import graphql_app

    endpoint = graphql_app(settings)
    # A Route, not a Mount: a Mount would redirect /graphql to /graphql/.
    return [Route("/graphql", endpoint), WebSocketRoute("/graphql", endpoint)]
