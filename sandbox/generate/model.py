"""The population as facts, before any department writes them down.

One :class:`Person` is one human being with one valid number; households, rolls,
certificates and insurance refer to persons. The writer turns these facts into each
system's rows (with noise); the rules of ``contracts/rules.md`` hold on these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sandbox.generate.regions import County, Village


@dataclass(slots=True, eq=False)
class Certificate:
    """A 残疾人证; ``subsidies`` None means: whatever the background policy grants."""

    type: int
    level: int
    status: str = "VALID"
    cancel_reason: str | None = None
    issued: date = date(2020, 1, 1)
    valid_until: date = date(2030, 1, 1)
    modified: datetime = datetime(2020, 1, 1, 9)
    subsidies: list[Subsidy] | None = None
    cert_no: str | None = None  # set only where the certNo disagrees with the idCard
    birthday: date | None = None  # set only where the registry has a wrong birthday
    guardian: Person | None = None

    @property
    def severe(self) -> bool:
        return self.status == "VALID" and self.level <= 2


@dataclass(slots=True, eq=False)
class Subsidy:
    """One of the two subsidies (两项补贴): LIVING or NURSING."""

    type: str
    status: str
    amount: float
    start: date
    end: date | None = None


@dataclass(slots=True, eq=False)
class Person:
    """A human being and the facts that do not belong to any one household."""

    id18: str
    name: str
    male: bool
    born: date
    ethnicity: str
    county: County
    village: Village
    cert: Certificate | None = None
    death: date | None = None
    death_known_to_medical: bool = True
    medical: list[dict[str, object]] | None = None  # explicit records; None → background policy
    medical_name: str | None = None  # set only where the platform has another name
    health: str = "健康"
    house: str = ""  # the house part of the address where the person lives, when known
    school: str = ""
    subject: bool = False  # named in a planted case or look-alike: no typos, no malformed rows
    employee: bool = False
    # derived by benefits.settle
    covered_in: list[CivilHousehold] = field(default_factory=list)
    tekun_active: int = 0
    poverty: PovertyHousehold | None = None
    # how each source writes this person (noise); empty → clean
    raw_id: dict[str, str] = field(default_factory=dict)
    written_name: dict[str, str] = field(default_factory=dict)

    def age(self, on: date) -> int:
        return on.year - self.born.year - ((on.month, on.day) < (self.born.month, self.born.day))


@dataclass(slots=True, eq=False)
class Member:
    person: Person
    relation: str  # GB/T 4761 code
    covered: bool


@dataclass(slots=True, eq=False)
class Dibao:
    """The 低保 block; ``amount`` None means: the entitlement plus ``excess``."""

    category: str
    status: str
    start: date
    end: date | None
    per_capita_income: Decimal
    standard: Decimal
    amount: Decimal | None = None
    excess: Decimal = Decimal(0)
    exact: bool = False  # pay the entitlement to the fen (plus excess) instead of rounding down to the yuan


@dataclass(slots=True, eq=False)
class CivilHousehold:
    hid: str
    county: County
    village: Village
    house: str
    area: str
    status: str
    updated: datetime
    members: list[Member]
    dibao: Dibao | None = None
    malformed: str | None = None  # planted fault: "id", "relation", "amount"

    def active_dibao(self, on: date) -> bool:
        d = self.dibao
        return (
            self.status == "active"
            and d is not None
            and d.status in ("active", "phasing_out")
            and d.start <= on
            and (d.end is None or d.end >= on)
        )


@dataclass(slots=True, eq=False)
class Tekun:
    """A record in 特困人员救助供养 (extreme-poverty support)."""

    person: Person
    hid: str
    mode: str
    status: str
    start: date
    end: date | None
    amount: Decimal
    care: str
    updated: datetime

    def active(self, on: date) -> bool:
        return self.status == "active" and self.start <= on and (self.end is None or self.end >= on)


@dataclass(slots=True, eq=False)
class Payment:
    pid: str
    program: str
    person: Person
    hid: str
    amount: Decimal
    paid_on: date
    reason: str
    region: str
    malformed: bool = False


@dataclass(slots=True, eq=False)
class PovertyMember:
    person: Person
    word: str  # 与户主关系
    labour: str
    malformed: str | None = None  # planted fault: "fields", "labour", "date"


@dataclass(slots=True, eq=False)
class PovertyHousehold:
    """A household of 建档立卡 / 防返贫监测 (poverty relief); always rural."""

    hid: str
    county: County
    village: Village
    house: str
    kind: str  # 户类型
    risk: str  # 风险是否消除: 是, 否, or empty for 脱贫户
    income: Decimal  # 年人均纯收入
    year: int
    updated: datetime
    members: list[PovertyMember]
