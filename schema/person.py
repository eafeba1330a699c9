# mypy: disable-error-code="untyped-decorator"
"""Person (by normalised ID number): identity, households, benefits, certificates,
medical insurance, deceased status, findings and identity conflicts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from schema.access import load_person, shown_id, shown_name, viewer_of
from schema.benefits import Certificate, Dibao, MedicalYear, Payment, Tekun
from schema.context import Context
from schema.enums import Gender, SourceName, gender
from schema.errors import LiveSourceError
from schema.findings import Finding, shown_findings
from schema.loaders import PersonFacts
from schema.values import as_date, as_str

if TYPE_CHECKING:
    from schema.household import Household


@strawberry.type(description="A person's name as one source writes it.")
class WrittenName:
    source: SourceName = strawberry.field(description="The source.")
    record_key: str = strawberry.field(description="The record that writes it (household, certificate, …).")
    name: str | None = strawberry.field(description="The name as written (masked without PII rights).")


@strawberry.type(description="A person's membership of a household in one source.")
class Membership:
    household_key: str = strawberry.field(description="`<source>:<household id>`.")
    source: SourceName = strawberry.field(description="civil or poverty.")
    relation: str | None = strawberry.field(
        description="Relation to the head (adapters.records.Relation name)."
    )
    relation_code: str | None = strawberry.field(
        description="GB/T 4761 code (civil) or the relation word (poverty)."
    )
    covered: bool | None = strawberry.field(description="civil: whether the member is covered by the 低保.")
    labour_skill: str | None = strawberry.field(description="poverty: 劳动技能 as written.")
    health: list[str] | None = strawberry.field(
        description="poverty: 健康状况 (illnesses, disability); null for roles without health rights."
    )
    school: str | None = strawberry.field(description="poverty: 在校生状况.")
    linked: bool = strawberry.field(description="Reached this person through identity resolution.")

    @strawberry.field(description="The household (null outside your scope).")
    async def household(
        self, info: Info[Context, Any]
    ) -> Annotated[Household, strawberry.lazy("schema.household")] | None:
        from schema.household import Household

        return await Household.load(info, self.household_key)


@strawberry.type(description="Whether a source has recorded the person's death.")
class Deceased:
    deceased: bool = strawberry.field(
        description="Medical `deceased`, or a certificate cancelled as DECEASED."
    )
    death_date: date | None = strawberry.field(
        description="The medical date when given, else the certificate's."
    )
    source: SourceName | None = strawberry.field(description="Which source says so (medical wins).")


@strawberry.type(
    description="One person's identity written differently by two records (other.identity_conflict)."
)
class IdentityConflict:
    field: str = strawberry.field(description="name, birth_date or gender.")
    source: SourceName = strawberry.field(description="The source of the differing record.")
    record_key: str = strawberry.field(description="The differing record.")
    value: str | None = strawberry.field(description="What it writes (names masked without PII rights).")
    expected: str | None = strawberry.field(description="What the ID number, or the first record, says.")


@strawberry.type(description="A record written with an invalid number and linked to this person.")
class LinkedNumber:
    id: str = strawberry.field(description="The invalid number as normalised (masked without PII rights).")
    source: str | None = strawberry.field(description="The source whose records moved.")
    method: str | None = strawberry.field(description="How the link was made.")


def _written(facts: PersonFacts) -> list[tuple[str, str, dict[str, Any]]]:
    """(source, record key, props with name/name_key/birth_date/gender) of each record naming him."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    out += [("civil", item["key"], item["m"]) for item in facts.civil]
    out += [("poverty", item["key"], item["m"]) for item in facts.poverty]
    out += [("civil", str(item["t"].get("key")), item["t"]) for item in facts.tekun]
    out += [("disability", str(item["c"].get("key")), item["r"]) for item in facts.certificates]
    out += [
        ("medical", str(item["a"].get("key")), item["a"]) for item in facts.medical if item["a"].get("found")
    ]
    return out


