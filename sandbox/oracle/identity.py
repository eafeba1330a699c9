"""Identity as contracts/README.md defines it: ID numbers, names, and linking.

Written from the contract alone (never from the adapters' normalisation), so
that the oracle and the hub can disagree when one of them reads it wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import opencc

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SEPARATORS = "·.•・．‧⋅･"
_DROP = re.compile(r"[\s" + re.escape(_SEPARATORS) + r"]+")
_SPACES = re.compile(r"\s+")
_CONVERTER = opencc.OpenCC("t2s")


def t2s(text: str) -> str:
    """Traditional to simplified, character by character (OpenCC ``t2s``)."""
    return str(_CONVERTER.convert(text))


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def clean(raw: str) -> str:
    """An ID number as written, folded: NFKC, whitespace removed, upper-case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw)).upper()


def birth_of(number: str) -> date | None:
    """The birth date written in an 18-character number, or None when it is no date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


@cache
def normalise_id(raw: str) -> str | None:
    """The valid 18-character number a raw one stands for, or None when it stays invalid.

    A 15-digit legacy number gains ``19`` and a computed check character; an
    18-character one must already carry the right check character (a wrong one
    is a typo somewhere, never repaired) and a real birth date.
    """
    value = clean(raw)
    if len(value) == 15 and value.isascii() and value.isdigit():
        body = value[:6] + "19" + value[6:]
        value = body + check_char(body)
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit():
        return None
    if value[17] != check_char(value[:17]) or birth_of(value) is None:
        return None
    return value


@cache
def normalise_name(name: str) -> str:
    """A name folded so that two spellings of one name compare equal (README.md)."""
    folded = _DROP.sub("", unicodedata.normalize("NFKC", name))
    # NFKC maps the half-width katakana middle dot to the full-width one; both
    # are separators, so drop again after the conversion.
    return _DROP.sub("", t2s(folded))


@dataclass(frozen=True, slots=True)
class Claim:
    """One record's identity facts: the raw number, and the name and birth date beside it."""

    source: str
    raw: str
    name: str | None
    birth: date | None


class Linker:
    """Resolves raw numbers to person keys: valid number, linked number, or the raw one.

    Built once from every record of every source; ``key(source, raw)`` then
    names the person a record concerns.
    """

    def __init__(self, claims: Iterable[Claim]) -> None:
        claims = list(claims)
        known: dict[tuple[str, date, str], set[str]] = defaultdict(set)
        for claim in claims:
            number = normalise_id(claim.raw)
            birth = birth_of(number) if number else None
            if number and birth and claim.name:
                known[(normalise_name(claim.name), birth, number[:6])].add(number)
        # A raw number follows one link per source; records of the source that
        # cannot link themselves (特困 records, payments) follow it too.
        outcomes: dict[tuple[str, str], set[str]] = defaultdict(set)
        for claim in claims:
            if normalise_id(claim.raw) is not None or not claim.name or claim.birth is None:
                continue
            candidates = known.get((normalise_name(claim.name), claim.birth, clean(claim.raw)[:6]), set())
            if len(candidates) == 1:
                outcomes[(claim.source, claim.raw)].add(next(iter(candidates)))
        # Records of one raw number that link to different persons make the
        # link ambiguous: none of them follows it.
        self.links: dict[tuple[str, str], str] = {
            pair: next(iter(found)) for pair, found in outcomes.items() if len(found) == 1
        }

    def key(self, source: str, raw: str) -> str:
        """The person a record of ``source`` carrying ``raw`` concerns."""
        number = normalise_id(raw)
        if number is not None:
            return number
        return self.links.get((source, raw), raw)


def age_on(person: str, day: date) -> int | None:
    """A person's age in whole years on a day, from the birth date of his key; None when unknown."""
    if normalise_id(person) != person:
        return None
    birth = birth_of(person)
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
