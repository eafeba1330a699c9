"""Mounting the GraphQL schema on Starlette (the schema itself lives in ``schema``)."""

from __future__ import annotations

import strawberry
from strawberry.asgi import GraphQL

from hub.settings import Settings


@strawberry.type(description="Doudi's GraphQL API.")
class Query:
    @strawberry.field(description="Answers `pong`: the API is up.")
    def ping(self) -> str:
        return "pong"


def graphql_app(settings: Settings) -> GraphQL[None, None]:
    schema = strawberry.Schema(query=Query)
    return GraphQL(schema, graphql_ide="graphiql" if settings.graphiql_enabled else None)
