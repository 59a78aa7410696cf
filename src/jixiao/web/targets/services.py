"""Every write of the targets app: library, declarations and their workflow, adjustments, monitoring.

Each service checks the user's role on the unit or bureau again (views check first), runs in one
transaction, validates documents with the core before writing, and records declaration changes
as :class:`DeclarationEvent` rows with the field-level diff. Monitoring reports get their lights
and priority recomputed from the core on every save, so the overview only reads columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from jixiao.core.findings import Finding, Severity
from jixiao.core.targets import check_declaration, check_monitoring, lights_for
from jixiao.core.targets.followup import Adjustment, RedMark, check_followup
from jixiao.core.targets.model import Declaration as CoreDeclaration
from jixiao.core.targets.model import DeclarationKind, DeclarationStatus, LibraryEntry
from jixiao.core.targets.monitoring import Decision, LightRules, with_targets
from jixiao.core.targets.monitoring import MonitoringReport as CoreReport
from jixiao.core.targets.monitoring import priority as priority_of
from jixiao.core.values import Direction
from jixiao.ingest.errors import InputError
from jixiao.ingest.targets_file import parse_declaration, parse_monitoring, seed_library, to_data
from jixiao.web.accounts.models import Bureau, Role, Unit
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations.documents import diff
from jixiao.web.targets.errors import RoundClosed, TargetsError
from jixiao.web.targets.models import (
    AdjustmentStatus,
    Declaration,
    DeclarationAction,
    DeclarationEvent,
    LibraryIndicator,
    LightRuleSet,
    MonitoringDecision,
    MonitoringReport,
    MonitoringRound,
    TargetAdjustment,
    TargetValue,
)

EDITABLE = frozenset({DeclarationStatus.DRAFT.value, DeclarationStatus.RETURNED.value})
UNIT_EDITORS = frozenset({Role.PREPARER, Role.HEAD})


# --- permissions ----------------------------------------------------------------------------------


def roles_on(user: Any, unit: Unit) -> frozenset[Role]:
    return scope_of(user).roles_on(unit.pk, unit.bureau_id)


def require_unit_editor(user: Any, unit: Unit) -> None:
    if not roles_on(user, unit) & UNIT_EDITORS:
        raise PermissionDenied("只有本单位的填报人或单位负责人可以填报")


def require_reviewer(user: Any, bureau_id: int) -> None:
    scope = scope_of(user)
    if Role.REVIEWER not in scope.bureau_roles.get(bureau_id, frozenset()):
        raise PermissionDenied("只有本级财政审核人可以审核")


def require_bureau_staff(user: Any, bureau_id: int) -> None:
    scope = scope_of(user)
    if not scope.superuser and not scope.bureau_roles.get(bureau_id):
        raise PermissionDenied("只有财政部门的审核人或管理员可以操作")


# --- the library ---------------------------------------------------------------------------------


def entry_of(row: LibraryIndicator) -> LibraryEntry:
    return LibraryEntry(
        code=row.code, l1=row.l1, l2=row.l2, name=row.name, sector=row.sector, project_type=row.project_type,
        explanation=row.explanation, direction=Direction(row.direction), unit=row.unit, scoring=row.scoring,
        typical=row.typical, locked=row.locked, floor=row.floor,
    )  # fmt: skip


def library_of(bureau_id: int) -> tuple[LibraryEntry, ...]:
    return tuple(entry_of(row) for row in LibraryIndicator.objects.filter(bureau_id=bureau_id))


def _row_fields(entry: LibraryEntry) -> dict[str, Any]:
    return {
        "sector": entry.sector, "project_type": entry.project_type, "l1": entry.l1, "l2": entry.l2,
        "name": entry.name, "explanation": entry.explanation, "direction": entry.direction.value, "unit": entry.unit,
        "scoring": entry.scoring, "typical": entry.typical, "locked": entry.locked, "floor": entry.floor,
    }  # fmt: skip


@transaction.atomic
def library_load(bureau: Bureau, entries: Iterable[LibraryEntry], by: Any) -> tuple[int, int]:
    """Add or update library entries by code; returns (added, updated)."""
    require_bureau_staff(by, bureau.pk)
    existing = {row.code: row for row in LibraryIndicator.objects.filter(bureau=bureau)}
    added: list[LibraryIndicator] = []
    changed: list[LibraryIndicator] = []
    for entry in entries:
        fields = _row_fields(entry)
        row = existing.get(entry.code)
        if row is None:
            added.append(LibraryIndicator(bureau=bureau, code=entry.code, **fields))
            continue
        if any(getattr(row, key) != value for key, value in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            changed.append(row)
    LibraryIndicator.objects.bulk_create(added)
    if changed:
        LibraryIndicator.objects.bulk_update(changed, list(_row_fields(seed_library()[0])))
    return len(added), len(changed)


def library_seed(bureau: Bureau, by: Any) -> tuple[int, int]:
    """Load jixiao's demo library (docs/targets.md#library) into a bureau's library."""
    return library_load(bureau, seed_library(), by)


# --- declarations ----------------------------------------------------------------------------------


def read_declaration(document: Any) -> CoreDeclaration:
    try:
        return parse_declaration(document, "申报内容")
    except InputError as error:
        where = f"{error.location}：" if error.location else ""
        raise TargetsError(f"{where}{error.message}") from None


def canonical(core: CoreDeclaration) -> dict[str, Any]:
    data = to_data(core)
    assert isinstance(data, dict)
    return {"schema": "jixiao/declaration@1", **data}


def assess(declaration: Declaration, document: Any) -> tuple[dict[str, Any], CoreDeclaration, tuple[Finding, ...]]:
    """The canonical document, its core declaration and the review findings against the bureau's library."""
    core = read_declaration(document)
    if core.year != declaration.year:
        raise TargetsError(f"年度为 {core.year}，与本申报的 {declaration.year} 年度不一致")
    if core.kind.value != declaration.kind:
        raise TargetsError(f"申报类型为“{core.kind.label}”，与本申报不一致")
    return canonical(core), core, check_declaration(core, library_of(declaration.unit.bureau_id))


