"""Background coverage: who is assisted, certified, insured — kept clean for every rule.

``assign`` decides one family's place in the four registries at realistic rates;
``settle`` then derives what must follow (differential 低保 amounts, the two
disability subsidies, insurance and its subsidy category) for every fact a planted
case did not fix by hand. A background person is therefore never a finding.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from sandbox.generate.families import UNABLE, WORD, WORKING, Family, labour
from sandbox.generate.model import (
    Certificate,
    CivilHousehold,
    Member,
    Person,
    PovertyHousehold,
    PovertyMember,
    Subsidy,
)
from sandbox.generate.world import World

_TYPES = (4, 4, 4, 4, 1, 2, 2, 3, 5, 6, 7, 7)
_LEVELS = (1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4)
EXTRA_SHARE = Decimal("0.2")
_REASONS = ("illness", "accident", "disaster", "fire", "education", "unemployment", "other")


def ten_years(start: date) -> date:
    """The last valid day of a certificate issued on ``start``."""
    end = (
        start.replace(year=start.year + 10)
        if not (start.month == 2 and start.day == 29)
        else date(start.year + 10, 3, 1)
    )
    return end - timedelta(days=1)


def certify(
    world: World, person: Person, level: int | None = None, type_: int | None = None, status: str = "VALID"
) -> Certificate:
    """A certificate issued some years ago, valid on the check date unless ``status`` says not."""
    rng = world.rng
    level = level or rng.choice(_LEVELS)
    type_ = type_ or rng.choice(_TYPES)
    if status == "EXPIRED":
        issued = world.day - timedelta(days=3653 + rng.randint(200, 1500))
    else:
        issued = world.day - timedelta(days=rng.randint(40, 3400))
    issued = max(issued, person.born + timedelta(days=365))
    until = ten_years(issued)
    cert = Certificate(type_, level, status, None, issued, until)
    cert.modified = world.stamp(1, max(2, min(3000, (world.day - issued).days)))
    person.cert = cert
    if "残疾" not in person.health:
        person.health = "残疾" if person.health == "健康" else "残疾," + person.health
    return cert


def severe_or_single_route(person: Person) -> bool:
    """The single-person route (单人户) of rules.md."""
    cert = person.cert
    if "患有大病" in person.health:
        return True
    if cert is None or cert.status != "VALID":
        return False
    return cert.level <= 2 or (cert.level == 3 and cert.type in (5, 6))


def _health(world: World, person: Person, age: int) -> None:
    rng = world.rng
    if age >= 40 and rng.random() < 0.02:
        person.health = "患有大病"
    elif age >= 50 and rng.random() < 0.15:
        person.health = "长期慢性病"


def assign(world: World, fam: Family) -> None:
    """Decide one background family's disability, death, 低保, 特困, poverty relief and aid."""
    rng, day = world.rng, world.day
    cfg_poor = world.county.poor
    rates = world.cfg.rates
    living: list[tuple[Person, str]] = []
    for p, code in fam.members:
        age = p.age(day)
        _health(world, p, age)
        # certificates grow with age; 6 % overall at the default rate
        rate = rates.disability * (0.25 if age < 18 else (0.9 if age < 60 else 2.3))
        if rng.random() < rate:
            roll = rng.random()
            status = "VALID" if roll < 0.93 else ("EXPIRED" if roll < 0.98 else "CANCELLED")
            cert = certify(world, p, status=status)
            if status == "CANCELLED":
                cert.cancel_reason = "REVOKED"
        if age >= 80 and code != "02" and rng.random() < 0.05:
            p.death = world.days_ago(45, 700)
            if p.cert is not None:
                p.cert.status, p.cert.cancel_reason = "CANCELLED", "DECEASED"
                p.cert.modified = world.stamp(1, 1)
                p.cert.modified = p.cert.modified.replace(
                    year=p.death.year, month=p.death.month, day=p.death.day
                )
                if p.cert.issued > p.death:
                    p.cert.issued = p.death - timedelta(days=400)
                    p.cert.valid_until = ten_years(p.cert.issued)
            continue
        living.append((p, code))
    if not living:
        return
    adults = [p for p, _ in living if p.age(day) >= 18]
    for p, _ in living:
        if p.cert is not None and (p.age(day) < 18 or p.cert.type in (5, 6)):
            p.cert.guardian = next((a for a in adults if a is not p), None)
    urban = fam.village.urban
    in_poverty = not urban and rng.random() < (rates.poverty_poor_rural if cfg_poor else rates.poverty_rural)
    dibao_rate = rates.dibao_urban if urban else (rates.dibao_poor_rural if cfg_poor else rates.dibao_rural)
    if in_poverty:
        dibao_rate = rates.dibao_in_poverty
    head = living[0][0]
    civil: CivilHousehold | None = None
    if rng.random() < dibao_rate:
        members: list[Member] = []
        for p, code in living:
            if code == "21" and len(living) >= 5 and rng.random() < 0.3:
                continue  # working away: registered here, not living here
            covered = not (p.school in ("本科及以上", "高职高专") and rng.random() < 0.5)
            members.append(Member(p, code, covered))
        roll = rng.random()
        status = (
            "active"
            if roll < 0.85
            else ("phasing_out" if roll < 0.9 else ("suspended" if roll < 0.93 else "ended"))
        )
        dibao = world.dibao(fam.village, status=status)
        if status == "ended":
            dibao.end = world.days_ago(30, 700)
            dibao.start = min(dibao.start, dibao.end - timedelta(days=200))
        civil = world.civil_household(
            fam.village,
            fam.house,
            members,
            dibao,
            "cancelled" if status == "ended" and rng.random() < 0.3 else "active",
        )
    elif (
        len(living) == 1
        and (head.age(day) >= 60 or (head.cert is not None and head.cert.severe))
        and rng.random() < (rates.tekun_alone / 2 if urban else rates.tekun_alone)
    ):
        civil = world.civil_household(fam.village, fam.house, [Member(head, "02", False)])
        world.add_tekun(head, civil.hid)
    elif rng.random() < 0.005:
        civil = world.civil_household(fam.village, fam.house, [Member(p, c, False) for p, c in living])
    if civil is not None and rng.random() < 0.1:
        listed = [m.person for m in civil.members]
        world.add_payment(rng.choice(listed), civil.hid, rng.choice(_REASONS), world.days_ago(1, 700))
    if civil is not None:
        for m in civil.members:
            if "患有大病" in m.person.health and rng.random() < 0.5:
                world.add_payment(
                    m.person, civil.hid, "illness", world.days_ago(1, 500), program="MEDICAL_AID"
                )
    if urban:
        for p, _ in living:
            if 22 <= p.age(day) < 60 and civil is None and rng.random() < 0.45:
                p.employee = True
    if in_poverty:
        poverty_of(world, fam, living, civil)


