"""The API under test: the real app over HTTP, a real Neo4j graph and a SQLite store in tmp_path.

``world`` writes a small population across two counties (530102 and 530103), records
findings about it and issues one token per role and region.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import AsyncDriver

from graph.hits import Evidence, Hit, Kind, Severity
from graph.ingest import write_records
from hub.app import create_app
from hub.settings import Settings
from hub.store import checks, findings, users
from hub.store.db import create_all, make_engine, session_factory, session_scope
from hub.store.states import Role
from schema.context import MedicalRow

# The graph tests' record factories (tests/ has no packages: rootdir imports).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graph"))
import factories as f

CHECK_DATE = date(2026, 11, 23)
A_VILLAGE, B_VILLAGE = "530102001001", "530103001001"

ZHANG = f.pid("1960-03-01", 1)  # county A: dibao, certificate level 1 without nursing, poverty, medical
LI = f.pid("1985-05-05", 2, female=True)  # county A: same civil household
WANG = f.pid("1970-07-07", 3, region="530103")  # county B: dibao, tekun
ZHAO = f.pid("1990-09-09", 4)  # county A: no medical in the graph (live look-up)


class FakeMedical:
    """A MedicalLookup that answers from memory and records each call's batch."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, list[str]]] = []

    async def lookup(self, ids: Sequence[str], year: int) -> list[MedicalRow]:
        if len(ids) > 100:
            raise AssertionError(f"batch of {len(ids)} numbers")
        self.calls.append((year, list(ids)))
        return [
            MedicalRow(id_number=i, year=year, found=True, name="某人", deceased=False, death_date=None)
            for i in ids
        ]


@dataclass
class World:
    client: httpx.AsyncClient
    tokens: dict[str, str]
    settings: Settings
    sessions: Any
    medical: FakeMedical
    finding_a: str = ""
    finding_b: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    async def query(self, who: str, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def population() -> list[Any]:
    return [
        f.civil_household(
            "MZ530102-000001",
            [f.member(ZHANG, "张建国"), f.member(LI, "李秀英", relation="10")],
            dibao=f.dibao(),
            region_code=A_VILLAGE,
        ),
        f.civil_household(
            "MZ530103-000001",
            [f.member(WANG, "王五")],
            dibao=f.dibao(),
            region_code=B_VILLAGE,
            address="盘龙区某村某路1号",
        ),
        f.tekun(WANG, "MZ530103-000001", "王五"),
        f.payment("PAY-1", ZHANG, "MZ530102-000001"),
        f.certificate(ZHANG, "张建国", level=1, subsidies=[f.subsidy("LIVING")], region_code=A_VILLAGE),
        f.poverty_member(
            "P530102-01",
            ZHANG,
            "張建國",
            labour_skill="丧失劳动力",
            health=("残疾", "患有大病"),
            region_code=A_VILLAGE,
        ),
        f.poverty_member("P530102-01", ZHAO, "赵六", relation="之子", region_code=A_VILLAGE),
        f.poverty_snapshot(household_ids=["P530102-01"]),
        f.medical(ZHANG, [f.insurance(subsidy_category="DIBAO")], name="张建国"),
    ]


def hits() -> list[Hit]:
    civil = Evidence(
        "civil",
        "MZ530102-000001",
        (("name", "张建国"), ("id_number", ZHANG), ("dibao", "active")),
        "covered member of an active 低保 household",
    )
    cert = Evidence("disability", ZHANG + "11", (("disability_level", "1"), ("NURSING", "none")), "severe")
    return [
        Hit(
            "miss.nursing_subsidy",
            Kind.MISSED,
            Severity.MEDIUM,
            (ZHANG,),
            ("civil:MZ530102-000001",),
            A_VILLAGE,
            (civil, cert),
            "张建国 has no nursing subsidy",
        ),
        Hit(
            "dup.dibao_and_tekun",
            Kind.DUPLICATE,
            Severity.HIGH,
            (WANG,),
            ("civil:MZ530103-000001",),
            B_VILLAGE,
            (Evidence("civil", "MZ530103-000001", (("name", "王五"),)),),
            "王五 dibao and tekun",
        ),
    ]


USERS = {
    "admin": (Role.ADMIN, "", None),
    "sup_a": (Role.SUPERVISOR, "530102", None),
    "sup_b": (Role.SUPERVISOR, "530103", None),
    "leader": (Role.LEADER, "", None),
    "leader_a": (Role.LEADER, "530102", None),
    "civil_a": (Role.DEPARTMENT, "530102", "civil"),
    "disability_a": (Role.DEPARTMENT, "530102", "disability"),
}


def seed_store(sessions: Any) -> tuple[dict[str, str], list[str]]:
    from adapters.records import Source

    tokens: dict[str, str] = {}
    with session_scope(sessions) as s:
        for name, (role, region, dept) in USERS.items():
            users.add_user(s, name, role=role, region_scope=region, department=Source(dept) if dept else None)
            tokens[name] = users.issue_token(s, name).token
        run = checks.start_check(s, check_date=CHECK_DATE, rule_ids=[h.rule_id for h in hits()])
        findings.record_run(s, run, hits(), rule_ids_run=[h.rule_id for h in hits()], on=CHECK_DATE)
    return tokens, [h.finding_id for h in hits()]


def make_settings(neo4j_auth: tuple[str, tuple[str, str]], tmp_path: Path, **extra: Any) -> Settings:
    uri, (user, password) = neo4j_auth
    return Settings.from_mapping(
        {},
        neo4j_uri=uri,
        neo4j_user=user,
        neo4j_password=password,
        var_dir=str(tmp_path),
        sql_url=f"sqlite:///{tmp_path / 'doudi.db'}",
        check_date=CHECK_DATE.isoformat(),
        year=2026,
        **extra,
    )


@pytest.fixture
async def world(graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path) -> AsyncIterator[World]:
    await write_records(graph, population())
    settings = make_settings(neo4j_auth, tmp_path)
    engine = make_engine(settings.sql_database_url)
    create_all(engine)
    sessions = session_factory(engine)
    tokens, ids = seed_store(sessions)
    app = create_app(settings)
    medical = FakeMedical()
    async with app.router.lifespan_context(app):
        app.state.medical_lookup = medical
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            yield World(client, tokens, settings, sessions, medical, ids[0], ids[1])
    engine.dispose()
