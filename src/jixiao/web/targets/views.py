"""Pages of the targets app: indicator library, declarations and their workflow, monitoring rounds.

Every view reads through the selectors (404 for what the user may not see) and writes through the
services (which check the role again); refusals are shown as the services word them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.numbers import to_decimal
from jixiao.core.targets.model import DeclarationKind, DeclarationStatus
from jixiao.core.targets.monitoring import Decision, DeviationReason, Light, Likelihood
from jixiao.core.targets.review import check_declaration
from jixiao.ingest.limits import MiB
from jixiao.reports.declaration_forms import declaration_docx, declaration_xlsx
from jixiao.web.accounts.models import Bureau, Role
from jixiao.web.accounts.selectors import scope_of, units_for_user
from jixiao.web.choices import choices
from jixiao.web.responses import XLSX, download
from jixiao.web.targets import selectors, services
from jixiao.web.targets.errors import RoundClosed, TargetsError
from jixiao.web.targets.export import library_xlsx, overview_xlsx, read_library_xlsx
from jixiao.web.targets.models import Declaration, MonitoringReport, TargetAdjustment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_UPLOAD = 5 * MiB
HEADER_FIELDS = ("project", "nature", "category", "sector", "project_type", "supervising_dept", "implementing_unit",
                 "period_start", "period_end", "overall_goal", "annual_goal")  # fmt: skip
FUND_FIELDS = ("total", "request", "fiscal", "carryover", "other")
ROW_FIELDS = ("l1", "l2", "name", "target", "unit", "direction", "weight", "last_year", "below_last_year_reason",
              "library_code")  # fmt: skip
EXTRA_ROWS = 2
#: Rows per page of the monitoring overview (all projects: the light counts above it, and the export)
PAGE = 100


def _bureau_of_user(request: HttpRequest) -> Bureau:
    """The bureau whose library and rounds the user works with: their own, or their units' bureau."""
    scope = scope_of(request.user)
    wanted = request.GET.get("bureau", "") or request.POST.get("bureau", "")
    ids = scope.bureau_ids() | {unit.bureau_id for unit in units_for_user(request.user)}
    if scope.superuser:
        ids |= set(Bureau.objects.values_list("pk", flat=True))
    if not ids:
        raise PermissionDenied("您没有任何单位或财政局的角色")
    chosen = int(wanted) if wanted.isdigit() and int(wanted) in ids else min(ids)
    return Bureau.objects.get(pk=chosen)


def _is_staff(request: HttpRequest, bureau_id: int) -> bool:
    scope = scope_of(request.user)
    return scope.superuser or bool(scope.bureau_roles.get(bureau_id))


# --- declarations ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    declarations = selectors.declarations_for_user(request.user)[:500]
    units = list(units_for_user(request.user, Role.PREPARER, Role.HEAD))
    context = {"declarations": declarations, "units": units, "kinds": choices(DeclarationKind),
               "rounds": selectors.rounds_for_user(request.user)[:20]}  # fmt: skip
    return render(request, "targets/index.html", context)


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    unit = next((u for u in units_for_user(request.user, Role.PREPARER, Role.HEAD)
                 if str(u.pk) == request.POST.get("unit")), None)  # fmt: skip
    if unit is None:
        raise PermissionDenied("只有本单位的填报人或单位负责人可以新建绩效目标申报")
    year = request.POST.get("year", "")
    kind = request.POST.get("kind", "project")
    try:
        if not year.isdigit() or kind not in ("project", "department"):
            raise TargetsError("请填写年度和类型")
        declaration = services.declaration_create(
            unit=unit, year=int(year), kind=DeclarationKind(kind), project=request.POST.get("project", ""),
            by=request.user,
        )  # fmt: skip
    except TargetsError as error:
        messages.error(request, error.message)
        return redirect("targets:index")
    return redirect("targets:declaration", pk=declaration.pk)


