"""Policy profiles: the rule thresholds that differ by province, one frozen set per province.

``contracts/rules.md`` fixes what each rule means and the default of every setting;
a province may set its own (the 单人户 income band is 1.5×, 2× or 3× the standard;
whether 特困 persons may keep the 护理补贴; the extra for special members; the
phase-out and grace periods). The engine passes every field below to every rule as a
query parameter of the same name, so a rule reads ``$single_person_band`` and never a
constant.

The provincial profiles here show the mechanism; each value that differs from the
default must be checked against the province's own text before production use
(``domain/policy-notes.md`` §5.3: per-region parameter tables, never hard-coded).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Final


@dataclass(frozen=True, slots=True)
class PolicyProfile:
    """The province-dependent settings every rule may read (defaults as rules.md)."""

    name: str = "default"
    province: str = ""  # 2-digit province code; "" for the national default
    single_person_band: float = 2.0  # 单人户: household income below band × monthly rural standard
    tekun_excludes_nursing: bool = False  # 特困 persons may not keep the 护理补贴 either
    special_member_extra: float = 0.2  # extra per special covered member, as a share of the standard
    move_window_days: int = 30  # a move between 低保 households in progress
    death_grace_days: int = 31  # payments after a death tolerated this long
    renewal_window_days: int = 90  # an EXPIRED certificate still being renewed
    temp_aid_interval_days: int = 90  # 临时救助 for one reason this close together is one event

    def as_params(self) -> dict[str, Any]:
        """The settings as query parameters (name and province left out)."""
        params = asdict(self)
        del params["name"], params["province"]
        return params

    def with_settings(self, **settings: Any) -> PolicyProfile:
        """A copy with some settings changed; an unknown name raises ``TypeError``."""
        return replace(self, **settings)


DEFAULT: Final = PolicyProfile()
"""The defaults of rules.md."""

YUNNAN: Final = PolicyProfile(name="yunnan", province="53")
"""云南: the defaults, until the provincial 单人户 and 两项补贴 texts are quoted."""

GANSU: Final = PolicyProfile(name="gansu", province="62", single_person_band=1.5)
"""甘肃: watches households below 1.5× the standard (policy-notes §4.1, 2020 方案); to verify."""

GUIZHOU: Final = PolicyProfile(name="guizhou", province="52", tekun_excludes_nursing=True)
"""贵州: an example of a province where 特困 persons do not keep the 护理补贴; to verify."""

PROFILES: Final[tuple[PolicyProfile, ...]] = (DEFAULT, YUNNAN, GANSU, GUIZHOU)
"""Every known profile."""


def profile(name_or_code: str) -> PolicyProfile:
    """The profile of a name (``yunnan``) or a province code (``53``, or any longer region code).

    An unknown province falls back to the default profile; an unknown name raises
    ``KeyError`` naming it.
    """
    key = name_or_code.strip().lower()
    for p in PROFILES:
        if key == p.name:
            return p
    if key.isdigit() and len(key) >= 2:
        return next((p for p in PROFILES if p.province == key[:2]), DEFAULT)
    raise KeyError(f"unknown policy profile {name_or_code!r}; known: {', '.join(p.name for p in PROFILES)}")
