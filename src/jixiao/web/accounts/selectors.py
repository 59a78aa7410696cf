"""Who may see what: a user's roles, read once per request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from jixiao.web.accounts.models import Bureau, Membership, Role, Unit


@dataclass(frozen=True)
class Scope:
    """The roles a user holds, by unit and by bureau."""

    unit_roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    bureau_roles: dict[int, frozenset[Role]] = field(default_factory=dict)
    superuser: bool = False

    def roles_on(self, unit_id: int, bureau_id: int) -> frozenset[Role]:
        """The roles that apply to something of this unit (its own, and its bureau's)."""
        return self.unit_roles.get(unit_id, frozenset()) | self.bureau_roles.get(bureau_id, frozenset())

    def sees(self, unit_id: int, bureau_id: int) -> bool:
        return self.superuser or bool(self.roles_on(unit_id, bureau_id))

    def unit_ids(self, *roles: Role) -> set[int]:
        return {unit for unit, held in self.unit_roles.items() if not roles or held & set(roles)}

    def bureau_ids(self, *roles: Role) -> set[int]:
        return {bureau for bureau, held in self.bureau_roles.items() if not roles or held & set(roles)}

    @property
    def is_unit_user(self) -> bool:
        return bool(self.unit_roles)

    @property
    def is_bureau_user(self) -> bool:
        return bool(self.bureau_roles) or self.superuser


_EMPTY = Scope()


def scope_of(user: Any) -> Scope:
    """The user's scope, computed with one query and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return _EMPTY
    cached: Scope | None = getattr(user, "_jixiao_scope", None)
    if cached is not None:
        return cached
    units: defaultdict[int, set[Role]] = defaultdict(set)
    bureaus: defaultdict[int, set[Role]] = defaultdict(set)
    held = Membership.objects.filter(user=user)
    if user.is_staff or user.is_superuser:
        # An administrator account neither fills in nor reviews (accounts/duties.py), whatever
        # the database says: only its 管理员 role counts.
        held = held.filter(role=Role.ADMIN)
    for role, unit_id, bureau_id in held.values_list("role", "unit_id", "bureau_id"):
        if unit_id is not None:
            units[unit_id].add(Role(role))
        if bureau_id is not None:
            bureaus[bureau_id].add(Role(role))
    scope = Scope(
        unit_roles={k: frozenset(v) for k, v in units.items()},
        bureau_roles={k: frozenset(v) for k, v in bureaus.items()},
        superuser=bool(user.is_superuser),
    )
    user._jixiao_scope = scope
    return scope


def units_for_user(user: Any, *roles: Role) -> QuerySet[Unit]:
    """Units the user works for (in any of ``roles``), with their bureau."""
    return Unit.objects.filter(pk__in=scope_of(user).unit_ids(*roles)).select_related("bureau")


def bureaus_for_user(user: Any) -> QuerySet[Bureau]:
    """Bureaus whose units the user may oversee (every bureau for a superuser)."""
    scope = scope_of(user)
    if scope.superuser:
        return Bureau.objects.all()
    return Bureau.objects.filter(pk__in=scope.bureau_ids())
