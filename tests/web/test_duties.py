"""The duties matrix: separation of duties (职责分离, accounts/duties.py, docs/web.md#职责分离).

Each row grants one role to one persona of the isolation world (tests/web/world.py) and names
the answer: allowed, or refused with the rule's words. Then the rules on actions: nobody
approves or publishes what they edited or signed; an administrator account never fills in or
reviews, even with a role slipped into the database; every role change is audited.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jixiao.web.accounts.models import Membership, Role
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import AuditAction, AuditEvent
from jixiao.web.evaluations.selectors import audit_chain_verdict, available_actions
from jixiao.web.evaluations.workflow import Action, State
from tests.web.world import World, user

OK = ""
SAME_BUREAU = "不能再担任"
ADMIN_NO_WORK = "管理员不填报、不审核"


def unit_a(w: World) -> dict[str, Any]:
    return {"unit": w.unit_a}


def unit_c(w: World) -> dict[str, Any]:
    return {"unit": w.unit_c}


def bureau(w: World) -> dict[str, Any]:
    return {"bureau": w.bureau}


def other_bureau(w: World) -> dict[str, Any]:
    return {"bureau": w.other_bureau}


#: persona, role granted, where → "" (allowed) or words of the refusal.
DUTIES = [
    # Rule 1: a unit role and 财政审核人 never in the same bureau.
    ("reviewer", Role.PREPARER, unit_a, SAME_BUREAU),
    ("reviewer", Role.HEAD, unit_a, SAME_BUREAU),
    ("reviewer", Role.PREPARER, unit_c, OK),  # another bureau's unit
    ("prep_a", Role.REVIEWER, bureau, SAME_BUREAU),
    ("head_a", Role.REVIEWER, bureau, SAME_BUREAU),
    ("prep_a", Role.REVIEWER, other_bureau, OK),
    ("head_a", Role.PREPARER, unit_a, OK),  # two unit roles in one unit
    # Rule 2: administrators neither fill in nor review (and cannot make themselves reviewers).
    ("admin", Role.REVIEWER, bureau, ADMIN_NO_WORK),
    ("admin", Role.REVIEWER, other_bureau, ADMIN_NO_WORK),
    ("admin", Role.PREPARER, unit_c, ADMIN_NO_WORK),
    ("admin", Role.HEAD, unit_a, ADMIN_NO_WORK),
    ("reviewer", Role.ADMIN, other_bureau, "不能再担任管理员"),
    ("prep_b", Role.ADMIN, bureau, "不能再担任管理员"),
    ("reviewer_other", Role.ADMIN, bureau, "不能再担任管理员"),
]


@pytest.mark.parametrize(("persona", "role", "where", "refusal"), DUTIES)
def test_duties_matrix(world: World, persona: str, role: Role, where: Any, refusal: str) -> None:
    account = getattr(world, persona)
    membership = Membership(user=account, role=role, **where(world))
    if refusal:
        with pytest.raises(ValidationError) as raised:
            membership.full_clean()
        assert refusal in str(raised.value) and "职责分离" in str(raised.value)
        with pytest.raises(ValidationError):  # and no script can save it either
            membership.save()
        assert not Membership.objects.filter(user=account, role=role, **where(world)).exists()
    else:
        membership.full_clean()
        membership.save()
        assert Membership.objects.filter(user=account, role=role, **where(world)).exists()


def test_an_administrator_role_holder_without_staff_rights_still_may_not_review(world: World) -> None:
    keeper = user("keeper", "账号管理")
    Membership.objects.create(user=keeper, role=Role.ADMIN, bureau=world.other_bureau)
    with pytest.raises(ValidationError, match=ADMIN_NO_WORK):
        Membership.objects.create(user=keeper, role=Role.REVIEWER, bureau=world.bureau)


# --- rule 3: nobody approves or publishes what they edited or signed ---------------------------


def _moved_to_review(world: World) -> Any:
    """Unit A's head, who signed ``signed_a``, leaves the unit and becomes the bureau's reviewer."""
    head = world.head_a
    Membership.objects.filter(user=head).delete()
    Membership.objects.create(user=head, role=Role.REVIEWER, bureau=world.bureau)
    head._jixiao_scope = None
    return head


def test_a_reviewer_who_signed_the_evaluation_may_not_approve_it(world: World, client) -> None:
    head = _moved_to_review(world)
    signed = world.fresh("signed_a")
    assert AuditEvent.objects.filter(evaluation=signed, actor=head, action=AuditAction.SIGN_OFF).exists()
    assert Action.APPROVE not in available_actions(head, signed)
    with pytest.raises(PermissionDenied, match="职责分离：您编辑或签批过此自评，不能审核通过"):
        services.evaluation_approve(evaluation=signed, by=head)
    client.force_login(head)
    answer = client.post(reverse("evaluations:approve", kwargs={"pk": signed.pk}), {"next": "review"})
    assert answer.status_code == 403
    assert world.fresh("signed_a").state == State.SIGNED
    # Another reviewer of the bureau approves it; the former head still may not publish it.
    assert Action.APPROVE in available_actions(world.reviewer, signed)
    services.evaluation_approve(evaluation=world.fresh("signed_a"), by=world.reviewer)
    with pytest.raises(PermissionDenied, match="不能公开"):
        services.evaluation_publish(evaluation=world.fresh("signed_a"), by=head)
    services.evaluation_publish(evaluation=world.fresh("signed_a"), by=world.reviewer)
    assert world.fresh("signed_a").state == State.PUBLISHED


def test_a_reviewer_who_only_read_the_report_may_approve(world: World) -> None:
    """Viewing, commenting or returning is not authoring: the bureau's reviewer approves as before."""
    signed = world.fresh("signed_a")
    assert (
        not AuditEvent.objects.filter(evaluation=signed, actor=world.reviewer)
        .exclude(action__in=[AuditAction.APPROVE, AuditAction.PUBLISH, AuditAction.RETURN])
        .exists()
    )
    services.evaluation_approve(evaluation=signed, by=world.reviewer)
    assert world.fresh("signed_a").state == State.APPROVED