def starter_document(unit: Unit, year: int, kind: DeclarationKind, project: str) -> dict[str, Any]:
    document: dict[str, Any] = {"schema": "jixiao/declaration@1", "kind": kind.value, "year": year, "unit": unit.name}
    if kind is DeclarationKind.PROJECT:
        document["project"] = project
        document["implementing_unit"] = unit.name
    if unit.superior_id is not None and unit.superior is not None:
        document["supervising_dept"] = unit.superior.name
    return document


def _count(declaration: Declaration, findings: Sequence[Finding], core: CoreDeclaration) -> None:
    declaration.p0_count = sum(1 for f in findings if f.severity is Severity.P0)
    declaration.p1_count = sum(1 for f in findings if f.severity is Severity.P1)
    declaration.p2_count = sum(1 for f in findings if f.severity is Severity.P2)
    declaration.request_amount = core.funds.request


def _event(declaration: Declaration, by: Any, action: DeclarationAction, changes: dict[str, Any] | None = None,
           note: str = "") -> None:  # fmt: skip
    DeclarationEvent.objects.create(declaration=declaration, actor=by, action=action.value, changes=changes or {},
                                    note=note)  # fmt: skip


@transaction.atomic
def declaration_create(
    *, unit: Unit, year: int, kind: DeclarationKind, project: str, by: Any, document: dict[str, Any] | None = None
) -> Declaration:
    require_unit_editor(by, unit)
    project = project.strip() if kind is DeclarationKind.PROJECT else ""
    if kind is DeclarationKind.PROJECT and not project:
        raise TargetsError("项目支出的绩效目标须填写项目名称")
    declaration = Declaration(unit=unit, year=year, kind=kind.value, project=project)
    document = document or starter_document(unit, year, kind, project)
    document = {**document, "unit": unit.name, "year": year, "kind": kind.value}
    if project:
        document["project"] = project
    data, core, findings = assess(declaration, document)
    declaration.document = data
    _count(declaration, findings, core)
    try:
        with transaction.atomic():
            declaration.save()
    except IntegrityError:
        raise TargetsError(f"{unit.name}已有 {year} 年度“{project or '部门整体'}”的绩效目标申报") from None
    _event(declaration, by, DeclarationAction.CREATE)
    return declaration


