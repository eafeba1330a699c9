"""The typed request context and the services the schema needs from the hub, as Protocols.

The schema never imports the hub. Everything it needs from the SQL store (findings,
users, the audit log, sync runs and quarantine), from the job runner and from the
medical platform is declared here as a ``Protocol``; ``hub.graphql`` implements them
and builds one :class:`Context` per request.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.websockets import WebSocket

    from schema.loaders import Loaders
    from schema.reader import GraphReader


class Role(enum.StrEnum):
    """What a user may do; every user also carries a region scope."""

    DEPARTMENT = "department"  # its own source's records and the findings touching them
    SUPERVISOR = "supervisor"  # findings, evidence and PII in its region; reviews
    LEADER = "leader"  # coverage and counts; never a name or an ID number
    ADMIN = "admin"  # everything, operations included


@dataclass(frozen=True, slots=True)
class Viewer:
    """The authenticated user of one request."""

    user: str
    role: Role
    region: str = ""  # a 2/4/6/9/12-digit prefix; "" is the whole country
    source: str | None = None  # a department user's source: civil, poverty, disability, medical

    @property
    def pii(self) -> bool:
        """Whether names and ID numbers are shown unmasked."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    def sees_health(self, source: str) -> bool:
        """Disabilities and illnesses: reviewers, admins and the department that records them."""
        if self.role in (Role.SUPERVISOR, Role.ADMIN):
            return True
        return self.role is Role.DEPARTMENT and self.source == source

    def sees_source(self, source: str) -> bool:
        """A department user reads its own source only; ``doudi`` facts are derived and shared."""
        return self.role is not Role.DEPARTMENT or source in (self.source, "doudi")

    def in_region(self, code: str | None) -> bool:
        """Whether a record at ``code`` is inside this user's region."""
        if not self.region:
            return True
        return bool(code) and str(code).startswith(self.region)

    def sees(self, source: str, code: str | None) -> bool:
        """Both checks at once: the record's source and its region."""
        return self.sees_source(source) and self.in_region(code)


# ---------------------------------------------------------------------------
# Findings (the SQL store)


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """A finding as the store holds it: the hit plus its review state."""

    id: str
    rule_id: str
    kind: str
    severity: str
    status: str  # OPEN, ASSIGNED, CONFIRMED, DISMISSED, RECTIFIED, CLEARED
    persons: tuple[str, ...]
    households: tuple[str, ...]
    region: str
    summary: str
    evidence: tuple[Mapping[str, Any], ...]  # graph.hits.Evidence.as_dict() each
    first_seen: date
    last_seen: date
    assignee: str | None = None


@dataclass(frozen=True, slots=True)
class FindingEvent:
    """One step of a finding's history."""

    at: datetime
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """What the findings connection asks the store for; ``scope`` is the viewer's region."""

    scope: str = ""
    sources: tuple[str, ...] | None = None  # a department's findings: evidence from these sources
    rule_ids: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    severities: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    region_prefix: str | None = None
    first_seen_from: date | None = None
    first_seen_to: date | None = None
    assignee: str | None = None
    person: str | None = None
    household: str | None = None


class TransitionAction(enum.StrEnum):
    """A reviewer's action on a finding."""

    ASSIGN = "assign"
    CONFIRM = "confirm"
    DISMISS = "dismiss"
    RECTIFY = "rectify"


class FindingStore(Protocol):
    """Findings and their review workflow, as kept in the hub's SQL store."""

    async def list_findings(
        self, where: FindingFilter, offset: int, limit: int
    ) -> tuple[list[FindingRecord], int]:
        """One page ordered by (first_seen desc, id) and the total matching ``where``."""
        ...

    async def findings_by_ids(self, ids: Sequence[str]) -> list[FindingRecord | None]:
        """The findings named, in the order asked (None where unknown)."""
        ...

    async def findings_by_persons(
        self, persons: Sequence[str], where: FindingFilter
    ) -> list[list[FindingRecord]]:
        """For each person asked, in order, the findings naming him (one SQL query)."""
        ...

    async def findings_by_households(
        self, households: Sequence[str], where: FindingFilter
    ) -> list[list[FindingRecord]]:
        """For each household key asked, in order, the findings naming it (one SQL query)."""
        ...

    async def history_by_ids(self, ids: Sequence[str]) -> list[list[FindingEvent]]:
        """Each finding's history, oldest first, in the order asked."""
        ...

    async def transition(
        self,
        finding_id: str,
        action: TransitionAction,
        actor: str,
        note: str,
        assignee: str | None = None,
        rectification: str | None = None,
        amount: Decimal | None = None,
    ) -> FindingRecord:
        """Apply a review step; raises :class:`schema.errors.TransitionRefused` when it cannot."""
        ...

    async def counts_by_region(
        self, region: str, child_length: int, scope: str
    ) -> list[tuple[str, str, str, int]]:
        """(child region prefix, kind, status, count) under ``region``, inside ``scope`` (GROUP BY)."""
        ...


