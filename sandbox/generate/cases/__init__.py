"""Planted cases: one small builder per rule of ``contracts/rules.md``, and look-alikes.

Each builder makes fresh persons and households that are clean for every rule, then
breaks exactly the fact its rule reads, and records the finding(s) the rules yield on
it in ``world.truth`` (subjects as the "What each finding names" table says). Where
one fact is by definition caught by two rules, both findings are recorded. Look-alike
builders record, in ``world.lookalikes``, legitimate situations a rule must leave alone.
"""

from __future__ import annotations

from collections.abc import Callable

from sandbox.generate.cases import duplicate, lookalikes, missed, other, split
from sandbox.generate.world import World

Builder = Callable[[World, int], None]

CASES: tuple[tuple[str, Builder], ...] = (
    ("dup.dibao_multiple_households", duplicate.dibao_multiple_households),
    ("dup.dibao_and_tekun", duplicate.dibao_and_tekun),
    ("dup.tekun_multiple", duplicate.tekun_multiple),
    ("dup.insurance_multiple_enrollment", duplicate.insurance_multiple_enrollment),
    ("dup.disability_subsidy_and_tekun", duplicate.disability_subsidy_and_tekun),
    ("dup.temp_aid_repeated", duplicate.temp_aid_repeated),
    ("miss.unable_to_work_not_covered", missed.unable_to_work_not_covered),
    ("miss.living_subsidy", missed.living_subsidy),
    ("miss.nursing_subsidy", missed.nursing_subsidy),
    ("miss.insurance_not_enrolled", missed.insurance_not_enrolled),
    ("miss.insurance_subsidy", missed.insurance_subsidy),
    ("miss.single_person_dibao", missed.single_person_dibao),
    ("split.one_family_many_dibao", split.one_family_many_dibao),
    ("split.same_address_kin", split.same_address_kin),
    ("split.padded_household", split.padded_household),
    ("other.deceased_paid", other.deceased_paid),
    ("other.subsidy_on_invalid_certificate", other.subsidy_on_invalid_certificate),
    ("other.benefit_above_entitlement", other.benefit_above_entitlement),
    ("other.identity_conflict", other.identity_conflict),
)
"""Every rule id of rules.md with the builder that plants one case of it."""

LOOKALIKES: tuple[Builder, ...] = lookalikes.ALL
