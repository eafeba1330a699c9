"""Noise: how each department writes the same person and house differently.

Only variants the contracts allow and the hub must undo: lower-case ``x``, spaces,
full-width digits, 15-digit legacy numbers (people born 19xx), a mistyped number in
one source (dirty only, and only where the person stays linkable), traditional
characters, separator variants, and house numbers in Chinese numerals. Every
variant normalises back to the same person, name and address.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from sandbox.generate import idnumbers, names
from sandbox.generate.model import Person


@dataclass(frozen=True, slots=True)
class Profile:
    """Rates of each kind of noise, per written value."""

    lower_x: float
    spaces: float
    full_width: float
    legacy15: float
    typo: float
    traditional: float
    name_space: float
    separator: float
    address: float
    malformed: float  # share of households, lines and certificates that break the contract


PROFILES: Final = {
    "clean": Profile(0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    "default": Profile(0.3, 0.02, 0.01, 0.03, 0.0, 0.03, 0.02, 0.3, 0.1, 0.002),
    "dirty": Profile(0.6, 0.06, 0.04, 0.08, 0.05, 0.1, 0.05, 0.6, 0.3, 0.006),
}

_FULL_WIDTH: Final = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
_DIGITS: Final = "零一二三四五六七八九"


def written_id(number: str, profile: Profile, rng: random.Random, legacy_ok: bool) -> str:
    """One source's way of writing a valid number."""
    if legacy_ok and number[6:8] == "19" and rng.random() < profile.legacy15:
        return idnumbers.legacy15(number)
    out = number
    if out.endswith("X") and rng.random() < profile.lower_x:
        out = out[:-1] + "x"
    if rng.random() < profile.spaces:
        out = f"{out[:6]} {out[6:14]} {out[14:]}" if rng.random() < 0.5 else out + " "
    if rng.random() < profile.full_width:
        out = out.translate(_FULL_WIDTH)
    return out


def written_name(name: str, profile: Profile, rng: random.Random) -> str:
    """One source's way of writing a name."""
    out = name
    if names.SEPARATOR in out and rng.random() < profile.separator:
        out = out.replace(names.SEPARATOR, rng.choice(names.SEPARATOR_VARIANTS))
    if rng.random() < profile.traditional:
        out = names.traditional(out)
    if names.SEPARATOR not in name and len(out) >= 2 and rng.random() < profile.name_space:
        out = out[0] + rng.choice((" ", "\u3000")) + out[1:]
    return out


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals as a clerk writes them (十二, 二十, 二十三)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS[units]
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[units] if units else "")


def written_house(house: str, profile: Profile, rng: random.Random) -> str:
    """A house part as one clerk writes it: numerals, traditional or full-width digits."""
    if rng.random() >= profile.address:
        return house
    style = rng.randrange(3)
    if style == 0:
        out, digits = "", ""
        for ch in house + "\0":
            if ch.isdigit():
                digits += ch
                continue
            if digits:
                out += chinese_number(int(digits)) if 0 < int(digits) < 100 else digits
                digits = ""
            out += ch
        return out[:-1]
    if style == 1:
        return names.traditional(house)
    return house.translate(_FULL_WIDTH)


def decide(person: Person, profile: Profile, rng: random.Random, sources: tuple[str, ...]) -> str | None:
    """Fix how each source writing ``person`` spells the number and the name.

    A typo goes to one source only, never to a disability certificate (its certNo
    would then disagree) nor to a planted subject, and only where another source
    holds the valid number; 15-digit numbers never go to the disability registry.
    Answers the source that got a typo, if any.
    """
    for source in sources:
        if source != "medical" and source not in person.raw_id:  # the platform is asked by normalised number
            person.raw_id[source] = written_id(person.id18, profile, rng, legacy_ok=source != "disability")
        if source not in person.written_name:
            person.written_name[source] = written_name(person.name, profile, rng)
    holders = [s for s in sources if s != "medical"]
    typo_sources = [s for s in holders if s in ("civil", "poverty")]
    if (
        profile.typo
        and not person.subject
        and len(holders) >= 2
        and typo_sources
        and rng.random() < profile.typo
    ):
        source = rng.choice(typo_sources)
        person.raw_id[source] = idnumbers.mistype(person.id18, rng)
        return source
    return None
