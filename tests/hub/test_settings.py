"""Settings: built from a mapping, frozen, secrets hidden, endpoints file merged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from hub.settings import Settings, SettingsError


def test_defaults_use_sqlite_under_the_var_dir(tmp_path: Path) -> None:
    s = Settings.from_mapping({"DOUDI_VAR_DIR": str(tmp_path)})

    assert s.sql_database_url == f"sqlite:///{tmp_path.resolve()}/doudi.db"
    assert s.neo4j_uri.startswith("neo4j://")


def test_postgres_url_is_taken_as_given() -> None:
    s = Settings.from_mapping({"DOUDI_SQL_URL": "postgresql+psycopg://u:p@127.0.0.1/doudi"})

    assert s.sql_database_url == "postgresql+psycopg://u:p@127.0.0.1/doudi"


def test_settings_are_frozen() -> None:
    s = Settings.from_mapping({})

    with pytest.raises(ValidationError):
        s.port = 1  # type: ignore[misc]


def test_secrets_never_show_in_repr() -> None:
    s = Settings.from_mapping({"DOUDI_NEO4J_PASSWORD": "hunter2", "DOUDI_CIVIL__CLIENT_SECRET": "s3cret"})

    assert "hunter2" not in repr(s)
    assert "s3cret" not in repr(s)
    assert s.neo4j_password.get_secret_value() == "hunter2"


def test_endpoints_file_fills_sources_and_check_date(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(
        json.dumps(
            {
                "civil": {"base_url": "http://127.0.0.1:18101", "client_id": "a", "client_secret": "b"},
                "poverty": {"base_url": "http://127.0.0.1:18102", "api_key": "k"},
                "medical": {"base_url": "http://127.0.0.1:18104", "app_id": "x", "app_secret": "y"},
                "year": 2026,
                "check_date": "2026-11-23",
                "unknown": "ignored",
            }
        )
    )

    s = Settings.from_mapping(
        {"DOUDI_ENDPOINTS_FILE": str(endpoints), "DOUDI_POVERTY__BASE_URL": "http://elsewhere:1"}
    )

    assert s.civil.base_url == "http://127.0.0.1:18101"
    assert s.civil.client_secret.get_secret_value() == "b"
    assert s.poverty.base_url == "http://elsewhere:1"  # the environment wins
    assert s.poverty.api_key.get_secret_value() == "k"
    assert s.check_date == date(2026, 11, 23)
    assert s.check_year() == 2026


def test_a_missing_endpoints_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.from_mapping({"DOUDI_ENDPOINTS_FILE": str(tmp_path / "nope.json")})


def test_a_bad_value_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="DOUDI_PORT"):
        Settings.from_mapping({"DOUDI_PORT": "eighty"})


def test_a_cli_command_with_neo4j_down_says_so_in_one_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "hub.cli", "check"],
        env={"PATH": "/usr/bin:/bin", "DOUDI_VAR_DIR": str(tmp_path), "DOUDI_NEO4J_URI": "neo4j://127.0.0.1:1"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1
    assert "Neo4j is not reachable" in done.stderr
    assert "Traceback" not in done.stderr
