"""Canonical records: what every adapter yields, whatever its department speaks.

A leaf module: it imports nothing from the project. Values are already normalised
(ID numbers, names, codes, dates, money in ``Decimal`` yuan); the raw row is kept in
:class:`Provenance` so a finding can quote the source exactly.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class Source(enum.StrEnum):
    """The four department systems."""

    CIVIL = "civil"  # 民政 social assistance
    POVERTY = "poverty"  # 乡村振兴 poverty relief (建档立卡 / 防返贫监测)
    DISABILITY = "disability"  # 残联 disability registry
    MEDICAL = "medical"  # 医保 medical insurance


class Gender(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"


class Relation(enum.StrEnum):
    """Relationship to the head of household, one enum for GB/T 4761 codes and the poverty words."""

    SELF = "SELF"  # 01 本人
    HEAD = "HEAD"  # 02 户主
    SPOUSE = "SPOUSE"  # 10-12 配偶
    SON = "SON"  # 20-27, 29 之子
    SON_IN_LAW = "SON_IN_LAW"  # 28 之女婿
    DAUGHTER = "DAUGHTER"  # 30-37, 39 之女
    DAUGHTER_IN_LAW = "DAUGHTER_IN_LAW"  # 38 之儿媳
    GRANDSON = "GRANDSON"  # 之孙子
    GRANDDAUGHTER = "GRANDDAUGHTER"  # 之孙女
    GRANDCHILD = "GRANDCHILD"  # 40-49 孙子女 (GB/T 4761 does not split by sex in every code)
    PARENT = "PARENT"  # 50 父母
    FATHER = "FATHER"  # 51, 57 之父 (57 继父)
    MOTHER = "MOTHER"  # 52, 58 之母 (58 继母)
    PARENT_IN_LAW = "PARENT_IN_LAW"  # 53-56 公婆 / 岳父母
    OTHER_PARENT = "OTHER_PARENT"  # 59 其他父母关系
    GRANDPARENT = "GRANDPARENT"  # 60-69
    SIBLING = "SIBLING"  # 70-79 之兄弟姐妹
    OTHER_RELATIVE = "OTHER_RELATIVE"  # 80-97
    NOT_RELATED = "NOT_RELATED"  # 99
    OTHER = "OTHER"  # poverty 其他


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A 公民身份号码 as written and as normalised.

    ``value`` is the key the hub uses: NFKC, spaces removed, upper-case ``X``, a
    15-digit number widened to 18. ``valid`` says whether ``value`` passes the
    ISO 7064 check and has a real birth date. A wrong check character is never
    repaired: ``candidate`` holds what the number would be with a recomputed check
    character, for a reviewer, and nothing links on it.
    """

    raw: str
    value: str
    valid: bool
    candidate: str | None = None


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from: enough for a reviewer to find it in the source."""

    source: Source
    record_key: str  # household id, payment id, certNo, file:line, id number|year …
    fetched_at: datetime
    raw: str  # the row as received, JSON text (CSV rows as a header → value object)


# ---------------------------------------------------------------------------
# 民政 civil affairs


@dataclass(frozen=True, slots=True)
class CivilMember:
    name: str  # as written
    name_key: str  # normalised for comparison (README.md: "two names are the same when …")
    id_number: IdNumber
    relation_code: str  # GB/T 4761 code as sent
    relation: Relation
    gender: Gender | None
    birth_date: date | None
    covered: bool


@dataclass(frozen=True, slots=True)
class Dibao:
    """The 低保 (minimum living guarantee) block of a civil household."""

    category: str  # A 重点保障户, B 基本保障户, C 一般保障户
    status: str  # active, suspended, ended, phasing_out
    start_date: date | None
    end_date: date | None
    monthly_amount: Decimal
    per_capita_income: Decimal
    standard: Decimal


@dataclass(frozen=True, slots=True)
class CivilHousehold:
    provenance: Provenance
    household_id: str
    region_code: str
    address: str
    address_key: str
    area_type: str  # urban, rural
    status: str  # active, cancelled
    updated_at: datetime
    members: tuple[CivilMember, ...]
    dibao: Dibao | None


@dataclass(frozen=True, slots=True)
class TekunRecord:
    """A person in 特困人员救助供养 (extreme-poverty support)."""

    provenance: Provenance
    id_number: IdNumber
    name: str
    name_key: str
    household_id: str
    support_mode: str  # scattered 分散供养, centralized 集中供养
    status: str  # active, suspended, ended
    start_date: date | None
    end_date: date | None
    monthly_amount: Decimal
    care_level: str  # full_self_care, partial, none
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Payment:
    """A one-off payment: 临时救助 (TEMP_AID) or 医疗救助 (MEDICAL_AID)."""

    provenance: Provenance
    payment_id: str
    program: str  # TEMP_AID, MEDICAL_AID
    id_number: IdNumber
    household_id: str
    amount: Decimal
    paid_on: date
    reason: str
    region_code: str


@dataclass(frozen=True, slots=True)
class DibaoStandard:
    """A published monthly 低保 standard of one county and area type."""

    provenance: Provenance
    county: str
    area_type: str
    monthly_standard: Decimal
    effective_from: date


# ---------------------------------------------------------------------------
# 乡村振兴 poverty relief


@dataclass(frozen=True, slots=True)
class PovertyMember:
    """One member line of a county snapshot; household fields repeat on every line."""

    provenance: Provenance  # record_key: "<file name>:<line number>"
    snapshot: str  # file name
    county: str
    region_code: str
    household_id: str
    head_name: str
    name: str
    name_key: str
    id_number: IdNumber
    relation_word: str  # as written: 户主, 配偶, 之子 …
    relation: Relation
    gender: Gender | None
    birth_date: date | None
    ethnicity: str
    labour_skill: str  # 技能劳动力, 普通劳动力, 弱劳动力或半劳动力, 丧失劳动力, 无劳动力
    health: tuple[str, ...]  # 健康, 长期慢性病, 患有大病, 残疾
    school: str  # empty, or 学前教育, 小学 …
    household_type: str  # 脱贫户, 脱贫不稳定户, 边缘易致贫户, 突发严重困难户
    risk_cleared: bool | None  # 风险是否消除; None when not given
    income_per_capita_year: Decimal  # 年人均纯收入, yuan per person per year
    address: str
    address_key: str
    year_identified: int | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class PovertySnapshot:
    """Sent after the last row of a snapshot: the county's registry is now exactly this file."""

    provenance: Provenance
    county: str
    name: str
    created_at: datetime
    rows: int
    sha256: str
    household_ids: frozenset[str] = field(default_factory=frozenset)


