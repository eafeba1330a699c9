"""The region tree of one province: 12-digit 统计用区划代码 and invented place names.

Province 2 digits, city 2, county 2, township 3, village 3. Districts (市辖区,
county code below 20) are mostly urban 社区 (village code below 200); counties are
mostly rural 村, and some are poor rural counties where more people are assisted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Final

PROVINCES: Final = {
    "53": "云南省",
    "52": "贵州省",
    "51": "四川省",
    "45": "广西壮族自治区",
    "62": "甘肃省",
    "65": "新疆维吾尔自治区",
    "43": "湖南省",
    "42": "湖北省",
    "41": "河南省",
    "36": "江西省",
}
_CITY: Final = ("昆明", "曲靖", "玉溪", "保山", "昭通", "丽江", "普洱", "临沧")
_PLACE: Final = (
    "华山青松石林明德安宁永和富源清水长乐金沙白云龙泉东川西山南屏北岭凤鸣双河新街太平兴隆德胜红岩"
    "高桥黄坡柳营马鞍竹园梨花杨柳大箐小湾团结光明和平永胜桃源茶山"
)
_STREETS: Final = (
    "青云路",
    "翠湖路",
    "人民路",
    "建设路",
    "文化巷",
    "东风路",
    "环城路",
    "金碧路",
    "滨江路",
    "学府路",
    "春城路",
    "北京路",
)


def _place(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(_PLACE[::2]) + rng.choice(_PLACE[1::2])
        if name not in taken:
            taken.add(name)
            return name


@dataclass(slots=True)
class Village:
    """A village (村) or urban community (社区): the unit where households live."""

    code: str
    name: str  # with its suffix 村 or 社区
    urban: bool
    township: str  # township name with 街道/镇/乡
    houses: int = 0

    def next_house(self, rng: random.Random) -> str:
        """A house part not used before in this village (its address after 村/社区)."""
        self.houses += 1
        if self.urban:
            return f"{rng.choice(_STREETS)}{self.houses}号"
        return f"{rng.randint(1, 9)}组{self.houses}号"


@dataclass(slots=True)
class County:
    """A county (or district): the unit of 低保 standards and poverty-relief snapshots."""

    code: str  # 6 digits
    name: str
    city: str
    province: str
    district: bool
    poor: bool
    villages: list[Village] = field(default_factory=list)

    def full_address(self, village: Village, house: str) -> str:
        """The address as the civil-affairs system writes it."""
        return f"{self.province}{self.city}{self.name}{village.township}{village.name}{house}"

    def short_address(self, village: Village, house: str) -> str:
        """The address as the disability registry writes it (from the county down)."""
        return f"{self.name}{village.township}{village.name}{house}"

    def hand_address(self, village: Village, house: str) -> str:
        """The 家庭住址 as a village clerk writes it in the poverty-relief export."""
        return f"{village.township}{village.name}{house}"


def build(province: str, persons: int, rng: random.Random) -> list[County]:
    """The counties of a province, with townships and villages sized for ``persons``."""
    if province not in PROVINCES:
        raise ValueError(f"unknown province code {province!r}; known: {', '.join(sorted(PROVINCES))}")
    taken: set[str] = set()
    counties: list[County] = []
    per_village = 500
    n_counties = 12
    for c in range(3):
        city = _CITY[c] + "市"
        codes = [f"{province}{c + 1:02d}{d:02d}" for d in (2, 3)] + [
            f"{province}{c + 1:02d}{d:02d}" for d in (21, 22)
        ]
        for code in codes:
            district = int(code[4:]) < 20
            suffix = "区" if district else "县"
            county = County(
                code, _place(rng, taken) + suffix, city, PROVINCES[province], district, poor=False
            )
            county.poor = not district and rng.random() < 0.5
            townships = rng.randint(4, 7)
            villages_each = max(2, min(25, persons // (n_counties * townships * per_village)))
            local: set[str] = set(taken)  # village names repeat across counties, as real ones do
            for t in range(townships):
                urban_township = district and t < townships - 1
                t_code = (1 + t) if urban_township else (100 + t)
                t_name = _place(rng, local) + ("街道" if urban_township else "镇")
                for v in range(villages_each):
                    urban = urban_township or (v == 0 and not district)
                    v_code = (1 + v) if urban else (200 + v)
                    v_name = _place(rng, local) + ("社区" if urban else "村")
                    county.villages.append(Village(f"{code}{t_code:03d}{v_code:03d}", v_name, urban, t_name))
            counties.append(county)
    if not any(c.poor for c in counties):
        counties[-1].poor = True
    return counties


def rows(counties: list[County]) -> list[dict[str, object]]:
    """regions.jsonl rows: every level, 12-digit codes, parents first."""
    out: list[dict[str, object]] = []
    province = counties[0].code[:2]
    out.append(
        {"code": province + "0" * 10, "name": counties[0].province, "level": "province", "parent": None}
    )
    seen: set[str] = set()
    for county in counties:
        city_code = county.code[:4] + "0" * 8
        if city_code not in seen:
            seen.add(city_code)
            out.append(
                {"code": city_code, "name": county.city, "level": "city", "parent": province + "0" * 10}
            )
        out.append(
            {"code": county.code + "0" * 6, "name": county.name, "level": "county", "parent": city_code}
        )
        townships: dict[str, str] = {}
        for village in county.villages:
            t_code = village.code[:9] + "000"
            if t_code not in townships:
                townships[t_code] = village.township
                out.append(
                    {
                        "code": t_code,
                        "name": village.township,
                        "level": "township",
                        "parent": county.code + "0" * 6,
                    }
                )
            out.append({"code": village.code, "name": village.name, "level": "village", "parent": t_code})
    return out
