# mypy: disable-error-code="untyped-decorator"
"""Benefits and records attached to a person or a household: 低保, 特困, payments,
disability certificates and subsidies, medical insurance."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from schema.context import Context, MedicalRow, Viewer
from schema.enums import Origin
from schema.values import active_on, as_date, as_float, as_int, as_str

if TYPE_CHECKING:
    from schema.household import Household


@strawberry.type(
    description="A household's 低保 (minimum living guarantee) block, as the civil system holds it."
)
class Dibao:
    household_key: str = strawberry.field(description="The civil household, `civil:<household id>`.")
    category: str | None = strawberry.field(
        description="A 重点保障户, B 基本保障户, C 一般保障户, as the civil system writes it."
    )
    status: str | None = strawberry.field(description="active, suspended, ended or phasing_out.")
    start_date: date | None = strawberry.field(description="When the 低保 began.")
    end_date: date | None = strawberry.field(description="When it ends (null: open-ended).")
    monthly_amount: float | None = strawberry.field(description="Paid per month to the household, yuan.")
    per_capita_income: float | None = strawberry.field(description="Assessed monthly income per head, yuan.")
    standard: float | None = strawberry.field(description="The monthly 低保 standard applied to it, yuan.")
    active: bool = strawberry.field(description="Active on the check date, as rules.md defines it.")

    @classmethod
    def from_household(cls, key: str, props: dict[str, Any], day: date) -> Dibao | None:
        """The 低保 block of a civil household's properties (None when it has none)."""
        if not props.get("dibao"):
            return None
        return cls(
            household_key=key,
            category=as_str(props.get("dibao_category")),
            status=as_str(props.get("dibao_status")),
            start_date=as_date(props.get("dibao_start")),
            end_date=as_date(props.get("dibao_end")),
            monthly_amount=as_float(props.get("dibao_amount")),
            per_capita_income=as_float(props.get("dibao_income")),
            standard=as_float(props.get("dibao_standard")),
            active=props.get("status") == "active"
            and active_on(
                props.get("dibao_status"),
                props.get("dibao_start"),
                props.get("dibao_end"),
                day,
                ("active", "phasing_out"),
            ),
        )


@strawberry.type(description="A 特困人员救助供养 (extreme-poverty support) record.")
class Tekun:
    key: str = strawberry.field(description="The record's key in the graph.")
    household_key: str | None = strawberry.field(description="Its civil household, `civil:<household id>`.")
    support_mode: str | None = strawberry.field(description="scattered 分散供养 or centralized 集中供养.")
    status: str | None = strawberry.field(description="active, suspended or ended.")
    start_date: date | None = strawberry.field(description="When support began.")
    end_date: date | None = strawberry.field(description="When it ends (null: open-ended).")
    monthly_amount: float | None = strawberry.field(description="Paid per month, yuan.")
    care_level: str | None = strawberry.field(description="full_self_care, partial or none.")
    active: bool = strawberry.field(description="Active on the check date, as rules.md defines it.")

    @strawberry.field(description="The civil household the record names (null outside your scope).")
    async def household(
        self, info: Info[Context, Any]
    ) -> Annotated[Household, strawberry.lazy("schema.household")] | None:
        from schema.household import Household

        return await Household.load(info, self.household_key) if self.household_key else None

    @classmethod
    def from_props(cls, props: dict[str, Any], household_key: str | None, day: date) -> Tekun:
        return cls(
            key=str(props.get("key")),
            household_key=household_key,
            support_mode=as_str(props.get("support_mode")),
            status=as_str(props.get("status")),
            start_date=as_date(props.get("start_date")),
            end_date=as_date(props.get("end_date")),
            monthly_amount=as_float(props.get("monthly_amount")),
            care_level=as_str(props.get("care_level")),
            active=active_on(props.get("status"), props.get("start_date"), props.get("end_date"), day),
        )


@strawberry.type(description="A one-off payment: 临时救助 (TEMP_AID) or 医疗救助 (MEDICAL_AID).")
class Payment:
    payment_id: str = strawberry.field(description="The civil system's payment id.")
    program: str | None = strawberry.field(description="TEMP_AID or MEDICAL_AID.")
    amount: float | None = strawberry.field(description="Amount paid, yuan.")
    paid_on: date | None = strawberry.field(description="When it was paid.")
    reason: str | None = strawberry.field(description="The reason the civil system records.")
    region: str | None = strawberry.field(description="The 12-digit region code of the payment.")
    household_key: str | None = strawberry.field(description="The civil household, `civil:<household id>`.")

    @classmethod
    def from_props(cls, props: dict[str, Any]) -> Payment:
        household = props.get("household_id")
        return cls(
            payment_id=str(props.get("key")),
            program=as_str(props.get("program")),
            amount=as_float(props.get("amount")),
            paid_on=as_date(props.get("paid_on")),
            reason=as_str(props.get("reason")),
            region=as_str(props.get("region_code")),
            household_key=f"civil:{household}" if household else None,
        )


@strawberry.type(description="A 两项补贴 subsidy on a disability certificate.")
class Subsidy:
    type: str | None = strawberry.field(
        description="LIVING (困难残疾人生活补贴) or NURSING (重度残疾人护理补贴)."
    )
    status: str | None = strawberry.field(
        description="ACTIVE, SUSPENDED or STOPPED, as the registry writes it."
    )
    monthly_amount: float | None = strawberry.field(description="Paid per month, yuan.")
    start_date: date | None = strawberry.field(description="When it began.")
    end_date: date | None = strawberry.field(description="When it ends (null: open-ended).")


