"""Writes after the self-evaluation: finding tallies, rectification items, rule tables, the results
application and the bureau's re-evaluation (docs/results.md).

Every service checks the user's role itself (the views check first), runs in one transaction and
records who did what: rectification items keep their own event log; re-evaluations and the
application are recorded on the evaluation's audit trail or their own rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from jixiao.core import bounds
from jixiao.core import rectification as rect
from jixiao.core.findings import Finding
from jixiao.core.model import AmountUnit, EvaluationKind
from jixiao.core.numbers import YUAN_PER_WAN, fmt
from jixiao.core.results import ResultLine, RuleTableError, apply_rules, rule_table
from jixiao.core.targets.monitoring import Decision, Light
from jixiao.web.accounts.models import Bureau, Role, Unit
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations import evidence
from jixiao.web.evaluations.assessments import assess_document
from jixiao.web.evaluations.documents import clone
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.results import selectors
from jixiao.web.results.models import (
    Application,
    ApplicationLine,
    DepartmentEvaluation,
    DepartmentEvaluationEvent,
    FindingTally,
    RectificationEvent,
    RectificationEvidence,
    RectificationItem,
    ReEvaluation,
    ReEvaluationEvent,
    RuleTableRecord,
)
from jixiao.web.targets.models import MonitoringDecision

BUREAU_ROLES = frozenset({Role.REVIEWER})
UNIT_ROLES = frozenset({Role.PREPARER, Role.HEAD})


def tally_findings(version: EvaluationVersion, findings: Iterable[Finding]) -> None:
    """Replace the version's per-code finding counts (what the analytics count by code)."""
    counts = Counter((finding.code, finding.severity.value) for finding in findings)
    FindingTally.objects.filter(version=version).delete()
    FindingTally.objects.bulk_create(
        FindingTally(version=version, code=code, severity=severity, count=n) for (code, severity), n in counts.items()
    )


def copy_tallies(source: EvaluationVersion, target: EvaluationVersion) -> None:
    """A returned evaluation's new version starts with the frozen one's document: and its counts."""
    FindingTally.objects.bulk_create(
        FindingTally(version=target, code=t.code, severity=t.severity, count=t.count)
        for t in FindingTally.objects.filter(version=source)
    )


# --- rectification -----------------------------------------------------------------------------


def _bureau_reviewer(user: Any, bureau_id: int) -> None:
    if not scope_of(user).bureau_roles.get(bureau_id, frozenset()) & BUREAU_ROLES:
        raise PermissionDenied("只有本局的财政审核人可以进行此操作")


def _actor_of(user: Any, item: RectificationItem, action: rect.Action) -> rect.Actor:
    scope = scope_of(user)
    step = rect.MOVES[action]
    if step.actor is rect.Actor.BUREAU:
        _bureau_reviewer(user, item.bureau_id)
        return rect.Actor.BUREAU
    if scope.unit_roles.get(item.unit_id, frozenset()) & UNIT_ROLES:
        return rect.Actor.UNIT
    raise PermissionDenied("只有本单位的填报人或单位负责人可以进行此操作")


def _event(item: RectificationItem, by: Any, action: str, before: str, after: str, note: str = "") -> None:
    RectificationEvent.objects.create(item=item, actor=by, action=action, before=before, after=after, note=note)


@transaction.atomic
def item_create(
    *,
    by: Any,
    unit: Unit,
    year: int,
    source: rect.Source,
    problem: str,
    measure: str,
    owner: str = "",
    deadline: date | None = None,
    evaluation: Evaluation | None = None,
    finding_code: str = "",
    monitoring_decision: MonitoringDecision | None = None,
) -> RectificationItem:
    """Issue (下发) a rectification item to a unit: only the unit's bureau reviewer."""
    _bureau_reviewer(by, unit.bureau_id)
    problem, measure = problem.strip(), measure.strip()
    if not problem:
        raise ServiceError("整改事项须写明问题")
    if not measure:
        raise ServiceError("整改事项须写明整改措施")
    if evaluation is not None and evaluation.unit_id != unit.pk:
        raise ServiceError("来源自评不属于该单位")
    item = RectificationItem.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        year=year,
        evaluation=evaluation,
        source=source.value,
        finding_code=finding_code[:60],
        monitoring_decision=monitoring_decision,
        problem=problem,
        measure=measure,
        owner=owner.strip()[:100],
        deadline=deadline,
        created_by=by,
    )
    _event(item, by, "下发", "", rect.ItemState.ISSUED.label, f"来源：{source.label}")
    return item


