"""Normalisation: properties over generated ID numbers, names, addresses, plus the contract's examples."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters import normalise as n
from adapters.records import Gender, Relation

# ---------------------------------------------------------------------------
# Strategies


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{region}{born:%Y%m%d}{sequence}"
    return first17 + n.check_char(first17)


@st.composite
def legacy_ids(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return f"{region}{born:%y%m%d}{sequence}"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def noisy(draw: st.DrawFn, text: str) -> str:
    """``text`` as a village clerk might type it: full-width, spaced, lower-case x."""
    chars = []
    for c in text:
        if c == "X" and draw(st.booleans()):
            c = "x"
        if draw(st.booleans()):
            c = full_width(c)
        chars.append(c + draw(st.sampled_from(["", "", " ", "\u3000", "\t"])))
    return draw(st.sampled_from(["", " ", "\u3000"])) + "".join(chars)


# ---------------------------------------------------------------------------
# ID numbers


def test_contract_example_is_valid() -> None:
    parsed = n.parse_id_number("53010219820304028x")
    assert parsed.value == "53010219820304028X"
    assert parsed.raw == "53010219820304028x"
    assert parsed.valid


@given(st.data(), valid_ids())
def test_a_valid_number_survives_noise(data: st.DataObject, id_number: str) -> None:
    written = data.draw(noisy(id_number))
    parsed = n.parse_id_number(written)
    assert parsed.value == id_number
    assert parsed.valid
    assert parsed.raw == written
    assert parsed.candidate is None


@given(legacy_ids())
def test_fifteen_digits_widen_to_a_valid_eighteen(legacy: str) -> None:
    parsed = n.parse_id_number(legacy)
    assert parsed.valid
    assert parsed.value[:6] + parsed.value[8:17] == legacy
    assert parsed.value[6:8] == "19"
    assert n.parse_id_number(parsed.value).value == parsed.value


@given(st.data(), valid_ids())
def test_any_single_digit_typo_is_detected(data: st.DataObject, id_number: str) -> None:
    position = data.draw(st.integers(0, 16))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != id_number[position]]))
    typo = id_number[:position] + wrong + id_number[position + 1 :]
    parsed = n.parse_id_number(typo)
    assert not parsed.valid
    assert parsed.value == typo  # kept as written, never repaired
    assert parsed.candidate is not None
    assert parsed.candidate[:17] == typo[:17]


@given(valid_ids())
def test_a_wrong_check_character_gets_a_candidate(id_number: str) -> None:
    wrong = next(c for c in "0123456789X" if c != id_number[17])
    parsed = n.parse_id_number(id_number[:17] + wrong)
    assert not parsed.valid
    assert parsed.value == id_number[:17] + wrong
    assert parsed.candidate == id_number


def test_an_impossible_birth_date_is_invalid() -> None:
    first17 = "53010219800231123"  # 31 February
    parsed = n.parse_id_number(first17 + n.check_char(first17))
    assert not parsed.valid
    assert parsed.candidate is None


@pytest.mark.parametrize("written", ["ABC", "5301021980", "53010219800101123Y"])
def test_garbage_is_kept_invalid(written: str) -> None:
    parsed = n.parse_id_number(written)
    assert not parsed.valid
    assert parsed.value == written


@pytest.mark.parametrize("written", [None, "", "  ", "\u3000"])
def test_nothing_written_raises(written: str | None) -> None:
    with pytest.raises(ValueError, match="missing ID number"):
        n.parse_id_number(written)


@given(valid_ids())
def test_birth_date_and_gender_come_from_the_number(id_number: str) -> None:
    assert n.birth_date_of(id_number) == date(
        int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])
    )
    expected = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
    assert n.gender_of(n.parse_id_number(id_number)) == expected


def test_birth_date_of_garbage_is_none() -> None:
    assert n.birth_date_of("ABC") is None
    assert n.gender_of("ABC") is None


# ---------------------------------------------------------------------------
# Names

chinese = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=6)


@given(st.data(), chinese)
def test_names_are_equal_under_noise(data: st.DataObject, name: str) -> None:
    spaced = "".join(c + data.draw(st.sampled_from(["", " ", "\u3000"])) for c in name)
    assert n.name_key(" " + spaced + " ") == n.name_key(name)


@given(chinese, chinese, st.sampled_from(list("·.•・．‧⋅･")))
def test_minority_name_separators_do_not_matter(first: str, second: str, separator: str) -> None:
    assert n.name_key(f"{first}{separator}{second}") == n.name_key(f"{first}·{second}")
    assert n.clean_name(f"{first} {separator} {second}") == n.clean_name(f"{first}·{second}")


@pytest.mark.parametrize(
    ("left", "right"), [("劉德華", "刘德华"), ("陳 小明", "陈小明"), ("阿依古麗.買買提", "阿依古丽•买买提")]
)
def test_traditional_and_simplified_names_are_the_same(left: str, right: str) -> None:
    assert n.name_key(left) == n.name_key(right)


def test_clean_name_keeps_the_name_readable() -> None:
    assert n.clean_name(" 李 秀英 ") == "李秀英"
    assert n.clean_name("阿依古丽．买买提") == "阿依古丽·买买提"
    assert n.clean_name("ＡＢＣ") == "ABC"


# ---------------------------------------------------------------------------
# Addresses


@pytest.mark.parametrize(
    ("address", "house"),
    [
        ("云南省昆明市五华区华山街道翠湖社区青云路12号", "青云路12号"),
        ("五华区华山街道翠湖社區青雲路十二號", "青云路12号"),
        ("翠湖社区 青云路 １２ 号", "青云路12号"),
        ("大营村委会大营村一百零五号", "105号"),
        ("大营村二〇三号", "203号"),
        ("大营村二零三号", "203号"),
        ("云南省昆明市五华区华山街道青云路二十号", "青云路20号"),
    ],
)
def test_house_part(address: str, house: str) -> None:
    assert n.house_part(address) == house


def test_address_key() -> None:
    assert n.address_key("530102001001", "翠湖社区青云路十二號") == "530102001001|青云路12号"


@given(st.integers(1, 9999))
def test_chinese_numerals_round_trip(number: int) -> None:
    assert n.chinese_numeral(spoken(number)) == number


def spoken(number: int) -> str:
    digits = "零一二三四五六七八九"
    parts, zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, number = divmod(number, unit)
        if d:
            if zero and parts:
                parts.append("零")
            parts.append(digits[d] + name)
            zero = False
        else:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


@given(st.integers(0, 99999))
def test_digit_by_digit_numerals(number: int) -> None:
    assert n.chinese_numeral("".join("〇一二三四五六七八九"[int(d)] for d in str(number))) == number


@pytest.mark.parametrize("text", ["", "十十", "一二十", "abc"])
def test_bad_numerals_raise(text: str) -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        n.chinese_numeral(text)


# ---------------------------------------------------------------------------
# Relations


@pytest.mark.parametrize(
    ("code", "relation"),
    [
        ("01", Relation.SELF),
        ("02", Relation.HEAD),
        ("10", Relation.SPOUSE),
        ("12", Relation.SPOUSE),
        ("20", Relation.SON),
        ("27", Relation.SON),
        ("28", Relation.SON_IN_LAW),
        ("29", Relation.SON),
        ("30", Relation.DAUGHTER),
        ("38", Relation.DAUGHTER_IN_LAW),
        ("39", Relation.DAUGHTER),
        ("40", Relation.GRANDCHILD),
        ("49", Relation.GRANDCHILD),
        ("50", Relation.PARENT),
        ("51", Relation.FATHER),
        ("57", Relation.FATHER),
        ("52", Relation.MOTHER),
        ("58", Relation.MOTHER),
        ("53", Relation.PARENT_IN_LAW),
        ("56", Relation.PARENT_IN_LAW),
        ("59", Relation.OTHER_PARENT),
        ("60", Relation.GRANDPARENT),
        ("70", Relation.SIBLING),
        ("80", Relation.OTHER_RELATIVE),
        ("97", Relation.OTHER_RELATIVE),
        ("99", Relation.NOT_RELATED),
        (" 02 ", Relation.HEAD),
    ],
)
def test_relation_codes(code: str, relation: Relation) -> None:
    assert n.relation_of_code(code) == relation


@pytest.mark.parametrize("code", ["00", "03", "09", "13", "19", "98", "100", "AB", ""])
def test_unknown_relation_codes_raise_naming_the_code(code: str) -> None:
    with pytest.raises(ValueError, match=f"unknown relation code '{code}'"):
        n.relation_of_code(code)


@pytest.mark.parametrize(
    ("word", "relation"),
    [
        ("户主", Relation.HEAD),
        ("配偶", Relation.SPOUSE),
        ("之子", Relation.SON),
        ("之女", Relation.DAUGHTER),
        ("之父", Relation.FATHER),
        ("之母", Relation.MOTHER),
        ("之孙子", Relation.GRANDSON),
        ("之孙女", Relation.GRANDDAUGHTER),
        ("之儿媳", Relation.DAUGHTER_IN_LAW),
        ("之女婿", Relation.SON_IN_LAW),
        ("之兄弟姐妹", Relation.SIBLING),
        ("其他", Relation.OTHER),
        (" 戶主 ", Relation.HEAD),
    ],
)
def test_relation_words(word: str, relation: Relation) -> None:
    assert n.relation_of_word(word) == relation


def test_unknown_relation_word_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="之侄"):
        n.relation_of_word("之侄")


# ---------------------------------------------------------------------------
# Gender, dates, money


@pytest.mark.parametrize(
    ("value", "gender"),
    [
        ("1", Gender.MALE),
        ("M", Gender.MALE),
        ("男", Gender.MALE),
        ("2", Gender.FEMALE),
        ("f", Gender.FEMALE),
        ("女", Gender.FEMALE),
        (None, None),
        ("", None),
    ],
)
def test_gender(value: str | None, gender: Gender | None) -> None:
    assert n.parse_gender(value) == gender


def test_unknown_gender_raises() -> None:
    with pytest.raises(ValueError, match="'9'"):
        n.parse_gender("9")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_every_date_format(day: date) -> None:
    for written in (day.isoformat(), f"{day:%Y%m%d}", f"{day.year}/{day.month}/{day.day}"):
        assert n.parse_date(written) == day


@pytest.mark.parametrize("value", ["2024-02-30", "2024/13/1", "—", "", "20240230", "1.1.2024"])
def test_unreadable_dates_raise(value: str) -> None:
    with pytest.raises(ValueError, match="unreadable date"):
        n.parse_date(value)


def test_optional_date() -> None:
    assert n.optional_date(None) is None
    assert n.optional_date("") is None
    assert n.optional_date("2019-01-01") == date(2019, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T10:00:00+08:00", datetime(2026, 3, 1, 10, tzinfo=n.CST)),
        ("2026-03-01T02:00:00Z", datetime(2026, 3, 1, 10, tzinfo=n.CST)),
        ("2026-03-01T10:00:00", datetime(2026, 3, 1, 10, tzinfo=n.CST)),
        ("2026-03-01 10:00:00", datetime(2026, 3, 1, 10, tzinfo=n.CST)),
        ("20260301101500", datetime(2026, 3, 1, 10, 15, tzinfo=n.CST)),
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=n.CST)),
    ],
)
def test_every_time_format(value: str, expected: datetime) -> None:
    parsed = n.parse_datetime(value)
    assert parsed == expected
    assert parsed.utcoffset() is not None


@pytest.mark.parametrize("value", ["yesterday", "2026-03-01T25:00:00", "2026030110150"])
def test_unreadable_times_raise(value: str) -> None:
    with pytest.raises(ValueError, match="unreadable time"):
        n.parse_datetime(value)


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)))
def test_compact_time_round_trip(moment: datetime) -> None:
    moment = moment.replace(microsecond=0, tzinfo=n.CST)
    assert n.parse_datetime(n.compact_time(moment)) == moment
    assert n.compact_time(moment.astimezone(UTC)) == n.compact_time(moment)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("612.00", Decimal("612.00")),
        (80.0, Decimal("80.00")),
        ("4230.5", Decimal("4230.50")),
        (0, Decimal("0.00")),
        (Decimal("1.5"), Decimal("1.50")),
        ("１５００.００", Decimal("1500.00")),
    ],
)
def test_yuan(value: str | float | Decimal, expected: Decimal) -> None:
    assert n.yuan(value) == expected
    assert n.yuan(value).as_tuple().exponent == -2


@pytest.mark.parametrize("value", ["—", "", "abc", "NaN", "1.005", True, "1,500.00"])
def test_bad_yuan_raises(value: str | bool) -> None:
    with pytest.raises(ValueError, match="amount"):
        n.yuan(value)


@given(st.integers(0, 10**9))
def test_fen_to_yuan(value: int) -> None:
    assert n.fen(value) * 100 == value
    assert n.fen(40000) == Decimal("400.00")


@pytest.mark.parametrize("value", [1.5, "400", True, None])
def test_bad_fen_raises(value: object) -> None:
    with pytest.raises(ValueError, match="fen"):
        n.fen(value)  # type: ignore[arg-type]


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda f: round(f, 2)))
def test_yuan_of_two_decimal_floats(value: float) -> None:
    assert n.yuan(value) == Decimal(repr(value)).quantize(Decimal("0.01"))


def test_raw_json_keeps_chinese() -> None:
    assert n.raw_json({"name": "张建国", "amount": 80.0}) == '{"name": "张建国", "amount": 80.0}'