def orphans(world: World) -> None:
    """Children with no one to support them (孤儿): each on the 特困 roll, on file together."""
    rng = world.rng
    village = world.village()
    house = village.next_house(rng)
    ages = sorted((rng.randint(4, 15) for _ in range(rng.randint(1, 2))), reverse=True)
    surname = None
    members: list[Member] = []
    for i, age in enumerate(ages):
        male = rng.random() < 0.5
        p = world.person(village, male, age, surname=surname)
        surname = surname or p.name[0]
        p.house = house
        p.school = "小学" if age < 12 else ("初中" if age >= 12 else "")
        members.append(Member(p, "02" if i == 0 else ("73" if male else "77"), False))
    hh = world.civil_household(village, house, members)
    for m in members:
        world.add_tekun(m.person, hh.hid)


def _working_parent(m: PovertyMember, members: list[PovertyMember], on: date) -> bool:
    word = m.word
    parents: tuple[str, ...]
    if word in ("之子", "之女"):
        parents = ("户主", "配偶")
    elif word in ("之孙子", "之孙女"):
        parents = ("之子", "之女", "之儿媳", "之女婿")
    elif word == "户主":
        parents = ("之父", "之母")
    else:
        return False
    return any(o.word in parents and o.labour in WORKING for o in members if o is not m)


def poverty_needs(
    members: list[PovertyMember], covered: set[int], tekun: set[int], on: date
) -> tuple[bool, bool]:
    """(needs 12× the standard, needs 24× the standard) for the household to be left alone."""
    needs12 = needs24 = False
    in_dibao = any(id(m.person) in covered for m in members)
    for m in members:
        p = m.person
        if id(p) in covered or id(p) in tekun:
            continue
        if m.labour in UNABLE:
            exempt = (p.age(on) < 16 or bool(p.school)) and _working_parent(m, members, on)
            needs12 = needs12 or not exempt
        if not in_dibao and severe_or_single_route(p):
            needs24 = True
    return needs12, needs24


def poverty_of(
    world: World, fam: Family, living: list[tuple[Person, str]], civil: CivilHousehold | None
) -> PovertyHousehold:
    """The family's poverty-relief household, with an income that leaves nobody a finding."""
    rng, day = world.rng, world.day
    members = [PovertyMember(p, WORD.get(code, "其他"), labour(p, day)) for p, code in living]
    covered = {
        id(m.person) for m in (civil.members if civil and civil.active_dibao(day) else []) if m.covered
    }
    tekun = {id(t.person) for t in world.tekun if t.active(day)}
    standard12 = world.standard(world.county, "rural") * 12
    needs12, needs24 = poverty_needs(members, covered, tekun, day)
    low = Decimal("0.6") if not (needs12 or needs24) else (Decimal("2.15") if needs24 else Decimal("1.1"))
    high = max(low + Decimal("0.5"), Decimal("3.0"))
    share = low + (high - low) * Decimal(rng.random()).quantize(Decimal("0.001"))
    income = (standard12 * share).quantize(Decimal("0.1"))
    return world.poverty_household(fam.village, fam.house, members, income)


