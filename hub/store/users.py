"""Users and their API tokens.

A token is shown once, when issued; the store keeps only its SHA-256, so a copy of
the database authenticates nobody. Roles: ``department`` (one source's staff, sees
that source), ``supervisor`` (reviews findings), ``leader`` (reads), ``admin``.
Each user has a region scope: a region-code prefix ("" for the whole country).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from adapters.records import Source
from graph.hits import REGION_LEVELS
from hub.store.columns import utcnow
from hub.store.errors import AuthCode, AuthenticationError, UserError
from hub.store.states import Role
from hub.store.tables import ApiToken, HubUser

TOKEN_PREFIX = "doudi_"  # lets secret scanners and people recognise a leaked token


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request acts as."""

    user: str
    role: Role
    region_scope: str
    department: Source | None


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as listed."""

    name: str
    role: Role
    region_scope: str
    department: Source | None
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token: ``token`` is its only copy."""

    token_id: int
    user: str
    token: str
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenView:
    """A token as listed (never its text)."""

    token_id: int
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    session: Session,
    name: str,
    *,
    role: Role,
    region_scope: str = "",
    department: Source | None = None,
) -> UserView:
    """Add a user; a ``department`` user must name its source, no other may."""
    name = name.strip()
    if not name:
        raise UserError("a user needs a name")
    if role is Role.DEPARTMENT and department is None:
        raise UserError(f"user {name}: role department needs --department ({', '.join(Source)})")
    if role is not Role.DEPARTMENT and department is not None:
        raise UserError(f"user {name}: only role department takes a department, not {role}")
    check_region_scope(region_scope)
    if _find(session, name) is not None:
        raise UserError(f"user {name} already exists")
    row = HubUser(
        name=name,
        role=role.value,
        region_scope=region_scope,
        department=department.value if department else None,
    )
    session.add(row)
    session.flush()
    return _view(row)


def check_region_scope(prefix: str) -> None:
    """Refuse a region scope that is not a 2/4/6/9/12-digit prefix (or "" for all)."""
    if prefix and not (prefix.isascii() and prefix.isdigit() and len(prefix) in REGION_LEVELS):
        raise UserError(f"region {prefix!r} must be a 2, 4, 6, 9 or 12-digit region-code prefix")


def list_users(session: Session) -> list[UserView]:
    """Every user, by name."""
    return [_view(r) for r in session.exec(select(HubUser).order_by(col(HubUser.name)))]


def set_active(session: Session, name: str, active: bool) -> UserView:
    """Deactivate (or reactivate) a user: his tokens stop (or start again) authenticating."""
    row = _require(session, name)
    row.active = active
    session.add(row)
    session.flush()
    return _view(row)


def issue_token(
    session: Session, name: str, *, days: int | None = 90, now: datetime | None = None
) -> IssuedToken:
    """A new token for an active user, valid ``days`` (``None``: until revoked)."""
    row = _require(session, name)
    if not row.active:
        raise UserError(f"user {name} is inactive")
    if days is not None and days <= 0:
        raise UserError(f"token lifetime {days} days must be positive")
    now = now or utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = now + timedelta(days=days) if days is not None else None
    if row.id is None:  # pragma: no cover - a stored user has an id
        raise UserError(f"user {name} has no id")
    record = ApiToken(user_id=row.id, token_hash=hash_token(token), created_at=now, expires_at=expires)
    session.add(record)
    session.flush()
    if record.id is None:  # pragma: no cover
        raise UserError("token was not stored")
    return IssuedToken(token_id=record.id, user=row.name, token=token, expires_at=expires)


def list_tokens(session: Session, name: str) -> list[TokenView]:
    """A user's tokens, oldest first."""
    row = _require(session, name)
    tokens = session.exec(select(ApiToken).where(col(ApiToken.user_id) == row.id).order_by(col(ApiToken.id)))
    return [TokenView(t.id or 0, t.created_at, t.expires_at, t.revoked_at) for t in tokens]


def revoke_tokens(
    session: Session, name: str, *, token_id: int | None = None, now: datetime | None = None
) -> int:
    """Revoke one token of a user (``token_id``) or all his live ones; returns how many."""
    row = _require(session, name)
    query = select(ApiToken).where(col(ApiToken.user_id) == row.id).where(col(ApiToken.revoked_at).is_(None))
    if token_id is not None:
        query = query.where(col(ApiToken.id) == token_id)
    tokens = list(session.exec(query))
    if token_id is not None and not tokens:
        raise UserError(f"user {name} has no live token {token_id}")
    for t in tokens:
        t.revoked_at = now or utcnow()
        session.add(t)
    session.flush()
    return len(tokens)


def authenticate(session: Session, token: str, *, now: datetime | None = None) -> Principal:
    """The principal a bearer token stands for; raises :class:`AuthenticationError` otherwise."""
    found = session.exec(
        select(ApiToken, HubUser)
        .join(HubUser, col(HubUser.id) == col(ApiToken.user_id))
        .where(col(ApiToken.token_hash) == hash_token(token))
    ).first()
    if found is None:
        raise AuthenticationError(AuthCode.UNKNOWN, "unknown token")
    record, user = found
    if record.revoked_at is not None:
        raise AuthenticationError(AuthCode.REVOKED, f"token {record.id} of {user.name} was revoked")
    if record.expires_at is not None and record.expires_at <= (now or utcnow()):
        raise AuthenticationError(AuthCode.EXPIRED, f"token {record.id} of {user.name} has expired")
    if not user.active:
        raise AuthenticationError(AuthCode.INACTIVE_USER, f"user {user.name} is inactive")
    return Principal(
        user=user.name,
        role=Role(user.role),
        region_scope=user.region_scope,
        department=Source(user.department) if user.department else None,
    )


def _find(session: Session, name: str) -> HubUser | None:
    return session.exec(select(HubUser).where(col(HubUser.name) == name)).first()


def _require(session: Session, name: str) -> HubUser:
    row = _find(session, name)
    if row is None:
        raise UserError(f"no user {name}")
    return row


def _view(row: HubUser) -> UserView:
    return UserView(
        name=row.name,
        role=Role(row.role),
        region_scope=row.region_scope,
        department=Source(row.department) if row.department else None,
        active=row.active,
        created_at=row.created_at,
    )
