"""Tokens from the identity provider: a JWT signed with the configured key, with the
configured issuer and role/region claims, signs a user in; anything else is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from conftest import make_settings
from neo4j import AsyncDriver

from hub.app import create_app

KEY = "doudi-test-jwt-key-of-thirty-two-bytes-or-more"
ISSUER = "https://idp.example.test"
ME = "{ me { user role region source pii } }"


def token(key: str = KEY, *, expires_in: timedelta = timedelta(minutes=5), **claims: Any) -> str:
    payload: dict[str, Any] = {
        "sub": "u-1001",
        "iss": ISSUER,
        "exp": datetime.now(UTC) + expires_in,
        "role": "supervisor",
        "region": "530102",
        **claims,
    }
    return jwt.encode(payload, key, algorithm="HS256")


@pytest.fixture
async def client(graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(neo4j_auth, tmp_path, jwt_key=KEY, jwt_issuer=ISSUER)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as c,
    ):
        yield c


async def me(client: httpx.AsyncClient, bearer: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {bearer}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_signed_token_with_role_and_region_signs_in(client: httpx.AsyncClient) -> None:
    body = await me(client, token())
    assert body == {
        "data": {
            "me": {
                "user": "jwt:u-1001",
                "role": "supervisor",
                "region": "530102",
                "source": None,
                "pii": True,
            }
        }
    }
    dept = await me(client, token(role="department", department="civil", region="530103"))
    assert dept["data"]["me"]["source"] == "civil" and dept["data"]["me"]["pii"] is False


@pytest.mark.parametrize(
    "bearer",
    [
        pytest.param(token(KEY[::-1]), id="wrong signature"),
        pytest.param(token(expires_in=timedelta(minutes=-5)), id="expired"),
        pytest.param(token(iss="https://someone-else.example.test"), id="other issuer"),
        pytest.param(token(role="emperor"), id="unknown role"),
        pytest.param(token(region="53-01"), id="malformed region"),
        pytest.param(token(role="department"), id="department without its source"),
    ],
)
async def test_other_tokens_are_refused(client: httpx.AsyncClient, bearer: str) -> None:
    body = await me(client, bearer)
    assert body["data"] is None
    assert "authentication required" in body["errors"][0]["message"]
