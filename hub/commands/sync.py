"""``hub sync``: bring the sources into the graph, with a progress bar per source."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from adapters.records import Source
from hub.cli import Failure, app, console, friendly
from hub.runtime import open_services
from hub.settings import Settings
from hub.sources import ORDER, SourceNotConfigured, sync_sources
from hub.sync import StreamResult, SyncResult

CHOICES = ("civil", "poverty", "disability", "medical", "all")


@app.command("sync")
@friendly
def sync(
    source: str = typer.Option("all", help="civil | poverty | disability | medical | all"),
    full: bool = typer.Option(False, "--full", help="Read everything again instead of what changed."),
    endpoints: Path = typer.Option(None, "--endpoints", help="Endpoints file (contracts/README.md)."),
) -> None:
    """Sync the department systems into the graph (resumable; incremental by default)."""
    if source not in CHOICES:
        raise Failure(f"--source {source!r}: choose one of {', '.join(CHOICES)}")
    s = Settings.from_env(endpoints_file=str(endpoints) if endpoints else None)
    sources = list(ORDER) if source == "all" else [Source(source)]
    started = time.monotonic()
    try:
        result = asyncio.run(_run(s, sources, full))
    except SourceNotConfigured as exc:
        raise Failure(str(exc)) from None
    _summary(result, time.monotonic() - started)
    if result.failed:
        first = result.failed[0]
        raise Failure(f"sync of {first.source.value}/{first.stream} failed: {first.error}")


async def _run(s: Settings, sources: list[Source], full: bool) -> SyncResult:
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<22}"),
        TextColumn("{task.completed:>10,.0f} records"),
        TextColumn("{task.fields[rate]:>8} /s"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks = {src: bar.add_task(src.value, total=None, rate="-") for src in sources}
        started = {src: 0.0 for src in sources}

        def advance(source: Source, stream: str, done: int, total: int | None) -> None:
            task = tasks[source]
            if not started[source]:
                started[source] = time.monotonic()
            bar.advance(task, done)
            count = bar.tasks[task].completed
            elapsed = max(time.monotonic() - started[source], 1e-6)
            bar.update(task, description=f"{source.value} {stream}", rate=f"{count / elapsed:,.0f}")

        def finished(outcome: StreamResult) -> None:
            mark = "[red]failed[/red]" if outcome.error else "done"
            bar.update(tasks[outcome.source], description=f"{outcome.source.value} {outcome.stream} {mark}")

        async with open_services(s) as services:
            return await sync_sources(services, sources, full=full, progress=advance, on_stream=finished)


def _summary(result: SyncResult, seconds: float) -> None:
    table = Table(title=f"sync finished in {seconds:,.1f} s")
    for column in ("source", "stream", "pages", "read", "written", "quarantined", "status"):
        table.add_column(column, justify="left" if column in ("source", "stream", "status") else "right")
    for s in result.streams:
        table.add_row(
            s.source.value,
            s.stream,
            f"{s.pages:,}",
            f"{s.read:,}",
            f"{s.written:,}",
            f"{s.quarantined:,}",
            f"[red]{s.error}[/red]" if s.error else "ok",
        )
    console.print(table)
