"""公民身份号码 (GB 11643-1999): valid numbers, their 15-digit legacy form, and typos.

The generator only ever writes numbers it can account for: a valid 18-digit number,
or a deliberate variant of one (legacy, mistyped) recorded in ``malformed`` or the
noise report. Nothing here is random by itself: callers pass their generator.
"""

from __future__ import annotations

import random
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def make(region6: str, born: date, sequence: int) -> str:
    """An 18-character number; ``sequence`` is 1–999 (odd male, even female)."""
    first17 = f"{region6}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)


def is_valid(number: str) -> bool:
    """Whether an 18-character number passes the check character test."""
    return len(number) == 18 and number[:17].isdigit() and check_char(number[:17]) == number[17]


def legacy15(number: str) -> str:
    """The 15-digit form of a number of someone born 19xx (no century, no check)."""
    if number[6:8] != "19":
        raise ValueError(f"only people born 19xx had 15-digit numbers: {number}")
    return number[:6] + number[8:17]


def mistype(number: str, rng: random.Random) -> str:
    """The number with one wrong character in the check or sequence part.

    The first six digits and the birth date stay, so the record remains linkable
    (contracts/README.md); a sequence digit moves by two so the sex digit keeps
    its parity, and the result never passes the check.
    """
    while True:
        if rng.random() < 0.7:
            wrong = rng.choice([c for c in "0123456789X" if c != number[17]])
            candidate = number[:17] + wrong
        else:
            pos = rng.choice((14, 15))
            digit = (int(number[pos]) + rng.choice((1, 2, 3))) % 10
            candidate = number[:pos] + str(digit) + number[pos + 1 :]
        if not is_valid(candidate):
            return candidate
