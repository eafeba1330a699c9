"""Findings over HTTP: the connection and its filters, one finding, the review mutations."""

from __future__ import annotations

from conftest import ZHANG, World

PAGE = """query($first: Int!, $after: String, $filter: FindingFilterInput) {
  findings(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id ruleId kind severity status region persons households } } } }"""


async def test_admin_pages_through_every_finding(world: World) -> None:
    first = await world.query("admin", PAGE, first=1)
    conn = first["data"]["findings"]
    assert conn["totalCount"] == 2 and conn["pageInfo"]["hasNextPage"]
    second = await world.query("admin", PAGE, first=1, after=conn["pageInfo"]["endCursor"])
    conn2 = second["data"]["findings"]
    assert not conn2["pageInfo"]["hasNextPage"]
    ids = {conn["edges"][0]["node"]["id"], conn2["edges"][0]["node"]["id"]}
    assert ids == {world.finding_a, world.finding_b}


async def test_filters(world: World) -> None:
    cases = [
        ({"kinds": ["MISSED"]}, {world.finding_a}),
        ({"severities": ["HIGH"]}, {world.finding_b}),
        ({"ruleIds": ["dup.dibao_and_tekun"]}, {world.finding_b}),
        ({"statuses": ["OPEN"]}, {world.finding_a, world.finding_b}),
        ({"regionPrefix": "530103"}, {world.finding_b}),
        ({"firstSeenFrom": "2026-11-24"}, set()),
        ({"assignee": "nobody"}, set()),
    ]
    for given, expected in cases:
        body = await world.query("admin", PAGE, first=10, filter=given)
        assert {e["node"]["id"] for e in body["data"]["findings"]["edges"]} == expected, given


async def test_one_finding_with_rule_evidence_and_history(world: World) -> None:
    query = """query($id: ID!) { finding(id: $id) { id persons households
      evidence { source recordKey note facts { field value } }
      history { actor action toStatus } people { id } } }"""
    body = await world.query("sup_a", query, id=world.finding_a)
    f = body["data"]["finding"]
    assert f["persons"] == [ZHANG] and f["people"] == [{"id": ZHANG}]
    assert {e["source"] for e in f["evidence"]} == {"CIVIL", "DISABILITY"}
    assert f["history"][0]["action"] == "DETECTED"


REVIEW = """mutation($id: ID!) {
  a: assignFinding(id: $id, assignee: "sup_a") { __typename ... on Finding { status assignee }
                                                  ... on MutationError { code message } } }"""


async def test_review_workflow_with_typed_errors_and_audit(world: World) -> None:
    confirm_too_early = await world.query(
        "sup_a",
        "mutation($id: ID!) { confirmFinding(id: $id) { ... on MutationError { code } } }",
        id=world.finding_a,
    )
    assert confirm_too_early["data"]["confirmFinding"] == {"code": "INVALID_TRANSITION"}
    body = await world.query("sup_a", REVIEW, id=world.finding_a)
    assert body["data"]["a"] == {"__typename": "Finding", "status": "ASSIGNED", "assignee": "sup_a"}
    dismiss = await world.query(
        "sup_a",
        'mutation($id: ID!) { dismissFinding(id: $id, reason: " ") { ... on MutationError { code } } }',
        id=world.finding_a,
    )
    assert dismiss["data"]["dismissFinding"] == {"code": "REASON_REQUIRED"}
    confirm = await world.query(
        "sup_a",
        'mutation($id: ID!) { confirmFinding(id: $id, note: "checked") { ... on Finding { status } } }',
        id=world.finding_a,
    )
    assert confirm["data"]["confirmFinding"] == {"status": "CONFIRMED"}
    rectify = await world.query(
        "sup_a",
        "mutation($id: ID!) { rectifyFinding(id: $id, rectification: RECOVERED, amount: 1200.5) "
        "{ ... on Finding { status history { action } } ... on MutationError { code } } }",
        id=world.finding_a,
    )
    assert rectify["data"]["rectifyFinding"]["status"] == "RECTIFIED"
    # Another county's supervisor cannot touch it; a leader or a department may not review at all.
    other = await world.query("sup_b", REVIEW, id=world.finding_a)
    assert other["data"]["a"]["code"] == "NOT_FOUND"
    refused = await world.query("civil_a", REVIEW, id=world.finding_a)
    assert refused["data"] is None and "supervisors" in refused["errors"][0]["message"]

    from hub.store import audit
    from hub.store.db import session_scope

    with session_scope(world.sessions) as s:
        entries = audit.recent(s, limit=50)
        assert audit.verify(s).ok
    actions = [e.action for e in entries]
    assert actions.count("finding.assign") == 1 and "finding.rectify" in actions
    reads = [e for e in entries if e.action == "person.read_pii"]
    assert all(e.query for e in entries)
    assert not reads or all(e.actor in ("sup_a", "sup_b", "admin") for e in reads)


async def test_reading_pii_is_audited(world: World) -> None:
    await world.query("sup_a", "query($id: String!) { person(id: $id) { id names { name } } }", id=ZHANG)
    await world.query("civil_a", "query($id: String!) { person(id: $id) { id } }", id=ZHANG)
    from hub.store import audit
    from hub.store.db import session_scope

    with session_scope(world.sessions) as s:
        reads = [e for e in audit.recent(s, limit=50) if e.action == "person.read_pii"]
    assert [(e.actor, e.subject) for e in reads] == [("sup_a", ZHANG)]
    assert "person(id: $id)" in (reads[0].query or "")
