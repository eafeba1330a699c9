"""A small world for the dashboard and export tests: two counties of one city in the graph,
findings about them in a SQLite store, and one token per role.

Regions: province 53 › city 5301 › counties 530102 and 530103 › a village each.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver

from graph.hits import Evidence, Hit, Kind, Severity
from graph.ingest import write_records
from hub.settings import Settings
from hub.store import checks, findings, users
from hub.store.db import create_all, make_engine, session_factory, session_scope
from hub.store.states import Role

# The graph tests' record factories (tests/ has no packages: rootdir imports).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graph"))
import factories as f

CHECK_DATE = date(2026, 11, 23)
A_VILLAGE, B_VILLAGE = "530102001001", "530103001001"

ZHANG = f.pid("1960-03-01", 1)
LI = f.pid("1985-05-05", 2, female=True)
WANG = f.pid("1970-07-07", 3, region="530103")
ZHAO = f.pid("1990-09-09", 4)

NAMES = ("张建国", "張建國", "李秀英", "王五", "赵六")
IDS = (ZHANG, LI, WANG, ZHAO)

USERS: dict[str, tuple[Role, str, str | None]] = {
    "admin": (Role.ADMIN, "", None),
    "sup_city": (Role.SUPERVISOR, "5301", None),
    "sup_b": (Role.SUPERVISOR, "530103", None),
    "leader": (Role.LEADER, "", None),
    "civil_a": (Role.DEPARTMENT, "530102", "civil"),
}


def population() -> list[Any]:
    """Persons, households and benefits across the four sources."""
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
            "P530102-01", ZHANG, "張建國", labour_skill="丧失劳动力", health=("残疾",), region_code=A_VILLAGE
        ),
        f.poverty_member("P530102-01", ZHAO, "赵六", relation="之子", region_code=A_VILLAGE),
        f.poverty_snapshot(household_ids=["P530102-01"]),
        f.medical(ZHANG, [f.insurance(subsidy_category="DIBAO")], name="张建国"),
    ]


def hits() -> list[Hit]:
    """Three findings: two kinds in county A, one in county B."""
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
            (
                Evidence("civil", "MZ530103-000001", (("name", "王五"), ("id_number", WANG)), "低保 active"),
                Evidence("civil", "TK-" + WANG, (("name", "王五"), ("tekun", "active")), "特困 active"),
            ),
            "王五 receives 低保 and 特困",
        ),
        Hit(
            "split.padded_household",
            Kind.SPLIT_HOUSEHOLD,
            Severity.LOW,
            (ZHANG, LI),
            ("civil:MZ530102-000001", "poverty:P530102-01"),
            A_VILLAGE,
            (civil, Evidence("poverty", "P530102-01", (("name", "赵六"), ("id_number", ZHAO)), "")),
            "张建国 household padded with 李秀英",
        ),
    ]


def make_settings(neo4j_auth: tuple[str, tuple[str, str]], tmp_path: Path) -> Settings:
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
    )


@dataclass
class World:
    settings: Settings
    tokens: dict[str, str]
    finding_ids: list[str]
    sessions: Any
    engine: Any


async def build_world(graph: AsyncDriver, neo4j_auth: Any, tmp_path: Path) -> World:
    """Write the graph, create the store with users, tokens and findings."""
    from adapters.records import Source

    await write_records(graph, population())
    settings = make_settings(neo4j_auth, tmp_path)
    engine = make_engine(settings.sql_database_url)
    create_all(engine)
    sessions = session_factory(engine)
    tokens: dict[str, str] = {}
    with session_scope(sessions) as s:
        for name, (role, region, dept) in USERS.items():
            users.add_user(s, name, role=role, region_scope=region, department=Source(dept) if dept else None)
            tokens[name] = users.issue_token(s, name).token
        found = hits()
        run = checks.start_check(s, check_date=CHECK_DATE, rule_ids=[h.rule_id for h in found])
        findings.record_run(s, run, found, rule_ids_run=[h.rule_id for h in found], on=CHECK_DATE)
    return World(settings, tokens, [h.finding_id for h in hits()], sessions, engine)