def _posted_document(request: HttpRequest, declaration: Declaration) -> dict[str, Any]:
    post = request.POST
    document: dict[str, Any] = dict(declaration.document)
    for name in HEADER_FIELDS:
        value = post.get(f"h-{name}", "").strip()
        if name.startswith("period_"):
            document[name] = int(value) if value.isdigit() else None
        else:
            document[name] = value
    document["funds"] = {name: post.get(f"f-{name}", "").strip() or None for name in FUND_FIELDS}
    rows = []
    count = int(post.get("rows", "0")) if post.get("rows", "0").isdigit() else 0
    for n in range(min(count, 200)):
        if post.get(f"i-{n}-delete"):
            continue
        row = {name: post.get(f"i-{n}-{name}", "").strip() for name in ROW_FIELDS}
        if not row["name"]:
            continue
        rows.append({key: value for key, value in row.items() if value})
    document["indicators"] = rows
    for name in FUND_FIELDS:
        value = document["funds"][name]
        if value is not None and to_decimal(value) is None:
            raise TargetsError(f"资金“{name}”应为数字（万元），现为“{value}”")
        document["funds"][name] = None if value is None else str(to_decimal(value))
    document["funds"] = {k: v for k, v in document["funds"].items() if v is not None}
    return {k: v for k, v in document.items() if v not in (None, "")}


def _add_from_library(document: dict[str, Any], bureau_id: int, code: str) -> dict[str, Any]:
    entry = next((e for e in services.library_of(bureau_id) if e.code == code), None)
    if entry is None:
        raise TargetsError(f"指标库中没有编码为“{code}”的指标")
    row = {"l1": entry.l1, "l2": entry.l2, "name": entry.name, "unit": entry.unit, "library_code": entry.code,
           "direction": entry.direction.value}  # fmt: skip
    return {**document, "indicators": [*document.get("indicators", []), row]}


