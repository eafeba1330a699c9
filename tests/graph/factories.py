"""Small record factories for graph tests: canonical records with sensible defaults.

Every ID number is given as written (a ``str``) and normalised with the adapters'
own ``parse_id_number``; names get their ``name_key`` and addresses their
``address_key`` the way the adapters compute them. ``pid(...)`` builds a valid
number from a birth date and a sequence, so a test reads as its case::

    home = civil_household("MZ530102-000001", members=[member(pid("1980-01-01", 1), "张三")])
    await write_records(graph, [home])
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from adapters import records as r
from adapters.normalise import (
    address_key,
    birth_date_of,
    check_char,
    gender_of,
    name_key,
    parse_id_number,
    relation_of_code,
    relation_of_word,
)

FETCHED = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
COUNTY = "530102"
VILLAGE = "530102001001"
SNAPSHOT = "fpxx_530102_20261101.csv"

Money = str | int | Decimal


def pid(born: str | date = "1980-01-01", seq: int = 1, *, region: str = COUNTY, female: bool = False) -> str:
    """A valid 18-character number: ``region`` + birth date + sequence (odd male) + check."""
    day = born if isinstance(born, date) else date.fromisoformat(born)
    sequence = seq * 2 + (0 if female else 1)
    first17 = f"{region}{day:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


def typo(number: str) -> str:
    """The same number with a wrong check character (a typo that leaves it invalid)."""
    wrong = "1" if number[-1] != "1" else "2"
    return number[:-1] + wrong


def provenance(source: r.Source, record_key: str, raw: object | None = None) -> r.Provenance:
    text = json.dumps(raw if raw is not None else {"key": record_key}, ensure_ascii=False)
    return r.Provenance(source=source, record_key=record_key, fetched_at=FETCHED, raw=text)


def _money(value: Money) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _gender(id_number: r.IdNumber, gender: str | None) -> r.Gender | None:
    return r.Gender(gender) if gender is not None else gender_of(id_number)


# ---------------------------------------------------------------------------
# 民政 civil affairs


def member(
    id_number: str,
    name: str = "张三",
    *,
    relation: str = "02",
    covered: bool = True,
    gender: str | None = None,
    birth_date: date | None = None,
) -> r.CivilMember:
    """A civil member; gender and birth date default to what the number says."""
    idn = parse_id_number(id_number)
    return r.CivilMember(
        name=name,
        name_key=name_key(name),
        id_number=idn,
        relation_code=relation,
        relation=relation_of_code(relation),
        gender=_gender(idn, gender),
        birth_date=birth_date if birth_date is not None else birth_date_of(idn),
        covered=covered,
    )


def dibao(
    status: str = "active",
    *,
    category: str = "B",
    start_date: date | None = date(2024, 1, 1),
    end_date: date | None = None,
    monthly_amount: Money = "600",
    per_capita_income: Money = "200",
    standard: Money = "700",
) -> r.Dibao:
    return r.Dibao(
        category=category,
        status=status,
        start_date=start_date,
        end_date=end_date,
        monthly_amount=_money(monthly_amount),
        per_capita_income=_money(per_capita_income),
        standard=_money(standard),
    )


def civil_household(
    household_id: str,
    members: Sequence[r.CivilMember] = (),
    *,
    dibao: r.Dibao | None = None,
    region_code: str = VILLAGE,
    address: str = "五华区青云街道青云村青云路12号",
    area_type: str = "rural",
    status: str = "active",
    updated_at: datetime = FETCHED,
) -> r.CivilHousehold:
    return r.CivilHousehold(
        provenance=provenance(r.Source.CIVIL, household_id),
        household_id=household_id,
        region_code=region_code,
        address=address,
        address_key=address_key(region_code, address),
        area_type=area_type,
        status=status,
        updated_at=updated_at,
        members=tuple(members),
        dibao=dibao,
    )


def tekun(
    id_number: str,
    household_id: str,
    name: str = "张三",
    *,
    status: str = "active",
    support_mode: str = "scattered",
    start_date: date | None = date(2024, 1, 1),
    end_date: date | None = None,
    monthly_amount: Money = "900",
    care_level: str = "full_self_care",
) -> r.TekunRecord:
    idn = parse_id_number(id_number)
    return r.TekunRecord(
        provenance=provenance(r.Source.CIVIL, f"{idn.value}|{household_id}"),
        id_number=idn,
        name=name,
        name_key=name_key(name),
        household_id=household_id,
        support_mode=support_mode,
        status=status,
        start_date=start_date,
        end_date=end_date,
        monthly_amount=_money(monthly_amount),
        care_level=care_level,
        updated_at=FETCHED,
    )


def payment(
    payment_id: str,
    id_number: str,
    household_id: str,
    *,
    program: str = "TEMP_AID",
    amount: Money = "1500",
    paid_on: date = date(2026, 2, 11),
    reason: str = "火灾",
    region_code: str = VILLAGE,
) -> r.Payment:
    return r.Payment(
        provenance=provenance(r.Source.CIVIL, payment_id),
        payment_id=payment_id,
        program=program,
        id_number=parse_id_number(id_number),
        household_id=household_id,
        amount=_money(amount),
        paid_on=paid_on,
        reason=reason,
        region_code=region_code,
    )


def standard(
    county: str = COUNTY,
    area_type: str = "rural",
    monthly_standard: Money = "700",
    effective_from: date = date(2026, 1, 1),
) -> r.DibaoStandard:
    return r.DibaoStandard(
        provenance=provenance(r.Source.CIVIL, f"{county}|{area_type}|{effective_from}"),
        county=county,
        area_type=area_type,
        monthly_standard=_money(monthly_standard),
        effective_from=effective_from,
    )


# ---------------------------------------------------------------------------
# 乡村振兴 poverty relief


def poverty_member(
    household_id: str,
    id_number: str,
    name: str = "张三",
    *,
    relation: str = "户主",
    head_name: str | None = None,
    snapshot: str = SNAPSHOT,
    line: int = 2,
    region_code: str = VILLAGE,
    gender: str | None = None,
    birth_date: date | None = None,
    labour_skill: str = "普通劳动力",
    health: Iterable[str] = ("健康",),
    school: str = "",
    household_type: str = "脱贫户",
    risk_cleared: bool | None = None,
    income_per_capita_year: Money = "6000",
    address: str = "五华区青云街道青云村青云路12号",
    ethnicity: str = "汉族",
    year_identified: int | None = 2016,
) -> r.PovertyMember:
    """One line of a county snapshot; the head's name defaults to this member's."""
    idn = parse_id_number(id_number)
    return r.PovertyMember(
        provenance=provenance(r.Source.POVERTY, f"{snapshot}:{line}"),
        snapshot=snapshot,
        county=region_code[:6],
        region_code=region_code,
        household_id=household_id,
        head_name=head_name if head_name is not None else name,
        name=name,
        name_key=name_key(name),
        id_number=idn,
        relation_word=relation,
        relation=relation_of_word(relation),
        gender=_gender(idn, gender),
        birth_date=birth_date if birth_date is not None else birth_date_of(idn),
        ethnicity=ethnicity,
        labour_skill=labour_skill,
        health=tuple(health),
        school=school,
        household_type=household_type,
        risk_cleared=risk_cleared,
        income_per_capita_year=_money(income_per_capita_year),
        address=address,
        address_key=address_key(region_code, address),
        year_identified=year_identified,
        updated_at=FETCHED,
    )


def poverty_snapshot(
    county: str = COUNTY, name: str = SNAPSHOT, *, rows: int = 0, household_ids: Iterable[str] = ()
) -> r.PovertySnapshot:
    return r.PovertySnapshot(
        provenance=provenance(r.Source.POVERTY, name),
        county=county,
        name=name,
        created_at=FETCHED,
        rows=rows,
        sha256="0" * 64,
        household_ids=frozenset(household_ids),
    )


# ---------------------------------------------------------------------------
# 残联 disability


def subsidy(
    type: str = "LIVING",
    status: str = "ACTIVE",
    *,
    monthly_amount: Money = "100",
    start_date: date | None = date(2024, 1, 1),
    end_date: date | None = None,
) -> r.DisabilitySubsidy:
    return r.DisabilitySubsidy(
        type=type,
        status=status,
        monthly_amount=_money(monthly_amount),
        start_date=start_date,
        end_date=end_date,
    )


def certificate(
    id_number: str,
    name: str = "张三",
    *,
    cert_no: str | None = None,
    level: int = 2,
    disability_type: int = 4,
    status: str = "VALID",
    cancel_reason: str | None = None,
    subsidies: Sequence[r.DisabilitySubsidy] = (),
    gender: str | None = None,
    birth_date: date | None = None,
    region_code: str = VILLAGE,
    address: str = "五华区青云街道青云村青云路12号",
    issue_date: date | None = date(2020, 1, 1),
    valid_until: date | None = date(2030, 1, 1),
    modified_at: datetime = FETCHED,
) -> r.Certificate:
    """A certificate; ``cert_no`` defaults to the number as written plus level digit."""
    idn = parse_id_number(id_number)
    number = cert_no if cert_no is not None else f"{idn.value}{disability_type}{level}"
    return r.Certificate(
        provenance=provenance(r.Source.DISABILITY, number),
        cert_no=number,
        id_number=idn,
        name=name,
        name_key=name_key(name),
        gender=_gender(idn, gender),
        birth_date=birth_date if birth_date is not None else birth_date_of(idn),
        disability_type=disability_type,
        disability_level=level,
        status=status,
        cancel_reason=cancel_reason,
        issue_date=issue_date,
        valid_until=valid_until,
        region_code=region_code,
        address=address,
        address_key=address_key(region_code, address),
        guardian_name=None,
        guardian_id=None,
        subsidies=tuple(subsidies),
        modified_at=modified_at,
    )


# ---------------------------------------------------------------------------
# 医保 medical insurance


def insurance(
    insurance_type: str = "RESIDENT",
    status: str = "ENROLLED",
    *,
    region_code: str = COUNTY,
    year: int = 2026,
    contribution: Money = "380",
    subsidy_category: str = "NONE",
    subsidy: Money = "0",
    enrolled_on: date | None = date(2025, 12, 1),
) -> r.InsuranceRecord:
    return r.InsuranceRecord(
        insurance_type=insurance_type,
        region_code=region_code,
        year=year,
        status=status,
        contribution=_money(contribution),
        subsidy_category=subsidy_category,
        subsidy=_money(subsidy),
        enrolled_on=enrolled_on,
    )


def medical(
    id_number: str,
    records: Sequence[r.InsuranceRecord] = (),
    *,
    year: int = 2026,
    name: str | None = "张三",
    found: bool = True,
    deceased: bool = False,
    death_date: date | None = None,
) -> r.MedicalAnswer:
    value = parse_id_number(id_number).value
    return r.MedicalAnswer(
        provenance=provenance(r.Source.MEDICAL, f"{value}|{year}"),
        id_number=value,
        year=year,
        found=found,
        name=name,
        name_key=None if name is None else name_key(name),
        records=tuple(records),
        deceased=deceased,
        death_date=death_date,
    )


def page(*records: r.Record, source: r.Source = r.Source.CIVIL, stream: str = "households") -> r.Page:
    """A page of records as a source streams it (no quarantined rows, no resume token)."""
    return r.Page(source=source, stream=stream, records=records, quarantined=(), resume=None)
