"""Families: the 户籍 household (hukou) with GB/T 4761 relations and ages that make sense.

A family is who is registered together. Who lives together (the civil household)
and who the poverty-relief office lists (its household) are drawn from it later,
and are not always the same set of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sandbox.generate.model import Person
from sandbox.generate.regions import Village
from sandbox.generate.world import World

WORD: Final = {
    "02": "户主",
    "10": "配偶",
    "20": "之子",
    "21": "之子",
    "22": "之子",
    "23": "之子",
    "30": "之女",
    "31": "之女",
    "32": "之女",
    "33": "之女",
    "38": "之儿媳",
    "28": "之女婿",
    "41": "之孙子",
    "42": "之孙女",
    "51": "之父",
    "52": "之母",
    "71": "之兄弟姐妹",
    "99": "其他",
}
"""GB/T 4761 code → the poverty-relief export's relation word."""

_SIZES: Final = (1, 2, 3, 4, 5, 6, 7)
_SIZE_WEIGHTS: Final = (18, 27, 24, 16, 9, 4, 2)

WORKING: Final = ("技能劳动力", "普通劳动力", "弱劳动力或半劳动力")
UNABLE: Final = ("丧失劳动力", "无劳动力")


@dataclass(slots=True, eq=False)
class Family:
    village: Village
    house: str
    members: list[tuple[Person, str]]

    @property
    def head(self) -> Person:
        return self.members[0][0]


def school_for(age: int, rng_value: float) -> str:
    """在校生状况 for an age; ``rng_value`` in [0, 1) decides who studies past 17."""
    if age < 3:
        return ""
    if age < 6:
        return "学前教育" if rng_value < 0.8 else ""
    if age < 12:
        return "小学"
    if age < 15:
        return "初中"
    if age < 18:
        return "高中" if rng_value < 0.6 else ("中职" if rng_value < 0.9 else "")
    if age < 22:
        return "本科及以上" if rng_value < 0.25 else ("高职高专" if rng_value < 0.4 else "")
    return ""


def labour(person: Person, on: date) -> str:
    """劳动技能 as a village clerk would judge it from age, health and disability."""
    age = person.age(on)
    if age < 16 or person.school:
        return "无劳动力"
    cert = person.cert
    if "患有大病" in person.health or (cert is not None and cert.status == "VALID" and cert.level <= 2):
        return "丧失劳动力"
    if age >= 70:
        return "丧失劳动力"
    if age >= 60 or (cert is not None and cert.status == "VALID"):
        return "弱劳动力或半劳动力"
    return "技能劳动力" if person.id18[-2] in "02468" and age < 50 else "普通劳动力"


def _child_codes(sexes: list[bool]) -> list[str]:
    sons = sum(sexes)
    daughters = len(sexes) - sons
    codes: list[str] = []
    s = d = 0
    for male in sexes:
        if male:
            s += 1
            codes.append("20" if sons == 1 else f"2{min(s, 3)}")
        else:
            d += 1
            codes.append("30" if daughters == 1 else f"3{min(d, 3)}")
    return codes


def family(world: World, village: Village, size: int | None = None, head_age: int | None = None) -> Family:
    """A new registered family living at a new house of ``village``."""
    rng = world.rng
    if size is None:
        size = rng.choices(_SIZES, weights=_SIZE_WEIGHTS)[0]
        if not village.urban and size < 7 and rng.random() < 0.25:
            size += 1
    minority = rng.random() < 0.01
    house = village.next_house(rng)
    members: list[tuple[Person, str]] = []

    def add(male: bool, age: int, code: str, surname: str | None = None) -> Person:
        p = world.person(village, male, max(0, age), surname=surname, minority=minority)
        members.append((p, code))
        return p

    if size == 1:
        age = head_age or (rng.randint(60, 92) if rng.random() < 0.5 else rng.randint(20, 59))
        add(rng.random() < 0.5, age, "02")
    elif size == 2 and rng.random() < 0.2:
        head = add(False, head_age or rng.randint(30, 50), "02")
        child_male = rng.random() < 0.5
        add(child_male, rng.randint(3, 17), "20" if child_male else "30", surname=head.name[0])
    elif size <= 4:
        h = head_age or (rng.randint(25, 85) if size == 2 else rng.randint(28, 55))
        head = add(True, h, "02")
        add(False, max(20, h + rng.randint(-4, 2)), "10")
        n = size - 2
        sexes = [rng.random() < 0.52 for _ in range(n)]
        for male, code in zip(sexes, _child_codes(sexes), strict=True):
            add(male, rng.randint(0, max(0, min(25, h - 22))), code, surname=head.name[0])
    else:
        h = head_age or rng.randint(50, 68)
        head = add(True, h, "02")
        add(False, h + rng.randint(-4, 2), "10")
        son_age = rng.randint(max(22, h - 32), h - 22)
        add(True, son_age, "21", surname=head.name[0])
        add(False, son_age + rng.randint(-3, 1), "38")
        left = size - 4
        if left >= 3 and h < 62:
            add(
                rng.random() < 0.3,
                h + rng.randint(22, 30),
                "52" if rng.random() < 0.7 else "51",
                surname=head.name[0],
            )
            left -= 1
        for _ in range(left):
            male = rng.random() < 0.52
            add(
                male,
                rng.randint(0, max(0, min(12, son_age - 20))),
                "41" if male else "42",
                surname=head.name[0],
            )
    for p, _ in members:
        p.house = house
        p.school = school_for(p.age(world.day), rng.random())
        if minority:
            p.ethnicity = "维吾尔族"
    return Family(village, house, members)
