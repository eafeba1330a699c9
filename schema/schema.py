# mypy: disable-error-code="untyped-decorator"
"""The app-level schema: Query, Mutation and Subscription merged from the areas, Apollo
Federation 2 (Person and Household are entities), and the extensions that guard it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import Info

from adapters.normalise import parse_id_number
from schema.access import viewer_of
from schema.context import Context
from schema.coverage import CoverageQueries
from schema.errors import BadArgument, SchemaError
from schema.findings import FindingMutations, FindingQueries
from schema.household import Household
from schema.operations import OperationMutations, OperationQueries, OperationSubscriptions
from schema.permissions import CanReadRecords, IsAuthenticated
from schema.person import Person

MAX_PERSONS = 100


@strawberry.type(description="The signed-in user, as the API sees them.")
class Me:
    user: str = strawberry.field(description="The user name.")
    role: str = strawberry.field(description="department, supervisor, leader or admin.")
    region: str = strawberry.field(description="The region scope (empty: the whole country).")
    source: str | None = strawberry.field(description="A department user's source.")
    pii: bool = strawberry.field(description="Whether names and ID numbers are shown unmasked.")


def normalised_id(raw: str) -> str:
    """The key a person is stored under: the normalised number (README.md's identity rules)."""
    try:
        parsed = parse_id_number(raw)
    except ValueError as exc:  # nothing written at all (empty or only spaces)
        raise BadArgument(f"{raw!r} is not an ID number") from exc
    if not parsed.value:
        raise BadArgument(f"{raw!r} is not an ID number")
    return parsed.value


@strawberry.type
class RecordQueries:
    """Persons and households (merged into Query)."""

    @strawberry.field(description="The signed-in user.", permission_classes=[IsAuthenticated])
    def me(self, info: Info[Context, Any]) -> Me:
        v = viewer_of(info)
        return Me(user=v.user, role=v.role.value, region=v.region, source=v.source, pii=v.pii)

    @strawberry.field(
        description="A person by ID number (normalised as the sources' numbers are); null when unknown or "
        "outside your scope.",
        permission_classes=[CanReadRecords],
    )
    async def person(self, info: Info[Context, Any], id: str) -> Person | None:
        return await Person.load(info, normalised_id(id))

    @strawberry.field(
        description="Up to 100 persons by ID number, in the order asked (null where unknown or out of scope).",
        permission_classes=[CanReadRecords],
    )
    async def persons(
        self,
        info: Info[Context, Any],
        ids: Annotated[list[str], strawberry.argument(description="≤ 100 numbers.")],
    ) -> list[Person | None]:
        if len(ids) > MAX_PERSONS:
            raise BadArgument(f"at most {MAX_PERSONS} ids at once, not {len(ids)}")
        # gather, not a loop of awaits: the DataLoader batches only what is asked together.
        return list(await asyncio.gather(*(Person.load(info, normalised_id(i)) for i in ids)))

    @strawberry.field(
        description="A household by `<source>:<household id>`; null when unknown or outside your scope.",
        permission_classes=[CanReadRecords],
    )
    async def household(self, info: Info[Context, Any], key: str) -> Household | None:
        return await Household.load(info, key)


Query = merge_types("Query", (RecordQueries, FindingQueries, CoverageQueries, OperationQueries))
Mutation = merge_types("Mutation", (FindingMutations, OperationMutations))


class AuditReads(SchemaExtension):
    """Records, after each operation, the persons whose PII it showed (one audit entry)."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            context.request_query = self.execution_context.query or ""
        yield
        if isinstance(context, Context) and context.pii_reads and context.viewer is not None:
            await context.services.audit.record(
                context.viewer.user,
                "person.read_pii",
                sorted(context.pii_reads),
                context.request_query,
                {"operation": self.execution_context.operation_name, "count": len(context.pii_reads)},
            )


def expected_error(error: GraphQLError) -> bool:
    """Errors whose message is safe to show: ours, permission refusals, and validation errors."""
    original = error.original_error
    return original is None or isinstance(original, SchemaError | StrawberryGraphQLError)


@dataclass(frozen=True, slots=True)
class Limits:
    """How the schema guards itself; the hub fills it from Settings."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    mask_errors: bool = False
    introspection: bool = True


def build_schema(limits: Limits) -> strawberry.federation.Schema:
    """The schema with its guards: depth, alias and token limits, caches, audit, masking."""
    extensions: list[Any] = [
        ParserCache(maxsize=256),
        MaxTokensLimiter(max_token_count=limits.max_tokens),
        QueryDepthLimiter(max_depth=limits.max_depth),
        MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        # Keyed by schema, document and validation rules (the limiters' included), so a
        # repeated query is validated once and a refused one stays refused.
        ValidationCache(maxsize=256),
        AuditReads,
    ]
    if not limits.introspection:
        extensions.append(DisableIntrospection)
    if limits.mask_errors:
        extensions.append(MaskErrors(should_mask_error=lambda e: not expected_error(e)))
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=merge_types("Subscription", (OperationSubscriptions,)),
        types=[Person, Household],
        extensions=extensions,
    )


schema = build_schema(Limits())
"""The schema with default limits: what ``strawberry export-schema schema.schema`` exports."""
