# mypy: disable-error-code="untyped-decorator"
"""Coverage for leadership: per child region, people in each registry, people covered by each
programme, findings by kind and status, and the gap figures. Aggregated in Cypher (graph) and
SQL GROUP BY (store), never in Python loops over people."""

from __future__ import annotations

import asyncio
import enum
from collections import defaultdict
from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from graph.terms import active_dibao, active_tekun, covered_in_active_dibao, is_active_tekun
from schema.access import viewer_of
from schema.context import Context, Role
from schema.enums import FindingKind, FindingStatus
from schema.errors import BadArgument
from schema.permissions import _RoleIn

_COVERAGE_TEMPLATE = """
CALL () {
  MATCH (p:Person)-[:CIVIL_MEMBER]->(h:CivilHousehold)
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS civil
}
CALL () {
  MATCH (p:Person)-[:POVERTY_MEMBER]->(h:PovertyHousehold)
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS poverty
}
CALL () {
  MATCH (p:Person)-[:HOLDS]->(c:Certificate)
  WHERE c.region_code STARTS WITH $region AND c.region_code STARTS WITH $scope
  WITH substring(c.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS disability
}
CALL () {
  MATCH (p:Person)-[:MEDICAL]->(:MedicalAnswer {year: $year})-[:HAS_INSURANCE]->(i:Insurance)
  WHERE $len <= 6 AND i.region_code STARTS WITH left($region, 6) AND i.region_code STARTS WITH left($scope, 6)
    AND size(i.region_code) >= $len
  WITH substring(i.region_code, 0, $len) AS child, p, i
  WITH child, count(DISTINCT p) AS n, count(DISTINCT CASE WHEN i.status = 'ENROLLED' THEN p END) AS enrolled
  RETURN collect([child, n]) AS medical, collect([child, enrolled]) AS enrolled
}
CALL () {
  MATCH (p:Person)-[:CIVIL_MEMBER {covered: true}]->(h:CivilHousehold {status: 'active'})
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
    AND «active_dibao h»
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS dibao
}
CALL () {
  MATCH (p:Person)-[:HAS_TEKUN]->(t:Tekun {status: 'active'})-[:TEKUN_HOUSEHOLD]->(h:CivilHousehold)
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
    AND «active_tekun t»
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS tekun
}
CALL () {
  MATCH (p:Person)-[:HOLDS]->(c:Certificate)-[:HAS_SUBSIDY]->(s:Subsidy {status: 'ACTIVE'})
  WHERE c.region_code STARTS WITH $region AND c.region_code STARTS WITH $scope
  WITH substring(c.region_code, 0, $len) AS child, p, s
  WITH child, count(DISTINCT CASE WHEN s.type = 'LIVING' THEN p END) AS living,
       count(DISTINCT CASE WHEN s.type = 'NURSING' THEN p END) AS nursing
  RETURN collect([child, living]) AS living, collect([child, nursing]) AS nursing
}
CALL () {
  MATCH (p:Person)-[m:POVERTY_MEMBER]->(h:PovertyHousehold)
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
    AND m.labour_skill IN ['丧失劳动力', '无劳动力']
    AND NOT «covered_in_active_dibao p»
    AND NOT «is_active_tekun p»
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS unable_uncovered
}
CALL () {
  MATCH (p:Person)-[:HOLDS]->(c:Certificate {status: 'VALID'})
  WHERE c.region_code STARTS WITH $region AND c.region_code STARTS WITH $scope
    AND toInteger(c.disability_level) IN [1, 2]
    AND NOT EXISTS {
      MATCH (p)-[:HOLDS]->(:Certificate)-[:HAS_SUBSIDY]->(:Subsidy {type: 'NURSING', status: 'ACTIVE'})
    }
  WITH substring(c.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS severe_no_nursing
}
CALL () {
  MATCH (p:Person)-[:CIVIL_MEMBER {covered: true}]->(h:CivilHousehold {status: 'active'})
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
    AND «active_dibao h»
    AND EXISTS { MATCH (p)-[:HOLDS]->(:Certificate {status: 'VALID'}) }
    AND NOT EXISTS {
      MATCH (p)-[:HOLDS]->(:Certificate)-[:HAS_SUBSIDY]->(:Subsidy {type: 'LIVING', status: 'ACTIVE'})
    }
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS dibao_no_living
}
CALL () {
  MATCH (p:Person)-[:CIVIL_MEMBER {covered: true}]->(h:CivilHousehold {status: 'active'})
  WHERE h.region_code STARTS WITH $region AND h.region_code STARTS WITH $scope
    AND «active_dibao h»
    AND NOT EXISTS {
      MATCH (p)-[:MEDICAL]->(:MedicalAnswer {year: $year})-[:HAS_INSURANCE]->(:Insurance {status: 'ENROLLED'})
    }
  WITH substring(h.region_code, 0, $len) AS child, count(DISTINCT p) AS n
  RETURN collect([child, n]) AS dibao_not_enrolled
}
RETURN civil, poverty, disability, medical, enrolled, dibao, tekun, living, nursing,
       unable_uncovered, severe_no_nursing, dibao_no_living, dibao_not_enrolled
"""
# The terms of rules.md (active 低保, active 特困, covered) come from graph.terms, as the rules read them.
COVERAGE_QUERY = (
    _COVERAGE_TEMPLATE.replace("«active_dibao h»", active_dibao("h"))
    .replace("«active_tekun t»", active_tekun("t"))
    .replace("«covered_in_active_dibao p»", covered_in_active_dibao("p"))
    .replace("«is_active_tekun p»", is_active_tekun("p"))
)