def _claim(declaration: Declaration, states: Iterable[str], expected: int, doing: str, **changes: Any) -> None:
    updated = Declaration.objects.filter(pk=declaration.pk, status__in=list(states), lock_version=expected).update(
        lock_version=F("lock_version") + 1, updated_at=timezone.now(), **changes
    )
    if updated == 0:
        fresh = Declaration.objects.only("status", "lock_version").get(pk=declaration.pk)
        if fresh.status not in states:
            raise TargetsError(f"此申报当前状态为“{DeclarationStatus(fresh.status).label}”，不能{doing}")
        raise TargetsError(f"未能{doing}：其他人已修改此申报。本次内容没有保存；请刷新页面查看最新内容后再修改。")
    declaration.refresh_from_db()


@transaction.atomic
def declaration_save(*, declaration: Declaration, document: Any, by: Any, expected_lock_version: int) -> bool:
    """Replace the document (draft or returned only); False if nothing changed."""
    require_unit_editor(by, declaration.unit)
    if declaration.status not in EDITABLE:
        raise TargetsError(f"此申报当前状态为“{declaration.get_status_display()}”，不能修改")
    data, core, findings = assess(declaration, document)
    changes = diff(declaration.document, data)
    if not changes:
        return False
    _count(declaration, findings, core)
    _claim(
        declaration, EDITABLE, expected_lock_version, "保存", document=data, p0_count=declaration.p0_count,
        p1_count=declaration.p1_count, p2_count=declaration.p2_count, request_amount=declaration.request_amount,
    )  # fmt: skip
    _event(declaration, by, DeclarationAction.SAVE, changes)
    return True


@transaction.atomic
def declaration_submit(*, declaration: Declaration, by: Any, expected_lock_version: int) -> None:
    require_unit_editor(by, declaration.unit)
    _, _, findings = assess(declaration, declaration.document)
    blocking = [f for f in findings if f.severity is Severity.P0]
    if blocking:
        lines = "；".join(f.message for f in blocking[:3])
        raise TargetsError(f"有 {len(blocking)} 项 P0（阻断）问题，不能提交：{lines}")
    _claim(declaration, EDITABLE, expected_lock_version, "提交", status=DeclarationStatus.SUBMITTED.value)
    _event(declaration, by, DeclarationAction.SUBMIT)


@transaction.atomic
def declaration_return(*, declaration: Declaration, by: Any, expected_lock_version: int, note: str) -> None:
    require_reviewer(by, declaration.unit.bureau_id)
    if not note.strip():
        raise TargetsError("退回须写明理由")
    submitted = {DeclarationStatus.SUBMITTED.value}
    _claim(declaration, submitted, expected_lock_version, "退回", status=DeclarationStatus.RETURNED.value)
    _event(declaration, by, DeclarationAction.RETURN, note=note.strip())


@transaction.atomic
def declaration_approve(*, declaration: Declaration, by: Any, expected_lock_version: int, note: str = "") -> None:
    require_reviewer(by, declaration.unit.bureau_id)
    submitted = {DeclarationStatus.SUBMITTED.value}
    now = timezone.now()
    _claim(declaration, submitted, expected_lock_version, "审核通过", status=DeclarationStatus.APPROVED.value,
           approved_by=by, approved_at=now)  # fmt: skip
    _event(declaration, by, DeclarationAction.APPROVE, note=note.strip())
    _record_values(declaration)


def _record_values(declaration: Declaration) -> None:
    """The approved values, for the type-ahead's "values other units used"."""
    core = read_declaration(declaration.document)
    TargetValue.objects.filter(declaration=declaration).delete()
    TargetValue.objects.bulk_create(
        TargetValue(
            bureau_id=declaration.unit.bureau_id,
            declaration=declaration,
            unit_name=declaration.unit.name,
            year=declaration.year,
            code=item.library_code,
            name=item.name,
            target=item.target.text[:200],
            last_year=item.last_year.text[:200],
        )
        for item in core.indicators
    )


