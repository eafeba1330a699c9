"""``hub quarantine``: the source rows the hub could not read, kept whole with the reason."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from adapters.records import Source
from hub.cli import app, friendly
from hub.commands.store import stdout_console, store_session
from hub.store.sync import list_quarantined

quarantine_app = typer.Typer(no_args_is_help=True, help="Rows quarantined by the sync.")
app.add_typer(quarantine_app, name="quarantine")
RAW_SHOWN = 80  # characters of the raw row in the table; --full shows it all


@quarantine_app.command("list")
@friendly
def list_command(
    source: Annotated[Source | None, typer.Option(case_sensitive=False, help="Only this source.")] = None,
    limit: Annotated[int, typer.Option(help="How many rows.")] = 100,
    full: Annotated[bool, typer.Option("--full", help="Show raw rows whole.")] = False,
) -> None:
    """List quarantined rows, oldest first."""
    table = Table("id", "source", "location", "reason", "raw", "fetched", "run")
    with store_session() as session:
        rows = list_quarantined(session, source=source, limit=limit)
    for q in rows:
        raw = q.raw if full or len(q.raw) <= RAW_SHOWN else q.raw[:RAW_SHOWN] + "…"
        table.add_row(
            str(q.id),
            q.source,
            q.location,
            q.reason,
            raw,
            q.fetched_at.isoformat(timespec="seconds"),
            str(q.run_id or ""),
        )
    stdout_console().print(table)
    if not rows:
        stdout_console().print("no quarantined rows" + (f" from {source}" if source else ""))
