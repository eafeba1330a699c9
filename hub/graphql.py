"""The GraphQL endpoint: the schema from ``schema``, its context built per request, and the
hub's implementations of the schema's Protocols over ``hub.store`` (findings, users,
audit, sync state), the job runner and the medical adapter.

The store is synchronous (SQLModel sessions); every call runs in a worker thread, one
short transaction each, so an audit entry lands with what it records.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import jwt
from sqlalchemy import Text, cast, false, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from adapters.errors import SourceError
from adapters.medical import MedicalAdapter
from hub.runtime import Services as Runtime
from hub.settings import Settings
from hub.store import audit, review, users
from hub.store.db import session_scope
from hub.store.errors import AuthenticationError, TransitionCode, TransitionError
from hub.store.states import Rectification, ReviewAction
from hub.store.sync import source_status
from hub.store.tables import Finding, FindingEvent, FindingPerson, QuarantineRow
from hub.store.views import FindingEventView, FindingView
from schema.context import (
    AuditLog,
    Authenticator,
    Context,
    FindingFilter,
    FindingRecord,
    InsuranceRow,
    JobProgress,
    Jobs,
    MedicalLookup,
    MedicalRow,
    QuarantinedRow,
    Role,
    Services,
    SourceStatus,
    TransitionAction,
    Viewer,
)
from schema.context import FindingEvent as EventRecord
from schema.errors import ErrorCode, LiveSourceError, TransitionRefused
from schema.findings import findings_scope
from schema.loaders import Loaders
from schema.reader import GraphReader
from schema.schema import Limits, build_schema

T = TypeVar("T")

_CODES = {
    TransitionCode.NOT_FOUND: ErrorCode.NOT_FOUND,
    TransitionCode.INVALID_TRANSITION: ErrorCode.INVALID_TRANSITION,
    TransitionCode.ACTOR_REQUIRED: ErrorCode.INVALID_ARGUMENT,
    TransitionCode.ASSIGNEE_REQUIRED: ErrorCode.ASSIGNEE_REQUIRED,
    TransitionCode.REASON_REQUIRED: ErrorCode.REASON_REQUIRED,
    TransitionCode.RECTIFICATION_REQUIRED: ErrorCode.RECTIFICATION_REQUIRED,
    TransitionCode.AMOUNT_REQUIRED: ErrorCode.AMOUNT_REQUIRED,
    TransitionCode.INVALID_AMOUNT: ErrorCode.INVALID_AMOUNT,
}


class _Store:
    """Runs a function in a session in a worker thread: one transaction per call."""

    def __init__(self, runtime: Runtime) -> None:
        self._sessions = runtime.sessions

    async def run(self, fn: Callable[[Session], T]) -> T:
        def call() -> T:
            with session_scope(self._sessions) as session:
                return fn(session)

        return await asyncio.to_thread(call)


def _record(view: FindingView) -> FindingRecord:
    return FindingRecord(
        id=view.id,
        rule_id=view.rule_id,
        kind=view.kind.value,
        severity=view.severity.value,
        status=view.status.value,
        persons=view.persons,
        households=view.households,
        region=view.region,
        summary=view.summary,
        evidence=view.evidence,
        first_seen=view.first_seen,
        last_seen=view.last_seen,
        assignee=view.assignee,
    )


def _conditions(where: FindingFilter) -> list[Any]:
    """The filter as SQL on ``finding``; scope and sources first: the viewer cannot widen them."""
    c: list[Any] = []
    if where.scope:
        c.append(col(Finding.region).startswith(where.scope, autoescape=True))
    if where.sources:
        text = cast(col(Finding.evidence), Text)
        households = cast(col(Finding.households), Text)
        c.append(
            or_(
                *[text.contains(f'"source": "{s}"', autoescape=True) for s in where.sources],
                *[text.contains(f'"source":"{s}"', autoescape=True) for s in where.sources],
                *[households.contains(f'"{s}:', autoescape=True) for s in where.sources],
            )
        )
    for column, values in (
        (Finding.rule_id, where.rule_ids),
        (Finding.kind, where.kinds),
        (Finding.severity, where.severities),
        (Finding.status, where.statuses),
    ):
        if values is not None:
            c.append(col(column).in_(values))
    if where.region_prefix:
        c.append(col(Finding.region).startswith(where.region_prefix, autoescape=True))
    if where.first_seen_from:
        c.append(col(Finding.first_seen) >= where.first_seen_from)
    if where.first_seen_to:
        c.append(col(Finding.first_seen) <= where.first_seen_to)
    if where.assignee is not None:
        c.append(col(Finding.assignee) == where.assignee)
    return c


class StoreFindings(_Store):
    """:class:`schema.context.FindingStore` over ``hub.store`` (listing, review)."""

    async def list_findings(
        self, where: FindingFilter, offset: int, limit: int
    ) -> tuple[list[FindingRecord], int]:
        def read(session: Session) -> tuple[list[FindingRecord], int]:
            cond = _conditions(where)
            total = session.exec(select(func.count()).select_from(Finding).where(*cond)).one()
            rows = session.exec(
                select(Finding)
                .where(*cond)
                .order_by(col(Finding.first_seen).desc(), col(Finding.id))
                .offset(offset)
                .limit(limit)
            ).all()
            return [_record(FindingView.of(r)) for r in rows], int(total)

        return await self.run(read)

    async def findings_by_ids(self, ids: Sequence[str]) -> list[FindingRecord | None]:
        def read(session: Session) -> list[FindingRecord | None]:
            rows = {r.id: r for r in session.exec(select(Finding).where(col(Finding.id).in_(ids))).all()}
            return [_record(FindingView.of(rows[i])) if i in rows else None for i in ids]

        return await self.run(read)

    async def findings_by_persons(
        self, persons: Sequence[str], where: FindingFilter
    ) -> list[list[FindingRecord]]:
        def read(session: Session) -> list[list[FindingRecord]]:
            rows = session.exec(
                select(FindingPerson.person_id, Finding)
                .join(Finding, col(Finding.id) == col(FindingPerson.finding_id))
                .where(col(FindingPerson.person_id).in_(persons), *_conditions(where))
                .order_by(col(Finding.first_seen).desc(), col(Finding.id))
            ).all()
            found: dict[str, list[FindingRecord]] = {p: [] for p in persons}
            for person, row in rows:
                found[person].append(_record(FindingView.of(row)))
            return [found[p] for p in persons]

        return await self.run(read)

    async def findings_by_households(
        self, households: Sequence[str], where: FindingFilter
    ) -> list[list[FindingRecord]]:
        def read(session: Session) -> list[list[FindingRecord]]:
            # Households live in a JSON list (no join table): match the quoted key in its text.
            text = cast(col(Finding.households), Text)
            named = or_(false(), *[text.contains(f'"{h}"', autoescape=True) for h in households])
            rows = session.exec(
                select(Finding)
                .where(named, *_conditions(where))
                .order_by(col(Finding.first_seen).desc(), col(Finding.id))
            ).all()
            found: dict[str, list[FindingRecord]] = {h: [] for h in households}
            for row in rows:
                for h in row.households:
                    if h in found:
                        found[h].append(_record(FindingView.of(row)))
            return [found[h] for h in households]

        return await self.run(read)

    async def history_by_ids(self, ids: Sequence[str]) -> list[list[EventRecord]]:
        def read(session: Session) -> list[list[EventRecord]]:
            rows = session.exec(
                select(FindingEvent)
                .where(col(FindingEvent.finding_id).in_(ids))
                .order_by(col(FindingEvent.at), col(FindingEvent.id))
            ).all()
            found: dict[str, list[EventRecord]] = {i: [] for i in ids}
            for row in rows:
                v = FindingEventView.of(row)
                found[row.finding_id].append(
                    EventRecord(
                        at=v.at,
                        actor=v.actor,
                        action=v.action,
                        from_status=v.from_status.value if v.from_status else None,
                        to_status=v.to_status.value,
                        note=v.reason or v.note,
                    )
                )
            return [found[i] for i in ids]

        return await self.run(read)

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
        dismiss = action is TransitionAction.DISMISS
        step = review.Step(
            action=ReviewAction(action.value.upper()),
            actor=actor,
            note="" if dismiss else note,
            assignee=assignee,
            reason=note if dismiss else None,
            rectification=Rectification(rectification) if rectification else None,
            amount=amount,
        )
        try:
            view = await self.run(lambda s: review.review(s, finding_id, step))
        except TransitionError as exc:
            raise TransitionRefused(_CODES.get(exc.code, ErrorCode.INVALID_ARGUMENT), exc.message) from exc
        return _record(view)

    async def counts_by_region(
        self, region: str, child_length: int, scope: str
    ) -> list[tuple[str, str, str, int]]:
        def read(session: Session) -> list[tuple[str, str, str, int]]:
            child = func.substr(col(Finding.region), 1, child_length)
            cond = _conditions(FindingFilter(scope=scope, region_prefix=region or None))
            rows = (
                session.connection()
                .execute(
                    sa_select(child, col(Finding.kind), col(Finding.status), func.count())
                    .where(*cond)
                    .group_by(child, col(Finding.kind), col(Finding.status))
                )
                .all()
            )
            return [(str(r[0] or ""), str(r[1]), str(r[2]), int(r[3])) for r in rows]

        return await self.run(read)


class StoreAuthenticator(_Store):
    """Bearer tokens from ``hub users token`` (hashed in SQL), or a JWT from the identity provider."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self._settings = runtime.settings

    async def authenticate(self, token: str) -> Viewer | None:
        if token.count(".") == 2 and self._settings.jwt_key is not None:
            return self._jwt(token)
        try:
            who = await self.run(lambda s: users.authenticate(s, token))
        except AuthenticationError:
            return None
        return Viewer(
            user=who.user,
            role=Role(who.role.value),
            region=who.region_scope,
            source=who.department.value if who.department else None,
        )

    def _jwt(self, token: str) -> Viewer | None:
        s = self._settings
        key = s.jwt_key.get_secret_value() if s.jwt_key else ""
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=["HS256", "RS256", "ES256"],
                issuer=s.jwt_issuer,
                audience=s.jwt_audience,
                options={"require": ["sub", "exp"]},
            )
            role = Role(str(claims.get("role", "")))
        except (jwt.PyJWTError, ValueError):
            return None
        region = str(claims.get("region", ""))
        if region and not (region.isdigit() and len(region) in (2, 4, 6, 9, 12)):
            return None
        source = claims.get("department")
        if (role is Role.DEPARTMENT) != bool(source):
            return None  # a department user must name its source, no other may
        return Viewer(
            user=f"jwt:{claims['sub']}", role=role, region=region, source=str(source) if source else None
        )