# --- target adjustments (目标调整) ------------------------------------------------------------------


@transaction.atomic
def adjustment_request(*, declaration: Declaration, indicator: str, new: str, reason: str, by: Any) -> TargetAdjustment:
    require_unit_editor(by, declaration.unit)
    if declaration.status != DeclarationStatus.APPROVED.value:
        raise TargetsError("只有审核通过的绩效目标才需要目标调整；未通过的申报可以直接修改")
    if not reason.strip():
        raise TargetsError("目标调整须写明理由")
    core = read_declaration(declaration.document)
    found = next((item for item in core.indicators if item.name == indicator), None)
    if found is None:
        raise TargetsError(f"批复的绩效目标中没有指标“{indicator}”")
    if not new.strip() or new.strip() == found.target.text:
        raise TargetsError("请填写与原指标值不同的调整后指标值")
    adjustment = TargetAdjustment.objects.create(
        declaration=declaration, indicator=indicator, old=found.target.text, new=new.strip(), reason=reason.strip(),
        requested_by=by,
    )  # fmt: skip
    _event(declaration, by, DeclarationAction.ADJUST_REQUEST, {indicator: [found.target.text, new.strip()]}, reason)
    return adjustment


@transaction.atomic
def adjustment_decide(*, adjustment: TargetAdjustment, approve: bool, note: str, by: Any) -> None:
    """The reviewer agrees (the approved target changes, recorded) or refuses."""
    declaration = adjustment.declaration
    require_reviewer(by, declaration.unit.bureau_id)
    pending = TargetAdjustment.objects.filter(pk=adjustment.pk, status=AdjustmentStatus.PENDING.value)
    status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REFUSED
    if pending.update(status=status.value, reviewer=by, decided_at=timezone.now(), review_note=note.strip()) == 0:
        raise TargetsError("此目标调整已经审核过")
    if not approve:
        _event(declaration, by, DeclarationAction.ADJUST_REFUSE, note=note.strip())
        return
    document = dict(declaration.document)
    rows = [dict(row) for row in document.get("indicators", [])]
    for row in rows:
        if row.get("name") == adjustment.indicator:
            row["target"] = adjustment.new
    document["indicators"] = rows
    data = canonical(read_declaration(document))
    changes = diff(declaration.document, data)
    Declaration.objects.filter(pk=declaration.pk).update(document=data, lock_version=F("lock_version") + 1)
    _event(declaration, by, DeclarationAction.ADJUST_APPROVE, changes, f"{adjustment.reason}；审核意见：{note.strip()}")
    _record_values(Declaration.objects.select_related("unit").get(pk=declaration.pk))


# --- what the self-evaluation takes from the targets (docs/targets.md#followup) --------------------


@dataclass(frozen=True)
class Approved:
    """An approved declaration with its adjustments and the year's red lights, for the self-evaluation."""

    declaration: Declaration
    core: CoreDeclaration
    adjustments: tuple[Adjustment, ...]
    reds: tuple[RedMark, ...]


def approved_for(unit_id: int, year: int, project: str) -> Approved | None:
    """The approved declaration for this unit, year and project (部门整体 when ``project`` is blank)."""
    found = (
        Declaration.objects.filter(unit_id=unit_id, year=year, project=project, status=DeclarationStatus.APPROVED.value)
        .select_related("unit")
        .first()
    )
    if found is None:
        return None
    adjustments = tuple(
        Adjustment(a.indicator, a.old, a.new, a.reason, a.status == AdjustmentStatus.APPROVED.value)
        for a in found.adjustments.all()
    )
    reds = tuple(
        RedMark(name, round_name)
        for names, round_name in found.monitoring.values_list("red_indicators", "round__name")
        for name in names
    )
    return Approved(found, read_declaration(found.document), adjustments, reds)


def followup_findings(unit_id: int, year: int, project: str, evaluation: Any, scorecard: Any) -> tuple[Finding, ...]:
    """What the self-evaluation owes the year's approved targets and red lights (docs/targets.md#followup).

    One query when the unit declared no targets for it; nothing is reported then.
    """
    approved = approved_for(unit_id, year, project)
    if approved is None:
        return ()
    return check_followup(evaluation, approved.core, approved.adjustments, approved.reds, scorecard)