def entitlement(hh: CivilHousehold, on: date) -> Decimal:
    """(standard − per-capita income) × covered members + 20 % of the standard per special member."""
    d = hh.dibao
    assert d is not None  # only called on 低保 households
    covered = [m.person for m in hh.members if m.covered]
    special = sum(
        1 for p in covered if p.age(on) >= 60 or p.age(on) < 16 or (p.cert is not None and p.cert.severe)
    )
    return (d.standard - d.per_capita_income) * len(covered) + d.standard * EXTRA_SHARE * special


def settle(world: World) -> None:
    """Derive amounts, subsidies and insurance for every fact not fixed by a planted case."""
    day = world.day
    for p in world.persons:
        p.covered_in.clear()
        p.tekun_active = 0
    for hh in world.civil:
        if hh.active_dibao(day):
            for m in hh.members:
                if m.covered:
                    m.person.covered_in.append(hh)
    for t in world.tekun:
        if t.active(day):
            t.person.tekun_active += 1
    for hh in world.civil:
        d = hh.dibao
        if d is not None and d.amount is None:
            unit = Decimal("0.01") if d.exact else Decimal("1")
            d.amount = entitlement(hh, day).quantize(unit, rounding=ROUND_DOWN) + d.excess
    for p in world.persons:
        if p.cert is not None and p.cert.subsidies is None:
            p.cert.subsidies = _subsidies(world, p, p.cert)
        if p.medical is None:
            p.medical = insurance(world, p)


def _subsidies(world: World, p: Person, cert: Certificate) -> list[Subsidy]:
    rng, day = world.rng, world.day
    span = max(1, (day - cert.issued).days)
    start = cert.issued + timedelta(days=rng.randint(1, min(span, 200)))
    out: list[Subsidy] = []
    if cert.status == "VALID":
        if cert.level <= 2:
            out.append(Subsidy("NURSING", "ACTIVE", float(rng.choice((100, 120, 150))), start))
        if p.covered_in and not p.tekun_active:
            out.append(Subsidy("LIVING", "ACTIVE", float(rng.choice((80, 90, 100))), start))
        return out
    ended = cert.valid_until if cert.status == "EXPIRED" else cert.modified.date()
    if cert.level <= 2 and start < ended:
        out.append(Subsidy("NURSING", "STOPPED", 100.0, start, ended))
    return out


def due_category(p: Person) -> str:
    if p.tekun_active:
        return "TEKUN_FULL"
    if p.covered_in:
        return "DIBAO"
    if p.poverty is not None:
        return "POVERTY"
    return "NONE"


def record(
    world: World,
    p: Person,
    year: int,
    category: str,
    kind: str = "RESIDENT",
    region: str | None = None,
    status: str = "ENROLLED",
) -> dict[str, object]:
    """One insurance record as the platform writes it (money in fen)."""
    contribution = 40000 - (world.cfg.year - year) * 2000 if kind == "RESIDENT" else 180000
    share = {"TEKUN_FULL": 1.0, "DIBAO": 0.8, "POVERTY": 0.5, "NONE": 0.0}[category]
    enrolled = date(year - 1, world.rng.randint(9, 12), world.rng.randint(1, 28))
    return {
        "insurance_type": kind,
        "region_code": region or p.county.code,
        "year": year,
        "status": status,
        "contribution": contribution,
        "subsidy_category": category,
        "subsidy": int(contribution * share),
        "enrolled_on": enrolled.isoformat(),
    }


def insurance(world: World, p: Person) -> list[dict[str, object]]:
    """The background person's records: last year's and, for most, this year's."""
    rng, year = world.rng, world.cfg.year
    category = due_category(p)
    kind = "EMPLOYEE" if p.employee and category == "NONE" else "RESIDENT"
    out = [record(world, p, year - 1, "NONE" if kind == "EMPLOYEE" else category, kind)]
    if p.death is not None:
        return out
    must = category in ("TEKUN_FULL", "DIBAO") or (p.poverty is not None and p.poverty.risk == "否")
    if must or rng.random() < world.cfg.rates.insured:
        out.append(record(world, p, year, "NONE" if kind == "EMPLOYEE" else category, kind))
    elif rng.random() < 0.5:
        out.append(record(world, p, year, category, kind, status="TERMINATED"))
    return out
