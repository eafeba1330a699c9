"""The hub's live services (Neo4j driver, SQL engine and sessions), opened from Settings.

The app's lifespan, the CLI commands and the jobs all open them here, once.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from neo4j import AsyncDriver, AsyncGraphDatabase
from sqlalchemy.engine import Engine

from graph.migrate import migrate
from hub.settings import Settings
from hub.store.db import SessionFactory, create_all, make_engine, session_factory


@dataclass
class Services:
    """What a process holds while it works."""

    settings: Settings
    driver: AsyncDriver
    engine: Engine
    sessions: SessionFactory

    @property
    def database(self) -> str:
        return self.settings.neo4j_database


def make_driver(settings: Settings) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_acquisition_timeout=10.0,
        # Rules probe relationship types an empty graph lacks; those notices are not faults.
        notifications_min_severity="OFF",
    )


@contextlib.asynccontextmanager
async def open_services(settings: Settings, *, prepare: bool = True) -> AsyncIterator[Services]:
    """Driver and store for the block; with ``prepare``, constraints and tables are created first."""
    engine = make_engine(settings.sql_database_url)
    driver = make_driver(settings)
    try:
        if prepare:
            create_all(engine)
            await migrate(driver, database=settings.neo4j_database)
        yield Services(settings, driver, engine, session_factory(engine))
    finally:
        await driver.close()
        engine.dispose()