def prefill_indicators(document: dict[str, Any], approved: Approved) -> dict[str, Any]:
    """An evaluation document whose indicators start as the approved targets, each marked as approved."""
    source = f"绩效目标申报（审核通过，编号 {approved.declaration.pk}）"
    indicators = []
    sources = dict(document.get("sources") or {})
    for position, item in enumerate(approved.core.indicators):
        row: dict[str, Any] = {"l1": item.l1, "l2": item.l2, "name": item.name, "target": item.target.text}
        if item.direction is not None:
            row["direction"] = item.direction.value
        if item.unit:
            row["unit"] = item.unit
        if item.weight is not None:
            row["weight"] = format(item.weight, "f")
        indicators.append(row)
        sources[f"indicators[{position}].target"] = source
    return {**document, "indicators": indicators, "sources": sources}


# --- monitoring ------------------------------------------------------------------------------------


def rules_of(bureau_id: int) -> LightRules:
    found = LightRuleSet.objects.filter(bureau_id=bureau_id).first()
    if found is None:
        return LightRules()
    return LightRules(
        red_lag=found.red_lag, yellow_lag=found.yellow_lag, blue_ahead=found.blue_ahead,
        possible_counts_as_achievable=found.possible_counts_as_achievable,
    )  # fmt: skip


def starter_report(monitoring_round: MonitoringRound, declaration: Declaration) -> dict[str, Any]:
    core = read_declaration(declaration.document)
    return {
        "year": monitoring_round.year, "month": monitoring_round.month, "round": monitoring_round.name,
        "unit": declaration.unit.name, "project": declaration.project,
        "budget": {"initial": format(core.funds.request, "f")} if core.funds.request is not None else {},
        "indicators": [{"name": item.name} for item in core.indicators],
    }  # fmt: skip


@transaction.atomic
def round_open(*, bureau: Bureau, year: int, month: int, name: str, deadline: Any, by: Any) -> MonitoringRound:
    """Open a round: one report, to be filled in, for every approved declaration of the year."""
    require_reviewer(by, bureau.pk)
    if not 1 <= month <= 12:
        raise TargetsError("截止月份应在 1–12 之间")
    try:
        with transaction.atomic():
            opened = MonitoringRound.objects.create(
                bureau=bureau, year=year, month=month, name=name.strip() or f"{year}年1—{month}月", deadline=deadline,
                opened_by=by,
            )  # fmt: skip
    except IntegrityError:
        raise TargetsError(f"{year} 年 1—{month} 月的监控轮次已经开启") from None
    approved = Declaration.objects.filter(
        unit__bureau=bureau, year=year, status=DeclarationStatus.APPROVED.value
    ).select_related("unit")
    rules = rules_of(bureau.pk)
    reports = []
    for declaration in approved:
        report = MonitoringReport(round=opened, declaration=declaration, unit=declaration.unit,
                                  document=starter_report(opened, declaration))  # fmt: skip
        derive(report, declaration, rules)
        reports.append(report)
    MonitoringReport.objects.bulk_create(reports)
    return opened


def round_close(*, monitoring_round: MonitoringRound, by: Any) -> None:
    require_reviewer(by, monitoring_round.bureau_id)
    MonitoringRound.objects.filter(pk=monitoring_round.pk).update(closed=True)


def read_report(document: Any) -> CoreReport:
    try:
        return parse_monitoring(document, "监控填报")
    except InputError as error:
        where = f"{error.location}：" if error.location else ""
        raise TargetsError(f"{where}{error.message}") from None


DERIVED = ["available", "execution_rate", "lag", "budget_light", "target_light", "overall_light", "priority",
           "red_indicators", "p0_count", "p1_count"]  # fmt: skip