@strawberry.federation.type(
    keys=["id"], description="A person, named by the normalised 18-character ID number."
)
class Person:
    facts: strawberry.Private[PersonFacts]

    @classmethod
    async def load(cls, info: Info[Context, Any], person_id: str) -> Person | None:
        facts = await load_person(info, person_id)
        return cls(facts=facts) if facts is not None else None

    @classmethod
    async def resolve_reference(cls, info: Info[Context, Any], id: str) -> Person | None:
        return await cls.load(info, id)

    @strawberry.field(
        description="The normalised ID number (masked `530102********1237` without PII rights)."
    )
    def id(self, info: Info[Context, Any]) -> str:
        return shown_id(viewer_of(info), self.facts.id) or ""

    @strawberry.field(description="Whether the number passes the ISO 7064 check and has a real birth date.")
    def valid(self) -> bool:
        return bool(self.facts.node.get("valid"))

    @strawberry.field(description="Birth date read from the number (null without PII rights).")
    def birth_date(self, info: Info[Context, Any]) -> date | None:
        return as_date(self.facts.node.get("birth_date")) if viewer_of(info).pii else None

    @strawberry.field(description="Gender read from the number.")
    def gender(self) -> Gender | None:
        return gender(self.facts.node.get("gender"))

    @strawberry.field(description="The 6-digit region of first registration, read from the number.")
    def registration_region(self) -> str | None:
        return as_str(self.facts.node.get("region6"))

    @strawberry.field(description="The name as each source writes it (your sources only).")
    def names(self, info: Info[Context, Any]) -> list[WrittenName]:
        viewer = viewer_of(info)
        return [
            WrittenName(
                source=SourceName(src), record_key=key, name=shown_name(viewer, as_str(props.get("name")))
            )
            for src, key, props in _written(self.facts)
            if viewer.sees_source(src) and props.get("name")
        ]

    @strawberry.field(description="Households in each source with relation and coverage (your scope only).")
    def households(self, info: Info[Context, Any]) -> list[Membership]:
        viewer = viewer_of(info)
        out: list[Membership] = []
        for item in self.facts.civil:
            if viewer.sees("civil", item["region"]):
                m = item["m"]
                out.append(
                    Membership(
                        household_key=item["key"],
                        source=SourceName.CIVIL,
                        relation=as_str(m.get("relation")),
                        relation_code=as_str(m.get("relation_code")),
                        covered=bool(m.get("covered")),
                        labour_skill=None,
                        health=None,
                        school=None,
                        linked=bool(m.get("linked")),
                    )
                )
        for item in self.facts.poverty:
            if viewer.sees("poverty", item["region"]):
                m = item["m"]
                out.append(
                    Membership(
                        household_key=item["key"],
                        source=SourceName.POVERTY,
                        relation=as_str(m.get("relation")),
                        relation_code=as_str(m.get("relation_word")),
                        covered=None,
                        labour_skill=as_str(m.get("labour_skill")),
                        health=list(m.get("health") or []) if viewer.sees_health("poverty") else None,
                        school=as_str(m.get("school")),
                        linked=bool(m.get("linked")),
                    )
                )
        return out

    @strawberry.field(description="低保 of each civil household he is a member of, with his coverage.")
    def dibao(self, info: Info[Context, Any]) -> list[Dibao]:
        viewer = viewer_of(info)
        day = info.context.check_date
        shown = [
            Dibao.from_household(item["key"], item["h"], day)
            for item in self.facts.civil
            if viewer.sees("civil", item["region"])
        ]
        return [d for d in shown if d is not None]

    @strawberry.field(description="His 特困 records.")
    def tekun(self, info: Info[Context, Any]) -> list[Tekun]:
        viewer = viewer_of(info)
        day = info.context.check_date
        return [
            Tekun.from_props(item["t"], (item["household"] or {}).get("key"), day)
            for item in self.facts.tekun
            if viewer.sees("civil", (item["household"] or {}).get("region"))
        ]

    @strawberry.field(description="One-off payments made to him.")
    def payments(self, info: Info[Context, Any]) -> list[Payment]:
        viewer = viewer_of(info)
        return [
            Payment.from_props(p) for p in self.facts.payments if viewer.sees("civil", p.get("region_code"))
        ]

    @strawberry.field(description="His disability certificates, each with its subsidies.")
    def certificates(self, info: Info[Context, Any]) -> list[Certificate]:
        viewer = viewer_of(info)
        return [
            Certificate.from_item(item, viewer)
            for item in self.facts.certificates
            if viewer.sees("disability", item["c"].get("region_code"))
        ]

    @strawberry.field(
        description="Medical insurance for a year (default: the check year). From the graph as of the last "
        "medical sync when it holds that year; otherwise fetched live from the medical platform (batched, "
        "≤ 100 numbers a call, cached for the request): see `origin`."
    )
    async def medical(self, info: Info[Context, Any], year: int | None = None) -> MedicalYear | None:
        viewer = viewer_of(info)
        if not viewer.sees_source("medical"):
            return None
        asked = year or info.context.services.default_year
        for item in self.facts.medical:
            if item["a"].get("year") == asked:
                return MedicalYear.from_graph(asked, item)
        if not self.facts.node.get("valid"):
            return None  # the platform matches normalised valid numbers only
        try:
            row = await info.context.loaders.medical_by_person_year.load((self.facts.id, asked))
        except LiveSourceError:
            raise
        return MedicalYear.from_live(row)

    @strawberry.field(description="Whether a source has recorded his death (graph, as of the last sync).")
    def deceased(self, info: Info[Context, Any]) -> Deceased:
        viewer = viewer_of(info)
        for item in self.facts.medical:
            a = item["a"]
            if a.get("deceased") and viewer.sees_source("medical"):
                return Deceased(
                    deceased=True, death_date=as_date(a.get("death_date")), source=SourceName.MEDICAL
                )
        for item in self.facts.certificates:
            c = item["c"]
            if (
                c.get("status") == "CANCELLED"
                and c.get("cancel_reason") == "DECEASED"
                and viewer.sees_source("disability")
            ):
                return Deceased(
                    deceased=True, death_date=as_date(c.get("modified_at")), source=SourceName.DISABILITY
                )
        return Deceased(deceased=False, death_date=None, source=None)

    @strawberry.field(description="Findings naming him, in your scope.")
    async def findings(self, info: Info[Context, Any]) -> list[Finding]:
        records = await info.context.loaders.findings_by_person.load(self.facts.id)
        return shown_findings(viewer_of(info), records)

    @strawberry.field(
        description="Records writing his birth date, gender or name differently (your sources only)."
    )
    def identity_conflicts(self, info: Info[Context, Any]) -> list[IdentityConflict]:
        viewer = viewer_of(info)
        node = self.facts.node
        out: list[IdentityConflict] = []
        first_name: tuple[str, str] | None = None
        for src, key, props in _written(self.facts):
            if not viewer.sees_source(src):
                continue
            born, sex = as_date(props.get("birth_date")), props.get("gender")
            if born and node.get("birth_date") and born != as_date(node.get("birth_date")) and viewer.pii:
                out.append(
                    IdentityConflict(
                        field="birth_date",
                        source=SourceName(src),
                        record_key=key,
                        value=born.isoformat(),
                        expected=str(as_date(node["birth_date"])),
                    )
                )
            if sex and node.get("gender") and sex != node.get("gender"):
                out.append(
                    IdentityConflict(
                        field="gender",
                        source=SourceName(src),
                        record_key=key,
                        value=str(sex),
                        expected=str(node["gender"]),
                    )
                )
            name_key = props.get("name_key")
            if name_key:
                if first_name is None:
                    first_name = (str(name_key), str(props.get("name")))
                elif first_name[0] != name_key:
                    out.append(
                        IdentityConflict(
                            field="name",
                            source=SourceName(src),
                            record_key=key,
                            value=shown_name(viewer, as_str(props.get("name"))),
                            expected=shown_name(viewer, first_name[1]),
                        )
                    )
        return out

    @strawberry.field(description="Invalid numbers whose records identity resolution moved to him.")
    def linked_numbers(self, info: Info[Context, Any]) -> list[LinkedNumber]:
        viewer = viewer_of(info)
        return [
            LinkedNumber(
                id=shown_id(viewer, item["id"]) or "",
                source=as_str(item.get("source")),
                method=as_str(item.get("method")),
            )
            for item in self.facts.linked
            if viewer.sees_source(str(item.get("source")))
        ]
