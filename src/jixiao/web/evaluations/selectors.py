"""Every read of evaluations, through the access helper that each view uses.

``get_evaluation_for_user(user, pk, action)`` answers 404 for an evaluation the user may
not see at all (so its existence is not revealed) and 403 for one the user sees but whose
action the role may not take. Whether the *state* allows the action is the services' call.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.web.accounts.models import Role
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations import auditchain
from jixiao.web.evaluations.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    Evaluation,
    EvaluationVersion,
    Evidence,
)
from jixiao.web.evaluations.workflow import Action, State, allowed, possible


def roles_for(user: Any, evaluation: Evaluation) -> frozenset[Role]:
    return scope_of(user).roles_on(evaluation.unit_id, evaluation.unit.bureau_id)


#: What counts as having edited or signed an evaluation (separation of duties, accounts/duties.py).
AUTHORING = (
    AuditAction.CREATE,
    AuditAction.SAVE,
    AuditAction.IMPORT,
    AuditAction.EVIDENCE_ADD,
    AuditAction.EVIDENCE_REMOVE,
    AuditAction.SUBMIT,
    AuditAction.SIGN_OFF,
)
#: How a reviewer's draft read from the unit's written report is noted (reviews/services.py): the
#: unit's own report, which the unit then checks and submits; it does not count as authoring.
READ_FROM_REPORT = "财政审核人从自评报告"


def authored(user: Any, evaluation: Evaluation) -> bool:
    """Whether ``user`` edited or signed any version of the evaluation (from the audit trail)."""
    return (
        AuditEvent.objects.filter(evaluation=evaluation, actor=user, action__in=AUTHORING)
        .exclude(action=AuditAction.IMPORT, note__startswith=READ_FROM_REPORT)
        .exists()
    )


def may(user: Any, evaluation: Evaluation, action: Action) -> bool:
    """Whether the user's roles allow ``action`` on the evaluation (state not considered)."""
    scope = scope_of(user)
    if action is Action.VIEW and scope.superuser:
        return True
    return allowed(action, scope.roles_on(evaluation.unit_id, evaluation.unit.bureau_id))


def available_actions(user: Any, evaluation: Evaluation) -> set[Action]:
    """The actions that make sense now (role and state): which buttons the page shows."""
    roles = roles_for(user, evaluation)
    state = State(evaluation.state)
    found = {action for action in Action if possible(action, state, roles)}
    # Separation of duties (accounts/duties.py): no approving or publishing what one authored.
    if found & {Action.APPROVE, Action.PUBLISH} and authored(user, evaluation):
        found -= {Action.APPROVE, Action.PUBLISH}
    return found


def get_evaluation_for_user(user: Any, pk: int, action: Action) -> Evaluation:
    evaluation = Evaluation.objects.with_related().filter(pk=pk).first()
    if evaluation is None or not scope_of(user).sees(evaluation.unit_id, evaluation.unit.bureau_id):
        raise Http404("未找到该自评，或您无权查看")
    if not may(user, evaluation, action):
        raise PermissionDenied(f"您的角色不能{action.label}此自评")
    return evaluation


def get_version_for_user(user: Any, pk: int, number: int) -> tuple[Evaluation, EvaluationVersion]:
    evaluation = get_evaluation_for_user(user, pk, Action.VIEW)
    version = EvaluationVersion.objects.filter(evaluation=evaluation, number=number).first()
    if version is None:
        raise Http404("该版本不存在")
    return evaluation, version


def get_evidence_for_user(
    user: Any, pk: int, evidence_pk: int, action: Action = Action.VIEW
) -> tuple[Evaluation, Evidence]:
    evaluation = get_evaluation_for_user(user, pk, action)
    item = Evidence.objects.select_related("version").filter(pk=evidence_pk, version__evaluation=evaluation).first()
    if item is None:
        raise Http404("该佐证材料不存在")
    return evaluation, item


def evaluations_for_user(user: Any) -> QuerySet[Evaluation]:
    """What a unit user works on: the evaluations of the units they belong to."""
    units = scope_of(user).unit_ids()
    return Evaluation.objects.filter(unit_id__in=units).listing()


def evaluations_visible_to(user: Any) -> QuerySet[Evaluation]:
    """Every evaluation the user may read: their units', their bureaus' units' (all, for a superuser)."""
    scope = scope_of(user)
    found = Evaluation.objects.listing()
    if scope.superuser:
        return found
    return found.filter(Q(unit_id__in=scope.unit_ids()) | Q(unit__bureau_id__in=scope.bureau_ids()))


def versions_of(evaluation: Evaluation) -> QuerySet[EvaluationVersion]:
    return evaluation.versions.defer("document").select_related("created_by").order_by("-number")


def history_of(evaluation: Evaluation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(evaluation=evaluation).select_related("actor")


def evidence_of(version: EvaluationVersion) -> QuerySet[Evidence]:
    return Evidence.objects.filter(version=version).select_related("uploaded_by")


def audit_chain_verdict() -> auditchain.Verdict:
    """The audit chain checked from its first event to the head record (docs/operations.md#audit-chain)."""
    head = AuditChainHead.objects.filter(pk=1).first()
    events = AuditEvent.objects.order_by("pk").iterator(chunk_size=2000)
    if head is None:
        return auditchain.verify(events, auditchain.GENESIS, 0)
    return auditchain.verify(events, head.last_hash, head.count)
