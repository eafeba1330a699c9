"""``hub audit``: verify the hash chain of the audit log, show its latest entries."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hub.cli import Failure, app, friendly
from hub.commands.store import stdout_console, store_session
from hub.store import audit

audit_app = typer.Typer(no_args_is_help=True, help="The audit log.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@friendly
def verify() -> None:
    """Check every entry against the chain; exit 1 naming the first bad entry."""
    with store_session() as session:
        result = audit.verify(session)
    if not result.ok:
        raise Failure(f"audit log broken at entry {result.first_bad_seq}: {result.problem}")
    # The head hash is what to keep elsewhere: a rewrite of the whole log would change it.
    stdout_console().print(
        f"audit log intact: {result.entries} entries, head {result.head_seq} {result.head_hash}",
        soft_wrap=True,
    )


@audit_app.command("list")
@friendly
def list_command(limit: Annotated[int, typer.Option(help="How many of the latest entries.")] = 20) -> None:
    """Show the latest entries, newest first."""
    table = Table("seq", "at", "actor", "action", "subject", "detail")
    with store_session() as session:
        for e in audit.recent(session, limit=limit):
            detail = ", ".join(f"{k}={v}" for k, v in e.detail.items())
            table.add_row(
                str(e.seq), e.at.isoformat(timespec="seconds"), e.actor, e.action, e.subject, detail
            )
    stdout_console().print(table)
