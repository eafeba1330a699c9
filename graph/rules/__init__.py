"""The integrity rules of ``contracts/rules.md``: one module per rule, one tuple listing them.

Each module holds one :class:`~graph.rules._rule.Rule` named ``RULE``: data plus one
parameterised Cypher query. :data:`RULES` is the registry the engine
(:mod:`graph.checks`) runs; a meta-test checks every module is listed here.

May import: adapters (records, normalisation), graph.hits, the standard library.
Public names: :data:`RULES`, :class:`Rule`, :class:`Example`, :class:`Expect`,
:class:`Explanation`.
"""

from __future__ import annotations

from graph.rules import (
    dup_dibao_and_tekun,
    dup_dibao_multiple_households,
    dup_disability_subsidy_and_tekun,
    dup_insurance_multiple_enrollment,
    dup_tekun_multiple,
    dup_temp_aid_repeated,
    miss_insurance_not_enrolled,
    miss_insurance_subsidy,
    miss_living_subsidy,
    miss_nursing_subsidy,
    miss_single_person_dibao,
    miss_unable_to_work_not_covered,
    other_benefit_above_entitlement,
    other_deceased_paid,
    other_identity_conflict,
    other_subsidy_on_invalid_certificate,
    split_one_family_many_dibao,
    split_padded_household,
    split_same_address_kin,
)
from graph.rules._rule import Example, Expect, Explanation, Rule

RULES: tuple[Rule, ...] = (
    dup_dibao_multiple_households.RULE,
    dup_dibao_and_tekun.RULE,
    dup_tekun_multiple.RULE,
    dup_insurance_multiple_enrollment.RULE,
    dup_disability_subsidy_and_tekun.RULE,
    dup_temp_aid_repeated.RULE,
    miss_unable_to_work_not_covered.RULE,
    miss_living_subsidy.RULE,
    miss_nursing_subsidy.RULE,
    miss_insurance_not_enrolled.RULE,
    miss_insurance_subsidy.RULE,
    miss_single_person_dibao.RULE,
    split_one_family_many_dibao.RULE,
    split_same_address_kin.RULE,
    split_padded_household.RULE,
    other_deceased_paid.RULE,
    other_subsidy_on_invalid_certificate.RULE,
    other_benefit_above_entitlement.RULE,
    other_identity_conflict.RULE,
)
"""Every rule, in the order of rules.md."""

__all__ = ["RULES", "Example", "Expect", "Explanation", "Rule"]
