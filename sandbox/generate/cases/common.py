"""Small builders the planted cases share: a family at a new house, a 低保 household, a
poverty-relief household, a household on file, an insurance record.

Everyone built here is healthy and uncertified unless the case says otherwise, so a
case breaks exactly the fact it means to break.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sandbox.generate.benefits import record
from sandbox.generate.families import labour
from sandbox.generate.model import CivilHousehold, Member, Person, PovertyHousehold, PovertyMember
from sandbox.generate.regions import County, Village
from sandbox.generate.world import World


def civ(hh: CivilHousehold) -> str:
    return f"civil:{hh.hid}"


def pov(ph: PovertyHousehold) -> str:
    return f"poverty:{ph.hid}"


def people(
    world: World, village: Village, spec: list[tuple[bool, int]], surname: str | None = None
) -> list[Person]:
    """New persons of ``village``: (male, age) each.

    The first one's surname passes to the men and the children; grown women keep
    their own (wives, mothers and daughters-in-law marry in).
    """
    out: list[Person] = []
    for male, age in spec:
        shared = surname if (male or age < 18) else None
        p = world.person(village, male, age, surname=shared, county=_county_of(world, village))
        if surname is None and not out:
            surname = p.name[0] if "·" not in p.name else None
        out.append(p)
    return out


def _county_of(world: World, village: Village) -> County:
    for county in world.counties:
        if village.code.startswith(county.code):
            return county
    return world.county


def dibao_household(
    world: World,
    village: Village,
    house: str,
    members: list[tuple[Person, str, bool]],
    status: str = "active",
    start: date | None = None,
    household_status: str = "active",
) -> CivilHousehold:
    """A 低保 household paying the entitlement (settled later)."""
    county = _county_of(world, village)
    dibao = world.dibao(village, county=county, status=status, start=start)
    return world.civil_household(
        village,
        house,
        [Member(p, code, covered) for p, code, covered in members],
        dibao,
        household_status,
        county=county,
    )


def on_file(world: World, village: Village, house: str, members: list[tuple[Person, str]]) -> CivilHousehold:
    """A civil household with no 低保: on file for a 特困 person or a payment."""
    county = _county_of(world, village)
    return world.civil_household(
        village, house, [Member(p, code, False) for p, code in members], county=county
    )


def poverty_household(
    world: World,
    village: Village,
    house: str,
    members: list[tuple[Person, str]],
    income_times_standard: str,
    kind: str = "脱贫户",
) -> PovertyHousehold:
    """A poverty-relief household whose 年人均纯收入 is the given multiple of 12× the rural standard."""
    standard12 = world.standard(world.county, "rural") * 12
    income = (standard12 * Decimal(income_times_standard)).quantize(Decimal("0.1"))
    pm = [PovertyMember(p, word, labour(p, world.day)) for p, word in members]
    ph = world.poverty_household(village, house, pm, income, kind)
    if kind == "脱贫户":
        ph.risk = ""
    return ph


def insured(world: World, p: Person, *records: tuple[int, str, str, str | None, str]) -> None:
    """Fix a person's insurance: (year offset, category, type, region or None, status) per record."""
    p.medical = [
        record(world, p, world.cfg.year + offset, category, kind, region, status)
        for offset, category, kind, region, status in records
    ]
