# mypy: disable-error-code="untyped-decorator"
"""Operations: sources with their last sync and quarantine, quarantined rows, and starting
sync and check runs whose progress can be polled or subscribed to (admins only)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncGenerator
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from strawberry.relay import PageInfo
from strawberry.types import Info

from schema.access import viewer_of
from schema.context import Context, JobProgress
from schema.enums import SourceName
from schema.errors import BadArgument, ErrorCode, JobBusy, MutationError
from schema.permissions import IsAdmin, IsAuthenticated

SYNCABLE = ("civil", "poverty", "disability", "medical")
POLL_SECONDS = 1.0


@strawberry.type(description="A source as the sync runs left it.")
class SourceStatus:
    source: SourceName = strawberry.field(description="The department system.")
    last_sync_at: datetime | None = strawberry.field(description="When its last sync run ended.")
    last_status: str | None = strawberry.field(description="running, ok or failed.")
    rows: int = strawberry.field(description="Rows its runs wrote to the graph.")
    quarantined: int = strawberry.field(description="Rows held in quarantine.")


@strawberry.type(description="When a source was last synced: no counts, for every signed-in user.")
class SourceSync:
    source: SourceName = strawberry.field(description="The department system.")
    last_sync_at: datetime | None = strawberry.field(description="When its last sync run ended.")


@strawberry.type(description="A source row the hub could not read, kept whole.")
class QuarantinedRow:
    id: str = strawberry.field(description="The quarantine entry's id.")
    source: SourceName = strawberry.field(description="The source that sent it.")
    location: str = strawberry.field(description="Where it was read (page, file:line).")
    reason: str = strawberry.field(description="What is wrong with it.")
    raw: str = strawberry.field(description="The row as received.")
    at: datetime = strawberry.field(description="When it was fetched.")


@strawberry.type(description="A quarantined row and its cursor.")
class QuarantinedEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read on from here.")
    node: QuarantinedRow = strawberry.field(description="The row.")


@strawberry.type(description="A page of quarantined rows (Relay cursor connection).")
class QuarantinedConnection:
    edges: list[QuarantinedEdge] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="How many rows match.")


@strawberry.type(description="Where a sync or check run stands.")
class Job:
    run_id: str = strawberry.field(description="The run id.")
    kind: str = strawberry.field(description="sync or check.")
    status: str = strawberry.field(description="queued, running, succeeded or failed.")
    done: int = strawberry.field(description="Units done (rows or rules).")
    total: int | None = strawberry.field(description="Units in all, when known.")
    message: str = strawberry.field(description="The latest progress line.")
    started_at: datetime | None = strawberry.field(description="When it started.")
    finished_at: datetime | None = strawberry.field(description="When it finished.")

    @classmethod
    def from_progress(cls, p: JobProgress) -> Job:
        return cls(
            run_id=p.run_id,
            kind=p.kind,
            status=p.status,
            done=p.done,
            total=p.total,
            message=p.message,
            started_at=p.started_at,
            finished_at=p.finished_at,
        )


@strawberry.type(description="A run was started; poll `job(runId)` or subscribe to `jobProgress`.")
class JobStarted:
    run_id: str = strawberry.field(description="The run id.")


JobResult = Annotated[
    JobStarted | MutationError, strawberry.union("JobResult", description="The run started, or why not.")
]


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"quarantine:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, number = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        if prefix != "quarantine":
            raise ValueError(prefix)
        return int(number) + 1
    except ValueError as exc:
        raise BadArgument(f"cursor {cursor!r} was not issued by this API") from exc


@strawberry.type
class OperationQueries:
    """Query fields about operations (merged into Query)."""

    @strawberry.field(
        description="Every source with its last sync, counts and quarantine.", permission_classes=[IsAdmin]
    )
    async def sources(self, info: Info[Context, Any]) -> list[SourceStatus]:
        rows = await info.context.services.operations.sources()
        return [
            SourceStatus(
                source=SourceName(r.source),
                last_sync_at=r.last_sync_at,
                last_status=r.last_status,
                rows=r.rows,
                quarantined=r.quarantined,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Each source's last sync time, for any signed-in user (how fresh the figures are).",
        permission_classes=[IsAuthenticated],
    )
    async def last_syncs(self, info: Info[Context, Any]) -> list[SourceSync]:
        rows = await info.context.services.operations.sources()
        return [SourceSync(source=SourceName(r.source), last_sync_at=r.last_sync_at) for r in rows]

    @strawberry.field(description="Quarantined rows, newest first.", permission_classes=[IsAdmin])
    async def quarantined(
        self,
        info: Info[Context, Any],
        # Named apart in Python: ``source`` would clash with the permission extension's own argument.
        from_source: Annotated[
            SourceName | None, strawberry.argument(name="source", description="Only this source's rows.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="Page size, at most 100.")] = 20,
        after: str | None = None,
    ) -> QuarantinedConnection:
        start = _offset(after)
        rows, total = await info.context.services.operations.quarantined(
            from_source.value if from_source else None, start, max(0, min(first, 100))
        )
        edges = [
            QuarantinedEdge(
                cursor=_cursor(start + i),
                node=QuarantinedRow(
                    id=r.id,
                    source=SourceName(r.source),
                    location=r.record_key,
                    reason=r.reason,
                    raw=r.raw,
                    at=r.at,
                ),
            )
            for i, r in enumerate(rows)
        ]
        return QuarantinedConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + len(rows) < total,
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

    @strawberry.field(description="A sync or check run's progress.", permission_classes=[IsAdmin])
    async def job(self, info: Info[Context, Any], run_id: str) -> Job | None:
        progress = await info.context.services.jobs.progress(run_id)
        return Job.from_progress(progress) if progress else None


@strawberry.type
class OperationMutations:
    """Starting runs (merged into Mutation); each start is recorded in the audit log."""

    @strawberry.mutation(
        description="Start a sync of one source (`full`: ignore its cursor).", permission_classes=[IsAdmin]
    )
    async def start_sync(
        self,
        info: Info[Context, Any],
        # Named apart in Python: ``source`` would clash with the permission extension's own argument.
        of_source: Annotated[
            SourceName, strawberry.argument(name="source", description="The source to sync.")
        ],
        full: bool = False,
    ) -> JobResult:
        if of_source.value not in SYNCABLE:
            return MutationError(
                code=ErrorCode.INVALID_ARGUMENT, message=f"{of_source.value} is not a source to sync"
            )
        try:
            run_id = await info.context.services.jobs.start_sync(of_source.value, full)
        except JobBusy as exc:
            return MutationError(code=ErrorCode.BUSY, message=str(exc))
        await _audit(info, "job.start_sync", run_id, {"source": of_source.value, "full": full})
        return JobStarted(run_id=run_id)

    @strawberry.mutation(
        description="Start a check run of the rules (default: all, everywhere, today).",
        permission_classes=[IsAdmin],
    )
    async def start_check(
        self,
        info: Info[Context, Any],
        rule_ids: list[str] | None = None,
        region: str | None = None,
        profile: str | None = None,
        as_of: date | None = None,
    ) -> JobResult:
        from schema.rules import rule_definitions

        known = rule_definitions()
        unknown = [r for r in rule_ids or [] if known and r not in known]
        if unknown:
            return MutationError(
                code=ErrorCode.INVALID_ARGUMENT, message=f"unknown rule ids: {', '.join(unknown)}"
            )
        viewer = viewer_of(info)
        if viewer.region and region and not region.startswith(viewer.region):
            return MutationError(code=ErrorCode.FORBIDDEN, message=f"region {region} is outside your scope")
        try:
            run_id = await info.context.services.jobs.start_check(
                rule_ids, region or viewer.region or None, profile, as_of
            )
        except JobBusy as exc:
            return MutationError(code=ErrorCode.BUSY, message=str(exc))
        await _audit(
            info, "job.start_check", run_id, {"rules": rule_ids, "region": region, "profile": profile}
        )
        return JobStarted(run_id=run_id)


async def _audit(info: Info[Context, Any], action: str, subject: str, detail: dict[str, Any]) -> None:
    viewer = viewer_of(info)
    await info.context.services.audit.record(
        viewer.user, action, [subject], info.context.request_query, detail
    )


@strawberry.type
class OperationSubscriptions:
    """Run progress as it happens."""

    @strawberry.subscription(description="A run's progress, until it finishes.", permission_classes=[IsAdmin])
    async def job_progress(self, info: Info[Context, Any], run_id: str) -> AsyncGenerator[Job, None]:
        while True:
            progress = await info.context.services.jobs.progress(run_id)
            if progress is None:
                return
            yield Job.from_progress(progress)
            if progress.finished:
                return
            await asyncio.sleep(POLL_SECONDS)
