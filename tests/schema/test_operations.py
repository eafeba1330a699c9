"""Operations over HTTP: sources and their syncs, quarantined rows, and runs started through
GraphQL on the app's real job runner (polled with ``job``, followed with ``jobProgress``)."""

from __future__ import annotations

import asyncio
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import World, make_settings, seed_store
from starlette.exceptions import StarletteDeprecationWarning

from adapters.records import Quarantined, Source
from hub.app import create_app
from hub.store import sync
from hub.store.db import create_all, make_engine, session_factory, session_scope
from hub.store.states import RunStatus

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

SOURCES = "{ sources { source lastSyncAt lastStatus rows quarantined } }"
LAST_SYNCS = "{ lastSyncs { source lastSyncAt } }"
QUARANTINED = """query($source: SourceName, $first: Int!, $after: String) {
  quarantined(source: $source, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id source location reason raw at } } } }"""
JOB = "query($id: String!) { job(runId: $id) { runId kind status done total message startedAt finishedAt } }"
STARTED = "... on JobStarted { runId } ... on MutationError { code message }"


def _seed_syncs(world: World) -> None:
    """A finished civil run with three quarantined rows and a failed disability run with one."""
    with session_scope(world.sessions) as s:
        civil = sync.start_sync(s, Source.CIVIL, "households", at=AT)
        sync.finish_sync(
            s, civil, status=RunStatus.OK, read=10, written=40, quarantined=3, at=AT + timedelta(minutes=5)
        )
        rows = [
            Quarantined(Source.CIVIL, f"MZ530102-00000{n}", f'{{"n": {n}}}', "bad id number", AT)
            for n in range(3)
        ]
        sync.add_quarantined(s, rows, run_id=civil)
        failed = sync.start_sync(s, Source.DISABILITY, "persons", at=AT)
        sync.finish_sync(s, failed, status=RunStatus.FAILED, error="timeout", at=AT + timedelta(minutes=1))
        sync.add_quarantined(
            s, [Quarantined(Source.DISABILITY, "page 3", "{}", "no level", AT)], run_id=failed
        )


async def _wait(world: World, run_id: str) -> dict[str, Any]:
    """Polls ``job`` until the run finishes (a check of the small graph takes a few seconds)."""
    for _ in range(600):
        body = await world.query("admin", JOB, id=run_id)
        assert "errors" not in body, body
        job: dict[str, Any] = body["data"]["job"]
        if job["finishedAt"] is not None:
            return job
        await asyncio.sleep(0.1)
    raise AssertionError(f"{run_id} did not finish: {job}")


async def test_sources_show_the_last_sync_and_quarantine_to_admins(world: World) -> None:
    _seed_syncs(world)
    body = await world.query("admin", SOURCES)
    assert "errors" not in body, body
    by_source = {r["source"]: r for r in body["data"]["sources"]}
    assert set(by_source) == {"CIVIL", "POVERTY", "DISABILITY", "MEDICAL"}
    assert by_source["CIVIL"] == {
        "source": "CIVIL",
        "lastSyncAt": "2026-11-20T08:05:00+00:00",
        "lastStatus": "ok",
        "rows": 40,
        "quarantined": 3,
    }
    assert by_source["DISABILITY"]["lastStatus"] == "failed"
    assert by_source["DISABILITY"]["quarantined"] == 1
    assert by_source["POVERTY"] == {
        "source": "POVERTY",
        "lastSyncAt": None,
        "lastStatus": None,
        "rows": 0,
        "quarantined": 0,
    }
    for who in ("leader", "sup_a", "civil_a"):
        refused = await world.query(who, SOURCES)
        assert refused["data"] is None and refused["errors"], (who, refused)


async def test_last_syncs_are_for_every_signed_in_user_but_not_anonymous(world: World) -> None:
    _seed_syncs(world)
    for who in ("leader", "civil_a", "admin"):
        body = await world.query(who, LAST_SYNCS)
        assert "errors" not in body, (who, body)
        times = {r["source"]: r["lastSyncAt"] for r in body["data"]["lastSyncs"]}
        assert times["CIVIL"] == "2026-11-20T08:05:00+00:00" and times["MEDICAL"] is None
    anonymous = await world.query("nobody", LAST_SYNCS)
    assert "authentication required" in anonymous["errors"][0]["message"]


