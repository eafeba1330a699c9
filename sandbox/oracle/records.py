"""The rows of the four sources as the oracle keeps them once parsed (see load.py).

A leaf module: plain frozen dataclasses, no behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a civil household listing."""

    name: str
    raw_id: str
    relation: str
    gender: str  # "M" / "F"
    birth: date
    covered: bool


@dataclass(frozen=True, slots=True)
class Dibao:
    """The 低保 block of a civil household."""

    status: str
    start: date
    end: date | None
    monthly_amount: Decimal
    per_capita_income: Decimal
    standard: Decimal


@dataclass(frozen=True, slots=True)
class Household:
    """A civil household item."""

    household_id: str
    region_code: str
    address: str
    area_type: str
    status: str
    members: tuple[Member, ...]
    dibao: Dibao | None


@dataclass(frozen=True, slots=True)
class Tekun:
    """A 特困 record."""

    raw_id: str
    name: str
    household_id: str | None
    status: str
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class Payment:
    """A 临时救助 or 医疗救助 payment."""

    payment_id: str
    program: str
    raw_id: str
    household_id: str | None
    paid_on: date
    reason: str


@dataclass(frozen=True, slots=True)
class Standard:
    """A county's monthly 低保 standard from a date on."""

    county: str
    area_type: str
    monthly: Decimal
    effective_from: date


@dataclass(frozen=True, slots=True)
class PovertyMember:
    """One member line of a poverty-relief snapshot."""

    location: str  # "<file name>:<line>"
    region_code: str
    household_no: str
    name: str
    raw_id: str
    relation: str
    gender: str  # "M" / "F" / "" when neither word
    birth: date
    skill: str
    health: str
    school: str
    risk_cleared: str
    income: Decimal | None
    address: str


@dataclass(frozen=True, slots=True)
class Subsidy:
    """One of the two disability subsidies on a certificate."""

    type: str
    status: str


@dataclass(frozen=True, slots=True)
class Certificate:
    """A disability certificate (残疾人证) and its subsidies."""

    cert_no: str
    name: str
    raw_id: str
    gender: str  # "M" / "F"
    birth: date
    type: int
    level: int
    status: str
    cancel_reason: str | None
    valid_until: date | None
    modified_on: date
    subsidies: tuple[Subsidy, ...]


@dataclass(frozen=True, slots=True)
class Insurance:
    """One medical-insurance record of the check year."""

    insurance_type: str
    region_code: str
    status: str
    subsidy_category: str


@dataclass(frozen=True, slots=True)
class Insured:
    """The medical platform's answer about one number."""

    id_number: str
    name: str | None
    records: tuple[Insurance, ...]
    deceased: bool
    death_date: date | None


@dataclass(frozen=True, slots=True)
class Quarantined:
    """A row set aside, as malformed.jsonl names one."""

    source: str
    location: str
    reason: str


@dataclass(slots=True)
class Population:
    """Everything the four sources say, parsed."""

    check_date: date
    year: int
    households: list[Household] = field(default_factory=list)
    tekun: list[Tekun] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    standards: list[Standard] = field(default_factory=list)
    poverty: list[PovertyMember] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    insured: list[Insured] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)