def derive(report: MonitoringReport, declaration: Declaration, rules: LightRules,
           core_declaration: CoreDeclaration | None = None) -> tuple[Finding, ...]:  # fmt: skip
    """Recompute the report's derived columns (lights, rate, priority) from its document."""
    approved = core_declaration or read_declaration(declaration.document)
    core = with_targets(read_report(report.document), approved)
    lights = lights_for(core, rules)
    report.available = core.budget.available
    report.execution_rate = lights.execution_rate
    report.lag = lights.lag
    report.budget_light = lights.budget.value
    report.target_light = lights.target.value
    report.overall_light = lights.overall.value
    report.priority = priority_of(lights, core.budget.available)
    report.red_indicators = [item.name for item, light in zip(core.indicators, lights.indicators, strict=True)
                             if light.value == "red"]  # fmt: skip
    findings = check_monitoring(core, approved, rules)
    report.p0_count = sum(1 for f in findings if f.severity is Severity.P0)
    report.p1_count = sum(1 for f in findings if f.severity is Severity.P1)
    return findings


@transaction.atomic
def report_save(*, report: MonitoringReport, document: dict[str, Any], by: Any, submit: bool = False) -> None:
    """Save a unit's report; refused (the page keeps the typed values) once the round is closed."""
    require_unit_editor(by, report.unit)
    fresh_round = MonitoringRound.objects.get(pk=report.round_id)
    if fresh_round.closed:
        raise RoundClosed(
            f"监控轮次“{fresh_round.name}”已关闭，本次填报没有保存；页面保留了您填写的内容，请联系财政审核人"
        )
    document = {**document, "year": fresh_round.year, "month": fresh_round.month, "round": fresh_round.name,
                "unit": report.unit.name, "project": report.declaration.project}  # fmt: skip
    report.document = document
    findings = derive(report, report.declaration, rules_of(report.unit.bureau_id))
    if submit:
        blocking = [f for f in findings if f.severity is Severity.P0]
        if blocking:
            raise TargetsError(f"有 {len(blocking)} 项 P0（阻断）问题，不能提交：{blocking[0].message}")
        report.submitted = True
    report.updated_by = by
    report.save()


def recompute_round(monitoring_round: MonitoringRound) -> int:
    """Recompute every report's lights of a round (after the bureau changes its thresholds)."""
    rules = rules_of(monitoring_round.bureau_id)
    reports = list(monitoring_round.reports.select_related("declaration"))
    cores: dict[int, CoreDeclaration] = {}
    for report in reports:
        core = cores.get(report.declaration_id)
        if core is None:
            core = cores[report.declaration_id] = read_declaration(report.declaration.document)
        derive(report, report.declaration, rules, core)
    _write_derived(reports)
    return len(reports)


def _write_derived(reports: list[MonitoringReport]) -> None:
    """One parameterised UPDATE run for every row (``bulk_update``'s CASE expressions cost seconds here)."""
    if not reports:
        return
    fields = [MonitoringReport._meta.get_field(name) for name in DERIVED]
    table = connection.ops.quote_name(MonitoringReport._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in fields)
    rows = [
        [*(field.get_db_prep_save(getattr(report, field.attname), connection) for field in fields), report.pk]
        for report in reports
    ]
    with connection.cursor() as cursor:
        # table and column names come from the model, values are parameters
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)


@transaction.atomic
def decision_record(*, report: MonitoringReport, decision: Decision, reason: str, by: Any) -> MonitoringDecision:
    require_reviewer(by, report.unit.bureau_id)
    if not reason.strip():
        raise TargetsError("处理决定须写明理由")
    return MonitoringDecision.objects.create(report=report, decision=decision.value, reason=reason.strip(), by=by)


def rules_save(*, bureau: Bureau, by: Any, red_lag: Decimal, yellow_lag: Decimal | None, blue_ahead: Decimal | None,
               possible_counts_as_achievable: bool) -> None:  # fmt: skip
    require_reviewer(by, bureau.pk)
    LightRuleSet.objects.update_or_create(
        bureau=bureau,
        defaults={"red_lag": red_lag, "yellow_lag": yellow_lag, "blue_ahead": blue_ahead,
                  "possible_counts_as_achievable": possible_counts_as_achievable},
    )  # fmt: skip
    for monitoring_round in MonitoringRound.objects.filter(bureau=bureau, closed=False):
        recompute_round(monitoring_round)
