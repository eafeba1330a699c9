"""SPLIT_HOUSEHOLD cases: one family cut apart on paper (拆户保, 分户保) or padded (合户保)."""

from __future__ import annotations

from datetime import timedelta

from sandbox.generate.cases.common import civ, dibao_household, people, pov, poverty_household
from sandbox.generate.world import World


def one_family_many_dibao(w: World, n: int) -> None:
    """Parents and the son's family of one poverty household in two 低保 households, at two houses."""
    v = w.village(urban=False)
    father, mother, son, dil, grandson = people(
        w, v, [(True, 56), (False, 54), (True, 31), (False, 29), (True, 4)]
    )
    house_a, house_b = v.next_house(w.rng), v.next_house(w.rng)
    ph = poverty_household(
        w,
        v,
        house_a,
        [(father, "户主"), (mother, "配偶"), (son, "之子"), (dil, "之儿媳"), (grandson, "之孙子")],
        "0.9",
    )
    h1 = dibao_household(w, v, house_a, [(father, "02", True), (mother, "10", True)])
    h2 = dibao_household(w, v, house_b, [(son, "02", True), (dil, "10", True), (grandson, "20", True)])
    w.case("split.one_family_many_dibao", [father, mother, son, dil, grandson], [pov(ph), civ(h1), civ(h2)])


def same_address_kin(w: World, n: int) -> None:
    """Parents and their married son split into two 低保 households in one house; an old
    cancelled listing shows them as one family."""
    v = w.village(urban=True)
    father, mother, son, wife, child = people(
        w, v, [(True, 60 + n % 5), (False, 58), (True, 34), (False, 32), (n % 2 == 0, 6)]
    )
    house = v.next_house(w.rng)
    old = dibao_household(
        w,
        v,
        house,
        [(father, "02", True), (mother, "10", True), (son, "20", True)],
        status="ended",
        household_status="cancelled",
    )
    old_dibao = old.dibao
    assert old_dibao is not None
    old_dibao.end = w.days_ago(400, 700)
    old_dibao.start = old_dibao.end - timedelta(days=900)
    ha = dibao_household(
        w, v, house, [(father, "02", True), (mother, "10", True)], start=w.days_ago(100, 390)
    )
    hb = dibao_household(
        w,
        v,
        house,
        [(son, "02", True), (wife, "10", True), (child, "20" if child.male else "30", True)],
        start=w.days_ago(100, 390),
    )
    w.case("split.same_address_kin", [father, mother, son, wife, child], [civ(ha), civ(hb)])


def padded_household(w: World, n: int) -> None:
    """A grown son of a poverty household elsewhere, covered in an unrelated 低保 household."""
    v = w.village(urban=False)
    father, mother, son = people(w, v, [(True, 57), (False, 55), (True, 30)])
    ph = poverty_household(
        w, v, v.next_house(w.rng), [(father, "户主"), (mother, "配偶"), (son, "之子")], "2.5"
    )
    there = w.village(urban=True)
    head, spouse = people(w, there, [(True, 52), (False, 50)])
    hh = dibao_household(
        w, there, there.next_house(w.rng), [(head, "02", True), (spouse, "10", True), (son, "80", True)]
    )
    w.case("split.padded_household", [son], [civ(hh), pov(ph)])
