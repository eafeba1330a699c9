"""/health answers 200 when Neo4j and SQL are reachable, 503 when either is not."""

from __future__ import annotations

from pathlib import Path

import httpx
from neo4j import AsyncDriver

from hub.app import create_app
from hub.settings import Settings


def _settings(tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], **extra: str) -> Settings:
    uri, (user, password) = neo4j_auth
    env = {
        "DOUDI_VAR_DIR": str(tmp_path),
        "DOUDI_NEO4J_URI": uri,
        "DOUDI_NEO4J_USER": user,
        "DOUDI_NEO4J_PASSWORD": password,
        **extra,
    }
    return Settings.from_mapping(env)


async def _get_health(settings: Settings) -> httpx.Response:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            return await client.get("/health")


async def test_health_is_ok_when_both_stores_answer(
    tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]], graph: AsyncDriver
) -> None:
    response = await _get_health(_settings(tmp_path, neo4j_auth))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "neo4j": "ok", "sql": "ok"}


async def test_health_is_503_when_neo4j_is_down(tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]]) -> None:
    down = (neo4j_auth[0].rsplit(":", 1)[0] + ":1", neo4j_auth[1])

    response = await _get_health(_settings(tmp_path, down))

    assert response.status_code == 503
    assert response.json()["neo4j"] != "ok"
    assert response.json()["sql"] == "ok"


async def test_health_is_503_when_sql_is_down(tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]]) -> None:
    unreachable = "postgresql+psycopg://nobody:nothing@127.0.0.1:1/none?connect_timeout=2"

    response = await _get_health(_settings(tmp_path, neo4j_auth, DOUDI_SQL_URL=unreachable))

    assert response.status_code == 503
    assert response.json()["sql"] != "ok"
    assert response.json()["neo4j"] == "ok"


async def test_graphql_is_mounted(tmp_path: Path, neo4j_auth: tuple[str, tuple[str, str]]) -> None:
    app = create_app(_settings(tmp_path, neo4j_auth))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            response = await client.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json()["data"]["__typename"] == "Query"
