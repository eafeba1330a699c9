"""Permission classes: who may read which field. All ``async`` (a sync ``has_permission``
returning an awaitable would pass as true: a Strawberry advisory)."""

from __future__ import annotations

from typing import Any, ClassVar

from strawberry.permission import BasePermission
from strawberry.types import Info

from schema.context import Context, Role


def _role(info: Info[Context, Any]) -> Role | None:
    viewer = info.context.viewer
    return viewer.role if viewer else None


class _RoleIn(BasePermission):
    """Allowed when the viewer's role is one of ``roles``."""

    roles: ClassVar[frozenset[Role]] = frozenset(Role)
    message = "not allowed for your role"

    async def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        role = _role(info)
        if role is None:
            self.message = "authentication required: send Authorization: Bearer <token>"
            return False
        return role in self.roles


class IsAuthenticated(_RoleIn):
    """Any signed-in user."""

    roles = frozenset(Role)


class CanReadRecords(_RoleIn):
    """Persons, households and findings: not leaders (they never see a name or an ID number)."""

    roles = frozenset({Role.DEPARTMENT, Role.SUPERVISOR, Role.ADMIN})
    message = "leaders see coverage and counts, not persons, households or findings"


class CanReview(_RoleIn):
    """Finding review steps: supervisors and admins."""

    roles = frozenset({Role.SUPERVISOR, Role.ADMIN})
    message = "only supervisors and admins review findings"


class IsAdmin(_RoleIn):
    """Operations: syncs, check runs and quarantined rows."""

    roles = frozenset({Role.ADMIN})
    message = "only admins run operations"
