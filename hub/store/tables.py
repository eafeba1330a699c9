"""The hub's tables: only what the hub knows (the graph holds what the sources say).

Enumerated values are stored as text (see :mod:`hub.store.states`); JSON columns
hold lists and objects the hub writes itself; every time stamp is UTC-aware
(:class:`hub.store.columns.UTCDateTime`). Money is integer fen, so no float or
driver-specific decimal ever touches it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from hub.store.columns import UTCDateTime, utcnow

# Sync ----------------------------------------------------------------------


class SyncRun(SQLModel, table=True):
    """One pass over one stream of one source."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16, index=True)
    stream: str = Field(max_length=200)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="running", max_length=16)
    read: int = 0
    written: int = 0
    quarantined: int = 0
    error: str | None = Field(default=None, sa_type=Text)


class SyncCursor(SQLModel, table=True):
    """Where a stream resumes: written right after a page is committed to the graph."""

    __tablename__ = "sync_cursor"

    source: str = Field(max_length=16, primary_key=True)
    stream: str = Field(max_length=200, primary_key=True)
    resume: str | None = Field(default=None, sa_type=Text)
    watermark: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuarantineRow(SQLModel, table=True):
    """A source row the hub could not read, kept whole."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16, index=True)
    location: str = Field(sa_type=Text)
    raw: str = Field(sa_type=Text)
    reason: str = Field(sa_type=Text)
    fetched_at: datetime = Field(sa_type=UTCDateTime)
    run_id: int | None = Field(default=None, foreign_key="sync_run.id", index=True)


class PovertySnapshotRow(SQLModel, table=True):
    """A county snapshot file of the poverty-relief system, once ingested."""

    __tablename__ = "poverty_snapshot"
    __table_args__ = (UniqueConstraint("county", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(max_length=12, index=True)
    name: str = Field(max_length=255)
    created_at: datetime = Field(sa_type=UTCDateTime)
    rows: int = 0
    sha256: str = Field(max_length=64)
    ingested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Departure(SQLModel, table=True):
    """A person a newer county snapshot no longer lists (left the registry)."""

    __tablename__ = "departure"
    __table_args__ = (UniqueConstraint("county", "snapshot", "household_key", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    county: str = Field(max_length=12, index=True)
    household_key: str = Field(max_length=255)
    person_id: str = Field(max_length=64, index=True)
    snapshot: str = Field(max_length=255)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# Checks and findings --------------------------------------------------------


class CheckRun(SQLModel, table=True):
    """One run of the rule engine."""

    __tablename__ = "check_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    profile: str = Field(default="default", max_length=64)
    check_date: date
    rule_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    region: str = Field(default="", max_length=12)
    status: str = Field(default="running", max_length=16)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Finding(SQLModel, table=True):
    """A case a rule flagged, with its review state; the id is :func:`graph.hits.finding_id`."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_page", "first_seen", "id"),)

    id: str = Field(max_length=32, primary_key=True)
    rule_id: str = Field(max_length=80, index=True)
    kind: str = Field(max_length=24, index=True)
    severity: str = Field(max_length=8, index=True)
    region: str = Field(default="", max_length=12, index=True)
    persons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    households: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    summary: str = Field(default="", sa_type=Text)
    status: str = Field(default="OPEN", max_length=16, index=True)
    assignee: str | None = Field(default=None, max_length=80, index=True)
    first_seen: date
    last_seen: date
    last_run_id: int | None = Field(default=None, foreign_key="check_run.id")
    cleared_on: date | None = None
    rectification: str | None = Field(default=None, max_length=16)
    rectified_fen: int | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FindingPerson(SQLModel, table=True):
    """Which findings name a person (the persons JSON, indexed for look-up by ID number)."""

    __tablename__ = "finding_person"

    finding_id: str = Field(max_length=32, primary_key=True, foreign_key="finding.id")
    person_id: str = Field(max_length=64, primary_key=True, index=True)


class FindingEvent(SQLModel, table=True):
    """One step in a finding's history: a run's detection, clearing or reopening, or a review."""

    __tablename__ = "finding_event"

    id: int | None = Field(default=None, primary_key=True)
    finding_id: str = Field(max_length=32, foreign_key="finding.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=16)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    note: str = Field(default="", sa_type=Text)
    reason: str | None = Field(default=None, sa_type=Text)
    run_id: int | None = Field(default=None, foreign_key="check_run.id")
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# People and the audit log ---------------------------------------------------


class HubUser(SQLModel, table=True):
    """A person who may use the hub (table ``hub_user``: ``user`` is reserved in PostgreSQL)."""

    __tablename__ = "hub_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    role: str = Field(max_length=16)
    department: str | None = Field(default=None, max_length=16)
    region_scope: str = Field(default="", max_length=12)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A bearer token, kept only as the SHA-256 of its text."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="hub_user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """One audited act; ``hash`` covers the entry and ``prev_hash`` (the entry before)."""

    __tablename__ = "audit_log"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime)
    actor: str = Field(max_length=80)
    action: str = Field(max_length=80)
    subject: str = Field(default="", sa_type=Text)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    query: str | None = Field(default=None, sa_type=Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The last entry's seq and hash: the row appends lock, and proof the tail was not cut."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = 0
    hash: str = Field(default="", max_length=64)
