# mypy: disable-error-code="untyped-decorator"
"""Household (`<source>:<id>`): members, address, region, benefits, findings, and the
households of other sources that share its members or address."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from schema.access import load_household, shown_name, viewer_of
from schema.benefits import Dibao, Payment, Tekun
from schema.context import Context
from schema.enums import SourceName
from schema.findings import Finding, shown_findings
from schema.loaders import HouseholdFacts
from schema.values import as_float, as_int, as_str

if TYPE_CHECKING:
    from schema.person import Person


@strawberry.type(description="A member of a household, as that household's source lists him.")
class HouseholdMember:
    person_id: strawberry.Private[str]
    name: str | None = strawberry.field(
        description="The name as the source writes it (masked without PII rights)."
    )
    relation: str | None = strawberry.field(
        description="Relation to the head (adapters.records.Relation name)."
    )
    covered: bool | None = strawberry.field(description="civil: covered by the household's 低保.")
    labour_skill: str | None = strawberry.field(description="poverty: 劳动技能 as written.")
    health: list[str] | None = strawberry.field(
        description="poverty: 健康状况; null for roles without health rights."
    )

    @strawberry.field(description="The person (null when outside your scope).")
    async def person(
        self, info: Info[Context, Any]
    ) -> Annotated[Person, strawberry.lazy("schema.person")] | None:
        from schema.person import Person

        return await Person.load(info, self.person_id)


@strawberry.type(description="A household of another source linked to this one.")
class RelatedHousehold:
    key: str = strawberry.field(description="`<source>:<household id>`.")
    shares_members: bool = strawberry.field(description="At least one person is a member of both.")
    same_address: bool = strawberry.field(
        description="Both are at the same address (rules.md's same address)."
    )

    @strawberry.field(description="The household (null outside your scope).")
    async def household(self, info: Info[Context, Any]) -> Household | None:
        return await Household.load(info, self.key)


@strawberry.federation.type(
    keys=["key"], description="A household in one source, keyed `<source>:<household id>`."
)
class Household:
    facts: strawberry.Private[HouseholdFacts]

    @classmethod
    async def load(cls, info: Info[Context, Any], key: str) -> Household | None:
        facts = await load_household(info, key)
        return cls(facts=facts) if facts is not None else None

    @classmethod
    async def resolve_reference(cls, info: Info[Context, Any], key: str) -> Household | None:
        return await cls.load(info, key)

    @strawberry.field(description="`<source>:<household id>`, e.g. `civil:MZ530102-000123`.")
    def key(self) -> str:
        return self.facts.key

    @strawberry.field(description="civil or poverty.")
    def source(self) -> SourceName:
        return SourceName(self.facts.source)

    @strawberry.field(description="The household id in its source.")
    def household_id(self) -> str:
        return str(self.facts.node.get("household_id"))

    @strawberry.field(description="The 12-digit region code.")
    def region(self) -> str | None:
        return as_str(self.facts.node.get("region_code"))

    @strawberry.field(description="The address as written (null without PII rights).")
    def address(self, info: Info[Context, Any]) -> str | None:
        return as_str(self.facts.node.get("address")) if viewer_of(info).pii else None

    @strawberry.field(description="civil: active or cancelled.")
    def status(self) -> str | None:
        return as_str(self.facts.node.get("status"))

    @strawberry.field(description="civil: urban or rural.")
    def area_type(self) -> str | None:
        return as_str(self.facts.node.get("area_type"))

    @strawberry.field(description="poverty: the household type (脱贫户, 监测户, …).")
    def household_type(self) -> str | None:
        return as_str(self.facts.node.get("household_type"))

    @strawberry.field(description="poverty: 风险是否消除 (whether the risk is cleared).")
    def risk_cleared(self) -> str | None:
        return as_str(self.facts.node.get("risk_cleared"))

    @strawberry.field(description="poverty: 年人均纯收入, yuan a year per head.")
    def income_per_capita_year(self) -> float | None:
        return as_float(self.facts.node.get("income_per_capita_year"))

    @strawberry.field(description="poverty: the year it was identified.")
    def year_identified(self) -> int | None:
        return as_int(self.facts.node.get("year_identified"))

    @strawberry.field(description="poverty: the county snapshot it was read from.")
    def snapshot(self) -> str | None:
        return as_str(self.facts.node.get("snapshot"))

    @strawberry.field(description="Its members, as its source lists them.")
    def members(self, info: Info[Context, Any]) -> list[HouseholdMember]:
        viewer = viewer_of(info)
        health = viewer.sees_health(self.facts.source)
        return [
            HouseholdMember(
                person_id=item["id"],
                name=shown_name(viewer, as_str(item["m"].get("name"))),
                relation=as_str(item["m"].get("relation")),
                covered=item["m"].get("covered"),
                labour_skill=as_str(item["m"].get("labour_skill")),
                health=list(item["m"].get("health") or []) if health and "health" in item["m"] else None,
            )
            for item in self.facts.members
        ]

    @strawberry.field(description="civil: its 低保 block (null when it has none).")
    def dibao(self, info: Info[Context, Any]) -> Dibao | None:
        if self.facts.source != "civil":
            return None
        return Dibao.from_household(self.facts.key, self.facts.node, info.context.check_date)

    @strawberry.field(description="civil: the 特困 records naming it.")
    def tekun(self, info: Info[Context, Any]) -> list[Tekun]:
        day = info.context.check_date
        return [Tekun.from_props(item["t"], self.facts.key, day) for item in self.facts.tekun]

    @strawberry.field(description="civil: one-off payments made for it.")
    def payments(self) -> list[Payment]:
        return [Payment.from_props(item["x"]) for item in self.facts.payments]

    @strawberry.field(description="Findings naming it, in your scope.")
    async def findings(self, info: Info[Context, Any]) -> list[Finding]:
        records = await info.context.loaders.findings_by_household.load(self.facts.key)
        return shown_findings(viewer_of(info), records)

    @strawberry.field(description="Households of other sources sharing its members or its address.")
    def related_households(self, info: Info[Context, Any]) -> list[RelatedHousehold]:
        viewer = viewer_of(info)
        keys = sorted(set(self.facts.shared_members) | set(self.facts.same_address))
        # A department sees its own source only, so it sees no other source's household keys.
        keys = [k for k in keys if viewer.sees_source(k.split(":", 1)[0])]
        return [
            RelatedHousehold(
                key=k,
                shares_members=k in self.facts.shared_members,
                same_address=k in self.facts.same_address,
            )
            for k in keys
        ]
