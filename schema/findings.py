# mypy: disable-error-code="untyped-decorator"
"""Findings: the connection with its filters, one finding with evidence and history, and
the review mutations with typed error results."""

from __future__ import annotations

import asyncio
import base64
import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.relay import PageInfo
from strawberry.types import Info

from schema.access import viewer_of
from schema.context import Context, FindingFilter, FindingRecord, TransitionAction, Viewer
from schema.enums import FindingKind, FindingStatus, Severity, SourceName
from schema.errors import BadArgument, ErrorCode, MutationError, TransitionRefused
from schema.masking import NAME_FIELDS, mask_id, mask_name, mask_text
from schema.permissions import CanReadRecords, CanReview
from schema.rules import Rule, rule_by_id

if TYPE_CHECKING:
    from schema.household import Household
    from schema.person import Person

MAX_PAGE = 100
HEALTH_WORDS = ("disability", "health", "illness", "level", "健康", "残疾", "疾病")


def findings_scope(viewer: Viewer) -> FindingFilter:
    """The part of every findings query the viewer cannot widen: region and, for a department, source."""
    return FindingFilter(scope=viewer.region, sources=(viewer.source,) if viewer.source else None)


def finding_visible(viewer: Viewer, record: FindingRecord) -> bool:
    """In the viewer's region, and for a department, touching its source."""
    if not viewer.in_region(record.region) and viewer.region:
        return False
    if viewer.source is None:
        return True
    return any(e.get("source") == viewer.source for e in record.evidence) or any(
        h.startswith(f"{viewer.source}:") for h in record.households
    )


@strawberry.type(description="One value a source holds, as read.")
class Fact:
    field: str = strawberry.field(description="The source's field name.")
    value: str = strawberry.field(
        description="The value read (names and ID numbers masked without PII rights)."
    )


@strawberry.type(description="One fact a finding rests on, as a reviewer would find it in the source.")
class Evidence:
    source: SourceName = strawberry.field(description="The source holding the fact (`doudi` when derived).")
    record_key: str = strawberry.field(
        description="The record's key in that source (masked without PII rights)."
    )
    facts: list[Fact] = strawberry.field(description="The values read, in reading order.")
    note: str = strawberry.field(description="What this fact shows.")

    @classmethod
    def shown(cls, viewer: Viewer, item: Mapping[str, Any]) -> Evidence | None:
        source = str(item.get("source", "doudi"))
        if not viewer.sees_source(source):
            return None
        facts: list[Fact] = []
        for name, value in dict(item.get("facts") or {}).items():
            text = str(value)
            if any(word in name.lower() for word in HEALTH_WORDS) and not viewer.sees_health(source):
                continue
            if not viewer.pii:
                text = (mask_name(text) or "") if name in NAME_FIELDS else mask_text(text)
            facts.append(Fact(field=name, value=text))
        key = str(item.get("record_key", ""))
        note = str(item.get("note", ""))
        return cls(
            source=SourceName(source) if source in SourceName._value2member_map_ else SourceName.DOUDI,
            record_key=key if viewer.pii else mask_text(key),
            facts=facts,
            # A free-text note may name people: only roles with PII rights read it.
            note=note if viewer.pii else "",
        )


@strawberry.type(description="One step of a finding's history: a run's detection or a review.")
class FindingEvent:
    at: datetime = strawberry.field(description="When it happened.")
    actor: str = strawberry.field(description="Who did it (`doudi` for a check run).")
    action: str = strawberry.field(
        description="DETECTED, CLEARED, REOPENED, ASSIGN, CONFIRM, DISMISS or RECTIFY."
    )
    from_status: str | None = strawberry.field(description="The status before.")
    to_status: str | None = strawberry.field(description="The status after.")
    note: str = strawberry.field(description="The reviewer's note or reason.")


