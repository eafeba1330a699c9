"""Identities and spellings: every variant the generator writes normalises back."""

from __future__ import annotations

import random
from datetime import date

import opencc
import pytest

from adapters.normalise import address_key, name_key, parse_id_number
from sandbox.generate import idnumbers, names, noise


def test_traditional_pairs_map_back_with_opencc() -> None:
    t2s = opencc.OpenCC("t2s")
    for simplified, traditional in names.TRADITIONAL.items():
        assert t2s.convert(traditional) == simplified, (simplified, traditional)


@pytest.mark.parametrize(
    ("n", "written"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (47, "四十七")]
)
def test_house_numbers_in_chinese_numerals(n: int, written: str) -> None:
    assert noise.chinese_number(n) == written


def test_every_written_variant_normalises_to_the_person() -> None:
    rng = random.Random(3)
    profile = noise.PROFILES["dirty"]
    for k in range(2000):
        number = idnumbers.make("530102", date(1950 + k % 70, 1 + k % 12, 1 + k % 28), 1 + k % 999)
        raw = noise.written_id(number, profile, rng, legacy_ok=True)
        assert parse_id_number(raw).value == number
        name = (
            names.minority_name(rng, k % 2 == 0)
            if k % 5 == 0
            else names.surname(rng) + names.given(rng, k % 2 == 0)
        )
        assert name_key(noise.written_name(name, profile, rng)) == name_key(name)


def test_house_variants_are_the_same_address() -> None:
    rng = random.Random(5)
    profile = noise.Profile(0, 0, 0, 0, 0, 0, 0, 0, 1.0, 0)
    for house in ("青云路12号", "3组47号", "人民路105号"):
        for _ in range(20):
            written = "翠湖社区" + noise.written_house(house, profile, rng)
            assert address_key("530102001001", written) == address_key("530102001001", "翠湖社区" + house)


def test_mistyped_numbers_keep_region_birth_and_sex_and_fail_the_check() -> None:
    rng = random.Random(9)
    number = idnumbers.make("530102", date(1980, 1, 1), 123)
    for _ in range(200):
        typo = idnumbers.mistype(number, rng)
        assert not idnumbers.is_valid(typo)
        assert typo[:14] == number[:14]
        assert int(typo[16]) % 2 == int(number[16]) % 2


def test_legacy_numbers_only_for_people_born_19xx() -> None:
    assert idnumbers.legacy15("530102198001011237") == "530102800101123"
    with pytest.raises(ValueError, match="19xx"):
        idnumbers.legacy15("530102200001011237")