@transaction.atomic
def item_from_decision(
    *, by: Any, decision: MonitoringDecision, measure: str, deadline: date | None = None, owner: str = ""
) -> RectificationItem:
    """A monitoring decision (暂缓拨款、调整目标 …) becomes a rectification item of the report's unit:
    the problem names the round, the project, its light and the decision with its reason. Once only."""
    report = decision.report
    _bureau_reviewer(by, report.unit.bureau_id)
    if RectificationItem.objects.filter(monitoring_decision=decision).exists():
        raise ServiceError("该处理决定已经下发过整改事项")
    light = Light(report.overall_light).label
    project = report.declaration.project or "部门整体"
    problem = (
        f"{report.round.name}绩效运行监控：{project}亮{light}，执行率 {report.execution_rate or '—'}%；"
        f"处理决定“{Decision(decision.decision).label}”：{decision.reason}"
    )
    return item_create(
        by=by,
        unit=report.unit,
        year=report.round.year,
        source=rect.Source.MONITORING,
        problem=problem,
        measure=measure,
        owner=owner,
        deadline=deadline,
        monitoring_decision=decision,
    )


@transaction.atomic
def items_from_evaluation(*, by: Any, evaluation: Evaluation, deadline: date | None = None) -> int:
    """Issue one item per problem of the evaluation's problems section (with its measure, in order)."""
    _bureau_reviewer(by, evaluation.unit.bureau_id)
    version = EvaluationVersion.objects.get(pk=evaluation.current_version_id)
    narrative = version.document.get("narrative") or {}
    problems = [p for p in narrative.get("problems") or [] if str(p.get("problem") or "").strip()]
    measures = [str(m) for m in narrative.get("measures") or []]
    existing = set(
        RectificationItem.objects.filter(evaluation=evaluation, source=rect.Source.SELF_EVALUATION.value).values_list(
            "problem", flat=True
        )
    )
    made = 0
    for index, raw in enumerate(problems):
        problem = str(raw.get("problem")).strip()
        if problem in existing:
            continue
        measure = measures[index] if index < len(measures) else ""
        item_create(
            by=by,
            unit=evaluation.unit,
            year=evaluation.year,
            source=rect.Source.SELF_EVALUATION,
            problem=problem,
            measure=measure.strip() or "（单位未提出措施，须在反馈中写明）",
            deadline=deadline,
            evaluation=evaluation,
        )
        made += 1
    return made


@transaction.atomic
def item_move(*, by: Any, item: RectificationItem, action: rect.Action, note: str = "", feedback: str = "") -> None:
    """Move an item (开始整改、反馈、审核通过、退回、销号); the core decides what is allowed."""
    actor = _actor_of(by, item, action)
    locked = RectificationItem.objects.select_for_update().get(pk=item.pk)
    if feedback.strip() and actor is rect.Actor.UNIT:
        locked.feedback = feedback.strip()
    files = RectificationEvidence.objects.filter(item=locked).count()
    before = rect.ItemState(locked.state)
    try:
        after = rect.move(
            before,
            action,
            actor,
            note=note,
            files=files,
            feedback=locked.feedback,
            rule=rect.DEFAULT_EVIDENCE[rect.Source(locked.source)],
        )
    except rect.RectificationError as error:
        raise ServiceError(str(error)) from None
    locked.state = after.value
    locked.save(update_fields=["state", "feedback", "updated_at"])
    _event(locked, by, action.label, before.label, after.label, note.strip() or feedback.strip())
    item.refresh_from_db()


@transaction.atomic
def item_attach(*, by: Any, item: RectificationItem, upload: Any) -> RectificationEvidence:
    """Attach a file to an item: the unit, while the item is not yet reviewed."""
    _actor_of(by, item, rect.Action.FEED_BACK)
    if rect.ItemState(item.state) not in rect.OWED:
        raise ServiceError(f"整改事项处于“{rect.ItemState(item.state).label}”状态，不能再上传材料")
    try:
        stored = evidence.store(upload)
    except evidence.EvidenceRejected as error:
        raise ServiceError(str(error)) from None
    made = RectificationEvidence.objects.create(
        item=item,
        filename=stored.filename,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=by,
    )
    _event(item, by, "上传佐证材料", item.get_state_display(), item.get_state_display(), stored.filename)
    return made


