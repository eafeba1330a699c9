"""The ``hub`` command: run Neo4j, serve the API, sync the sources, run checks, review findings.

Every command reads :class:`hub.settings.Settings` from the environment; a
configuration error or a fault a person can fix ends with one line on stderr and a
non-zero exit, not a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

import typer
from neo4j.exceptions import AuthError as Neo4jAuthError
from neo4j.exceptions import ServiceUnavailable
from rich.console import Console
from sqlalchemy.exc import OperationalError as SqlOperationalError

from hub import neo4jserver
from hub.settings import Settings, SettingsError

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Doudi (兜底): the integration hub.")
neo4j_app = typer.Typer(no_args_is_help=True, help="The project's own Neo4j server.")
app.add_typer(neo4j_app, name="neo4j")

console = Console(stderr=True, width=None if sys.stderr.isatty() else 120)
F = TypeVar("F", bound=Callable[..., Any])


class Failure(Exception):
    """A failure reported to the person as one line (exit status 1)."""


FRIENDLY: tuple[type[Exception], ...] = (Failure, SettingsError, neo4jserver.Neo4jServerError)


def friendly(func: F) -> F:
    """Turn the errors a person can fix into one red line and exit 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FRIENDLY as exc:
            console.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from None
        except (Neo4jAuthError, ServiceUnavailable, SqlOperationalError) as exc:
            console.print(f"[red]error:[/red] {unreachable(exc)}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def unreachable(exc: Exception) -> str:
    """One line saying which store cannot be used and what to do about it."""
    if isinstance(exc, Neo4jAuthError):
        return "Neo4j refused the credentials: check DOUDI_NEO4J_USER and DOUDI_NEO4J_PASSWORD"
    if isinstance(exc, ServiceUnavailable):
        return "Neo4j is not reachable at DOUDI_NEO4J_URI: start it with `hub neo4j start`, or fix the URI"
    return f"the SQL store is not reachable at DOUDI_SQL_URL ({type(getattr(exc, 'orig', exc)).__name__})"


def settings() -> Settings:
    return Settings.from_env()


def server_config(s: Settings) -> neo4jserver.ServerConfig:
    return neo4jserver.config_from_uri(
        s.neo4j_uri,
        version=s.neo4j_version,
        home=s.neo4j_home_dir,
        cache=s.neo4j_cache_dir,
        user=s.neo4j_user,
        password=s.neo4j_password.get_secret_value(),
        heap=s.neo4j_heap,
        pagecache=s.neo4j_pagecache,
        start_timeout=s.neo4j_start_timeout,
    )


@neo4j_app.command("fetch")
@friendly
def neo4j_fetch() -> None:
    """Fetch the Neo4j jars from Maven Central into the cache (once)."""
    cfg = server_config(settings())
    with console.status(f"fetching Neo4j {cfg.version} from Maven Central"):
        lib = neo4jserver.fetch(cfg)
    console.print(f"Neo4j {cfg.version} jars in {lib}")


@neo4j_app.command("start")
@friendly
def neo4j_start() -> None:
    """Start Neo4j on loopback (or find it running) and wait until Bolt answers."""
    cfg = server_config(settings())
    with console.status(f"starting Neo4j {cfg.version} on {cfg.uri}"):
        pid = neo4jserver.start(cfg)
    console.print(f"Neo4j running, pid {pid}, {cfg.uri}, data in {cfg.home / 'data'}")


@neo4j_app.command("stop")
@friendly
def neo4j_stop() -> None:
    """Stop the project's Neo4j by its pid."""
    cfg = server_config(settings())
    stopped = neo4jserver.stop(cfg)
    console.print("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
@friendly
def neo4j_status() -> None:
    """Say whether the project's Neo4j is running."""
    console.print(neo4jserver.status(server_config(settings())))


@app.command("serve")
@friendly
def serve(
    host: str | None = typer.Option(None, help="Listen address (default: DOUDI_HOST)."),
    port: int | None = typer.Option(None, help="Port (default: DOUDI_PORT)."),
) -> None:
    """Serve the GraphQL API, the dashboard and /health."""
    import uvicorn

    from hub.app import create_app

    s = settings()
    uvicorn.run(create_app(s), host=host or s.host, port=port or s.port, log_level="info")


def register(module_names: Sequence[str]) -> None:
    """Import the command modules so they attach their commands to ``app``."""
    import importlib

    for name in module_names:
        importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    register(COMMAND_MODULES)
    try:
        app(args=list(argv) if argv is not None else None, standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


COMMAND_MODULES: tuple[str, ...] = (
    "hub.commands.check",
    "hub.commands.sync",
    "hub.commands.findings",
    "hub.commands.users",
    "hub.commands.audit",
    "hub.commands.quarantine",
    "hub.commands.export",
)
"""Modules that add commands (sync, check, findings, users, export, audit)."""


if __name__ == "__main__":
    # Run through the imported module: command modules register on ``hub.cli.app``,
    # which is not this ``__main__`` copy.
    from hub.cli import main as imported_main

    sys.exit(imported_main())