@strawberry.type(description="A case a rule flagged: a suspect (疑点) to verify, never a verdict.")
class Finding:
    record: strawberry.Private[FindingRecord]
    viewer: strawberry.Private[Viewer]

    @strawberry.field(description="The stable id: the same rule and subjects give the same id on every run.")
    def id(self) -> str:
        return self.record.id

    @strawberry.field(description="The rule id, as in rules.md.")
    def rule_id(self) -> str:
        return self.record.rule_id

    @strawberry.field(description="The rule, with its summary and explanation from the rule definition.")
    def rule(self) -> Rule | None:
        return rule_by_id(self.record.rule_id)

    @strawberry.field(description="The kind of case.")
    def kind(self) -> FindingKind:
        return FindingKind(self.record.kind)

    @strawberry.field(description="How serious it is.")
    def severity(self) -> Severity:
        return Severity(self.record.severity)

    @strawberry.field(description="Its review status.")
    def status(self) -> FindingStatus:
        return FindingStatus(self.record.status)

    @strawberry.field(description="The most specific region code common to its subjects.")
    def region(self) -> str:
        return self.record.region

    @strawberry.field(
        description="One line about this case; without PII rights, the rule's own summary (a case's line names people)."
    )
    def summary(self) -> str:
        if self.viewer.pii:
            return self.record.summary
        rule = rule_by_id(self.record.rule_id)
        return rule.summary if rule else self.record.rule_id

    @strawberry.field(
        description="The persons it concerns, by normalised ID number (masked without PII rights)."
    )
    def persons(self) -> list[str]:
        return [p if self.viewer.pii else (mask_id(p) or "") for p in self.record.persons]

    @strawberry.field(description="The households it concerns, `<source>:<household id>`.")
    def households(self) -> list[str]:
        return list(self.record.households)

    @strawberry.field(
        description="The persons it concerns that you may see, with everything the graph holds."
    )
    async def people(
        self, info: Info[Context, Any]
    ) -> list[Annotated[Person, strawberry.lazy("schema.person")]]:
        from schema.person import Person

        found = await asyncio.gather(*(Person.load(info, p) for p in self.record.persons))
        return [p for p in found if p is not None]

    @strawberry.field(description="The households it concerns that you may see.")
    async def household_records(
        self, info: Info[Context, Any]
    ) -> list[Annotated[Household, strawberry.lazy("schema.household")]]:
        from schema.household import Household

        found = await asyncio.gather(*(Household.load(info, key) for key in self.record.households))
        return [h for h in found if h is not None]

    @strawberry.field(description="The facts from each source that make the case (your sources only).")
    def evidence(self) -> list[Evidence]:
        shown = [Evidence.shown(self.viewer, item) for item in self.record.evidence]
        return [e for e in shown if e is not None]

    @strawberry.field(description="The first check date that found it.")
    def first_seen(self) -> date:
        return self.record.first_seen

    @strawberry.field(description="The latest check date that found it.")
    def last_seen(self) -> date:
        return self.record.last_seen

    @strawberry.field(description="The reviewer it is assigned to.")
    def assignee(self) -> str | None:
        return self.record.assignee

    @strawberry.field(description="Its history, oldest first.")
    async def history(self, info: Info[Context, Any]) -> list[FindingEvent]:
        events = await info.context.loaders.history_by_finding.load(self.record.id)
        return [
            FindingEvent(
                at=e.at,
                actor=e.actor,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note if self.viewer.pii else "",
            )
            for e in events
        ]


def shown_findings(viewer: Viewer, records: list[FindingRecord]) -> list[Finding]:
    """The findings of ``records`` the viewer may see, as types."""
    return [Finding(record=r, viewer=viewer) for r in records if finding_visible(viewer, r)]


@strawberry.input(description="Filters on the findings connection; all given filters must hold.")
class FindingFilterInput:
    rule_ids: list[str] | None = strawberry.field(default=None, description="Only these rule ids.")
    kinds: list[FindingKind] | None = strawberry.field(default=None, description="Only these kinds.")
    severities: list[Severity] | None = strawberry.field(default=None, description="Only these severities.")
    statuses: list[FindingStatus] | None = strawberry.field(default=None, description="Only these statuses.")
    region_prefix: str | None = strawberry.field(
        default=None, description="Only findings whose region starts with this code (narrows your scope)."
    )
    first_seen_from: date | None = strawberry.field(default=None, description="First seen on or after.")
    first_seen_to: date | None = strawberry.field(default=None, description="First seen on or before.")
    assignee: str | None = strawberry.field(default=None, description="Only those assigned to this user.")


@strawberry.type(description="A finding and its cursor.")
class FindingEdge:
    cursor: str = strawberry.field(description="Pass as `after` to read on from here.")
    node: Finding = strawberry.field(description="The finding.")


@strawberry.type(description="A page of findings (Relay cursor connection).")
class FindingConnection:
    edges: list[FindingEdge] = strawberry.field(description="The findings of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page sits.")
    total_count: int = strawberry.field(description="How many findings match, in your scope.")


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"finding:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, number = text.split(":", 1)
        if prefix != "finding" or int(number) < 0:
            raise ValueError(text)
        return int(number) + 1
    except ValueError as exc:
        raise BadArgument(f"cursor {cursor!r} was not issued by this API") from exc


def _narrow(scope: str, prefix: str | None) -> str | None:
    """The region filter inside the scope: a prefix outside it matches nothing."""
    if not prefix:
        return None
    if prefix.startswith(scope) or scope.startswith(prefix):
        return prefix if len(prefix) > len(scope) else None
    return "\x00"  # no region starts with NUL: outside the scope, nothing