def test_an_administrator_account_ignores_work_roles_slipped_into_the_database(world: World) -> None:
    # bulk_create skips Membership.save: as if the row came from before the rule.
    Membership.objects.bulk_create([Membership(user=world.admin, role=Role.REVIEWER, bureau=world.bureau)])
    world.admin._jixiao_scope = None
    assert scope_of(world.admin).bureau_roles[world.bureau.pk] == frozenset({Role.ADMIN})
    with pytest.raises(PermissionDenied):
        services.evaluation_approve(evaluation=world.fresh("signed_a"), by=world.admin)
    assert world.fresh("signed_a").state == State.SIGNED


# --- role changes are audited ---------------------------------------------------------------------


def test_roles_granted_and_revoked_in_system_admin_are_audited(world: World, client) -> None:
    client.force_login(world.admin)
    add = reverse("admin:accounts_membership_add")
    # The administrator cannot make themselves a reviewer.
    page = client.post(add, {"user": world.admin.pk, "role": Role.REVIEWER.value, "bureau": world.bureau.pk})
    assert page.status_code == 200 and ADMIN_NO_WORK in page.content.decode()
    assert not Membership.objects.filter(user=world.admin, role=Role.REVIEWER).exists()
    roles = (AuditAction.ROLE_GRANT, AuditAction.ROLE_REVOKE)
    assert not AuditEvent.objects.filter(evaluation=None, action__in=roles).exists()

    answer = client.post(add, {"user": world.prep_b.pk, "role": Role.REVIEWER.value, "bureau": world.other_bureau.pk})
    assert answer.status_code == 302
    granted = Membership.objects.get(user=world.prep_b, role=Role.REVIEWER)
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANT)
    assert (event.actor, event.evaluation) == (world.admin, None)
    assert event.changes == {"账号": "prep_b", "角色": "财政审核人", "财政局": "另一区财政局"}

    delete = reverse("admin:accounts_membership_delete", args=[granted.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    revoked = AuditEvent.objects.get(action=AuditAction.ROLE_REVOKE)
    assert (revoked.actor, revoked.changes["账号"], revoked.changes["角色"]) == (world.admin, "prep_b", "财政审核人")
    assert audit_chain_verdict().intact


def test_a_worker_is_not_made_an_administrator_account(world: World, client) -> None:
    from jixiao.web.accounts.duties import staff_conflict

    assert "不能同时作为可进入系统管理的管理员账号" in staff_conflict(world.reviewer)
    assert staff_conflict(world.admin) == ""
