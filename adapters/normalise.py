"""Normalisation: the one place where what a department writes becomes a canonical value.

ID numbers (公民身份号码), names, addresses, family relations, genders, dates and money,
each as ``contracts/README.md`` and ``rules.md`` define them. Every parser raises
``ValueError`` with a message naming the bad value; an adapter turns that into a
quarantined row. Nothing here touches the network or the project's other layers.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import opencc

from adapters.records import Gender, IdNumber, Relation

CST = timezone(timedelta(hours=8), "CST")
"""China Standard Time: the zone of every time a source writes without one."""

# ---------------------------------------------------------------------------
# 公民身份号码 (GB 11643-1999)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_WHITESPACE = re.compile(r"\s+")


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"not 17 digits: {first17!r}")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _squeeze(text: str) -> str:
    """NFKC (full-width → ASCII) with every whitespace character removed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _real_birth_date(digits8: str) -> date | None:
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None
    # Nobody alive was born before 1900; an earlier "date" is a typo in the number.
    return born if born.year >= 1900 else None


def parse_id_number(raw: str | None) -> IdNumber:
    """Normalise an ID number as written: NFKC, spaces removed, upper-case ``X``, 15 → 18.

    A number whose check character is wrong keeps its value (``valid=False``) and
    gets the recomputed number as ``candidate``; it is never repaired. Raises
    ``ValueError`` only when nothing is written at all.
    """
    if raw is None or not _squeeze(raw):
        raise ValueError(f"missing ID number: {raw!r}")
    text = _squeeze(raw).upper()
    if len(text) == 15 and text.isascii() and text.isdigit():
        # Legacy numbers carry no century and no check character: both are implied.
        first17 = f"{text[:6]}19{text[6:]}"
        value = first17 + check_char(first17)
        return IdNumber(raw=raw, value=value, valid=_real_birth_date(value[6:14]) is not None)
    if len(text) == 18 and text[:17].isascii() and text[:17].isdigit():
        expected = check_char(text[:17])
        born_ok = _real_birth_date(text[6:14]) is not None
        if text[17] == expected:
            return IdNumber(raw=raw, value=text, valid=born_ok)
        return IdNumber(raw=raw, value=text, valid=False, candidate=text[:17] + expected)
    return IdNumber(raw=raw, value=text, valid=False)


def _id_value(id_number: IdNumber | str) -> str:
    return id_number.value if isinstance(id_number, IdNumber) else parse_id_number(id_number).value


def birth_date_of(id_number: IdNumber | str) -> date | None:
    """The birth date written in an 18-character number (even one with a wrong check character)."""
    value = _id_value(id_number)
    if len(value) != 18 or not value[6:14].isdigit():
        return None
    return _real_birth_date(value[6:14])


def gender_of(id_number: IdNumber | str) -> Gender | None:
    """The gender written in an 18-character number: an odd sequence digit is male."""
    value = _id_value(id_number)
    if len(value) != 18 or not value[16].isdigit():
        return None
    return Gender.MALE if int(value[16]) % 2 else Gender.FEMALE


# ---------------------------------------------------------------------------
# Names

_SEPARATORS = "·.•・．‧⋅･"
_SEPARATOR_RUN = re.compile("[" + re.escape(_SEPARATORS) + "]+")


@cache
def _t2s() -> Any:
    # Building the converter loads its dictionaries: do it once per process.
    return opencc.OpenCC("t2s")


@cache
def _simplified_char(char: str) -> str:
    converted: str = _t2s().convert(char)
    return converted


def to_simplified(text: str) -> str:
    """Traditional → simplified, character by character (never by phrase: a name is not a phrase)."""
    return "".join(_simplified_char(c) for c in text)


def name_key(name: str) -> str:
    """The comparison key of a name: NFKC, whitespace and separators removed, t2s per character."""
    text = _SEPARATOR_RUN.sub("", _squeeze(name))
    return to_simplified(text)