# --- rule table and results application ---------------------------------------------------------


@transaction.atomic
def rules_save(*, by: Any, bureau: Bureau, year: int, data: dict[str, Any]) -> RuleTableRecord:
    """Save a rule table after the core accepted it (a bad band is refused with its name)."""
    _bureau_reviewer(by, bureau.pk)
    try:
        rule_table(data)
    except RuleTableError as error:
        raise ServiceError(f"规则表未保存：{error}") from None
    record, _ = RuleTableRecord.objects.update_or_create(
        bureau=bureau, year=year, defaults={"data": data, "updated_by": by}
    )
    return record


def _score_of(evaluation: Evaluation) -> tuple[Decimal | None, str]:
    re_evaluation = getattr(evaluation, "re_evaluation", None)
    if re_evaluation is not None and re_evaluation.total is not None:
        return re_evaluation.total, "财政重点评价得分"
    version = evaluation.current_version
    return (version.total if version else None), "计算得分"


def _budget_of(document: dict[str, Any]) -> tuple[Decimal, Decimal | None]:
    """This year's full-year budget and year-end balance in 万元 (a table in 元 is converted)."""
    budget = document.get("budget") or {}
    amount = budget.get("adjusted") or budget.get("initial") or 0
    balance = budget.get("carryover")
    per_wan = YUAN_PER_WAN if budget.get("unit") == AmountUnit.YUAN.value else Decimal(1)
    try:
        return Decimal(str(amount)) / per_wan, (Decimal(str(balance)) / per_wan if balance not in (None, "") else None)
    except ArithmeticError:
        return Decimal(0), None


@transaction.atomic
def application_build(*, by: Any, bureau: Bureau, year: int) -> Application:
    """(Re)build the year's list from the rule table: approved and published evaluations only.

    A confirmed list is not rebuilt. Three queries for the evaluations, whatever their number,
    then one insert of all lines.
    """
    _bureau_reviewer(by, bureau.pk)
    data = selectors.rules_for(bureau, year)
    try:
        table = rule_table(data)
    except RuleTableError as error:
        raise ServiceError(f"规则表有误：{error}") from None
    application, _ = Application.objects.get_or_create(
        bureau=bureau, year=year, defaults={"rules": data, "created_by": by}
    )
    if application.confirmed_at is not None:
        raise ServiceError(
            f"{year} 年度结果应用清单已于 {timezone.localtime(application.confirmed_at):%Y-%m-%d} 确认，不能重新生成"
        )
    done = ("approved", "published")
    evaluations = list(
        Evaluation.objects.filter(unit__bureau=bureau, year=year, state__in=done)
        .select_related("unit", "current_version", "re_evaluation")
        .order_by("unit__code", "kind", "project")
    )
    before = _balances(bureau, year - 1)
    lines = []
    for evaluation in evaluations:
        score, source = _score_of(evaluation)
        document = evaluation.current_version.document if evaluation.current_version else {}
        amount, balance = _budget_of(document)
        name = f"{evaluation.unit.name} · {evaluation.project}" if evaluation.project else evaluation.unit.name
        key = (evaluation.unit_id, evaluation.kind, evaluation.project)
        lines.append(
            ResultLine(str(evaluation.pk), name, evaluation.kind, score, amount, source, balance, before.get(key))
        )
    suggestions = apply_rules(table, lines)
    ApplicationLine.objects.filter(application=application).delete()
    ApplicationLine.objects.bulk_create(
        ApplicationLine(
            application=application,
            unit_id=evaluation.unit_id,
            evaluation=evaluation,
            kind=evaluation.kind,
            name=s.line.name,
            score=s.line.score,
            score_source=s.line.score_source,
            grade=s.grade,
            suggestion=s.suggestion,
            budget=s.line.budget,
            suggested=s.suggested,
            ranking=s.ranking.value,
            rank=s.rank,
            reasons=list(s.reasons),
        )
        for evaluation, s in zip(evaluations, suggestions, strict=True)
    )
    application.rules = data
    application.created_by = by
    application.save(update_fields=["rules", "created_by"])
    return application