@strawberry.enum(description="Region levels of the 12-digit 统计用区划代码, by the length of their prefix.")
class RegionLevel(enum.Enum):
    PROVINCE = 2
    CITY = 4
    COUNTY = 6
    TOWNSHIP = 9
    VILLAGE = 12


@strawberry.type(description="People known to each registry (distinct persons, by the record's region).")
class RegistryCounts:
    civil: int = strawberry.field(description="Members of civil households (any status).")
    poverty: int = strawberry.field(description="Members of poverty-relief households (newest snapshots).")
    disability: int = strawberry.field(description="Holders of a disability certificate (any status).")
    medical: int | None = strawberry.field(
        description="Persons with a medical record of the year in the graph, by insurance region "
        "(null below county level: the platform records 6-digit regions)."
    )


@strawberry.type(description="People covered by each programme on the check date (distinct persons).")
class ProgrammeCounts:
    dibao: int = strawberry.field(description="Covered members of active 低保 households.")
    tekun: int = strawberry.field(description="Active 特困 persons (by their household's region).")
    living_subsidy: int = strawberry.field(description="Holders of an ACTIVE LIVING subsidy.")
    nursing_subsidy: int = strawberry.field(description="Holders of an ACTIVE NURSING subsidy.")
    medical_enrolled: int | None = strawberry.field(
        description="ENROLLED for the year, per the graph (null below county level)."
    )


@strawberry.type(description="Gap figures: people the programmes should reach and do not (graph, last sync).")
class GapCounts:
    unable_to_work_not_covered: int = strawberry.field(
        description="Poverty-relief members unable to work (丧失劳动力, 无劳动力) neither in active 低保 nor "
        "active 特困 (before the income test and exceptions of miss.unable_to_work_not_covered)."
    )
    severe_without_nursing: int = strawberry.field(
        description="Holders of a VALID level 1–2 certificate with no ACTIVE NURSING subsidy."
    )
    dibao_disabled_without_living: int = strawberry.field(
        description="Active 低保 covered members with a VALID certificate and no ACTIVE LIVING subsidy."
    )
    dibao_not_enrolled: int = strawberry.field(
        description="Active 低保 covered members not ENROLLED in medical insurance for the year in the graph."
    )


@strawberry.type(description="How many findings of one kind stand at one status.")
class FindingCount:
    kind: FindingKind = strawberry.field(description="The kind.")
    status: FindingStatus = strawberry.field(description="The status.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="The figures of one region.")
class RegionCoverage:
    region: str = strawberry.field(description="The region code prefix (2/4/6/9/12 digits).")
    registries: RegistryCounts = strawberry.field(description="People in each registry.")
    programmes: ProgrammeCounts = strawberry.field(description="People covered by each programme.")
    gaps: GapCounts = strawberry.field(description="People the programmes miss.")
    findings: list[FindingCount] = strawberry.field(description="Findings in the region by kind and status.")


@strawberry.type(description="Coverage of a region, broken down by its child regions at one level.")
class Coverage:
    region: str = strawberry.field(description="The region asked (inside your scope).")
    level: RegionLevel = strawberry.field(description="The level of the children.")
    as_of: date = strawberry.field(description="The check date programmes are counted as active on.")
    year: int = strawberry.field(description="The insurance year.")
    total: RegionCoverage = strawberry.field(
        description="The whole region, inside your scope (distinct persons; not the sum of children)."
    )
    children: list[RegionCoverage] = strawberry.field(description="Each child region with any figure.")


class CanReadCoverage(_RoleIn):
    """Coverage: leaders, supervisors and admins (departments read their own records instead)."""

    roles = frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})
    message = "coverage is for leaders, supervisors and admins"