@strawberry.type
class FindingQueries:
    """Query fields about findings (merged into Query)."""

    @strawberry.field(
        description="Findings in your region (and, for a department, touching your source), newest first.",
        permission_classes=[CanReadRecords],
    )
    async def findings(
        self,
        info: Info[Context, Any],
        filter: FindingFilterInput | None = None,
        first: Annotated[int, strawberry.argument(description="Page size, at most 100.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="A cursor from a previous page.")
        ] = None,
    ) -> FindingConnection:
        viewer = viewer_of(info)
        given = filter or FindingFilterInput()
        scope = findings_scope(viewer)
        where = FindingFilter(
            scope=scope.scope,
            sources=scope.sources,
            rule_ids=tuple(given.rule_ids) if given.rule_ids else None,
            kinds=tuple(k.name for k in given.kinds) if given.kinds else None,
            severities=tuple(s.value for s in given.severities) if given.severities else None,
            statuses=tuple(s.name for s in given.statuses) if given.statuses else None,
            region_prefix=_narrow(viewer.region, given.region_prefix),
            first_seen_from=given.first_seen_from,
            first_seen_to=given.first_seen_to,
            assignee=given.assignee,
        )
        limit = max(0, min(first, MAX_PAGE))
        start = _offset(after)
        records, total = await info.context.services.findings.list_findings(where, start, limit)
        edges = [
            FindingEdge(cursor=_cursor(start + i), node=Finding(record=r, viewer=viewer))
            for i, r in enumerate(records)
        ]
        return FindingConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=start + len(records) < total,
                has_previous_page=start > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

    @strawberry.field(
        description="One finding with its evidence and history.", permission_classes=[CanReadRecords]
    )
    async def finding(self, info: Info[Context, Any], id: strawberry.ID) -> Finding | None:
        viewer = viewer_of(info)
        record = await info.context.loaders.finding_by_id.load(str(id))
        if record is None or not finding_visible(viewer, record):
            return None
        return Finding(record=record, viewer=viewer)

    @strawberry.field(description="Every registered integrity rule, in its own words.")
    def rules(self) -> list[Rule]:
        from schema.rules import rule_definitions

        return [Rule.from_definition(r) for r in rule_definitions().values()]


FindingResult = Annotated[
    Finding | MutationError,
    strawberry.union("FindingResult", description="The finding after the step, or why it was refused."),
]


@strawberry.enum(description="How a confirmed case was put right (整改).")
class Rectification(enum.Enum):
    STOPPED = "STOPPED"
    RECOVERED = "RECOVERED"
    ENROLLED = "ENROLLED"


async def _step(
    info: Info[Context, Any],
    finding_id: str,
    action: TransitionAction,
    note: str,
    assignee: str | None = None,
    rectification: str | None = None,
    amount: Decimal | None = None,
) -> Finding | MutationError:
    viewer = viewer_of(info)
    record = await info.context.loaders.finding_by_id.load(finding_id)
    if record is None or not finding_visible(viewer, record):
        return MutationError(code=ErrorCode.NOT_FOUND, message=f"no finding {finding_id} in your region")
    try:
        updated = await info.context.services.findings.transition(
            finding_id, action, viewer.user, note, assignee, rectification, amount
        )
    except TransitionRefused as exc:
        return MutationError(code=exc.code, message=str(exc))
    query = info.context.request_query
    await info.context.services.audit.record(
        viewer.user,
        f"finding.{action.value}",
        [finding_id],
        query,
        {"from": record.status, "to": updated.status, "assignee": assignee, "note": note},
    )
    return Finding(record=updated, viewer=viewer)


@strawberry.type
class FindingMutations:
    """Review steps on a finding (merged into Mutation); each is recorded in the audit log."""

    @strawberry.mutation(description="Assign a finding to a reviewer (核查).", permission_classes=[CanReview])
    async def assign_finding(
        self, info: Info[Context, Any], id: strawberry.ID, assignee: str, note: str = ""
    ) -> FindingResult:
        return await _step(info, str(id), TransitionAction.ASSIGN, note, assignee=assignee)

    @strawberry.mutation(description="Confirm the case is real (结论).", permission_classes=[CanReview])
    async def confirm_finding(
        self, info: Info[Context, Any], id: strawberry.ID, note: str = ""
    ) -> FindingResult:
        return await _step(info, str(id), TransitionAction.CONFIRM, note)

    @strawberry.mutation(
        description="Dismiss: not a case, with the reason (结论).", permission_classes=[CanReview]
    )
    async def dismiss_finding(
        self, info: Info[Context, Any], id: strawberry.ID, reason: str
    ) -> FindingResult:
        return await _step(info, str(id), TransitionAction.DISMISS, reason)

    @strawberry.mutation(
        description="Record how a confirmed case was put right (整改).", permission_classes=[CanReview]
    )
    async def rectify_finding(
        self,
        info: Info[Context, Any],
        id: strawberry.ID,
        rectification: Rectification,
        note: str = "",
        amount: Annotated[float | None, strawberry.argument(description="Money recovered, yuan.")] = None,
    ) -> FindingResult:
        # Through str: the store refuses amounts finer than a fen, which a binary float would blur.
        yuan = Decimal(str(amount)) if amount is not None else None
        return await _step(
            info, str(id), TransitionAction.RECTIFY, note, rectification=rectification.value, amount=yuan
        )
