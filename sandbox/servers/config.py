"""What the imitation servers are told: addresses, credentials, faults.

A leaf module. Defaults suit tests (free ports, no faults); the CLI sets the
fixed ports 18101–18104 and reads everything else from its flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

SERVER_NAMES: Final[tuple[str, ...]] = ("civil", "poverty", "disability", "medical")
"""The four departments, in the order of the contracts' README."""

DEFAULT_PORTS: Final[Mapping[str, int]] = MappingProxyType(
    {"civil": 18101, "poverty": 18102, "disability": 18103, "medical": 18104}
)
"""The ports ``python -m sandbox serve`` listens on unless told otherwise."""


@dataclass(frozen=True)
class Credentials:
    """The credentials each server accepts; fixed defaults so a demo wires itself."""

    civil_client_id: str = "doudi-hub"
    civil_client_secret: str = "civil-sandbox-secret"
    poverty_api_key: str = "poverty-sandbox-key"
    disability_api_key: str = "disability-sandbox-key"
    medical_app_id: str = "doudi-hub"
    medical_app_secret: str = "medical-sandbox-secret"


@dataclass(frozen=True)
class FaultSettings:
    """Which misbehaviour the servers add to the contract, and how often.

    ``fault_rate`` is the chance that a data call starts a fault: a burst of one
    to three 5xx answers (civil 503, disability 500, medical code 5000), a
    spurious "too many requests" below the limit (civil 429, disability 429,
    medical 1003) or, for a poverty snapshot download, a corrupt body that fails
    its sha256. ``slow_rate`` is the chance that an answer is held back
    ``slow_seconds``. None of it happens unless ``enabled``. ``churn`` (the
    moving disability ``total``, see :mod:`sandbox.servers.churn`) is separate so
    it can be tested alone. ``seed`` makes every decision repeatable for the
    same sequence of calls.
    """

    enabled: bool = False
    fault_rate: float = 0.05
    slow_rate: float = 0.02
    slow_seconds: float = 1.0
    churn: bool = False
    churn_rate: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("fault_rate", "slow_rate", "churn_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
        if self.slow_seconds < 0:
            raise ValueError(f"slow_seconds must not be negative, not {self.slow_seconds!r}")


def _free_ports() -> Mapping[str, int]:
    return MappingProxyType(dict.fromkeys(SERVER_NAMES, 0))


@dataclass(frozen=True)
class ServerConfig:
    """How to run the servers: where, which ones, with which credentials and faults.

    A port of 0 takes a free port. ``public_host`` is the host written into the
    endpoints file (default: ``host``, or 127.0.0.1 when listening on all
    interfaces). ``token_ttl`` is the lifetime of a civil OAuth token in seconds.
    """

    host: str = "127.0.0.1"
    ports: Mapping[str, int] = field(default_factory=_free_ports)
    only: frozenset[str] = frozenset(SERVER_NAMES)
    public_host: str | None = None
    credentials: Credentials = field(default_factory=Credentials)
    faults: FaultSettings = field(default_factory=FaultSettings)
    token_ttl: float = 3600.0

    def __post_init__(self) -> None:
        unknown = set(self.only) - set(SERVER_NAMES)
        if unknown or not self.only:
            raise ValueError(f"only must name some of {SERVER_NAMES}, not {sorted(self.only)!r}")
        if self.token_ttl <= 0:
            raise ValueError(f"token_ttl must be positive, not {self.token_ttl!r}")

    def port(self, name: str) -> int:
        """The port to listen on for one server (0: any free port)."""
        return int(self.ports.get(name, 0))

    def advertised_host(self) -> str:
        """The host other programs should use to reach these servers."""
        if self.public_host:
            return self.public_host
        return "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