class StoreAudit(_Store):
    """:class:`schema.context.AuditLog` over the store's hash-chained log."""

    async def record(
        self, actor: str, action: str, subjects: Sequence[str], query: str, detail: Mapping[str, Any]
    ) -> None:
        await self.run(
            lambda s: audit.append(
                s, actor, action, ",".join(subjects), {**detail, "subjects": list(subjects)}, query or None
            )
        )


class StoreOperations(_Store):
    """:class:`schema.context.OperationsStore` over the store's sync state."""

    async def sources(self) -> list[SourceStatus]:
        rows = await self.run(source_status)
        return [
            SourceStatus(
                source=r.source.value,
                last_sync_at=r.last_ended or r.last_started,
                last_status=r.last_status.value if r.last_status else None,
                rows=r.written,
                quarantined=r.quarantined,
            )
            for r in rows
        ]

    async def quarantined(
        self, source: str | None, offset: int, limit: int
    ) -> tuple[list[QuarantinedRow], int]:
        def read(session: Session) -> tuple[list[QuarantinedRow], int]:
            cond = [col(QuarantineRow.source) == source] if source else []
            total = session.exec(select(func.count()).select_from(QuarantineRow).where(*cond)).one()
            rows = session.exec(
                select(QuarantineRow)
                .where(*cond)
                .order_by(col(QuarantineRow.id).desc())
                .offset(offset)
                .limit(limit)
            ).all()
            return [
                QuarantinedRow(
                    id=str(r.id),
                    source=r.source,
                    record_key=r.location,
                    reason=r.reason,
                    raw=r.raw,
                    at=r.fetched_at,
                )
                for r in rows
            ], int(total)

        return await self.run(read)


