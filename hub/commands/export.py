"""``hub export findings|coverage``: the 台账 as XLSX or CSV, read through the API as a given user."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from hub.cli import Failure, app, console, friendly, settings
from hub.export import Api, ExportError, FindingQuery, authenticate, export_coverage, export_findings
from hub.graphql import graphql_app
from hub.runtime import open_services
from schema.context import Role, Viewer

export_app = typer.Typer(no_args_is_help=True, help="台账 exports (XLSX or CSV), masked as the API masks.")
app.add_typer(export_app, name="export")

FORMATS = ("xlsx", "csv")


def _split(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for raw in values or []:
        out += [v.strip().upper() for v in raw.split(",") if v.strip()]
    return tuple(out)


async def _run(token: str | None, role: str, scope: str, job: str, **kw: object) -> tuple[bytes, int]:
    s = settings()
    endpoint = graphql_app(s)
    async with open_services(s) as runtime:
        if token:
            viewer = await authenticate(endpoint, runtime, token)
            if viewer is None:
                raise Failure("the token is unknown, revoked or expired")
        else:
            if role not in ("supervisor", "leader", "admin"):
                # A department user is scoped by its source too: only its own token says which.
                raise Failure(f"role {role!r}: supervisor, leader or admin (a department user: --token)")
            viewer = Viewer(user="hub-export", role=Role(role), region=scope)
        api = Api(endpoint, runtime, viewer)
        try:
            if job == "findings":
                where = kw["where"]
                assert isinstance(where, FindingQuery)
                return await export_findings(api, where, str(kw["fmt"]))
            return await export_coverage(api, str(kw["region"]), int(str(kw["depth"])), str(kw["fmt"]))
        except ExportError as exc:
            raise Failure(f"the API refused the export: {exc}") from None


def _output(out: Path | None, default: str, fmt: str) -> Path:
    if fmt not in FORMATS:
        raise Failure(f"format {fmt!r}: xlsx or csv")
    return out or Path(f"{default}.{fmt}")


@export_app.command("findings")
@friendly
def findings(
    region: str = typer.Option("", help="Only findings whose region starts with this code."),
    status: Annotated[
        list[str] | None, typer.Option(help="Statuses (OPEN, ASSIGNED, …); repeat or comma-separate.")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option(help="Kinds (DUPLICATE, MISSED, SPLIT_HOUSEHOLD, OTHER).")
    ] = None,
    rule: Annotated[list[str] | None, typer.Option(help="Rule ids.")] = None,
    fmt: str = typer.Option("xlsx", "--format", help="xlsx or csv."),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: findings.<format>).")
    ] = None,
    role: str = typer.Option(
        "admin", help="Mask and scope as this role (only supervisor and admin see names and ID numbers)."
    ),
    scope: str = typer.Option("", help="With --role: the region scope of that user."),
    token: str | None = typer.Option(
        None, help="Export as the user of this bearer token (wins over --role)."
    ),
) -> None:
    """The findings 台账: a summary sheet and one sheet per kind (CSV: one table)."""
    path = _output(out, "findings", fmt)
    where = FindingQuery(
        region=region or None, statuses=_split(status), kinds=_split(kind), rule_ids=tuple(rule or ())
    )
    body, count = asyncio.run(_run(token, role, scope, "findings", where=where, fmt=fmt))
    path.write_bytes(body)
    console.print(f"{count} findings written to {path}")


@export_app.command("coverage")
@friendly
def coverage(
    region: str = typer.Option("", help="The region to break down (empty: the whole country)."),
    depth: int = typer.Option(1, help="How many levels below the region to list."),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx or csv."),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default: coverage.<format>).")
    ] = None,
    role: str = typer.Option("admin", help="Scope as this role (leader, supervisor or admin)."),
    scope: str = typer.Option("", help="With --role: the region scope of that user."),
    token: str | None = typer.Option(
        None, help="Export as the user of this bearer token (wins over --role)."
    ),
) -> None:
    """The coverage table: each region below ``--region`` down ``--depth`` levels."""
    path = _output(out, "coverage", fmt)
    body, count = asyncio.run(_run(token, role, scope, "coverage", region=region, depth=depth, fmt=fmt))
    path.write_bytes(body)
    console.print(f"{count} regions written to {path}")
