"""The rule parameters: the settings of a province's policy profile that rules.md names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Params:
    """The rule parameters: the province's policy profile, defaults as rules.md writes them."""

    single_person_band: Decimal = Decimal(2)  # × the monthly rural standard
    tekun_excludes_nursing: bool = False
    special_member_extra: Decimal = Decimal("0.2")  # × the standard, per special member
    benefit_tolerance: Decimal = Decimal(1)  # yuan
    move_window_days: int = 30
    death_window_days: int = 31
    renewal_window_days: int = 90
    temp_aid_chain_days: int = 90
    child_age: int = 16  # under it: a child for the 低保 extra and the unable-to-work exception
    adult_age: int = 18  # under it: never a padded member
    elderly_age: int = 60
