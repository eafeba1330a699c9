"""``hub users``: add users, issue and revoke their API tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from adapters.records import Source
from hub.cli import app, friendly
from hub.commands.store import stdout_console, store_session
from hub.store import audit
from hub.store.states import Role
from hub.store.users import add_user, issue_token, list_tokens, list_users, revoke_tokens, set_active

users_app = typer.Typer(no_args_is_help=True, help="Users and their API tokens.")
app.add_typer(users_app, name="users")
ADMIN_ACTOR = "cli"  # who the audit log names for a command run on the server itself


@users_app.command("add")
@friendly
def add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[
        Role, typer.Option(case_sensitive=False, help="department, supervisor, leader or admin.")
    ],
    region: Annotated[str, typer.Option(help="Region-code prefix the user sees ('' for all).")],
    department: Annotated[
        Source | None, typer.Option(case_sensitive=False, help="The source, for role department.")
    ] = None,
) -> None:
    """Add a user."""
    with store_session() as session:
        user = add_user(session, name, role=role, region_scope=region, department=department)
        detail = {"role": user.role.value, "region": user.region_scope, "department": department}
        audit.append(session, ADMIN_ACTOR, "user.add", user.name, {k: v for k, v in detail.items() if v})
    stdout_console().print(f"user {user.name} added ({user.role}, region {user.region_scope or 'all'})")


@users_app.command("token")
@friendly
def token(
    name: Annotated[str, typer.Argument(help="User name.")],
    days: Annotated[int, typer.Option(help="Days the token stays valid.")] = 90,
) -> None:
    """Issue a token and print it once: it is stored only as a hash."""
    with store_session() as session:
        issued = issue_token(session, name, days=days)
        audit.append(session, ADMIN_ACTOR, "token.issue", name, {"token_id": issued.token_id, "days": days})
    # The token alone on stdout, so `TOKEN=$(hub users token wang)` works; the rest on stderr.
    print(issued.token)
    expires = issued.expires_at.isoformat(timespec="seconds") if issued.expires_at else "never"
    Console(stderr=True).print(
        f"token {issued.token_id} for {name}, expires {expires}: shown once, keep it now"
    )


@users_app.command("revoke")
@friendly
def revoke(
    name: Annotated[str, typer.Argument(help="User name.")],
    token_id: Annotated[int | None, typer.Option("--token", help="Token id (default: every token).")] = None,
    deactivate: Annotated[bool, typer.Option("--deactivate", help="Also deactivate the user.")] = False,
) -> None:
    """Revoke a user's tokens (one, or all), and optionally deactivate the user."""
    with store_session() as session:
        n = revoke_tokens(session, name, token_id=token_id)
        if deactivate:
            set_active(session, name, False)
        audit.append(
            session,
            ADMIN_ACTOR,
            "token.revoke",
            name,
            {"revoked": n, "token_id": token_id, "deactivated": deactivate},
        )
    stdout_console().print(f"{n} token(s) of {name} revoked" + (", user deactivated" if deactivate else ""))


@users_app.command("list")
@friendly
def list_command() -> None:
    """List users and how many live tokens each has."""
    table = Table("name", "role", "region", "department", "active", "live tokens")
    with store_session() as session:
        for u in list_users(session):
            live = sum(1 for t in list_tokens(session, u.name) if t.revoked_at is None)
            dept = u.department.value if u.department else ""
            table.add_row(
                u.name, u.role, u.region_scope or "all", dept, "yes" if u.active else "no", str(live)
            )
    stdout_console().print(table)
