"""Every read of evaluations, through the access helper that each view uses.

``get_evaluation_for_user(user, pk, action)`` answers 404 for an evaluation the user may
not see at all (so its existence is not revealed) and 403 for one the user sees but whose
action the role may not take. Whether the *state* allows the action is the services' call.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.core.findings import Finding
from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Role
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations import engine
from jixiao.web.evaluations.editor import label_for
from jixiao.web.evaluations.engine import Assessment, DocumentError
from jixiao.web.evaluations.errors import DocumentInvalid
from jixiao.web.evaluations.models import AuditEvent, Evaluation, EvaluationVersion, Evidence
from jixiao.web.evaluations.workflow import Action, State, allowed, possible


def assess_document(evaluation: Evaluation, document: Any) -> tuple[dict[str, Any], Assessment]:
    """The canonical document and its assessment under the evaluation's framework.

    :class:`DocumentInvalid` if the core refuses the document, or if its kind or year is not
    the evaluation's. The evaluation's framework record decides the scoring standard,
    whatever the document's own ``framework`` says.
    """
    try:
        core = engine.read_document(document)
    except DocumentError as error:
        raise DocumentInvalid(error.message, error.path) from None
    if core.kind.value != evaluation.kind:
        wanted = EvaluationKind(evaluation.kind).label
        raise DocumentInvalid(f"评价类型为“{core.kind.label}”，与本自评的“{wanted}”不一致", "kind")
    if core.year != evaluation.year:
        raise DocumentInvalid(f"年度为 {core.year}，与本自评的 {evaluation.year} 年度不一致", "year")
    core = dataclasses.replace(core, framework=evaluation.framework.framework_id)
    try:
        framework = engine.framework_of(evaluation.framework.yaml_text, str(evaluation.framework))
    except DocumentError as error:
        raise DocumentInvalid(f"评分标准“{evaluation.framework}”无效：{error}") from None
    return engine.canonical(core), engine.assess(core, framework)


def roles_for(user: Any, evaluation: Evaluation) -> frozenset[Role]:
    return scope_of(user).roles_on(evaluation.unit_id, evaluation.unit.bureau_id)


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
    return {action for action in Action if possible(action, state, roles)}


def get_evaluation_for_user(user: Any, pk: int, action: Action) -> Evaluation:
    evaluation = Evaluation.objects.select_related("unit__bureau", "framework", "current_version").filter(pk=pk).first()
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
    return (
        Evaluation.objects.filter(unit_id__in=units)
        .select_related("unit", "current_version", "framework")
        .defer("framework__yaml_text", "current_version__document")
        .order_by("-year", "unit__code", "kind", "project")
    )


@dataclass(frozen=True)
class VersionView:
    """A version as the evaluation page shows it: the core's assessment, or why there is none."""

    version: EvaluationVersion
    assessment: Assessment | None
    error: str = ""

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.assessment.findings if self.assessment else ()


def assess_version(evaluation: Evaluation, version: EvaluationVersion, document: Any = None) -> VersionView:
    """Score and check a version (or a document as posted) with the evaluation's framework."""
    try:
        framework = engine.framework_of(evaluation.framework.yaml_text, str(evaluation.framework))
        core = engine.read_document(version.document if document is None else document)
    except DocumentError as error:
        where = f"{label_for(error.path)}：" if error.path else ""
        return VersionView(version, None, f"{where}{error.message}")
    return VersionView(version, engine.assess(core, framework))


def evaluations_visible_to(user: Any) -> QuerySet[Evaluation]:
    """Every evaluation the user may read: their units', their bureaus' units' (all, for a superuser)."""
    scope = scope_of(user)
    found = (
        Evaluation.objects.select_related("unit", "current_version", "framework")
        .defer("framework__yaml_text", "current_version__document")
        .order_by("-year", "unit__code", "kind", "project")
    )
    if scope.superuser:
        return found
    return found.filter(Q(unit_id__in=scope.unit_ids()) | Q(unit__bureau_id__in=scope.bureau_ids()))


def versions_of(evaluation: Evaluation) -> QuerySet[EvaluationVersion]:
    return evaluation.versions.defer("document").select_related("created_by").order_by("-number")


def history_of(evaluation: Evaluation) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(evaluation=evaluation).select_related("actor")


def evidence_of(version: EvaluationVersion) -> QuerySet[Evidence]:
    return Evidence.objects.filter(version=version).select_related("uploaded_by")
