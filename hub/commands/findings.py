"""``hub findings``: list, show, count and review findings (疑点 → 核查 → 结论 → 整改)."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from graph.hits import Kind, Severity
from hub.cli import Failure, app, friendly
from hub.commands.store import stdout_console, store_session
from hub.store import audit
from hub.store.listing import (
    MAX_PAGE,
    FindingFilter,
    count_findings,
    export_jsonl,
    get_finding,
    list_findings,
)
from hub.store.review import Step, review
from hub.store.states import FindingStatus, Rectification, ReviewAction
from hub.store.views import FindingDetail

findings_app = typer.Typer(no_args_is_help=True, help="Findings and their review.")
app.add_typer(findings_app, name="findings")


class Format(StrEnum):
    TABLE = "table"
    JSONL = "jsonl"


def _date(value: str | None, option: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Failure(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


@findings_app.command("list")
@friendly
def list_command(
    rule: str | None = typer.Option(None, help="Rule id, e.g. dup.dibao_multiple_households."),
    status: Annotated[FindingStatus | None, typer.Option(case_sensitive=False, help="Review status.")] = None,
    region: str = typer.Option("", help="Region-code prefix (53 a province, 530102 a county)."),
    kind: Annotated[Kind | None, typer.Option(case_sensitive=False)] = None,
    severity: Annotated[Severity | None, typer.Option(case_sensitive=False)] = None,
    assignee: str | None = typer.Option(None),
    person: str | None = typer.Option(None, help="Normalised ID number the finding names."),
    since: str | None = typer.Option(None, help="First seen on or after YYYY-MM-DD."),
    until: str | None = typer.Option(None, help="First seen on or before YYYY-MM-DD."),
    current: bool = typer.Option(False, "--current", help="Only findings the latest run still finds."),
    limit: int = typer.Option(50, help="Rows in a table (jsonl writes every match)."),
    fmt: Annotated[Format, typer.Option("--format", case_sensitive=False)] = Format.TABLE,
) -> None:
    """List findings, newest first; ``--format jsonl`` writes {"rule","persons","households"} lines."""
    filters = FindingFilter(
        rule_id=rule,
        kind=kind,
        severity=severity,
        status=status,
        region=region,
        first_seen_from=_date(since, "--since"),
        first_seen_to=_date(until, "--until"),
        assignee=assignee,
        person_id=person,
        current=current,
    )
    with store_session() as session:
        if fmt is Format.JSONL:
            export_jsonl(session, sys.stdout, filters)
            return
        page = list_findings(session, filters, first=max(1, min(limit, MAX_PAGE)))
    table = Table("id", "rule", "kind", "sev", "region", "persons", "status", "assignee", "first seen")
    for f in page.items:
        persons = ", ".join(f.persons[:2]) + (f" +{len(f.persons) - 2}" if len(f.persons) > 2 else "")
        table.add_row(
            f.id,
            f.rule_id,
            f.kind,
            f.severity,
            f.region,
            persons,
            f.status,
            f.assignee or "",
            str(f.first_seen),
        )
    stdout_console().print(table)
    if page.next_cursor:
        stdout_console().print(f"(more than {len(page.items)}: narrow the filters or raise --limit)")


@findings_app.command("show")
@friendly
def show(finding_id: str = typer.Argument(..., help="Finding id (F-…).")) -> None:
    """Show one finding: subjects, evidence and its history."""
    with store_session() as session:
        detail = get_finding(session, finding_id)
    if detail is None:
        raise Failure(f"no finding {finding_id}")
    _print_detail(detail)


def _print_detail(detail: FindingDetail) -> None:
    f = detail.finding
    stdout_console().print(
        f"[bold]{f.id}[/bold]  {f.rule_id}  {f.kind}/{f.severity}  region {f.region or '-'}"
    )
    stdout_console().print(f.summary or "")
    stdout_console().print(f"status {f.status}" + (f", assigned to {f.assignee}" if f.assignee else ""))
    if f.rectification:
        amount = f", {f.rectified_amount} yuan" if f.rectified_amount is not None else ""
        stdout_console().print(f"rectified: {f.rectification.lower()}{amount}")
    stdout_console().print(
        f"first seen {f.first_seen}, last seen {f.last_seen}"
        + (f", cleared {f.cleared_on}" if f.cleared_on else "")
    )
    stdout_console().print("persons: " + (", ".join(f.persons) or "-"))
    stdout_console().print("households: " + (", ".join(f.households) or "-"))
    evidence = Table("source", "record", "facts", "note", title="evidence")
    for e in f.evidence:
        facts = "; ".join(f"{k}={v}" for k, v in dict(e.get("facts", {})).items())
        evidence.add_row(
            str(e.get("source", "")), str(e.get("record_key", "")), facts, str(e.get("note", ""))
        )
    stdout_console().print(evidence)
    history = Table("at", "actor", "action", "from", "to", "note / reason", title="history")
    for h in detail.history:
        words = " / ".join(w for w in (h.note, h.reason or "") if w)
        history.add_row(
            h.at.isoformat(timespec="seconds"), h.actor, h.action, h.from_status or "", h.to_status, words
        )
    stdout_console().print(history)


@findings_app.command("review")
@friendly
def review_command(
    finding_id: Annotated[str, typer.Argument(help="Finding id (F-…).")],
    action: Annotated[
        ReviewAction, typer.Option(case_sensitive=False, help="assign, confirm, dismiss or rectify.")
    ],
    actor: Annotated[str, typer.Option(help="Who acts (recorded in the history and the audit log).")],
    assignee: str | None = typer.Option(None, help="Reviewer, for assign."),
    reason: str | None = typer.Option(None, help="Why, for dismiss."),
    note: str = typer.Option("", help="Free note kept with the step."),
    rectification: Annotated[
        Rectification | None,
        typer.Option(
            case_sensitive=False, help="How it was put right, for rectify: stopped, recovered or enrolled."
        ),
    ] = None,
    amount: str | None = typer.Option(None, help="Yuan, for rectify (required when recovered)."),
) -> None:
    """Move a finding one step through the review workflow."""
    try:
        money = Decimal(amount) if amount is not None else None
    except InvalidOperation:
        raise Failure(f"--amount {amount!r} is not a number of yuan") from None
    step = Step(action, actor, note, assignee, reason, rectification, money)
    with store_session() as session:
        view = review(session, finding_id, step)
        detail = {
            "action": action.value,
            "to": view.status.value,
            "assignee": assignee,
            "reason": reason,
            "rectification": rectification.value if rectification else None,
            "amount": str(money) if money is not None else None,
            "via": "cli",
        }
        audit.append(session, actor, "finding.review", finding_id, {k: v for k, v in detail.items() if v})
    stdout_console().print(f"{finding_id}: {view.status}")


@findings_app.command("counts")
@friendly
def counts(
    by: Annotated[
        list[str] | None, typer.Option("--by", help="region, kind, status, rule_id, severity, assignee.")
    ] = None,
    level: int = typer.Option(6, help="Region digits when counting by region (2, 4, 6, 9, 12)."),
    region: str = typer.Option("", help="Region-code prefix."),
) -> None:
    """Count findings grouped by the given fields."""
    by = by or ["status"]
    allowed = ("region", "kind", "status", "rule_id", "severity", "assignee")
    unknown = [b for b in by if b not in allowed]
    if unknown:
        raise Failure(f"--by {unknown[0]!r}: choose from {', '.join(allowed)}")
    try:
        with store_session() as session:
            groups = count_findings(session, by, FindingFilter(region=region), region_level=level)  # type: ignore[arg-type]
    except ValueError as exc:
        raise Failure(str(exc)) from None
    table = Table(*by, "findings")
    for g in groups:
        table.add_row(*(g.key[b] for b in by), str(g.count))
    stdout_console().print(table)
