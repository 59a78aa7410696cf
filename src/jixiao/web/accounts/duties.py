"""Separation of duties (职责分离, docs/web.md#职责分离): which roles one account may not combine.

1. No account holds a unit role (填报人, 单位负责人) and 财政审核人 in the same bureau: nobody
   reviews what their own unit wrote.
2. 管理员 manage accounts and roles but neither fill in nor review: an account with the 管理员
   role, or one that may enter 系统管理 (``is_staff``/superuser), holds no 填报人, 单位负责人 or
   财政审核人 role anywhere — so an administrator cannot give themselves the reviewer role.
3. Nobody approves or publishes an evaluation they edited or signed (checked on the action,
   from the audit trail: evaluations/services.py ``_require_independent``).

Rules 1 and 2 are checked whenever a role is granted (``Membership.clean`` and ``save``), and
``selectors.scope_of`` ignores work roles of an administrator account all the same, should
the database hold one from before.
"""

from __future__ import annotations

from typing import Any

from jixiao.web.accounts.models import Membership, Role, Unit

#: The roles that fill in or review: what an administrator never holds.
WORK_ROLES = frozenset({Role.PREPARER, Role.HEAD, Role.REVIEWER})


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def conflict(
    user: Any, role: Role, *, unit: Unit | None = None, bureau_id: int | None = None, exclude_pk: int | None = None
) -> str:
    """Why ``user`` may not be given ``role`` (in ``unit`` or the bureau ``bureau_id``); "" if they may."""
    role = Role(role)
    held = Membership.objects.filter(user=user).select_related("unit", "bureau", "unit__bureau")
    if exclude_pk is not None:
        held = held.exclude(pk=exclude_pk)
    others = list(held)
    if role in WORK_ROLES and (user.is_staff or user.is_superuser):
        return f"职责分离：{_name(user)}是可进入系统管理的管理员账号，不能担任{role.label}（管理员不填报、不审核）"
    if role in WORK_ROLES:
        for other in others:
            if other.role == Role.ADMIN:
                return (
                    f"职责分离：{_name(user)}已是{other.bureau}的管理员，不能担任{role.label}（管理员不填报、不审核）"
                )
    if role is Role.ADMIN:
        for other in others:
            if other.role in WORK_ROLES:
                where = other.unit or other.bureau
                return f"职责分离：{_name(user)}已是{where}的{Role(other.role).label}，不能再担任管理员"
    if role in (Role.PREPARER, Role.HEAD) and unit is not None:
        for other in others:
            if other.role == Role.REVIEWER and other.bureau_id == unit.bureau_id:
                return f"职责分离：{_name(user)}已是{other.bureau}的财政审核人，不能再担任该局所属单位的{role.label}"
    if role is Role.REVIEWER and bureau_id is not None:
        for other in others:
            if other.unit is not None and other.unit.bureau_id == bureau_id:
                return (
                    f"职责分离：{_name(user)}已是该局所属单位“{other.unit}”的{Role(other.role).label}，"
                    "不能再担任本局财政审核人"
                )
    return ""


def staff_conflict(user: Any) -> str:
    """Why ``user`` may not enter 系统管理 (be made staff): they fill in or review somewhere."""
    work = Membership.objects.filter(user=user, role__in=sorted(r.value for r in WORK_ROLES)).first()
    if work is None or user.pk is None:
        return ""
    where = work.unit or work.bureau
    return f"职责分离：{_name(user)}已是{where}的{Role(work.role).label}，不能同时作为可进入系统管理的管理员账号"