# ---------------------------------------------------------------------------
# Users, audit, operations, jobs, the medical platform


class Authenticator(Protocol):
    """Turns a bearer token (the hub's own or an identity provider's JWT) into a viewer."""

    async def authenticate(self, token: str) -> Viewer | None:
        """The token's user, or None when it is unknown, revoked or expired."""
        ...


class AuditLog(Protocol):
    """The store's hash-chained audit log."""

    async def record(
        self, actor: str, action: str, subjects: Sequence[str], query: str, detail: Mapping[str, Any]
    ) -> None:
        """Append one entry: who did what to which subjects, through which query."""
        ...


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """A source as the sync runs left it."""

    source: str
    last_sync_at: datetime | None
    last_status: str | None
    rows: int
    quarantined: int


@dataclass(frozen=True, slots=True)
class QuarantinedRow:
    """A row a source sent that broke its contract."""

    id: str
    source: str
    record_key: str
    reason: str
    raw: str
    at: datetime


class OperationsStore(Protocol):
    """Sync runs, cursors and quarantine, as the hub's store keeps them."""

    async def sources(self) -> list[SourceStatus]:
        """Every source with its last sync and counts."""
        ...

    async def quarantined(
        self, source: str | None, offset: int, limit: int
    ) -> tuple[list[QuarantinedRow], int]:
        """One page of quarantined rows, newest first, and the total."""
        ...


@dataclass(frozen=True, slots=True)
class JobProgress:
    """Where a sync or check run stands."""

    run_id: str
    kind: str  # sync, check
    status: str  # queued, running, succeeded, failed
    done: int
    total: int | None
    message: str
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")


class Jobs(Protocol):
    """Starts sync and check runs in the background; the lead implements it in the hub."""

    async def start_sync(self, source: str, full: bool) -> str:
        """Start a sync of one source (``full`` ignores the cursor); the run id.

        Raises ``schema.errors.JobBusy`` while a sync runs (so does ``start_check`` for checks).
        """
        ...

    async def start_check(
        self, rule_ids: Sequence[str] | None, region: str | None, profile: str | None, as_of: date | None
    ) -> str:
        """Start a check run; the run id."""
        ...

    async def progress(self, run_id: str) -> JobProgress | None:
        """The run's progress, or None for an unknown id."""
        ...


@dataclass(frozen=True, slots=True)
class InsuranceRow:
    """One medical-insurance record, money in yuan."""

    insurance_type: str
    region_code: str
    year: int
    status: str
    contribution: float | None
    subsidy_category: str
    subsidy: float | None
    enrolled_on: date | None


@dataclass(frozen=True, slots=True)
class MedicalRow:
    """The medical platform's answer about one person for one year."""

    id_number: str
    year: int
    found: bool
    name: str | None
    deceased: bool
    death_date: date | None
    records: tuple[InsuranceRow, ...] = ()


class MedicalLookup(Protocol):
    """The medical platform's batch look-up (≤ 100 numbers a call), live."""

    async def lookup(self, ids: Sequence[str], year: int) -> list[MedicalRow]:
        """One answer per number asked, in order; raises :class:`schema.errors.LiveSourceError`."""
        ...


# ---------------------------------------------------------------------------
# The context


@dataclass
class Services:
    """What the hub hands the schema for the app's lifetime."""

    authenticator: Authenticator
    findings: FindingStore
    audit: AuditLog
    operations: OperationsStore
    jobs: Jobs
    medical: MedicalLookup | None
    default_year: int
    check_date: date | None = None


@dataclass
class Context:
    """One request's context: who asks, the graph reader, the services and the DataLoaders."""

    request: Request | WebSocket | None
    response: Response | None
    viewer: Viewer | None
    graph: GraphReader
    services: Services
    loaders: Loaders
    pii_reads: set[str] = field(default_factory=set)  # persons whose PII this request showed
    request_query: str = ""  # the operation's text, for the audit log

    @property
    def check_date(self) -> date:
        return self.services.check_date or date.today()