def _figures(
    row: dict[str, Any], findings: dict[str, list[FindingCount]], child: str, medical: bool
) -> RegionCoverage:
    def get(name: str) -> int:
        return int(dict((k, v) for k, v in row[name]).get(child, 0))

    return RegionCoverage(
        region=child,
        registries=RegistryCounts(
            civil=get("civil"),
            poverty=get("poverty"),
            disability=get("disability"),
            medical=get("medical") if medical else None,
        ),
        programmes=ProgrammeCounts(
            dibao=get("dibao"),
            tekun=get("tekun"),
            living_subsidy=get("living"),
            nursing_subsidy=get("nursing"),
            medical_enrolled=get("enrolled") if medical else None,
        ),
        gaps=GapCounts(
            unable_to_work_not_covered=get("unable_uncovered"),
            severe_without_nursing=get("severe_no_nursing"),
            dibao_disabled_without_living=get("dibao_no_living"),
            dibao_not_enrolled=get("dibao_not_enrolled"),
        ),
        findings=findings.get(child, []),
    )


def _children(row: dict[str, Any]) -> set[str]:
    return {str(child) for value in row.values() for child, _ in value}


@strawberry.type
class CoverageQueries:
    """Query fields about coverage (merged into Query)."""

    @strawberry.field(
        description="Figures for a region and each of its children at `level` (default: the next level down), "
        "restricted to your region scope everywhere, totals included.",
        permission_classes=[CanReadCoverage],
    )
    async def coverage(
        self,
        info: Info[Context, Any],
        region: str = "",
        level: RegionLevel | None = None,
        year: int | None = None,
    ) -> Coverage:
        viewer = viewer_of(info)
        if (region and len(region) not in (2, 4, 6, 9, 12)) or (not region.isdigit() and region):
            raise BadArgument(f"region {region!r} is not a 2/4/6/9/12-digit code prefix")
        child_len = level.value if level else next((n for n in (2, 4, 6, 9, 12) if n > len(region)), 12)
        if child_len <= len(region):
            raise BadArgument(f"level {child_len} digits is not below region {region!r}")
        day = info.context.check_date
        asked_year = year or info.context.services.default_year
        scope = viewer.region
        if scope and not (scope.startswith(region) or region.startswith(scope)):
            scope = "\x00"  # outside the viewer's region: every figure is zero

        async def figures(length: int) -> dict[str, Any]:
            rows = await info.context.graph.rows(
                COVERAGE_QUERY, region=region, scope=scope, len=length, check_date=day, year=asked_year
            )
            return rows[0]

        children_row, total_row, counts = await asyncio.gather(
            figures(child_len),
            figures(len(region)),
            info.context.services.findings.counts_by_region(region, child_len, scope),
        )
        by_child: dict[str, list[FindingCount]] = defaultdict(list)
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for child, kind, status, count in counts:
            totals[(kind, status)] += count
            if len(child) == child_len:
                by_child[child].append(
                    FindingCount(kind=FindingKind(kind), status=FindingStatus(status), count=count)
                )
        by_child[region] = [
            FindingCount(kind=FindingKind(k), status=FindingStatus(s), count=n)
            for (k, s), n in sorted(totals.items())
        ]
        names = sorted((_children(children_row) | set(by_child)) - {region})
        return Coverage(
            region=region,
            level=RegionLevel(child_len),
            as_of=day,
            year=asked_year,
            total=_figures(total_row, by_child, region, len(region) <= 6),
            children=[
                _figures(children_row, by_child, c, child_len <= 6) for c in names if len(c) == child_len
            ],
        )