async def test_quarantined_rows_page_newest_first_and_filter_by_source(world: World) -> None:
    _seed_syncs(world)
    everything = await world.query("admin", QUARANTINED, first=20)
    assert "errors" not in everything, everything
    page = everything["data"]["quarantined"]
    assert page["totalCount"] == 4
    assert [e["node"]["source"] for e in page["edges"]] == ["DISABILITY", "CIVIL", "CIVIL", "CIVIL"]

    civil = await world.query("admin", QUARANTINED, source="CIVIL", first=2)
    first = civil["data"]["quarantined"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert [e["node"]["location"] for e in first["edges"]] == ["MZ530102-000002", "MZ530102-000001"]
    node = first["edges"][0]["node"]
    assert node["reason"] == "bad id number" and node["raw"] == '{"n": 2}'
    assert node["at"] == "2026-11-20T08:00:00+00:00"

    rest = await world.query(
        "admin", QUARANTINED, source="CIVIL", first=2, after=first["pageInfo"]["endCursor"]
    )
    second = rest["data"]["quarantined"]
    assert [e["node"]["location"] for e in second["edges"]] == ["MZ530102-000000"]
    assert second["pageInfo"]["hasNextPage"] is False and second["pageInfo"]["hasPreviousPage"] is True

    none = await world.query("admin", QUARANTINED, source="MEDICAL", first=5)
    assert none["data"]["quarantined"]["totalCount"] == 0 and none["data"]["quarantined"]["edges"] == []

    foreign = await world.query("admin", QUARANTINED, first=5, after="bm90LW91cnM6MQ==")
    assert "not issued by this API" in foreign["errors"][0]["message"]
    refused = await world.query("sup_a", QUARANTINED, first=5)
    assert refused["data"] is None and refused["errors"]


async def test_a_check_started_through_graphql_runs_and_a_second_start_is_busy(world: World) -> None:
    # Both starts in one document: mutations run in order, so the second surely meets the first running.
    body = await world.query(
        "admin",
        f'mutation {{ a: startCheck(asOf: "2026-11-23") {{ {STARTED} }} b: startCheck {{ {STARTED} }} }}',
    )
    assert "errors" not in body, body
    run_id = body["data"]["a"]["runId"]
    assert run_id.startswith("check-")
    assert body["data"]["b"]["code"] == "BUSY"
    assert "already in progress" in body["data"]["b"]["message"]

    job = await _wait(world, run_id)
    assert job["status"] == "succeeded", job
    assert job["kind"] == "check" and job["total"] == job["done"] > 0
    assert job["message"].startswith("check run ")

    again = await world.query("admin", f"mutation {{ startCheck {{ {STARTED} }} }}")
    assert again["data"]["startCheck"]["runId"] != run_id  # the runner is free once the run ended
    await _wait(world, again["data"]["startCheck"]["runId"])


async def test_start_check_refuses_unknown_rules_and_other_roles(world: World) -> None:
    unknown = await world.query("admin", f'mutation {{ startCheck(ruleIds: ["no.such"]) {{ {STARTED} }} }}')
    assert unknown["data"]["startCheck"]["code"] == "INVALID_ARGUMENT"
    for who in ("sup_a", "leader"):
        refused = await world.query(who, f"mutation {{ startCheck {{ {STARTED} }} }}")
        assert refused["data"] is None and refused["errors"], (who, refused)


async def test_a_sync_started_through_graphql_fails_with_its_reason_when_unconfigured(world: World) -> None:
    body = await world.query("admin", f"mutation {{ startSync(source: CIVIL, full: true) {{ {STARTED} }} }}")
    assert "errors" not in body, body
    run_id = body["data"]["startSync"]["runId"]
    job = await _wait(world, run_id)
    assert job["kind"] == "sync" and job["status"] == "failed" and job["message"], job

    doudi = await world.query("admin", f"mutation {{ startSync(source: DOUDI) {{ {STARTED} }} }}")
    assert doudi["data"]["startSync"]["code"] == "INVALID_ARGUMENT"


async def test_an_unknown_run_is_null(world: World) -> None:
    body = await world.query("admin", JOB, id="check-999")
    assert body == {"data": {"job": None}}


def test_job_progress_is_pushed_over_a_websocket_until_the_run_ends(neo4j_auth: Any, tmp_path: Path) -> None:
    # Starlette's test client runs the app (and its lifespan) on a loop of its own, so this
    # test is synchronous and the store is seeded directly; a check of an empty graph is enough.
    with warnings.catch_warnings():
        # Starlette's test client asks for its own httpx fork; the stock httpx still works.
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from starlette.testclient import TestClient

    settings = make_settings(neo4j_auth, tmp_path)
    engine = make_engine(settings.sql_database_url)
    create_all(engine)
    tokens, _ = seed_store(session_factory(engine))
    headers = {"Authorization": f"Bearer {tokens['admin']}"}
    with TestClient(create_app(settings)) as client:
        started = client.post(
            "/graphql", json={"query": f"mutation {{ startCheck {{ {STARTED} }} }}"}, headers=headers
        ).json()
        run_id = started["data"]["startCheck"]["runId"]
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
        ) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json()["type"] == "connection_ack"
            ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($id: String!) { jobProgress(runId: $id) { runId status done } }",
                        "variables": {"id": run_id},
                    },
                }
            )
            statuses = []
            while True:
                message = ws.receive_json()
                if message["type"] == "complete":
                    break
                assert message["type"] == "next" and "errors" not in message["payload"], message
                statuses.append(message["payload"]["data"]["jobProgress"]["status"])
    engine.dispose()
    assert statuses and statuses[-1] == "succeeded", statuses
    assert set(statuses[:-1]) <= {"running"}


async def test_app_shutdown_closes_the_live_medical_client(neo4j_auth: Any, tmp_path: Path) -> None:
    from hub.graphql import AdapterMedicalLookup, DoudiGraphQL

    medical = {"base_url": "http://127.0.0.1:9", "app_id": "doudi", "app_secret": "secret"}
    settings = make_settings(neo4j_auth, tmp_path, medical=medical)
    app = create_app(settings)
    endpoint = next(r.app for r in app.routes if getattr(r, "path", "") == "/graphql")
    assert isinstance(endpoint, DoudiGraphQL)
    async with app.router.lifespan_context(app):
        endpoint.services(app.state.services, app.state)  # what the first request does
        lookup = endpoint._own_medical
        assert isinstance(lookup, AdapterMedicalLookup)
        lookup._client()  # what the first live look-up does
        http = lookup._http
        assert http is not None and not http.is_closed
    assert http.is_closed