# ---------------------------------------------------------------------------
# 残联 disability


@dataclass(frozen=True, slots=True)
class DisabilitySubsidy:
    """One of the two subsidies (两项补贴): LIVING 生活补贴 or NURSING 护理补贴."""

    type: str  # LIVING, NURSING
    status: str  # ACTIVE, STOPPED
    monthly_amount: Decimal
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True, slots=True)
class Certificate:
    """A 残疾人证 (disability certificate) with its holder and subsidies."""

    provenance: Provenance
    cert_no: str
    id_number: IdNumber  # from idCard
    name: str
    name_key: str
    gender: Gender | None
    birth_date: date | None
    disability_type: int  # 1 visual … 7 multiple
    disability_level: int  # 1 (most severe) … 4
    status: str  # VALID, EXPIRED, CANCELLED
    cancel_reason: str | None  # REVOKED, DECEASED
    issue_date: date | None
    valid_until: date | None
    region_code: str
    address: str
    address_key: str
    guardian_name: str | None
    guardian_id: str | None
    subsidies: tuple[DisabilitySubsidy, ...]
    modified_at: datetime


# ---------------------------------------------------------------------------
# 医保 medical insurance


@dataclass(frozen=True, slots=True)
class InsuranceRecord:
    insurance_type: str  # RESIDENT 城乡居民, EMPLOYEE 职工
    region_code: str
    year: int
    status: str  # ENROLLED, SUSPENDED, TERMINATED
    contribution: Decimal  # yuan (the platform sends fen)
    subsidy_category: str  # TEKUN_FULL, DIBAO, POVERTY, NONE
    subsidy: Decimal  # yuan
    enrolled_on: date | None


@dataclass(frozen=True, slots=True)
class MedicalAnswer:
    """The platform's answer about one ID number for one year."""

    provenance: Provenance  # record_key: "<id number>|<year>"
    id_number: str  # the normalised number asked
    year: int
    found: bool
    name: str | None
    name_key: str | None
    records: tuple[InsuranceRecord, ...]
    deceased: bool
    death_date: date | None


# ---------------------------------------------------------------------------
# Rows that break a contract


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A row the hub could not read: kept whole, with where it came from and why."""

    source: Source
    location: str  # record key, or "<file>:<line>"
    raw: str
    reason: str
    fetched_at: datetime


Record = (
    CivilHousehold
    | TekunRecord
    | Payment
    | DibaoStandard
    | PovertyMember
    | PovertySnapshot
    | Certificate
    | MedicalAnswer
)
"""Every canonical record an adapter may yield (besides :class:`Quarantined`)."""


@dataclass(frozen=True, slots=True)
class Page:
    """One unit of a source's stream: the hub writes it to the graph in one transaction,
    then persists ``resume`` so a killed sync restarts after this page and not before.

    ``resume`` is opaque to the hub (a cursor, an offset and anchor, a file and line);
    ``watermark`` is the newest change time seen so far, the next incremental sync's
    ``updated_since`` / ``modifiedAfter``.
    """

    source: Source
    stream: str  # households, tekun, payments, standards, persons, <snapshot name>, insured
    records: tuple[Record, ...]
    quarantined: tuple[Quarantined, ...]
    resume: str | None
    watermark: datetime | None = None
