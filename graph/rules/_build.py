"""Small factories of canonical records for the rules' examples (tiny graphs, written once).

Every factory fills what the example does not care about with plausible values, so
an example names only the facts its rule reads. A person's name, gender and birth
date are derived from his number, so the same person is written alike in every
source unless an example says otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from adapters import records as r
from adapters.normalise import (
    CST,
    address_key,
    birth_date_of,
    check_char,
    gender_of,
    name_key,
    parse_id_number,
    relation_of_code,
    relation_of_word,
)

FETCHED = datetime(2026, 11, 1, 8, 0, tzinfo=CST)
COUNTY = "530102"
VILLAGE = "530102001001"
_SURNAMES = "张王李赵刘陈杨黄周吴"
_GIVEN = "建国秀英德福春花志强桂兰国华玉梅"


def pid(born: str = "19800101", seq: int = 123, county: str = COUNTY) -> str:
    """A valid 18-character ID number: county, birth date, sequence (odd male), check."""
    first17 = f"{county}{born}{seq:03d}"
    return first17 + check_char(first17)


def name_of(id_value: str) -> str:
    """A name derived from the number, the same in every source."""
    digits = [int(c) for c in id_value if c.isdigit()] or [0]
    n = sum(d * (i + 1) for i, d in enumerate(digits))
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n // 7) % len(_GIVEN)] + _GIVEN[(n // 3) % len(_GIVEN)]


def _prov(source: r.Source, key: str, row: object = None) -> r.Provenance:
    return r.Provenance(
        source=source, record_key=key, fetched_at=FETCHED, raw=json.dumps(row or {"key": key})
    )


def _gender(id_value: str) -> r.Gender | None:
    return gender_of(id_value)


# ---------------------------------------------------------------------------
# civil


def member(
    id_value: str,
    relation: str = "02",
    *,
    covered: bool = True,
    name: str | None = None,
    born: date | None = None,
    gender: r.Gender | None = None,
) -> r.CivilMember:
    """A civil household member; relation is the GB/T 4761 code."""
    written = name or name_of(id_value)
    return r.CivilMember(
        name=written,
        name_key=name_key(written),
        id_number=parse_id_number(id_value),
        relation_code=relation,
        relation=relation_of_code(relation),
        gender=gender or _gender(id_value),
        birth_date=born or birth_date_of(id_value),
        covered=covered,
    )


def dibao(
    status: str = "active",
    start: date = date(2024, 5, 1),
    end: date | None = None,
    *,
    amount: str = "570.00",
    income: str = "180.00",
    standard: str = "750.00",
) -> r.Dibao:
    """A 低保 block (defaults: active since 2024-05-01, one covered member's due amount)."""
    return r.Dibao(
        category="B",
        status=status,
        start_date=start,
        end_date=end,
        monthly_amount=Decimal(amount),
        per_capita_income=Decimal(income),
        standard=Decimal(standard),
    )


def household(
    household_id: str,
    members: Sequence[r.CivilMember],
    block: r.Dibao | None = None,
    *,
    region: str = VILLAGE,
    address: str = "翠湖社区青云路12号",
    status: str = "active",
    area_type: str = "urban",
    no_dibao: bool = False,
) -> r.CivilHousehold:
    """A civil household; in 低保 (active, default block) unless ``no_dibao``."""
    return r.CivilHousehold(
        provenance=_prov(r.Source.CIVIL, household_id),
        household_id=household_id,
        region_code=region,
        address=address,
        address_key=address_key(region, address),
        area_type=area_type,
        status=status,
        updated_at=FETCHED,
        members=tuple(members),
        dibao=None if no_dibao else (block or dibao()),
    )


def tekun(
    id_value: str,
    household_id: str,
    *,
    status: str = "active",
    start: date = date(2020, 1, 1),
    end: date | None = None,
    name: str | None = None,
) -> r.TekunRecord:
    """A 特困 record."""
    written = name or name_of(id_value)
    return r.TekunRecord(
        provenance=_prov(r.Source.CIVIL, f"tekun:{id_value}|{household_id}"),
        id_number=parse_id_number(id_value),
        name=written,
        name_key=name_key(written),
        household_id=household_id,
        support_mode="scattered",
        status=status,
        start_date=start,
        end_date=end,
        monthly_amount=Decimal("980.00"),
        care_level="full_self_care",
        updated_at=FETCHED,
    )


def payment(
    payment_id: str,
    id_value: str,
    household_id: str,
    paid_on: date,
    reason: str = "illness",
    *,
    program: str = "TEMP_AID",
    region: str = VILLAGE,
) -> r.Payment:
    """A one-off payment (临时救助 by default)."""
    return r.Payment(
        provenance=_prov(r.Source.CIVIL, payment_id),
        payment_id=payment_id,
        program=program,
        id_number=parse_id_number(id_value),
        household_id=household_id,
        amount=Decimal("1500.00"),
        paid_on=paid_on,
        reason=reason,
        region_code=region,
    )


def standard(
    monthly: str, area_type: str = "rural", county: str = COUNTY, since: date = date(2026, 1, 1)
) -> r.DibaoStandard:
    """A published monthly 低保 standard."""
    return r.DibaoStandard(
        provenance=_prov(r.Source.CIVIL, f"{county}|{area_type}|{since.isoformat()}"),
        county=county,
        area_type=area_type,
        monthly_standard=Decimal(monthly),
        effective_from=since,
    )


# ---------------------------------------------------------------------------
# poverty relief


def pmember(
    id_value: str,
    word: str = "户主",
    *,
    skill: str = "普通劳动力",
    health: Iterable[str] = ("健康",),
    school: str = "",
    name: str | None = None,
) -> tuple[str, str, str, tuple[str, ...], str, str | None]:
    """One member of a poverty household, for :func:`poverty`."""
    return (id_value, word, skill, tuple(health), school, name)


def poverty(
    household_id: str,
    members: Sequence[tuple[str, str, str, tuple[str, ...], str, str | None]],
    *,
    income: str = "4000",
    risk_cleared: bool | None = None,
    household_type: str = "脱贫户",
    region: str = VILLAGE,
    address: str = "翠湖社区青云路12号",
    snapshot: str = f"fpxx_{COUNTY}_20261101.csv",
) -> tuple[r.PovertyMember, ...]:
    """A poverty-relief household as its member lines of one snapshot."""
    head = members[0][5] or name_of(members[0][0])
    lines = []
    for n, (id_value, word, skill, health, school, name) in enumerate(members, start=2):
        written = name or name_of(id_value)
        lines.append(
            r.PovertyMember(
                provenance=_prov(r.Source.POVERTY, f"{snapshot}:{n}"),
                snapshot=snapshot,
                county=region[:6],
                region_code=region,
                household_id=household_id,
                head_name=head,
                name=written,
                name_key=name_key(written),
                id_number=parse_id_number(id_value),
                relation_word=word,
                relation=relation_of_word(word),
                gender=_gender(id_value),
                birth_date=birth_date_of(id_value),
                ethnicity="汉族",
                labour_skill=skill,
                health=health,
                school=school,
                household_type=household_type,
                risk_cleared=risk_cleared,
                income_per_capita_year=Decimal(income),
                address=address,
                address_key=address_key(region, address),
                year_identified=2016,
                updated_at=FETCHED,
            )
        )
    return tuple(lines)


# ---------------------------------------------------------------------------
# disability


def subsidy(
    kind: str = "LIVING", status: str = "ACTIVE", start: date = date(2024, 1, 1)
) -> r.DisabilitySubsidy:
    """One of the two subsidies."""
    return r.DisabilitySubsidy(
        type=kind, status=status, monthly_amount=Decimal("80"), start_date=start, end_date=None
    )


def certificate(
    id_value: str,
    *,
    level: int = 2,
    kind: int = 4,
    status: str = "VALID",
    subsidies: Sequence[r.DisabilitySubsidy] = (),
    cancel_reason: str | None = None,
    modified_at: datetime = FETCHED,
    valid_until: date | None = date(2030, 3, 14),
    id_card: str | None = None,
    cert_no: str | None = None,
    name: str | None = None,
    gender: r.Gender | None = None,
    born: date | None = None,
    region: str = VILLAGE,
) -> r.Certificate:
    """A 残疾人证: certNo is the number then type and level unless given."""
    written_id = id_card or id_value
    number = cert_no or f"{parse_id_number(written_id).value}{kind}{level}"
    written = name or name_of(id_value)
    return r.Certificate(
        provenance=_prov(r.Source.DISABILITY, number),
        cert_no=number,
        id_number=parse_id_number(written_id),
        name=written,
        name_key=name_key(written),
        gender=gender or _gender(id_value),
        birth_date=born or birth_date_of(id_value),
        disability_type=kind,
        disability_level=level,
        status=status,
        cancel_reason=cancel_reason,
        issue_date=date(2020, 3, 15),
        valid_until=valid_until,
        region_code=region,
        address="五华区华山街道翠湖社区青云路12号",
        address_key=address_key(region, "五华区华山街道翠湖社区青云路12号"),
        guardian_name=None,
        guardian_id=None,
        subsidies=tuple(subsidies),
        modified_at=modified_at,
    )


# ---------------------------------------------------------------------------
# medical


def insurance(
    status: str = "ENROLLED",
    category: str = "NONE",
    *,
    kind: str = "RESIDENT",
    region: str = COUNTY,
    year: int = 2026,
) -> r.InsuranceRecord:
    """One insurance record of a medical answer."""
    return r.InsuranceRecord(
        insurance_type=kind,
        region_code=region,
        year=year,
        status=status,
        contribution=Decimal("400"),
        subsidy_category=category,
        subsidy=Decimal("0") if category == "NONE" else Decimal("200"),
        enrolled_on=date(2025, 12, 10),
    )


def medical(
    id_value: str,
    *records: r.InsuranceRecord,
    year: int = 2026,
    found: bool = True,
    deceased: bool = False,
    death_date: date | None = None,
    name: str | None = None,
) -> r.MedicalAnswer:
    """The platform's answer about one number for one year."""
    written = name or name_of(id_value)
    return r.MedicalAnswer(
        provenance=_prov(r.Source.MEDICAL, f"{id_value}|{year}"),
        id_number=id_value,
        year=year,
        found=found,
        name=written if found else None,
        name_key=name_key(written) if found else None,
        records=tuple(records),
        deceased=deceased,
        death_date=death_date,
    )