def _balances(bureau: Bureau, year: int) -> dict[tuple[int, str, str], Decimal]:
    found = Evaluation.objects.filter(unit__bureau=bureau, year=year).select_related("current_version")
    out = {}
    for evaluation in found:
        if evaluation.current_version is None:
            continue
        _, balance = _budget_of(evaluation.current_version.document)
        if balance is not None:
            out[(evaluation.unit_id, evaluation.kind, evaluation.project)] = balance
    return out


@transaction.atomic
def line_adjust(*, by: Any, line: ApplicationLine, amount: Decimal | None, note: str) -> None:
    application = line.application
    _bureau_reviewer(by, application.bureau_id)
    if application.confirmed_at is not None:
        raise ServiceError("结果应用清单已确认，不能再调整")
    if amount is not None and amount < 0:
        raise ServiceError("调整后的预算不能为负数")
    if amount is not None and not note.strip():
        raise ServiceError("调整建议数须写明理由")
    line.adjusted = amount
    line.adjust_note = note.strip() if amount is not None else ""
    line.adjusted_by, line.adjusted_at = by, timezone.now()  # who set (or cleared) the bureau's figure
    line.save(update_fields=["adjusted", "adjust_note", "adjusted_by", "adjusted_at"])


@transaction.atomic
def application_confirm(*, by: Any, application: Application) -> None:
    _bureau_reviewer(by, application.bureau_id)
    updated = Application.objects.filter(pk=application.pk, confirmed_at__isnull=True).update(
        confirmed_by=by, confirmed_at=timezone.now()
    )
    if not updated:
        raise ServiceError("结果应用清单已经确认过")
    application.refresh_from_db()


# --- bureau re-evaluation (重点评价 / 抽评) --------------------------------------------------------

#: states in which an evaluation can be sampled: the unit has signed it off
SAMPLED_STATES = frozenset({"signed", "approved", "published"})


@transaction.atomic
def re_evaluate(
    *,
    by: Any,
    evaluation: Evaluation,
    actuals: dict[int, str],
    executed: str = "",
    note: str = "",
) -> ReEvaluation:
    """The bureau's own score of a sampled evaluation: the unit's document with the reviewer's
    actual values (and, if given, full-year spending), scored by the core under the same framework.

    The difference to the unit's score is kept (``ReEvaluation.difference``); every save is
    recorded with the values that differ from the unit's.
    """
    _bureau_reviewer(by, evaluation.unit.bureau_id)
    if evaluation.state not in SAMPLED_STATES:
        raise ServiceError("只能对单位负责人已签批的自评进行重点评价")
    version = EvaluationVersion.objects.get(pk=evaluation.current_version_id)
    document = clone(version.document)
    changes: dict[str, list[str]] = {}
    indicators = document.get("indicators") or []
    for index, raw in actuals.items():
        text = raw.strip()[:200]
        if 0 <= index < len(indicators) and text and text != str(indicators[index].get("actual") or ""):
            changes[f"indicators[{index}].actual"] = [str(indicators[index].get("actual") or ""), text]
            indicators[index]["actual"] = text
            indicators[index].pop("stated_score", None)
    budget = document.setdefault("budget", {})
    if executed.strip() and executed.strip() != str(budget.get("executed") or ""):
        changes["budget.executed"] = [str(budget.get("executed") or ""), executed.strip()[:40]]
        budget["executed"] = executed.strip()[:40]
    canonical, assessment = assess_document(evaluation, document)
    card = assessment.scorecard
    self_total = version.adopted_total if version.adopted_total is not None else version.total
    found, _ = ReEvaluation.objects.update_or_create(
        evaluation=evaluation,
        defaults={
            "reviewer": by,
            "document": canonical,
            "total": card.total,
            "grade": card.grade or "",
            "self_total": self_total,
            "note": note.strip(),
        },
    )
    ReEvaluationEvent.objects.create(
        re_evaluation=found,
        actor=by,
        total=card.total,
        grade=card.grade or "",
        changes=changes,
        note=note.strip()[:5000],
    )
    return found


# --- 部门评价 (docs/results.md#coverage) --------------------------------------------------------