@strawberry.type(description="A 残疾人证 (disability certificate) from the 残联 registry.")
class Certificate:
    cert_no: str = strawberry.field(description="The certificate number (masked without PII rights).")
    status: str | None = strawberry.field(description="VALID, EXPIRED or CANCELLED.")
    cancel_reason: str | None = strawberry.field(description="Why it was cancelled (DECEASED, …).")
    issue_date: date | None = strawberry.field(description="When it was issued.")
    valid_until: date | None = strawberry.field(description="When it expires.")
    region: str | None = strawberry.field(description="The 12-digit region code of the holder's address.")
    disability_type: int | None = strawberry.field(
        description="Type 1–7 (5 intellectual, 6 mental); null for roles without health rights."
    )
    disability_level: int | None = strawberry.field(
        description="Level 1 (most severe) to 4; null for roles without health rights."
    )
    subsidies: list[Subsidy] = strawberry.field(description="The 两项补贴 on this certificate.")

    @classmethod
    def from_item(cls, item: dict[str, Any], viewer: Viewer) -> Certificate:
        props = item["c"]
        health = viewer.sees_health("disability")
        cert_no = str(props.get("cert_no") or props.get("key"))
        return cls(
            cert_no=cert_no if viewer.pii else cert_no[:6] + "*" * max(len(cert_no) - 6, 0),
            status=as_str(props.get("status")),
            cancel_reason=as_str(props.get("cancel_reason")),
            issue_date=as_date(props.get("issue_date")),
            valid_until=as_date(props.get("valid_until")),
            region=as_str(props.get("region_code")),
            disability_type=as_int(props.get("disability_type")) if health else None,
            disability_level=as_int(props.get("disability_level")) if health else None,
            subsidies=[
                Subsidy(
                    type=as_str(s.get("type")),
                    status=as_str(s.get("status")),
                    monthly_amount=as_float(s.get("monthly_amount")),
                    start_date=as_date(s.get("start_date")),
                    end_date=as_date(s.get("end_date")),
                )
                for s in item["subsidies"]
            ],
        )


@strawberry.type(description="One medical-insurance record (参保) for a year.")
class Insurance:
    insurance_type: str | None = strawberry.field(description="RESIDENT (城乡居民) or EMPLOYEE (职工).")
    region: str | None = strawberry.field(description="The 6-digit region where the person is insured.")
    year: int | None = strawberry.field(description="The insurance year.")
    status: str | None = strawberry.field(description="ENROLLED, SUSPENDED or TERMINATED.")
    contribution: float | None = strawberry.field(description="The contribution, yuan.")
    subsidy_category: str | None = strawberry.field(
        description="资助参保 category: TEKUN_FULL, DIBAO, POVERTY or NONE."
    )
    subsidy: float | None = strawberry.field(description="The part the assistance budget paid, yuan.")
    enrolled_on: date | None = strawberry.field(description="When the person enrolled.")


@strawberry.type(
    description="What the medical platform says about a person for one year: from the graph as of the "
    "last medical sync when the graph holds that year, else fetched live (see `origin`)."
)
class MedicalYear:
    year: int = strawberry.field(description="The insurance year asked.")
    origin: Origin = strawberry.field(
        description="GRAPH: the graph as of the last medical sync; LIVE: fetched from the platform now."
    )
    found: bool = strawberry.field(description="Whether the platform knows the person.")
    deceased: bool = strawberry.field(description="Whether the platform has been told of a death.")
    death_date: date | None = strawberry.field(description="The date of death, when told.")
    records: list[Insurance] = strawberry.field(description="The year's insurance records.")

    @classmethod
    def from_graph(cls, year: int, item: dict[str, Any]) -> MedicalYear:
        props = item["a"]
        return cls(
            year=year,
            origin=Origin.GRAPH,
            found=bool(props.get("found")),
            deceased=bool(props.get("deceased")),
            death_date=as_date(props.get("death_date")),
            records=[
                Insurance(
                    insurance_type=as_str(i.get("insurance_type")),
                    region=as_str(i.get("region_code")),
                    year=as_int(i.get("year")),
                    status=as_str(i.get("status")),
                    contribution=as_float(i.get("contribution")),
                    subsidy_category=as_str(i.get("subsidy_category")),
                    subsidy=as_float(i.get("subsidy")),
                    enrolled_on=as_date(i.get("enrolled_on")),
                )
                for i in item["insurance"]
            ],
        )

    @classmethod
    def from_live(cls, row: MedicalRow) -> MedicalYear:
        return cls(
            year=row.year,
            origin=Origin.LIVE,
            found=row.found,
            deceased=row.deceased,
            death_date=row.death_date,
            records=[
                Insurance(
                    insurance_type=r.insurance_type,
                    region=r.region_code,
                    year=r.year,
                    status=r.status,
                    contribution=r.contribution,
                    subsidy_category=r.subsidy_category,
                    subsidy=r.subsidy,
                    enrolled_on=r.enrolled_on,
                )
                for r in row.records
            ],
        )