@login_required
def declaration(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_declaration(request.user, pk)
    roles = services.roles_on(request.user, found.unit)
    editor = bool(roles & services.UNIT_EDITORS)
    if request.method == "POST":
        if not editor:
            raise PermissionDenied("只有本单位的填报人或单位负责人可以修改")
        action = request.POST.get("do", "save")
        try:
            document = _posted_document(request, found)
            if action.startswith("add:"):
                document = _add_from_library(document, found.unit.bureau_id, action[4:])
            lock = int(request.POST.get("lock_version", "-1"))
            services.declaration_save(declaration=found, document=document, by=request.user,
                                      expected_lock_version=lock)  # fmt: skip
            found.refresh_from_db()
            if action == "submit":
                services.declaration_submit(declaration=found, by=request.user,
                                            expected_lock_version=found.lock_version)  # fmt: skip
                messages.success(request, "已提交，等待财政审核")
            else:
                messages.success(request, "已保存")
        except TargetsError as error:
            messages.error(request, error.message)
        return redirect("targets:declaration", pk=found.pk)
    core = services.read_declaration(found.document)
    findings = check_declaration(core, services.library_of(found.unit.bureau_id))
    rows = [
        {"l1": i.l1, "l2": i.l2, "name": i.name, "target": i.target.text, "unit": i.unit,
         "direction": i.direction.value if i.direction else "", "weight": "" if i.weight is None else i.weight,
         "last_year": i.last_year.text, "below_last_year_reason": i.below_last_year_reason,
         "library_code": i.library_code}
        for i in core.indicators
    ] + [{} for _ in range(EXTRA_ROWS)]  # fmt: skip
    codes = [i.library_code for i in core.indicators if i.library_code]
    context = {
        "d": found, "core": core, "findings": findings, "rows": rows, "row_count": len(rows),
        "editable": editor and found.status in services.EDITABLE,
        "reviewer": Role.REVIEWER in roles and found.status == DeclarationStatus.SUBMITTED.value,
        "bureau_reviewer": Role.REVIEWER in roles,
        "can_adjust": editor and found.status == DeclarationStatus.APPROVED.value,
        "events": found.events.select_related("actor")[:50],
        "adjustments": found.adjustments.select_related("requested_by", "reviewer"),
        "used": selectors.values_used(found.unit.bureau_id, codes),
        "directions": [("ge", "≥"), ("le", "≤"), ("eq", "="), ("qualitative", "定性")],
        "sectors": selectors.sectors_of(found.unit.bureau_id),
    }  # fmt: skip
    return render(request, "targets/declaration.html", context)


@login_required
@require_POST
def declaration_review(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_declaration(request.user, pk)
    lock = int(request.POST.get("lock_version", "-1"))
    note = request.POST.get("note", "")
    try:
        if request.POST.get("do") == "approve":
            services.declaration_approve(declaration=found, by=request.user, expected_lock_version=lock, note=note)
            messages.success(request, "已审核通过")
        else:
            services.declaration_return(declaration=found, by=request.user, expected_lock_version=lock, note=note)
            messages.success(request, "已退回")
    except TargetsError as error:
        messages.error(request, error.message)
    return redirect("targets:declaration", pk=found.pk)


@login_required
def declaration_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    found = selectors.get_declaration(request.user, pk)
    core = services.read_declaration(found.document)
    name = f"{found.unit.name}{found.year}年度绩效目标申报表{('-' + found.project) if found.project else ''}"
    if fmt == "docx":
        return download(declaration_docx(core), f"{name}.docx", DOCX)
    return download(declaration_xlsx(core), f"{name}.xlsx", XLSX)


@login_required
@require_POST
def adjustment_request(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_declaration(request.user, pk)
    try:
        services.adjustment_request(declaration=found, indicator=request.POST.get("indicator", ""),
                                    new=request.POST.get("new", ""), reason=request.POST.get("reason", ""),
                                    by=request.user)  # fmt: skip
        messages.success(request, "已提出目标调整，等待财政审核")
    except TargetsError as error:
        messages.error(request, error.message)
    return redirect("targets:declaration", pk=found.pk)


@login_required
@require_POST
def adjustment_decide(request: HttpRequest, pk: int, adjustment_pk: int) -> HttpResponse:
    found = selectors.get_declaration(request.user, pk)
    adjustment = (
        TargetAdjustment.objects.filter(pk=adjustment_pk, declaration=found).select_related("declaration__unit").first()
    )
    if adjustment is None:
        return redirect("targets:declaration", pk=found.pk)
    try:
        services.adjustment_decide(adjustment=adjustment, approve=request.POST.get("do") == "approve",
                                   note=request.POST.get("note", ""), by=request.user)  # fmt: skip
        messages.success(request, "已审核目标调整")
    except TargetsError as error:
        messages.error(request, error.message)
    return redirect("targets:declaration", pk=found.pk)


# --- the library -----------------------------------------------------------------------------------


@login_required
def library(request: HttpRequest) -> HttpResponse:
    bureau = _bureau_of_user(request)
    q = request.GET.get("q", "")[:50]
    sector = request.GET.get("sector", "")[:50]
    entries = list(selectors.library_search(bureau.pk, q, sector, limit=500))
    context = {"bureau": bureau, "entries": entries, "q": q, "sector": sector,
               "sectors": selectors.sectors_of(bureau.pk), "staff": _is_staff(request, bureau.pk)}  # fmt: skip
    return render(request, "targets/library.html", context)


@login_required
def library_suggest(request: HttpRequest) -> HttpResponse:
    """Type-ahead: library entries matching ``q`` with the values other units used."""
    bureau = _bureau_of_user(request)
    q = request.GET.get("q", "").strip()[:50]
    entries = list(selectors.library_search(bureau.pk, q, request.GET.get("sector", "")[:50], limit=10)) if q else []
    used = selectors.values_used(bureau.pk, [e.code for e in entries])
    rows = [{"entry": e, "used": used.get(e.code, [])} for e in entries]
    return render(request, "targets/_suggest.html", {"rows": rows, "q": q})


@login_required
def library_export(request: HttpRequest) -> HttpResponse:
    bureau = _bureau_of_user(request)
    entries = [services.entry_of(row) for row in selectors.library_search(bureau.pk, limit=100000)]
    return download(library_xlsx(entries), f"{bureau.name}绩效指标库.xlsx", XLSX)


@login_required
@require_POST
def library_import(request: HttpRequest) -> HttpResponse:
    bureau = _bureau_of_user(request)
    if not _is_staff(request, bureau.pk):
        raise PermissionDenied("只有财政部门的审核人或管理员可以维护指标库")
    try:
        if request.POST.get("do") == "seed":
            added, updated = services.library_seed(bureau, request.user)
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise TargetsError("请选择要导入的 .xlsx 文件")
            if upload.size > MAX_UPLOAD:
                raise TargetsError(f"文件超过 {MAX_UPLOAD // MiB} MB，请精简后再导入")
            added, updated = services.library_load(bureau, read_library_xlsx(upload.read()), request.user)
        messages.success(request, f"指标库已更新：新增 {added} 项，修改 {updated} 项")
    except TargetsError as error:
        messages.error(request, error.message)
    return redirect(f"{reverse('targets:library')}?bureau={bureau.pk}")


# --- monitoring ------------------------------------------------------------------------------------


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    bureau = _bureau_of_user(request)
    staff = _is_staff(request, bureau.pk)
    if request.method == "POST":
        if not staff:
            raise PermissionDenied("只有财政审核人可以开启监控轮次")
        year, month = request.POST.get("year", ""), request.POST.get("month", "")
        try:
            if not (year.isdigit() and month.isdigit()):
                raise TargetsError("请填写年度和截止月份")
            opened = services.round_open(bureau=bureau, year=int(year), month=int(month),
                                         name=request.POST.get("name", ""),
                                         deadline=request.POST.get("deadline") or None, by=request.user)  # fmt: skip
            messages.success(request, f"已开启“{opened.name}”，{opened.reports.count()} 个项目待填报")
        except TargetsError as error:
            messages.error(request, error.message)
        return redirect("targets:rounds")
    unit_ids = scope_of(request.user).unit_ids()
    my_reports = MonitoringReport.objects.filter(unit_id__in=unit_ids).select_related("round", "declaration", "unit")
    context = {"bureau": bureau, "rounds": selectors.rounds_for_user(request.user), "staff": staff,
               "my_reports": my_reports[:200]}  # fmt: skip
    return render(request, "targets/rounds.html", context)


def _overview_filters(request: HttpRequest) -> selectors.OverviewFilters:
    sort = request.GET.get("sort", "priority")
    return selectors.OverviewFilters(
        light=request.GET.get("light", ""), q=request.GET.get("q", "")[:50],
        sort=sort if sort in selectors.SORTS else "priority", submitted=request.GET.get("submitted", ""),
    )  # fmt: skip


def _staff_round(request: HttpRequest, pk: int) -> Any:
    found = selectors.get_round(request.user, pk)
    if not _is_staff(request, found.bureau_id):
        raise PermissionDenied("只有财政部门的审核人或管理员可以查看全部单位的监控情况")
    return found


@login_required
def round_overview(request: HttpRequest, pk: int) -> HttpResponse:
    found = _staff_round(request, pk)
    filters = _overview_filters(request)
    if request.method == "POST":
        try:
            if request.POST.get("do") == "close":
                services.round_close(monitoring_round=found, by=request.user)
                messages.success(request, "本轮监控已关闭")
            else:
                services.rules_save(
                    bureau=found.bureau, by=request.user,
                    red_lag=to_decimal(request.POST.get("red_lag", "0")) or Decimal(0),
                    yellow_lag=to_decimal(request.POST.get("yellow_lag", "")),
                    blue_ahead=to_decimal(request.POST.get("blue_ahead", "")),
                    possible_counts_as_achievable=request.POST.get("possible") == "1",
                )  # fmt: skip
                messages.success(request, "亮灯规则已保存，本局未关闭的监控轮次已按新规则重新亮灯")
        except TargetsError as error:
            messages.error(request, error.message)
        return redirect("targets:round", pk=found.pk)
    page_text = request.GET.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 100000 else 1
    rows = selectors.overview_rows(found, filters, limit=PAGE + 1, offset=(page - 1) * PAGE)
    has_next = len(rows) > PAGE
    rows = rows[:PAGE]
    paging = request.GET.copy()
    paging.pop("page", None)
    for row in rows:
        row["overall_label"] = Light(row["overall_light"]).label
        row["budget_label"] = Light(row["budget_light"]).label
        row["target_label"] = Light(row["target_light"]).label
    sorts = [(k, v[0]) for k, v in selectors.SORTS.items()]
    counted = selectors.light_counts(found)
    light_counts = [(value, label, counted.get(value, 0)) for value, label in choices(Light)]
    context = {"light_counts": light_counts, "round": found, "rows": rows, "filters": filters, "sorts": sorts,
               "lights": choices(Light), "counts": selectors.light_counts(found), "query": request.GET.urlencode(),
               "rules": services.rules_of(found.bureau_id), "page": page, "has_next": has_next,
               "paging": paging.urlencode(), "first": (page - 1) * PAGE + 1,
               "last": (page - 1) * PAGE + len(rows)}  # fmt: skip
    return render(request, "targets/round.html", context)


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    found = _staff_round(request, pk)
    rows = selectors.overview_rows(found, _overview_filters(request))
    title = f"{found.bureau.name} {found.name} 绩效运行监控汇总"
    return download(overview_xlsx(title, rows), f"{title}.xlsx", XLSX)


def _posted_report(request: HttpRequest, report: MonitoringReport) -> dict[str, Any]:
    post = request.POST
    budget = {name: post.get(f"b-{name}", "").strip() for name in ("initial", "added", "reduced", "spent")}
    budget = {k: v for k, v in budget.items() if v}
    items = []
    for n, item in enumerate(report.document.get("indicators", [])):
        row: dict[str, Any] = {"name": item.get("name", "")}
        for name in ("to_date", "expected", "likelihood", "reason_note", "measures"):
            value = post.get(f"i-{n}-{name}", "").strip()
            if value:
                row[name] = value
        reasons = post.getlist(f"i-{n}-reasons")
        if reasons:
            row["reasons"] = reasons
        items.append(row)
    return {**report.document, "budget": budget, "indicators": items}


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_report(request.user, pk)
    roles = services.roles_on(request.user, found.unit)
    editor = bool(roles & services.UNIT_EDITORS)
    document = found.document
    closed_notice = ""
    if request.method == "POST":
        if not editor:
            raise PermissionDenied("只有本单位的填报人或单位负责人可以填报")
        document = _posted_report(request, found)
        try:
            services.report_save(report=found, document=document, by=request.user,
                                 submit=request.POST.get("do") == "submit")  # fmt: skip
            messages.success(request, "已保存")
            return redirect("targets:report", pk=found.pk)
        except RoundClosed as error:
            closed_notice = error.message  # the typed values stay on the page below
        except TargetsError as error:
            messages.error(request, error.message)
            closed_notice = ""
        found.refresh_from_db()
    core = services.read_declaration(found.declaration.document)
    targets = {i.name: i for i in core.indicators}
    items = [{"n": n, "data": item, "target": targets.get(item.get("name", ""))}
             for n, item in enumerate(document.get("indicators", []))]  # fmt: skip
    context = {
        "r": found, "document": document, "items": items, "editor": editor and not found.round.closed,
        "closed_notice": closed_notice, "likelihoods": choices(Likelihood), "reasons": choices(DeviationReason),
        "decisions": choices(Decision), "reviewer": Role.REVIEWER in roles,
        "decision_list": found.decisions.select_related("by", "rectification_item"),
        "overall_label": Light(found.overall_light).label, "budget_label": Light(found.budget_light).label,
        "target_label": Light(found.target_light).label,
    }  # fmt: skip
    return render(request, "targets/report.html", context)


@login_required
@require_POST
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_report(request.user, pk)
    value = request.POST.get("decision", "")
    try:
        if value not in {d.value for d in Decision}:
            raise TargetsError("请选择处理决定")
        services.decision_record(report=found, decision=Decision(value), reason=request.POST.get("reason", ""),
                                 by=request.user)  # fmt: skip
        messages.success(request, "已记录处理决定")
    except TargetsError as error:
        messages.error(request, error.message)
    return redirect("targets:report", pk=found.pk)
