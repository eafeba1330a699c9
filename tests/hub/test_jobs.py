"""Jobs started from the API run in the background and report their progress."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from neo4j import AsyncDriver

from hub.jobs import JobRefused, JobRunner
from hub.runtime import open_services
from hub.settings import Settings


async def test_a_check_job_runs_to_the_end_and_a_second_is_refused_meanwhile(
    tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], graph: AsyncDriver
) -> None:
    uri, (user, password) = neo4j_auth
    settings = Settings.from_mapping(
        {
            "DOUDI_VAR_DIR": str(tmp_path),
            "DOUDI_NEO4J_URI": uri,
            "DOUDI_NEO4J_USER": user,
            "DOUDI_NEO4J_PASSWORD": password,
        }
    )
    async with open_services(settings) as services:
        jobs = JobRunner(services)
        run_id = await jobs.start_check(None, None, None, date(2026, 11, 23))

        with pytest.raises(JobRefused):
            await jobs.start_check(None, None, None, None)
        for _ in range(600):
            progress = await jobs.progress(run_id)
            assert progress is not None
            if progress.finished:
                break
            await asyncio.sleep(0.1)
        await jobs.close()

    assert progress.status == "succeeded", progress.message
    assert progress.total == progress.done == 19
    assert await jobs.progress("check-999") is None


async def test_a_sync_job_without_sources_fails_with_the_reason(
    tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]]
) -> None:
    uri, (user, password) = neo4j_auth
    settings = Settings.from_mapping(
        {
            "DOUDI_VAR_DIR": str(tmp_path),
            "DOUDI_NEO4J_URI": uri,
            "DOUDI_NEO4J_USER": user,
            "DOUDI_NEO4J_PASSWORD": password,
        }
    )
    async with open_services(settings) as services:
        jobs = JobRunner(services)
        run_id = await jobs.start_sync("civil", False)
        for _ in range(100):
            progress = await jobs.progress(run_id)
            assert progress is not None
            if progress.finished:
                break
            await asyncio.sleep(0.05)

    assert progress.status == "failed"
    assert "has no base URL" in progress.message