def clean_name(name: str) -> str:
    """A name for display: NFKC, whitespace trimmed, the minority-name separator written ``·``."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = _SEPARATOR_RUN.sub("·", text)
    # Stray spaces between Chinese characters or around the separator are typing noise.
    text = re.sub(r"\s*·\s*", "·", text)
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    return _WHITESPACE.sub(" ", text)


# ---------------------------------------------------------------------------
# Addresses

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_RUN = re.compile("[" + "".join(_DIGITS) + "".join(_UNITS) + "]+")
_ADMIN_PREFIX = re.compile(r"^.*(?:省|市|州|县|区|旗|镇|乡|街道)")


def chinese_numeral(text: str) -> int:
    """The value of a Chinese numeral: ``十二`` → 12, ``一百零五`` → 105, ``二〇三`` → 203."""
    if not text or any(c not in _DIGITS and c not in _UNITS for c in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if not any(c in _UNITS for c in text):
        # Read digit by digit, the way house and year numbers are spoken: 二〇三.
        return int("".join(str(_DIGITS[c]) for c in text))
    total, digit, last_unit = 0, None, 10_000
    for c in text:
        if c in _DIGITS:
            if digit is not None:
                raise ValueError(f"not a Chinese numeral: {text!r}")
            digit = _DIGITS[c] or None  # 零 only marks a skipped place: 一百零五
        else:
            unit = _UNITS[c]
            if unit >= last_unit:
                raise ValueError(f"not a Chinese numeral: {text!r}")
            total += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def _numerals_to_digits(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        try:
            return str(chinese_numeral(match.group()))
        except ValueError:
            return match.group()

    return _NUMERAL_RUN.sub(replace, text)


def house_part(address: str) -> str:
    """The address after its last ``村`` or ``社区``, normalised (rules.md "Same address").

    Where neither occurs, the administrative prefix (province … township) is dropped.
    """
    text = to_simplified(_squeeze(address))
    cut = max(text.rfind("村") + 1 if "村" in text else -1, text.rfind("社区") + 2 if "社区" in text else -1)
    rest = text[cut:] if cut >= 0 else _ADMIN_PREFIX.sub("", text)
    return _numerals_to_digits(rest)


def address_key(region_code: str, address: str) -> str:
    """The key two addresses share when they are the same house: ``<region code>|<house part>``."""
    return f"{_squeeze(region_code)}|{house_part(address)}"


# ---------------------------------------------------------------------------
# Family relationship to the head of household


def _code_relation(code: int) -> Relation | None:
    singles = {
        1: Relation.SELF,
        2: Relation.HEAD,
        28: Relation.SON_IN_LAW,
        38: Relation.DAUGHTER_IN_LAW,
        50: Relation.PARENT,
        51: Relation.FATHER,
        57: Relation.FATHER,
        52: Relation.MOTHER,
        58: Relation.MOTHER,
        59: Relation.OTHER_PARENT,
        99: Relation.NOT_RELATED,
    }
    ranges = (
        (10, 12, Relation.SPOUSE),
        (20, 29, Relation.SON),
        (30, 39, Relation.DAUGHTER),
        (40, 49, Relation.GRANDCHILD),
        (53, 56, Relation.PARENT_IN_LAW),
        (60, 69, Relation.GRANDPARENT),
        (70, 79, Relation.SIBLING),
        (80, 97, Relation.OTHER_RELATIVE),
    )
    if code in singles:
        return singles[code]
    return next((relation for low, high, relation in ranges if low <= code <= high), None)


def relation_of_code(code: str) -> Relation:
    """A GB/T 4761-2008 code (``"02"``, ``"10"`` …) as a :class:`Relation`."""
    text = _squeeze(str(code))
    if not (text.isascii() and text.isdigit() and 1 <= len(text) <= 2):
        raise ValueError(f"unknown relation code {code!r}")
    relation = _code_relation(int(text))
    if relation is None:
        raise ValueError(f"unknown relation code {code!r}")
    return relation


_RELATION_WORDS = {
    "户主": Relation.HEAD,
    "配偶": Relation.SPOUSE,
    "之子": Relation.SON,
    "之女": Relation.DAUGHTER,
    "之父": Relation.FATHER,
    "之母": Relation.MOTHER,
    "之孙子": Relation.GRANDSON,
    "之孙女": Relation.GRANDDAUGHTER,
    "之儿媳": Relation.DAUGHTER_IN_LAW,
    "之女婿": Relation.SON_IN_LAW,
    "之兄弟姐妹": Relation.SIBLING,
    "其他": Relation.OTHER,
}


def relation_of_word(word: str) -> Relation:
    """A poverty-relief relation word (``户主``, ``之子`` …) as a :class:`Relation`."""
    relation = _RELATION_WORDS.get(to_simplified(_squeeze(word)))
    if relation is None:
        raise ValueError(f"unknown relation word {word!r}")
    return relation


# ---------------------------------------------------------------------------
# Gender

_GENDERS = {
    "1": Gender.MALE,
    "M": Gender.MALE,
    "男": Gender.MALE,
    "2": Gender.FEMALE,
    "F": Gender.FEMALE,
    "女": Gender.FEMALE,
}


def parse_gender(value: str | None) -> Gender | None:
    """``1``/``M``/``男`` or ``2``/``F``/``女``; ``None`` when nothing is written."""
    if value is None or not _squeeze(str(value)):
        return None
    gender = _GENDERS.get(_squeeze(str(value)).upper())
    if gender is None:
        raise ValueError(f"unknown gender {value!r}")
    return gender


# ---------------------------------------------------------------------------
# Dates and times

_SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")


def parse_date(value: str) -> date:
    """``2024-05-01``, ``20240501`` or ``2024/5/1`` as a date."""
    text = _squeeze(str(value))
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if slashed := _SLASHED.fullmatch(text):
            return date(*(int(part) for part in slashed.groups()))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"unreadable date {value!r}")


def optional_date(value: str | None) -> date | None:
    """A date, or ``None`` where the field is null or empty."""
    return None if value is None or not str(value).strip() else parse_date(value)


def parse_datetime(value: str) -> datetime:
    """A time in any contract format, always aware; +08:00 where the source gives no zone.

    ``20260301101500``, ``2026-03-01T10:00:00+08:00``, ``2026-03-01T02:00:00Z``,
    ``2026-03-01 10:00:00``, or a bare date (midnight).
    """
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        if len(text) == 14 and text.isdigit():
            parsed = datetime.strptime(text, "%Y%m%d%H%M%S")
        elif len(text) in (8, 10) or "/" in text:
            parsed = datetime.combine(parse_date(text), datetime.min.time())
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", text):
            parsed = datetime.fromisoformat(text)
        else:
            raise ValueError(text)
    except ValueError:
        raise ValueError(f"unreadable time {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=CST)


def compact_time(moment: datetime) -> str:
    """A time as ``yyyyMMddHHmmss`` in China Standard Time (the disability registry's format)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=CST)
    return aware.astimezone(CST).strftime("%Y%m%d%H%M%S")


def now() -> datetime:
    """The current time, aware (UTC): the ``fetched_at`` of a record."""
    return datetime.now(UTC)


# ---------------------------------------------------------------------------
# Money

_CENT = Decimal("0.01")


def yuan(value: str | int | float | Decimal) -> Decimal:
    """An amount in yuan (``"612.00"``, ``80.0``, ``"4230.5"``) as a ``Decimal`` with two places."""
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    try:
        # repr() of a float is its shortest exact spelling: 80.0 stays 80.0, not 80.000000001.
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(_squeeze(str(value)))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    rounded = amount.quantize(_CENT)
    if rounded != amount:
        raise ValueError(f"amount with more than two decimals: {value!r}")
    return rounded


def fen(value: int) -> Decimal:
    """An amount in fen (integer hundredths of a yuan: ``40000``) as ``Decimal`` yuan (``400.00``)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an amount in fen: {value!r}")
    return (Decimal(value) / 100).quantize(_CENT)


# ---------------------------------------------------------------------------
# Rows


def raw_json(row: object) -> str:
    """A row as JSON text, Chinese kept readable: the ``raw`` of a provenance."""
    return json.dumps(row, ensure_ascii=False)


def field(row: object, key: str) -> Any:
    """``row[key]`` of a JSON object, or ``ValueError`` naming the field when it is absent or null."""
    if not isinstance(row, Mapping):
        raise ValueError(f"row is not an object: {row!r:.80}")
    value = row.get(key)
    if value is None:
        raise ValueError(f"missing {key}")
    return value


def text(row: object, key: str) -> str:
    """A required string field, not blank."""
    value = field(row, key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} is not a non-empty string: {value!r}")
    return value


def optional_text(row: Mapping[str, Any], key: str) -> str | None:
    """A string field that may be absent, null or empty (then ``None``)."""
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{key} is not a string: {value!r}")
    return value


def one_of(row: object, key: str, allowed: Collection[str]) -> str:
    """A required field whose value must be one of ``allowed``."""
    value = text(row, key)
    if value not in allowed:
        raise ValueError(f"unknown {key} {value!r}")
    return value
