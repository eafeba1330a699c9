"""Settings: one frozen object built from a mapping (the environment, or what a test passes).

Every key is ``DOUDI_<FIELD>`` in the environment. Only the hub reads the
environment; everything below takes plain constructor arguments. Secrets are
``SecretStr``: they never appear in a repr, a log line or an error.

The four sources may also be given as the endpoints file of contracts/README.md
(``DOUDI_ENDPOINTS_FILE`` or ``hub sync --endpoints FILE``): its values fill
whatever the environment leaves unset.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PREFIX = "DOUDI_"


class SettingsError(ValueError):
    """The configuration cannot be used; the message says what to fix."""


class SourceEndpoint(BaseModel):
    """Where one department system is reached and with which credentials."""

    model_config = ConfigDict(frozen=True)

    base_url: str = ""
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    api_key: SecretStr = SecretStr("")
    app_id: str = ""
    app_secret: SecretStr = SecretStr("")

    @property
    def configured(self) -> bool:
        return bool(self.base_url)


class Settings(BaseSettings):
    """Everything the hub can be told. Build with :meth:`from_mapping` or :meth:`from_env`."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    environment: Literal["development", "production"] = "development"
    var_dir: Path = Path("var")

    # Neo4j: a neo4j:// URI works against one server, a cluster or Aura alike.
    neo4j_uri: str = "neo4j://127.0.0.1:17687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("doudi-dev-password")
    neo4j_database: str = "neo4j"
    # The project's own server (``hub neo4j start``).
    neo4j_version: str = "5.26.30"
    neo4j_home: Path | None = None  # default: <var_dir>/neo4j
    neo4j_cache: Path | None = None  # default: ~/.cache/doudi/neo4j-<version>
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "512m"
    neo4j_start_timeout: float = 120.0

    # The hub's own store: SQLite by default, PostgreSQL when given.
    sql_url: str | None = None  # default: sqlite:///<var_dir>/doudi.db

    host: str = "127.0.0.1"
    port: int = 8000

    endpoints_file: Path | None = None
    civil: SourceEndpoint = SourceEndpoint()
    poverty: SourceEndpoint = SourceEndpoint()
    disability: SourceEndpoint = SourceEndpoint()
    medical: SourceEndpoint = SourceEndpoint()
    year: int | None = None  # the insurance year asked of the medical platform
    check_date: date | None = None  # the date a test population's cases assume

    ingest_batch_size: int = 2000
    http_timeout: float = 30.0

    # API
    graphiql: bool | None = None  # default: on in development, off in production
    jwt_issuer: str | None = None
    jwt_key: SecretStr | None = None
    jwt_audience: str | None = None
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what from_mapping passes: tests and the CLI decide, not ambient state.
        return (init_settings,)

    @classmethod
    def from_mapping(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from ``DOUDI_*`` keys (nested: ``DOUDI_CIVIL__BASE_URL``) plus overrides."""
        values: dict[str, Any] = {}
        for key, raw in environ.items():
            # DOUDI_TEST_* belong to the test suite (which server to reuse), not to the hub.
            if not key.startswith(PREFIX) or key.startswith(PREFIX + "TEST_"):
                continue
            name = key[len(PREFIX) :].lower()
            if "__" in name:
                outer, inner = name.split("__", 1)
                values.setdefault(outer, {})[inner] = raw
            else:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        endpoints_file = values.get("endpoints_file")
        if endpoints_file:
            _merge_endpoints(values, Path(str(endpoints_file)))
        try:
            return cls(**values)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise SettingsError(f"setting DOUDI_{where.upper()}: {first['msg']}") from None

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        return cls.from_mapping(os.environ, **overrides)

    # Derived paths -----------------------------------------------------------

    @property
    def neo4j_home_dir(self) -> Path:
        return (self.neo4j_home or self.var_dir / "neo4j").resolve()

    @property
    def neo4j_cache_dir(self) -> Path:
        default = Path.home() / ".cache" / "doudi" / f"neo4j-{self.neo4j_version}"
        return (self.neo4j_cache or default).resolve()

    @property
    def sql_database_url(self) -> str:
        return self.sql_url or f"sqlite:///{(self.var_dir / 'doudi.db').resolve()}"

    @property
    def graphiql_enabled(self) -> bool:
        return self.environment == "development" if self.graphiql is None else self.graphiql

    def check_year(self) -> int:
        """The insurance year: the endpoints file's ``year``, else the check date's, else today's."""
        if self.year is not None:
            return self.year
        return (self.check_date or date.today()).year


def _merge_endpoints(values: dict[str, Any], path: Path) -> None:
    """Fill unset source settings from the endpoints file of contracts/README.md."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"endpoints file {path} does not exist") from None
    except (OSError, ValueError) as exc:
        raise SettingsError(f"endpoints file {path} is not readable JSON: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"endpoints file {path} must hold a JSON object")
    for source in ("civil", "poverty", "disability", "medical"):
        given = data.get(source)
        if isinstance(given, dict):
            merged = {k: v for k, v in given.items() if k in SourceEndpoint.model_fields}
            merged.update(values.get(source, {}))
            values[source] = merged
    for key in ("year", "check_date"):
        if key in data and key not in values:
            values[key] = data[key]
