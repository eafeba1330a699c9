"""The four sources as the hub wires them: adapters built from Settings, and their streams.

Only the hub builds the real ``httpx.AsyncClient``; each adapter takes it with its
base URL and credentials. A sync reads civil, poverty and disability, resolves
identities, then asks the medical platform about every person they named (it
offers no bulk export), and resolves identities once more.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Final

import httpx

from adapters.civil import CivilAdapter
from adapters.disability import DisabilityAdapter
from adapters.medical import MedicalAdapter
from adapters.records import Page, Source
from graph.identity import resolve
from graph.persons import ids_to_ask
from hub.runtime import Services
from hub.settings import Settings, SourceEndpoint
from hub.store import sync as store_sync
from hub.store.db import session_scope
from hub.sync import Cursor, Progress, StreamResult, SyncResult, sync_stream

ORDER: Final[tuple[Source, ...]] = (Source.CIVIL, Source.POVERTY, Source.DISABILITY, Source.MEDICAL)


class SourceNotConfigured(ValueError):
    """A source was asked for whose base URL is not set."""


@dataclass
class FeedStream:
    """A named stream whose pages come from one adapter call."""

    name: str
    open: Callable[[Cursor], AsyncIterator[Page]]

    def pages(self, cursor: Cursor) -> AsyncIterator[Page]:
        return self.open(cursor)


async def _one(page: Callable[[], object]) -> AsyncIterator[Page]:
    result = await page()  # type: ignore[misc]
    yield result


def http_client(settings: Settings) -> httpx.AsyncClient:
    """The one HTTP client of a sync: pooled, no proxies from the environment."""
    return httpx.AsyncClient(
        timeout=settings.http_timeout,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        trust_env=False,
    )


def endpoint(settings: Settings, source: Source) -> SourceEndpoint:
    ep: SourceEndpoint = getattr(settings, source.value)
    if not ep.configured:
        raise SourceNotConfigured(
            f"source {source.value} has no base URL: set DOUDI_{source.value.upper()}__BASE_URL "
            "or give an endpoints file (--endpoints / DOUDI_ENDPOINTS_FILE)"
        )
    return ep


def civil_streams(client: httpx.AsyncClient, ep: SourceEndpoint) -> list[FeedStream]:
    civil = CivilAdapter(
        client,
        base_url=ep.base_url,
        client_id=ep.client_id,
        client_secret=ep.client_secret.get_secret_value(),
    )
    return [
        FeedStream("standards", lambda c: _one(civil.standards)),
        FeedStream("households", lambda c: civil.households(since=c.since, resume=c.resume)),
        FeedStream("tekun", lambda c: civil.tekun(since=c.since, resume=c.resume)),
        FeedStream("payments", lambda c: civil.payments(since=c.since, resume=c.resume)),
    ]


def disability_streams(client: httpx.AsyncClient, ep: SourceEndpoint) -> list[FeedStream]:
    disability = DisabilityAdapter(client, base_url=ep.base_url, api_key=ep.api_key.get_secret_value())
    return [FeedStream("persons", lambda c: disability.persons(since=c.since, resume=c.resume))]


def poverty_streams(client: httpx.AsyncClient, ep: SourceEndpoint, services: Services) -> list[FeedStream]:
    from adapters.poverty import PovertyAdapter  # the newest adapter; imported where used

    poverty = PovertyAdapter(client, base_url=ep.base_url, api_key=ep.api_key.get_secret_value())

    def snapshots(cursor: Cursor) -> AsyncIterator[Page]:
        with session_scope(services.sessions) as session:
            known = store_sync.known_snapshots(session)
        return poverty.snapshots(ingested=known, resume=cursor.resume)

    return [FeedStream("snapshots", snapshots)]


def medical_streams(
    client: httpx.AsyncClient, ep: SourceEndpoint, services: Services, *, full: bool
) -> list[FeedStream]:
    medical = MedicalAdapter(
        client, base_url=ep.base_url, app_id=ep.app_id, app_secret=ep.app_secret.get_secret_value()
    )
    year = services.settings.check_year()

    async def answers(cursor: Cursor) -> AsyncIterator[Page]:
        ids = await ids_to_ask(services.driver, year, missing_only=not full, database=services.database)
        async for page in medical.lookup_all(ids, year, resume=cursor.resume):
            yield page

    return [FeedStream(f"insured-{year}", answers)]


async def sync_sources(
    services: Services,
    sources: Sequence[Source],
    *,
    full: bool = False,
    progress: Progress | None = None,
    on_stream: Callable[[StreamResult], None] | None = None,
) -> SyncResult:
    """Sync the given sources in the order civil, poverty, disability, medical."""
    result = SyncResult()
    wanted = [s for s in ORDER if s in sources]
    async with http_client(services.settings) as client:
        for source in wanted:
            ep = endpoint(services.settings, source)
            if source is Source.CIVIL:
                streams = civil_streams(client, ep)
            elif source is Source.POVERTY:
                streams = poverty_streams(client, ep, services)
            elif source is Source.DISABILITY:
                streams = disability_streams(client, ep)
            else:
                await resolve(services.driver, database=services.database)
                streams = medical_streams(client, ep, services, full=full)
            for stream in streams:
                outcome = await sync_stream(
                    source,
                    stream,
                    driver=services.driver,
                    sessions=services.sessions,
                    full=full,
                    database=services.database,
                    progress=progress,
                )
                result.streams.append(outcome)
                if on_stream:
                    on_stream(outcome)
                if outcome.error:
                    break
    await resolve(services.driver, database=services.database)
    return result
