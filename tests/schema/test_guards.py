"""Round-trips per request, Apollo Federation entities, query limits and the exported schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import World, f
from neo4j import AsyncDriver

from graph.ingest import write_records
from schema.reader import GraphReader

ROOT = Path(__file__).resolve().parents[2]

NESTED = """query($ids: [String!]!) { persons(ids: $ids) {
  id households { relation household { key members { name person { id } } dibao { active } } }
  dibao { status } tekun { status } certificates { status subsidies { type } } payments { amount }
  findings { id } } }"""


async def _round_trips(world: World, ids: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    readers: list[GraphReader] = []
    original = GraphReader.__init__

    def counting(self: GraphReader, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        readers.append(self)

    monkeypatch.setattr(GraphReader, "__init__", counting)
    body = await world.query("admin", NESTED, ids=ids)
    assert "errors" not in body, body
    assert all(p is not None for p in body["data"]["persons"])
    return sum(r.round_trips for r in readers)


async def test_round_trips_do_not_grow_with_the_page(
    world: World, graph: AsyncDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [f.pid("1950-01-01", n) for n in range(1, 101)]
    records: list[Any] = []
    for n, pid in enumerate(ids):
        hh = f"MZ530102-9{n:05d}"
        records.append(
            f.civil_household(hh, [f.member(pid, "某某")], dibao=f.dibao(), region_code="530102001001")
        )
        records.append(f.certificate(pid, "某某", subsidies=[f.subsidy()], region_code="530102001001"))
        records.append(f.payment(f"PAY-9{n}", pid, hh))
    await write_records(graph, records)
    small = await _round_trips(world, ids[:5], monkeypatch)
    large = await _round_trips(world, ids, monkeypatch)
    assert small == large <= 5, (small, large)


async def test_federation_entities(world: World) -> None:
    query = """query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Person { id dibao { active } } ... on Household { key region } } }"""
    reps = [
        {"__typename": "Person", "id": f.pid("1960-03-01", 1)},
        {"__typename": "Household", "key": "civil:MZ530102-000001"},
        {"__typename": "Household", "key": "civil:MZ530103-000001"},
    ]
    body = await world.query("sup_a", query, r=reps)
    assert "errors" not in body, body
    people, own, other = body["data"]["_entities"]
    assert people["dibao"] == [{"active": True}] and own["region"] == "530102001001"
    assert other is None  # another county's household resolves to nothing
    sdl = await world.query("admin", "{ _service { sdl } }")
    assert '@key(fields: "id")' in sdl["data"]["_service"]["sdl"]


def _deep(levels: int) -> str:
    inner = "key"
    for _ in range(levels):
        inner = f"household {{ members {{ person {{ households {{ {inner} }} }} }} }}"
    return f'{{ person(id: "x") {{ households {{ {inner} }} }} }}'


DEEP_BOMB = _deep(5)


@pytest.mark.parametrize(
    "query, words",
    [
        ("{ " + " ".join(f"a{n}: me {{ user }}" for n in range(40)) + " }", "aliases"),
        (DEEP_BOMB, "exceeds maximum operation depth"),
        ("{ me { " + " ".join(["user"] * 2500) + " } }", "token"),
    ],
)
async def test_bombs_are_refused(world: World, query: str, words: str) -> None:
    # Twice: validation results are cached, and a refused query must stay refused.
    for _ in range(2):
        body = await world.query("admin", query)
        assert body["data"] is None if "data" in body else True
        assert words in body["errors"][0]["message"].lower() or words in body["errors"][0]["message"], body[
            "errors"
        ]


async def test_production_masks_unexpected_errors_and_hides_introspection(
    graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path
) -> None:
    import httpx
    from conftest import make_settings

    from hub.app import create_app

    settings = make_settings(neo4j_auth, tmp_path, environment="production")
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://hub") as c,
    ):
        body = (await c.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert "introspection" in body["errors"][0]["message"].lower()
        refused = (await c.post("/graphql", json={"query": "{ me { user } }"})).json()
        assert "authentication required" in refused["errors"][0]["message"]
        page = await c.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code != 200 or "graphiql" not in page.text.lower()


def test_exported_schema_is_checked_in() -> None:
    # What `strawberry export-schema schema.schema:schema` writes is print_schema's text
    # (the CLI needs strawberry's `cli` extra, which the test environment does not carry).
    from strawberry.printer import print_schema

    from schema.schema import schema

    checked_in = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert print_schema(schema).strip() == checked_in.strip(), (
        "schema.graphql drifted: run `strawberry export-schema schema.schema:schema --output schema.graphql`"
    )


def test_every_type_and_field_is_described() -> None:
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

    from schema.schema import schema

    missing = []
    for name, t in schema._schema.type_map.items():
        if (
            name.startswith("_")
            or name.startswith("link__")
            or name in ("Query", "Mutation", "Subscription", "PageInfo")
        ):
            continue
        if isinstance(t, GraphQLObjectType | GraphQLInputObjectType | GraphQLEnumType) and not t.description:
            missing.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInputObjectType):
            missing += [
                f"{name}.{fname}"
                for fname, fld in t.fields.items()
                if not fld.description and not fname.startswith("_")
            ]
    for root in ("Query", "Mutation", "Subscription"):
        t = schema._schema.type_map[root]
        assert isinstance(t, GraphQLObjectType)
        missing += [
            f"{root}.{n}" for n, fld in t.fields.items() if not fld.description and not n.startswith("_")
        ]
    assert missing == []
