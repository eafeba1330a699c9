"""The rule registry is complete and each rule is well formed (a meta-test over graph/rules/)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

import graph.rules
from graph.checks import provided_params
from graph.rules import RULES
from graph.rules._rule import Rule

RULES_DIR = Path(graph.rules.__file__).parent
REPO = Path(__file__).resolve().parents[3]
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _rules_md() -> str:
    # In the working tree shared/ is a sibling of the repo; CI clones the repo with ../shared beside it.
    for candidate in (
        REPO.parent / "shared" / "contracts" / "rules.md",
        REPO / "shared" / "contracts" / "rules.md",
    ):
        if candidate.exists():
            return candidate.read_text(encoding="utf-8")
    pytest.fail("contracts/rules.md not found beside the repository (../shared/contracts/rules.md)")


def _has_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def _has_english(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]{3,}", text)) >= 3


def test_every_rule_file_is_registered() -> None:
    files = sorted(p.stem for p in RULES_DIR.glob("*.py") if not p.stem.startswith("_"))
    registered = sorted(rule.id.replace(".", "_") for rule in RULES)
    assert files == registered


def test_every_rule_of_rules_md_is_implemented_and_no_other() -> None:
    text = _rules_md()
    documented = set(re.findall(r"^\| `([a-z]+\.[a-z_]+)` \| (?!p \|)", text, flags=re.MULTILINE))
    assert documented, "no rule ids read from rules.md"
    # The hub may add rules of its own under `local.`; every other id is one of rules.md.
    assert {r.id for r in RULES if not r.id.startswith("local.")} == documented


def test_ids_are_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_param_is_declared(rule: Rule) -> None:
    used = set(PARAM.findall(rule.cypher))
    undeclared = used - set(rule.params) - provided_params()
    assert not undeclared, f"{rule.id} uses undeclared parameters: {sorted(undeclared)}"
    unused = set(rule.params) - used
    assert not unused, f"{rule.id} declares parameters it never reads: {sorted(unused)}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_words_are_complete(rule: Rule) -> None:
    lines = rule.summary.splitlines()
    assert len(lines) == 2 and _has_cjk(lines[0]) and _has_english(lines[1])
    for heading, text in rule.explanation.sections():
        assert text.strip(), f"{rule.id}: empty section {heading}"
        assert _has_cjk(text) and _has_english(text), f"{rule.id}: {heading} needs Chinese and English"
    assert rule.policy_basis.strip() and rule.household_notion.strip()


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_module_holds_its_rule(rule: Rule) -> None:
    module = __import__(f"graph.rules.{rule.id.replace('.', '_')}", fromlist=["RULE"])
    assert module.RULE is rule
