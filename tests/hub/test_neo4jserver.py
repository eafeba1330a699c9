"""The project's own Neo4j: idempotent start, clean stop, and one clear line per fixable fault."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub import neo4jserver
from hub.settings import Settings


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cfg(home: Path, port: int, password: str = "launcher-test-pass") -> neo4jserver.ServerConfig:
    defaults = Settings.from_mapping({})
    return neo4jserver.ServerConfig(
        version=defaults.neo4j_version,
        home=home,
        cache=defaults.neo4j_cache_dir,
        host="127.0.0.1",
        port=port,
        user="neo4j",
        password=password,
        heap="512m",
        pagecache="64m",
    )


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[neo4jserver.ServerConfig]:
    cfg = _cfg(tmp_path / "neo4j", _free_port())
    try:
        yield cfg
    finally:
        neo4jserver.stop(cfg)


def test_start_twice_is_idempotent_and_stop_leaves_no_process(own_server: neo4jserver.ServerConfig) -> None:
    first = neo4jserver.start(own_server)
    second = neo4jserver.start(own_server)

    assert first == second
    assert "running" in neo4jserver.status(own_server)

    assert neo4jserver.stop(own_server) is True
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)
    assert not own_server.pid_file.exists()
    assert neo4jserver.stop(own_server) is False
    assert neo4jserver.status(own_server).startswith("stopped")


def test_a_taken_port_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        cfg = _cfg(tmp_path / "neo4j", sock.getsockname()[1])

        with pytest.raises(neo4jserver.Neo4jServerError, match="is taken by another program"):
            neo4jserver.start(cfg)


def test_missing_java_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    cfg = _cfg(tmp_path / "neo4j", _free_port())

    with pytest.raises(neo4jserver.Neo4jServerError, match="java was not found"):
        neo4jserver.start(cfg)


def test_a_wrong_password_says_what_to_fix(neo4j_auth: tuple[str, tuple[str, str]], tmp_path: Path) -> None:
    port = int(neo4j_auth[0].rsplit(":", 1)[1])
    cfg = _cfg(tmp_path / "neo4j", port, password="not-the-password")

    with pytest.raises(neo4jserver.Neo4jServerError, match="DOUDI_NEO4J_PASSWORD"):
        neo4jserver.bolt_answers(cfg)


def test_a_remote_uri_is_refused_for_the_local_server(tmp_path: Path) -> None:
    with pytest.raises(neo4jserver.Neo4jServerError, match="loopback"):
        neo4jserver.config_from_uri(
            "neo4j://db.example:7687", version="5.26.30", home=tmp_path, cache=tmp_path, user="n", password="p"
        )
