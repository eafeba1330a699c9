"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL is the server at ``DOUDI_TEST_POSTGRES_URL`` (``scripts/postgres.sh start
DIR`` prints one); the session works in a schema of its own and drops it at the end.
Without that URL the PostgreSQL cases fail, unless ``DOUDI_TEST_SQL_BACKENDS=sqlite``
says to run SQLite only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session
from store_fixtures import DAY1, T0, HitFactory, RunFactory

from graph.hits import Evidence, Hit, Kind, Severity
from hub.store import db
from hub.store.checks import start_check

BACKENDS = tuple(
    b.strip() for b in os.environ.get("DOUDI_TEST_SQL_BACKENDS", "sqlite,postgres").split(",") if b.strip()
)
NO_POSTGRES = (
    "DOUDI_TEST_POSTGRES_URL is not set, so the PostgreSQL cases cannot run. Start one with\n"
    "  export DOUDI_TEST_POSTGRES_URL=$(scripts/postgres.sh start var/test/postgres)\n"
    "or run SQLite only with DOUDI_TEST_SQL_BACKENDS=sqlite."
)


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """An engine on a fresh schema of the test server, tables created once."""
    given = os.environ.get("DOUDI_TEST_POSTGRES_URL")
    if not given:
        pytest.fail(NO_POSTGRES, pytrace=False)
    url = make_url(db.normalise_url(given))
    schema = f"doudi_store_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
    engine = db.make_engine(scoped.render_as_string(hide_password=False))
    db.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[b if b != "postgres" else pytest.param(b, marks=pytest.mark.postgres) for b in BACKENDS]
)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty store on each backend."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        db.create_all(engine)
        yield engine
        engine.dispose()
    elif request.param == "postgres":
        engine = request.getfixturevalue("postgres_engine")
        names = ", ".join(f'"{t.__table__.name}"' for t in db._TABLES)  # type: ignore[attr-defined]
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        yield engine
    else:
        pytest.fail(f"unknown backend {request.param!r} in DOUDI_TEST_SQL_BACKENDS (sqlite, postgres)")


@pytest.fixture
def factory(engine: Engine) -> db.SessionFactory:
    return db.session_factory(engine)


@pytest.fixture
def session(factory: db.SessionFactory) -> Iterator[Session]:
    """A session; tests commit when what they check is across transactions."""
    with factory() as s:
        yield s


@pytest.fixture
def make_hit() -> HitFactory:
    """A hit with sensible defaults; name only what the test is about."""

    def make(
        rule_id: str = "dup.dibao_multiple_households",
        persons: tuple[str, ...] = ("530102198001011237",),
        households: tuple[str, ...] = ("civil:MZ530102-000123", "civil:MZ530103-000456"),
        region: str = "530102001001",
        kind: Kind = Kind.DUPLICATE,
        severity: Severity = Severity.HIGH,
        note: str = "covered member",
    ) -> Hit:
        evidence = (
            Evidence(
                "civil", households[0].split(":", 1)[-1] if households else "x", (("covered", "true"),), note
            ),
        )
        return Hit(rule_id, kind, severity, persons, households, region, evidence, f"{rule_id} case")

    return make


@pytest.fixture
def new_run(session: Session) -> RunFactory:
    """Start a check run and return its id."""

    def start(
        rule_ids: tuple[str, ...] = ("dup.dibao_multiple_households",), on: date = DAY1, region: str = ""
    ) -> int:
        return start_check(session, check_date=on, rule_ids=rule_ids, region=region, at=T0)

    return start
