"""``hub check``: run the integrity rules, with progress per rule and a summary table."""

from __future__ import annotations

import asyncio
from datetime import date

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph.checks import select_rules
from graph.profiles import profile as find_profile
from graph.rules import RULES
from graph.rules._rule import Rule
from hub.checking import CheckOutcome, run_check
from hub.cli import Failure, app, console, friendly, settings
from hub.runtime import open_services
from hub.settings import Settings


@app.command("check")
@friendly
def check(
    rule: list[str] = typer.Option(None, "--rule", help="Rule id to run (repeatable); default: all."),
    region: str = typer.Option("", help="Region code prefix to check (e.g. a county 530102)."),
    profile: str = typer.Option("default", help="Policy profile (province) name or code."),
    as_of: str = typer.Option(
        None, "--as-of", help="Check date YYYY-MM-DD (default: the endpoints file's check_date, else today)."
    ),
) -> None:
    """Run the integrity checks and record the findings."""
    s = settings()
    try:
        check_date = date.fromisoformat(as_of) if as_of else (s.check_date or date.today())
    except ValueError:
        raise Failure(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    try:
        rules = select_rules(RULES, rule or None)
        find_profile(profile)
    except KeyError as exc:
        raise Failure(str(exc.args[0])) from None
    year = s.year or check_date.year
    outcome = asyncio.run(_run(s, rules, region, profile, check_date, year))
    _summary(outcome, rules, check_date)


async def _run(
    s: Settings, rules: list[Rule], region: str, profile: str, check_date: date, year: int
) -> CheckOutcome:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"checking as of {check_date}", total=len(rules))

        def advance(rule: Rule, done: int, total: int, hits: int) -> None:
            bar.update(task, completed=done, description=f"{rule.id}: {hits} hit(s)")

        async with open_services(s) as services:
            return await run_check(
                services.driver,
                services.sessions,
                check_date=check_date,
                check_year=year,
                rule_ids=[r.id for r in rules],
                region=region,
                profile_name=profile,
                database=services.database,
                progress=advance,
            )


def _summary(outcome: CheckOutcome, rules: list[Rule], check_date: date) -> None:
    table = Table(title=f"check run {outcome.run_id} as of {check_date}")
    for column in ("rule", "kind", "new", "still open", "reopened", "cleared"):
        table.add_column(column, justify="left" if column in ("rule", "kind") else "right", no_wrap=True)
    counts = outcome.summary.as_dict()
    for rule in rules:
        c = counts.get(rule.id, {})
        table.add_row(
            rule.id,
            rule.kind.value,
            str(c.get("new", 0)),
            str(c.get("still_open", 0)),
            str(c.get("reopened", 0)),
            str(c.get("cleared", 0)),
        )
    console.print(table)
