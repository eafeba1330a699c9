"""The SQL store as the commands open it: one transaction per command, faults as one line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from hub.cli import Failure, settings
from hub.store.db import create_all, make_engine, session_factory, session_scope
from hub.store.errors import StoreError


@contextmanager
def store_session() -> Iterator[Session]:
    """A session on ``DOUDI_SQL_URL`` (tables created when missing), committed when the block ends."""
    url = settings().sql_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = make_engine(url)
    except ValueError as exc:
        raise Failure(str(exc)) from None
    try:
        create_all(engine)
        with session_scope(session_factory(engine)) as session:
            yield session
    except StoreError as exc:
        raise Failure(str(exc)) from None
    except OperationalError as exc:
        raise Failure(f"SQL store {shown}: {str(exc.orig).strip().splitlines()[0]}") from None
    finally:
        engine.dispose()


PIPED_WIDTH = 240  # a table written to a file or a pipe is read whole, not cut to 80 columns


def stdout_console() -> Console:
    """A console on the current stdout, as wide as the terminal, or wide when piped."""
    return Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
