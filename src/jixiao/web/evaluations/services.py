"""Every write to an evaluation: create, save, import, evidence, and the workflow transitions.

Each service runs in one transaction and either does everything or nothing: the document is
validated by the core before anything is written, the optimistic lock and the state are
claimed with one conditional UPDATE (so two people can never both win), and each change is
recorded as an :class:`AuditEvent` with the field-level diff. Views call these and show the
Chinese message of a :class:`ServiceError`; they never write models themselves.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from jixiao.core.findings import Severity
from jixiao.core.model import EvaluationKind
from jixiao.reports.content import assumed_message
from jixiao.reports.context import assumed_fields
from jixiao.web.accounts.models import Role, Unit
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations import auditchain, engine, evidence
from jixiao.web.evaluations.assessments import assess_document, invalid
from jixiao.web.evaluations.documents import clone, diff
from jixiao.web.evaluations.engine import Assessment, DocumentError
from jixiao.web.evaluations.errors import (
    EditConflict,
    ServiceError,
    SubmissionBlocked,
    TransitionRefused,
)
from jixiao.web.evaluations.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    Evaluation,
    EvaluationVersion,
    Evidence,
    FrameworkRecord,
)
from jixiao.web.evaluations.selectors import authored
from jixiao.web.evaluations.workflow import EDITABLE, RETURN_ROLE, TRANSITIONS, Action, State, allowed
from jixiao.web.jobs.services import render_after_freeze
from jixiao.web.portal.cache import publication_changed
from jixiao.web.results.services import copy_tallies, tally_findings
from jixiao.web.reviews.models import ReviewComment
from jixiao.web.targets.services import approved_for, prefill_indicators


def display_name(user: Any) -> str:
    if user is None:
        return "系统"
    full = (user.get_full_name() or "").strip()
    return full or user.get_username()


def _summarize(version: EvaluationVersion, assessment: Assessment) -> None:
    card = assessment.scorecard
    version.total = card.total
    version.grade = card.grade
    version.adopted_total, version.adopted_grade = assessment.adopted
    version.execution_rate = card.execution_rate
    version.p0_count = assessment.count(Severity.P0)
    version.p1_count = assessment.count(Severity.P1)
    version.p2_count = assessment.count(Severity.P2)
    version.indicator_count = len(assessment.evaluation.indicators)


SUMMARY_FIELDS = [
    "total", "grade", "adopted_total", "adopted_grade", "execution_rate", "p0_count", "p1_count", "p2_count",
    "indicator_count",
]  # fmt: skip


# --- permissions, locking, audit ---------------------------------------------------------------


def _require(user: Any, evaluation: Evaluation, action: Action) -> frozenset[Role]:
    """The user's roles on the evaluation; PermissionDenied if none of them allows ``action``.

    Views check this first through the access helper; services check again so that no
    caller (a command, the API later) can skip it.
    """
    roles = scope_of(user).roles_on(evaluation.unit_id, evaluation.unit.bureau_id)
    if not allowed(action, roles):
        raise PermissionDenied(f"您的角色不能{action.label}此自评")
    return roles


def _require_independent(user: Any, evaluation: Evaluation, action: Action) -> None:
    if authored(user, evaluation):
        raise PermissionDenied(f"职责分离：您编辑或签批过此自评，不能{action.label}")


def _claim(
    evaluation: Evaluation,
    *,
    states: Iterable[State],
    expected_lock_version: int,
    doing: str,
    new_state: State | None = None,
) -> State:
    """Take the lock: one conditional UPDATE checks the state and the lock version together.

    Returns the state before. Raises :class:`TransitionRefused` or :class:`EditConflict`.
    """
    allowed_states = [state.value for state in states]
    query = Evaluation.objects.filter(pk=evaluation.pk, state__in=allowed_states, lock_version=expected_lock_version)
    now = timezone.now()
    changes: dict[str, Any] = {"lock_version": F("lock_version") + 1, "updated_at": now}
    if new_state is not None:
        changes["state"] = new_state.value
        if new_state is State.PUBLISHED:
            # Published before (then withdrawn): this publication is a correction, dated apart.
            changes["published_at"] = Coalesce(F("published_at"), Value(now))
            changes["corrected_at"] = Case(When(published_at__isnull=False, then=Value(now)), default=F("corrected_at"))
    before = State(evaluation.state)
    if query.update(**changes) == 0:
        fresh = Evaluation.objects.only("state", "lock_version").get(pk=evaluation.pk)
        if fresh.state not in allowed_states:
            raise TransitionRefused(f"此自评当前状态为“{State(fresh.state).label}”，不能{doing}")
        raise EditConflict(_conflict_message(evaluation, doing))
    evaluation.refresh_from_db(fields=["state", "lock_version", "updated_at", "published_at", "corrected_at"])
    if State.PUBLISHED in (before, new_state):
        publication_changed()  # published, withdrawn, corrected: the portal's copies are stale
    return before


def _conflict_message(evaluation: Evaluation, doing: str) -> str:
    """Who changed the evaluation last, and when: what the user needs to sort out a conflict."""
    last = AuditEvent.objects.filter(evaluation=evaluation).select_related("actor").first()
    if last is None:
        what = "其他人已修改此自评"
    else:
        when = f"{timezone.localtime(last.at):%Y-%m-%d %H:%M:%S}"
        what = f"{display_name(last.actor)} 于 {when} 已修改此自评（{last.get_action_display()}）"
    return f"未能{doing}：{what}。为避免覆盖他人的修改，本次内容没有保存；请刷新页面查看最新内容后再修改。"


def _audit(
    evaluation: Evaluation,
    by: Any,
    action: AuditAction,
    *,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    version = evaluation.current_version
    event = AuditEvent(
        evaluation=evaluation,
        version_number=version.number if version is not None else None,
        actor=by,
        action=action,
        changes=changes or {},
        note=note,
    )
    return append_audit(event)


def append_audit(event: AuditEvent) -> AuditEvent:
    """Save ``event`` at the end of the hash chain (docs/operations.md#audit-chain).

    The head row is locked for the rest of the transaction, so appends happen one at a time.
    """
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _ = AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": auditchain.GENESIS})
        # The stored JSON is what is hashed: normalise it the way the database gives it back.
        event.changes = json.loads(json.dumps(event.changes, cls=DjangoJSONEncoder))
        event.at = auditchain.to_millisecond(timezone.now())
        event.prev_hash = head.last_hash
        event.hash = auditchain.digest(head.last_hash, auditchain.fields_of(event))
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


# --- frameworks --------------------------------------------------------------------------------


def framework_record_fields(yaml_text: str) -> dict[str, str]:
    """The fields of a framework record read from its YAML; :class:`DocumentInvalid` if invalid."""
    try:
        framework = engine.framework_of(yaml_text, "评分标准")
    except DocumentError as error:
        raise invalid(error.message, error.path) from None
    return {
        "framework_id": framework.id,
        "version": framework.version,
        "title": framework.title,
        "kinds": ",".join(kind.value for kind in framework.applies_to),
    }


def framework_sync_builtin() -> list[FrameworkRecord]:
    """Records for the frameworks shipped with jixiao; existing records are never overwritten."""
    records = []
    for builtin in engine.builtin_framework_texts():
        fields = framework_record_fields(builtin.yaml_text)
        record, _ = FrameworkRecord.objects.get_or_create(
            framework_id=fields["framework_id"],
            version=fields["version"],
            defaults={"title": fields["title"], "kinds": fields["kinds"], "yaml_text": builtin.yaml_text},
        )
        records.append(record)
    return records


# --- creating and saving ---------------------------------------------------------------------------


def starter_document(unit: Unit, year: int, kind: EvaluationKind, project: str, framework_id: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": kind.value,
        "year": year,
        "framework": framework_id,
        "unit": {"name": unit.name},
    }
    if unit.superior_id is not None:
        document["unit"]["superior"] = unit.superior.name if unit.superior else ""
    if kind is EvaluationKind.PROJECT:
        document["project"] = {"name": project or "（未命名项目）", "implementing_unit": unit.name}
    return document


@transaction.atomic
def evaluation_create(
    *,
    unit: Unit,
    year: int,
    kind: EvaluationKind,
    framework: FrameworkRecord,
    by: Any,
    project: str = "",
    document: dict[str, Any] | None = None,
) -> Evaluation:
    """A new evaluation in 草稿 with its first version (an empty one, or ``document``)."""
    roles = scope_of(by).roles_on(unit.pk, unit.bureau_id)
    if not allowed(Action.EDIT, roles):
        raise PermissionDenied("只有本单位的填报人或单位负责人可以新建自评")
    if kind.value not in framework.kinds.split(","):
        raise ServiceError(f"评分标准“{framework}”不适用于{kind.label}评价")
    project = project.strip() if kind is EvaluationKind.PROJECT else ""
    if kind is EvaluationKind.PROJECT and not project:
        raise ServiceError("项目支出自评须填写项目名称")
    if Evaluation.objects.filter(unit=unit, year=year, kind=kind, project=project).exists():
        raise ServiceError(f"{unit.name}已有 {year} 年度{kind.label}自评{('“' + project + '”') if project else ''}")
    evaluation = Evaluation(unit=unit, year=year, kind=kind, project=project, framework=framework)
    if document is None:
        document = starter_document(unit, year, kind, project, framework.framework_id)
        approved = approved_for(unit.pk, year, project)
        if approved is not None:  # the year's approved targets, marked as such (docs/targets.md#followup)
            document = prefill_indicators(document, approved)
    canonical, assessment = assess_document(evaluation, document)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise ServiceError(f"{unit.name}已有 {year} 年度{kind.label}自评") from None
    version = EvaluationVersion(evaluation=evaluation, number=1, document=canonical, created_by=by)
    _summarize(version, assessment)
    version.save()
    tally_findings(version, assessment.findings)
    evaluation.current_version = version
    evaluation.save(update_fields=["current_version"])
    _audit(evaluation, by, AuditAction.CREATE, note=f"评分标准：{framework}")
    return evaluation


@transaction.atomic
def evaluation_create_from_report(
    *, unit: Unit, framework: FrameworkRecord, document: dict[str, Any], by: Any, note: str, changes: dict[str, Any]
) -> Evaluation:
    """A 草稿 evaluation of ``unit`` that a finance reviewer read from the unit's written report
    (docs/web.md#report-reading): the unit then checks, edits and submits it. Only a reviewer of the
    unit's bureau may do this; the reviewer's confirmations and corrections go into the audit."""
    roles = scope_of(by).bureau_roles.get(unit.bureau_id, frozenset())
    if Role.REVIEWER not in roles and not scope_of(by).superuser:
        raise PermissionDenied("只有本局的财政审核人可以从自评报告生成自评草稿")
    kind = EvaluationKind(document.get("kind", EvaluationKind.DEPARTMENT.value))
    year = int(document["year"])
    project = str((document.get("project") or {}).get("name", "")).strip() if kind is EvaluationKind.PROJECT else ""
    if kind is EvaluationKind.PROJECT and not project:
        raise ServiceError("项目支出自评须有项目名称")
    if Evaluation.objects.filter(unit=unit, year=year, kind=kind, project=project).exists():
        named = f"“{project}”" if project else ""
        raise ServiceError(f"{unit.name}已有 {year} 年度{kind.label}自评{named}，未生成草稿")
    evaluation = Evaluation(unit=unit, year=year, kind=kind, project=project, framework=framework)
    canonical, assessment = assess_document(evaluation, document)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise ServiceError(f"{unit.name}已有 {year} 年度{kind.label}自评") from None
    version = EvaluationVersion(evaluation=evaluation, number=1, document=canonical, created_by=by)
    _summarize(version, assessment)
    version.save()
    tally_findings(version, assessment.findings)
    evaluation.current_version = version
    evaluation.save(update_fields=["current_version"])
    _audit(evaluation, by, AuditAction.IMPORT, changes=changes, note=note)
    return evaluation


def _editable_version(evaluation: Evaluation) -> EvaluationVersion:
    """The current version, fresh from the database; refused unless it may still change."""
    version = EvaluationVersion.objects.get(pk=evaluation.current_version_id)
    if version.frozen or evaluation.state not in EDITABLE:
        raise TransitionRefused(f"此自评当前状态为“{State(evaluation.state).label}”，已提交的版本不能修改")
    return version


@transaction.atomic
def evaluation_save_document(
    *,
    evaluation: Evaluation,
    document: dict[str, Any],
    by: Any,
    expected_lock_version: int,
    action: AuditAction = AuditAction.SAVE,
    note: str = "",
) -> bool:
    """Replace the current version's document; False if nothing changed.

    Validated by the core first: on any error nothing is written. The lock version must be
    the one the user's page showed, else :class:`EditConflict` names who changed it and when.
    """
    _require(by, evaluation, Action.EDIT)
    version = _editable_version(evaluation)
    canonical, assessment = assess_document(evaluation, document)
    changes = diff(version.document, canonical)
    if not changes:
        if evaluation.lock_version != expected_lock_version:
            raise EditConflict(_conflict_message(evaluation, "保存"))
        return False
    _claim(evaluation, states=EDITABLE, expected_lock_version=expected_lock_version, doing="保存")
    version.document = canonical
    _summarize(version, assessment)
    version.save(update_fields=["document", *SUMMARY_FIELDS])
    tally_findings(version, assessment.findings)
    _relink_evidence(version, canonical)
    evaluation.current_version = version
    _audit(evaluation, by, action, changes=changes, note=note)
    return True


# --- evidence ----------------------------------------------------------------------------------

_MARKER = re.compile(r"（附件 ([0-9a-f]{8,16})）$")


def evidence_marker(filename: str, ref: str) -> str:
    """How an evidence file is named in its indicator's ``evidence`` list."""
    return f"{filename}（附件 {ref}）"


def _relink_evidence(version: EvaluationVersion, document: dict[str, Any]) -> None:
    """Each evidence row's ``indicator_path`` from where its marker now stands in the document."""
    where: dict[str, str] = {}
    for index, indicator in enumerate(document.get("indicators") or []):
        for reference in indicator.get("evidence") or []:
            match = _MARKER.search(str(reference))
            if match:
                where[match.group(1)] = f"indicators[{index}]"
    moved = []
    for row in Evidence.objects.filter(version=version).only("pk", "ref", "indicator_path"):
        path = where.get(row.ref, "")
        if row.indicator_path != path:
            row.indicator_path = path
            moved.append(row)
    if moved:
        Evidence.objects.bulk_update(moved, ["indicator_path"])


@transaction.atomic
def evidence_add(
    *, evaluation: Evaluation, indicator_index: int, upload: Any, by: Any, expected_lock_version: int
) -> Evidence:
    """Store an uploaded file as evidence of one indicator (type sniffed, size limited, SHA-256)."""
    _require(by, evaluation, Action.EDIT)
    version = _editable_version(evaluation)
    document = clone(version.document)
    indicators = document.get("indicators") or []
    if not 0 <= indicator_index < len(indicators):
        raise ServiceError("请先保存该指标，再上传佐证材料")
    try:
        stored = evidence.store(upload)
    except evidence.EvidenceRejected as error:
        raise ServiceError(str(error)) from None
    ref = secrets.token_hex(4)
    indicator = indicators[indicator_index]
    indicator["evidence"] = [*indicator.get("evidence", []), evidence_marker(stored.filename, ref)]
    try:
        with transaction.atomic():  # the document, its audit event and the row: all or nothing
            evaluation_save_document(
                evaluation=evaluation,
                document=document,
                by=by,
                expected_lock_version=expected_lock_version,
                action=AuditAction.EVIDENCE_ADD,
                note=f"{indicator.get('name', '')}：{stored.filename}（{stored.size} 字节，SHA-256 {stored.sha256}）",
            )
            return Evidence.objects.create(
                version=version,
                ref=ref,
                indicator_path=f"indicators[{indicator_index}]",
                filename=stored.filename,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=by,
                uploaded_at=timezone.now(),
            )
    except BaseException:
        evidence.discard_if_unused(stored.sha256)  # refused: leave no file behind
        raise


@transaction.atomic
def evidence_remove(*, evaluation: Evaluation, item: Evidence, by: Any, expected_lock_version: int) -> None:
    _require(by, evaluation, Action.EDIT)
    version = _editable_version(evaluation)
    if item.version_id != version.pk:
        raise TransitionRefused("只能删除当前版本的佐证材料")
    document = clone(version.document)
    marker = evidence_marker(item.filename, item.ref)
    for indicator in document.get("indicators") or []:
        if marker in (indicator.get("evidence") or []):
            indicator["evidence"] = [e for e in indicator["evidence"] if e != marker]
    changed = evaluation_save_document(
        evaluation=evaluation,
        document=document,
        by=by,
        expected_lock_version=expected_lock_version,
        action=AuditAction.EVIDENCE_REMOVE,
        note=item.filename,
    )
    if not changed:  # an orphan (its indicator was deleted): the removal is still recorded
        _claim(evaluation, states=EDITABLE, expected_lock_version=expected_lock_version, doing="删除佐证材料")
        _audit(evaluation, by, AuditAction.EVIDENCE_REMOVE, note=item.filename)
    sha = item.sha256
    item.delete()
    transaction.on_commit(lambda: evidence.discard_if_unused(sha))


# --- workflow ----------------------------------------------------------------------------------


def _transition(
    evaluation: Evaluation,
    by: Any,
    action: Action,
    audit: AuditAction,
    expected_lock_version: int | None,
    note: str = "",
) -> State:
    """Move to the action's target state from the state the caller saw (and checked roles for).

    Without a lock version from the page, the one read with ``evaluation`` is used: whatever
    changed since the caller looked (a save, another transition) makes the claim fail.
    """
    sources, target = TRANSITIONS[action]
    seen = State(evaluation.state)
    before = _claim(
        evaluation,
        states=sources & {seen},
        expected_lock_version=evaluation.lock_version if expected_lock_version is None else expected_lock_version,
        doing=action.label,
        new_state=target,
    )
    _audit(evaluation, by, audit, changes={"state": [before.value, target.value]}, note=note)
    return before


@transaction.atomic
def evaluation_submit(*, evaluation: Evaluation, by: Any, expected_lock_version: int | None = None) -> None:
    """草稿/退回 → 已提交: refused while P0 findings remain; the version is frozen for good."""
    _require(by, evaluation, Action.SUBMIT)
    version = EvaluationVersion.objects.get(pk=evaluation.current_version_id)
    if evaluation.state not in EDITABLE:
        raise TransitionRefused(f"此自评当前状态为“{State(evaluation.state).label}”，不能提交")
    _, assessment = assess_document(evaluation, version.document)
    if assessment.blocking:
        raise SubmissionBlocked(assessment.blocking)
    counts = f"P1 {assessment.count(Severity.P1)} 项、P2 {assessment.count(Severity.P2)} 项"
    _transition(evaluation, by, Action.SUBMIT, AuditAction.SUBMIT, expected_lock_version, note=f"提交时：{counts}")
    version.frozen = True
    version.frozen_at = timezone.now()
    version.save(update_fields=["frozen", "frozen_at"])
    # Its PDFs are made once, in the background (docs/operations.md#stored-pdf).
    render_after_freeze(version, by)


@transaction.atomic
def evaluation_sign_off(*, evaluation: Evaluation, by: Any, expected_lock_version: int | None = None) -> None:
    """已提交 → 已签批, by the unit head."""
    _require(by, evaluation, Action.SIGN_OFF)
    _transition(evaluation, by, Action.SIGN_OFF, AuditAction.SIGN_OFF, expected_lock_version)


@transaction.atomic
def evaluation_return(
    *, evaluation: Evaluation, by: Any, comment: str, expected_lock_version: int | None = None
) -> EvaluationVersion:
    """已提交 (by the head) or 已签批 (by the reviewer) → 退回, with a comment.

    The frozen version stays as it was; a new editable version starts from a copy of it,
    with its evidence (the files themselves are shared).
    """
    roles = _require(by, evaluation, Action.RETURN)
    comment = comment.strip()
    if not comment:
        raise ServiceError("退回时须填写退回意见，说明需要修改的内容")
    needed = RETURN_ROLE.get(State(evaluation.state))
    if needed is not None and needed not in roles:
        raise PermissionDenied(f"当前状态为“{State(evaluation.state).label}”，应由{needed.label}退回")
    frozen = EvaluationVersion.objects.get(pk=evaluation.current_version_id)
    _transition(evaluation, by, Action.RETURN, AuditAction.RETURN, expected_lock_version, note=comment)
    ReviewComment.objects.create(
        evaluation=evaluation, version=frozen, author=by, decision=ReviewComment.Decision.RETURN, text=comment
    )
    fresh = EvaluationVersion(
        evaluation=evaluation, number=frozen.number + 1, document=clone(frozen.document), created_by=by
    )
    for name in SUMMARY_FIELDS:
        setattr(fresh, name, getattr(frozen, name))
    fresh.save()
    copy_tallies(frozen, fresh)
    Evidence.objects.bulk_create(
        [
            Evidence(
                version=fresh,
                ref=item.ref,
                indicator_path=item.indicator_path,
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by_id=item.uploaded_by_id,
                uploaded_at=item.uploaded_at,
            )
            for item in Evidence.objects.filter(version=frozen)
        ]
    )
    evaluation.current_version = fresh
    evaluation.save(update_fields=["current_version"])
    return fresh


@transaction.atomic
def evaluation_approve(
    *, evaluation: Evaluation, by: Any, comment: str = "", expected_lock_version: int | None = None
) -> None:
    """已签批 → 审核通过, by the finance reviewer (not one who edited or signed it)."""
    _require(by, evaluation, Action.APPROVE)
    _require_independent(by, evaluation, Action.APPROVE)
    comment = comment.strip()
    _transition(evaluation, by, Action.APPROVE, AuditAction.APPROVE, expected_lock_version, note=comment)
    ReviewComment.objects.create(
        evaluation=evaluation,
        version_id=evaluation.current_version_id,
        author=by,
        decision=ReviewComment.Decision.APPROVE,
        text=comment or "审核通过。",
    )


@transaction.atomic
def evaluation_publish(*, evaluation: Evaluation, by: Any, expected_lock_version: int | None = None) -> None:
    """审核通过 → 已公开: the approved version appears on the public portal.

    Refused while the document marks values as assumed: its publication copy cannot be made.
    """
    _require(by, evaluation, Action.PUBLISH)
    _require_independent(by, evaluation, Action.PUBLISH)
    version = EvaluationVersion.objects.get(pk=evaluation.current_version_id)
    core = engine.read_document(version.document)  # validated when it was saved
    if assumed_fields(core):
        raise TransitionRefused(f"不能公开：{assumed_message(core).removeprefix('不能生成公开版：')}")
    _transition(evaluation, by, Action.PUBLISH, AuditAction.PUBLISH, expected_lock_version)


@transaction.atomic
def evaluation_withdraw(
    *, evaluation: Evaluation, by: Any, comment: str, expected_lock_version: int | None = None
) -> None:
    """审核通过 / 已公开 → 已签批 (撤回), by the bureau's reviewer, with the reason.

    A published evaluation leaves the portal until it is published again, which is then a
    correction (``corrected_at``). The version stays frozen: to change figures, the reviewer
    returns it to the unit as usual.
    """
    _require(by, evaluation, Action.WITHDRAW)
    comment = comment.strip()
    if not comment:
        raise ServiceError("撤回时须填写撤回理由")
    before = _transition(evaluation, by, Action.WITHDRAW, AuditAction.WITHDRAW, expected_lock_version, note=comment)
    ReviewComment.objects.create(
        evaluation=evaluation,
        version_id=evaluation.current_version_id,
        author=by,
        decision=ReviewComment.Decision.WITHDRAW,
        text=f"（撤回前为“{before.label}”）{comment}",
    )