def may_record_department(user: Any, evaluation: Evaluation) -> bool:
    """The unit's preparer or head, or the unit's bureau reviewer; nobody else."""
    scope = scope_of(user)
    return bool(
        scope.unit_roles.get(evaluation.unit_id, frozenset()) & UNIT_ROLES
        or scope.bureau_roles.get(evaluation.unit.bureau_id, frozenset()) & BUREAU_ROLES
    )


def _may_record_department(user: Any, evaluation: Evaluation) -> None:
    if not may_record_department(user, evaluation):
        raise PermissionDenied("只有本单位的填报人、单位负责人或本局的财政审核人可以登记部门评价")


def _department_score(raw: str) -> Decimal | None:
    text = raw.strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise ServiceError(f"部门评价得分“{text[:20]}”不是数字") from None
    problem = bounds.SCORE.problem(value)
    if problem is not None:
        raise ServiceError(f"部门评价得分{problem}")
    return value


def _department_fields(found: DepartmentEvaluation | None) -> dict[str, str]:
    if found is None:
        return {}
    return {
        "评价部门": found.evaluator,
        "完成日期": found.completed.isoformat(),
        "得分": "" if found.score is None else fmt(found.score),
        "等级": found.grade,
        "评价报告": found.report,
        "说明": found.note,
    }


@transaction.atomic
def department_record(
    *,
    by: Any,
    evaluation: Evaluation,
    evaluator: str,
    completed: date | None,
    score: str = "",
    grade: str = "",
    report: str = "",
    note: str = "",
) -> DepartmentEvaluation:
    """Record (or change) that the project was evaluated by its 主管部门; every change is recorded
    with the fields before and after."""
    _may_record_department(by, evaluation)
    if evaluation.kind != EvaluationKind.PROJECT.value:
        raise ServiceError("部门评价只登记在项目支出自评上")
    evaluator = evaluator.strip()
    if not evaluator:
        raise ServiceError("请填写评价部门（主管部门名称）")
    if len(evaluator) > 200:
        raise ServiceError("评价部门名称不能超过 200 个字")
    if completed is None:
        raise ServiceError("请填写部门评价的完成日期")
    value = _department_score(score)
    grade, report, note = grade.strip(), report.strip(), note.strip()
    if grade and grade not in selectors.GRADES:
        raise ServiceError(f"部门评价等级应为{'、'.join(selectors.GRADES)}之一")
    if len(report) > 300:
        raise ServiceError("评价报告的文号或标题不能超过 300 个字")
    if len(note) > 5000:
        raise ServiceError(f"说明不能超过 5000 个字（现有 {len(note)} 个字）")
    before = DepartmentEvaluation.objects.select_for_update().filter(evaluation=evaluation).first()
    old = _department_fields(before)
    found, _ = DepartmentEvaluation.objects.update_or_create(
        evaluation=evaluation,
        defaults={
            "evaluator": evaluator,
            "completed": completed,
            "score": value,
            "grade": grade,
            "report": report,
            "note": note,
            "recorded_by": by,
        },
    )
    found.refresh_from_db()  # the score as stored (two decimals), for the record of the change
    new = _department_fields(found)
    changes = {key: [old.get(key, ""), text] for key, text in new.items() if old.get(key, "") != text}
    if before is None or changes:
        DepartmentEvaluationEvent.objects.create(
            evaluation=evaluation, actor=by, action="修改" if before else "登记", changes=changes
        )
    return found


@transaction.atomic
def department_remove(*, by: Any, evaluation: Evaluation, note: str = "") -> None:
    """Remove the record (e.g. entered on the wrong project); the removal and what it said are kept."""
    _may_record_department(by, evaluation)
    note = note.strip()
    if len(note) > 1000:
        raise ServiceError(f"删除理由不能超过 1000 个字（现有 {len(note)} 个字）")
    found = DepartmentEvaluation.objects.select_for_update().filter(evaluation=evaluation).first()
    if found is None:
        raise ServiceError("该项目没有登记部门评价")
    changes = {key: [text, ""] for key, text in _department_fields(found).items()}
    if note:
        changes["删除理由"] = ["", note]
    found.delete()
    DepartmentEvaluationEvent.objects.create(evaluation=evaluation, actor=by, action="删除", changes=changes)


__all__ = ["EvaluationKind"]
