"""``hub findings``, ``hub users``, ``hub audit``, ``hub quarantine`` over a SQLite store."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner, Result

from adapters.records import Quarantined, Source
from graph.hits import Evidence, Hit, Kind, Severity
from hub.cli import COMMAND_MODULES, app, register
from hub.store.checks import start_check
from hub.store.db import SessionFactory, create_all, make_engine, session_factory, session_scope
from hub.store.findings import record_run
from hub.store.sync import add_quarantined
from hub.store.tables import AuditEntry

RULE = "dup.dibao_multiple_households"
HIT = Hit(
    RULE,
    Kind.DUPLICATE,
    Severity.HIGH,
    ("530102198001011237",),
    ("civil:MZ530102-000123", "civil:MZ530103-000456"),
    "530102001001",
    (Evidence("civil", "MZ530102-000123", (("covered", "true"),), "covered member"),),
    "covered in two active 低保 households",
)
FID = HIT.finding_id


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands read only what each test sets (the suite's own DOUDI_TEST_* included)."""
    for key in list(os.environ):
        if key.startswith("DOUDI_"):
            monkeypatch.delenv(key)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SessionFactory]:
    """A SQLite store the commands find through DOUDI_SQL_URL, holding one finding."""
    url = f"sqlite:///{tmp_path / 'doudi.db'}"
    monkeypatch.setenv("DOUDI_SQL_URL", url)
    monkeypatch.setenv("DOUDI_VAR_DIR", str(tmp_path))
    register(COMMAND_MODULES)
    engine = make_engine(url)
    create_all(engine)
    factory = session_factory(engine)
    with session_scope(factory) as s:
        run = start_check(s, check_date=date(2026, 11, 23), rule_ids=[RULE])
        record_run(s, run, [HIT], rule_ids_run=[RULE], on=date(2026, 11, 23))
    yield factory
    engine.dispose()


def hub(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_list_as_jsonl_writes_the_ground_truth_shape(store: SessionFactory) -> None:
    result = hub("findings", "list", "--format", "jsonl")

    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"rule": RULE, "persons": list(HIT.persons), "households": list(HIT.households)}
    ]


def test_list_filters_and_shows_a_table(store: SessionFactory) -> None:
    assert FID in hub("findings", "list", "--rule", RULE, "--status", "open", "--region", "5301").stdout
    assert FID not in hub("findings", "list", "--status", "dismissed").stdout


def test_review_through_to_rectified_then_show_history_and_audit(store: SessionFactory) -> None:
    steps = [
        ("--action", "assign", "--actor", "li", "--assignee", "wang"),
        ("--action", "confirm", "--actor", "wang", "--note", "visited"),
        ("--action", "rectify", "--actor", "wang", "--rectification", "recovered", "--amount", "1200.50"),
    ]
    for step in steps:
        result = hub("findings", "review", FID, *step)
        assert result.exit_code == 0, result.output

    shown = hub("findings", "show", FID)
    assert "RECTIFIED" in shown.stdout and "1200.50" in shown.stdout and "visited" in shown.stdout
    verified = hub("audit", "verify")
    assert verified.exit_code == 0 and "3 entries" in verified.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--action", "rectify", "--actor", "li", "--rectification", "stopped"), "rectify needs CONFIRMED"),
        (("--action", "assign", "--actor", "li"), "assign needs an assignee"),
        (("--action", "assign", "--actor", "li", "--assignee", "w", "--amount", "x"), "not a number"),
    ],
)
def test_refused_reviews_end_in_one_line(store: SessionFactory, args: tuple[str, ...], message: str) -> None:
    result = hub("findings", "review", FID, *args)

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_show_an_unknown_finding(store: SessionFactory) -> None:
    result = hub("findings", "show", "F-nope")

    assert (result.exit_code, "no finding F-nope" in result.output) == (1, True)


def test_users_tokens_and_revocation(store: SessionFactory) -> None:
    assert hub("users", "add", "wang", "--role", "supervisor", "--region", "530102").exit_code == 0
    refused = hub("users", "add", "zhao", "--role", "department", "--region", "53")
    assert refused.exit_code == 1 and "needs --department" in refused.output
    assert (
        hub(
            "users", "add", "zhao", "--role", "department", "--region", "53", "--department", "civil"
        ).exit_code
        == 0
    )

    issued = hub("users", "token", "wang", "--days", "7")
    token = issued.stdout.strip()
    assert issued.exit_code == 0 and token.startswith("doudi_") and "\n" not in token

    from hub.store.users import authenticate

    with session_scope(store) as s:
        assert authenticate(s, token).user == "wang"
    assert hub("users", "revoke", "wang").exit_code == 0
    assert "0" in hub("users", "list").stdout


def test_audit_verify_fails_naming_the_entry(store: SessionFactory) -> None:
    hub("users", "add", "wang", "--role", "leader", "--region", "53")
    hub("users", "token", "wang")
    with session_scope(store) as s:
        s.exec(update(AuditEntry).where(AuditEntry.seq == 1).values(subject="someone else"))

    result = hub("audit", "verify")

    assert result.exit_code == 1
    assert "broken at entry 1" in result.output


def test_quarantine_list(store: SessionFactory) -> None:
    fetched = datetime(2026, 11, 23, tzinfo=UTC)
    with session_scope(store) as s:
        add_quarantined(
            s, [Quarantined(Source.CIVIL, "MZ530102-000999", '{"x": 1}', "member 1: bad ID", fetched)]
        )

    civil = hub("quarantine", "list", "--source", "civil")
    medical = hub("quarantine", "list", "--source", "medical")

    assert "MZ530102-000999" in civil.stdout and "member 1: bad ID" in civil.stdout
    assert "no quarantined rows" in medical.stdout


def test_an_unreachable_database_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    register(COMMAND_MODULES)
    monkeypatch.setenv("DOUDI_SQL_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")

    result = hub("findings", "list")

    assert result.exit_code == 1
    assert "SQL store" in result.output and "Traceback" not in result.output
