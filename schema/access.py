"""Who sees what: region scope and source checks over the loaders' facts."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from schema.context import Context, Viewer
from schema.errors import NotAuthenticated
from schema.loaders import HouseholdFacts, PersonFacts
from schema.masking import mask_id, mask_name


def viewer_of(info: Info[Context, Any]) -> Viewer:
    """The request's viewer; refuses an anonymous request."""
    viewer = info.context.viewer
    if viewer is None:
        raise NotAuthenticated
    return viewer


def person_places(facts: PersonFacts) -> list[tuple[str, str | None]]:
    """(source, region code) of every fact about a person: what decides who may see him."""
    places: list[tuple[str, str | None]] = []
    places += [("civil", item["region"]) for item in facts.civil]
    places += [("poverty", item["region"]) for item in facts.poverty]
    places += [("civil", (item["household"] or {}).get("region")) for item in facts.tekun]
    places += [("civil", item.get("region_code")) for item in facts.payments]
    places += [("disability", item["c"].get("region_code")) for item in facts.certificates]
    places += [("medical", ins.get("region_code")) for item in facts.medical for ins in item["insurance"]]
    return places


def person_visible(viewer: Viewer, facts: PersonFacts) -> bool:
    """A person is visible when one of his facts is in the viewer's sources and region."""
    if viewer.region == "" and viewer.source is None:
        return True
    return any(viewer.sees(source, region) for source, region in person_places(facts))


def household_visible(viewer: Viewer, facts: HouseholdFacts) -> bool:
    """A household is visible in its own source and region."""
    return viewer.sees(facts.source, facts.node.get("region_code"))


async def load_person(info: Info[Context, Any], person_id: str) -> PersonFacts | None:
    """A person the viewer may see (None otherwise); a PII read is noted for the audit log."""
    viewer = viewer_of(info)
    facts = await info.context.loaders.person_by_id.load(person_id)
    if facts is None or not person_visible(viewer, facts):
        return None
    if viewer.pii:
        info.context.pii_reads.add(person_id)
    return facts


async def load_household(info: Info[Context, Any], key: str) -> HouseholdFacts | None:
    """A household the viewer may see (None otherwise)."""
    viewer = viewer_of(info)
    facts = await info.context.loaders.household_by_key.load(key)
    if facts is None or not household_visible(viewer, facts):
        return None
    return facts


def shown_id(viewer: Viewer, value: str | None) -> str | None:
    """An ID number as this viewer may see it."""
    return value if viewer.pii else mask_id(value)


def shown_name(viewer: Viewer, value: str | None) -> str | None:
    """A name as this viewer may see it."""
    return value if viewer.pii else mask_name(value)