class NoJobs:
    """Until the hub's job runner is wired in: every start is refused with a clear message."""

    async def start_sync(self, source: str, full: bool) -> str:
        raise NotImplementedError("the hub's job runner is not wired into the API")

    async def start_check(
        self, rule_ids: Sequence[str] | None, region: str | None, profile: str | None, as_of: Any
    ) -> str:
        raise NotImplementedError("the hub's job runner is not wired into the API")

    async def progress(self, run_id: str) -> JobProgress | None:
        return None


class AdapterMedicalLookup:
    """:class:`schema.context.MedicalLookup` over ``adapters.medical`` (signed batches, its rate limit
    and retries), with the settings' credentials; adapter errors become ``LiveSourceError``."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._adapter: MedicalAdapter | None = None
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> MedicalAdapter:
        if self._adapter is None:
            ep = self._settings.medical
            # One client for the app's life: the adapter's rate limit holds across requests.
            self._http = httpx.AsyncClient(timeout=self._settings.http_timeout)
            self._adapter = MedicalAdapter(
                self._http,
                base_url=ep.base_url,
                app_id=ep.app_id,
                app_secret=ep.app_secret.get_secret_value(),
                timeout=self._settings.http_timeout,
            )
        return self._adapter

    async def aclose(self) -> None:
        """Close the HTTP client, if a look-up ever opened it (the app's shutdown calls this)."""
        if self._http is not None:
            await self._http.aclose()
        self._http = None
        self._adapter = None

    async def lookup(self, ids: Sequence[str], year: int) -> list[MedicalRow]:
        try:
            answers = await self._client().lookup(ids, year)
        except SourceError as exc:
            raise LiveSourceError(f"medical platform: {type(exc).__name__}") from exc
        return [
            MedicalRow(
                id_number=a.id_number,
                year=a.year,
                found=a.found,
                name=a.name,
                deceased=a.deceased,
                death_date=a.death_date,
                records=tuple(
                    InsuranceRow(
                        insurance_type=r.insurance_type,
                        region_code=r.region_code,
                        year=r.year,
                        status=r.status,
                        contribution=float(r.contribution),
                        subsidy_category=r.subsidy_category,
                        subsidy=float(r.subsidy),
                        enrolled_on=r.enrolled_on,
                    )
                    for r in a.records
                ),
            )
            for a in answers
        ]


def medical_lookup(settings: Settings) -> MedicalLookup | None:
    """The live medical look-up with the settings' credentials, when the platform is configured."""
    return AdapterMedicalLookup(settings) if settings.medical.configured else None


class DoudiGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with the hub's context: viewer, graph reader, services, loaders."""

    def __init__(
        self,
        settings: Settings,
        jobs: Jobs | None,
        medical: MedicalLookup | None,
        authenticator: Authenticator | None,
        audit_log: AuditLog | None,
    ) -> None:
        production = settings.environment == "production"
        limits = Limits(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            mask_errors=production,
            introspection=settings.graphiql_enabled or not production,
        )
        super().__init__(build_schema(limits), graphql_ide="graphiql" if settings.graphiql_enabled else None)
        self._settings = settings
        self._jobs = jobs
        self._medical = medical
        self._authenticator = authenticator
        self._audit = audit_log
        self._services: Services | None = None
        self._own_medical: MedicalLookup | None = None

    def _own_lookup(self) -> MedicalLookup | None:
        """The live look-up this endpoint builds from the settings, kept so shutdown can close it."""
        self._own_medical = medical_lookup(self._settings)
        self._medical = self._own_medical
        return self._own_medical

    def services(self, runtime: Runtime, state: Any) -> Services:
        """The schema's services over the app's runtime, built once.

        The lifespan may put ``jobs`` (the hub's job runner) and ``medical_lookup`` on the
        app's state; they win over what was passed at construction.
        """
        if self._services is None:
            self._jobs = getattr(state, "jobs", None) or self._jobs
            self._medical = getattr(state, "medical_lookup", None) or self._medical
            self._services = Services(
                authenticator=self._authenticator or StoreAuthenticator(runtime),
                findings=StoreFindings(runtime),
                audit=self._audit or StoreAudit(runtime),
                operations=StoreOperations(runtime),
                jobs=self._jobs or NoJobs(),
                medical=self._medical if self._medical is not None else self._own_lookup(),
                default_year=self._settings.check_year(),
                check_date=self._settings.check_date,
            )
        return self._services

    async def aclose(self) -> None:
        """Release what the endpoint opened itself: the live medical look-up's HTTP client.

        A look-up passed in (tests, the app's state) belongs to whoever made it and is left open.
        """
        if isinstance(self._own_medical, AdapterMedicalLookup):
            await self._own_medical.aclose()

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        runtime: Runtime = request.app.state.services
        services = self.services(runtime, request.app.state)
        token = _bearer(request)
        viewer = await services.authenticator.authenticate(token) if token else None
        graph = GraphReader(runtime.driver, runtime.database)
        where = findings_scope(viewer) if viewer else FindingFilter(scope="\x00")
        loaders = Loaders(graph, services, where, services.medical)
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            viewer=viewer,
            graph=graph,
            services=services,
            loaders=loaders,
        )


def _bearer(request: Request | WebSocket) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def graphql_app(
    settings: Settings,
    *,
    jobs: Jobs | None = None,
    medical: MedicalLookup | None = None,
    authenticator: Authenticator | None = None,
    audit_log: AuditLog | None = None,
) -> DoudiGraphQL:
    """The /graphql endpoint; the hub passes its job runner (tests may pass a medical look-up)."""
    return DoudiGraphQL(settings, jobs, medical, authenticator, audit_log)
