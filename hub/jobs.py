"""Background sync and check runs started from the API, with progress to poll.

One runner per app; a job is an asyncio task on the app's event loop, sharing the
app's Neo4j driver and SQL store. One job of each kind runs at a time: a second
start while one runs is refused rather than queued, so two syncs never race on
the same cursors.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from adapters.records import Source
from hub.checking import run_check
from hub.runtime import Services
from hub.sources import ORDER, sync_sources
from schema.context import JobProgress
from schema.errors import JobBusy


class JobRefused(JobBusy):
    """A job of that kind is already running (the API answers it with a BUSY error result)."""


class JobRunner:
    """Implements ``schema.context.Jobs`` over the hub's sync and check services."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._jobs: dict[str, JobProgress] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._ids = itertools.count(1)

    def _running(self, kind: str) -> bool:
        return any(j.kind == kind and not j.finished for j in self._jobs.values())

    def _start(self, kind: str, total: int | None, work: Callable[[str], Coroutine[Any, Any, str]]) -> str:
        if self._running(kind):
            raise JobRefused(f"a {kind} run is already in progress")
        run_id = f"{kind}-{next(self._ids)}"
        self._jobs[run_id] = JobProgress(
            run_id, kind, "running", 0, total, "started", datetime.now(UTC), None
        )

        async def body() -> None:
            try:
                message = await work(run_id)
                self._update(run_id, status="succeeded", message=message, finished_at=datetime.now(UTC))
            except Exception as exc:  # reported through progress, never raised into the loop
                self._update(
                    run_id, status="failed", message=f"{type(exc).__name__}: {exc}", finished_at=datetime.now(UTC)
                )

        self._tasks[run_id] = asyncio.create_task(body())
        return run_id

    def _update(self, run_id: str, **changes: Any) -> None:
        self._jobs[run_id] = replace(self._jobs[run_id], **changes)

    async def start_sync(self, source: str, full: bool) -> str:
        sources = list(ORDER) if source in ("", "all") else [Source(source)]

        async def work(run_id: str) -> str:
            def advance(src: Source, stream: str, done: int, _total: int | None) -> None:
                job = self._jobs[run_id]
                self._update(run_id, done=job.done + done, message=f"{src.value} {stream}")

            result = await sync_sources(self._services, sources, full=full, progress=advance)
            if result.failed:
                raise RuntimeError(result.failed[0].error)
            return f"synced {sum(s.read for s in result.streams)} records"

        return self._start("sync", None, work)

    async def start_check(
        self, rule_ids: Sequence[str] | None, region: str | None, profile: str | None, as_of: date | None
    ) -> str:
        settings = self._services.settings
        check_date = as_of or settings.check_date or date.today()

        async def work(run_id: str) -> str:
            def advance(rule: Any, done: int, total: int, hits: int) -> None:
                self._update(run_id, done=done, total=total, message=f"{rule.id}: {hits}")

            outcome = await run_check(
                self._services.driver,
                self._services.sessions,
                check_date=check_date,
                check_year=settings.year or check_date.year,
                rule_ids=list(rule_ids) if rule_ids else None,
                region=region or "",
                profile_name=profile or "default",
                database=self._services.database,
                progress=advance,
            )
            return f"check run {outcome.run_id}: {outcome.hits} hit(s)"

        return self._start("check", None, work)

    async def progress(self, run_id: str) -> JobProgress | None:
        return self._jobs.get(run_id)

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
