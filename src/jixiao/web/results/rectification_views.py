"""Rectification pages (docs/results.md#rectification): the list, one item, its evidence, and the
bureau issuing items from an evaluation's problems or a review finding."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.core import rectification as rect
from jixiao.web.accounts.models import Role, Unit
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.choices import choices, values
from jixiao.web.evaluations import selectors as evaluation_selectors
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.evidence import evidence_path
from jixiao.web.evaluations.workflow import Action
from jixiao.web.responses import download
from jixiao.web.results import selectors, services
from jixiao.web.targets import selectors as targets_selectors
from jixiao.web.targets.models import MonitoringDecision

#: which buttons a side sees, in order
UNIT_ACTIONS = (rect.Action.START, rect.Action.FEED_BACK)
BUREAU_ACTIONS = (rect.Action.APPROVE, rect.Action.RETURN, rect.Action.CLOSE)


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise ServiceError(f"整改期限“{text[:20]}”不是日期（格式 2024-06-30）") from None


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    year_text = request.GET.get("year", "")
    state = request.GET.get("state", "")
    filters = selectors.ItemFilters(
        year=int(year_text) if year_text.isdigit() and len(year_text) == 4 else None,
        state=state if state in values(rect.ItemState) else "",
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", "")[:100],
    )
    today = timezone.localdate()
    reviewer_bureaus = scope.bureau_ids(Role.REVIEWER)
    context = {
        "items": selectors.items(request.user, filters, today),
        "filters": filters,
        "states": choices(rect.ItemState),
        "sources": choices(rect.Source),
        "units": Unit.objects.filter(bureau_id__in=reviewer_bureaus).order_by("code") if reviewer_bureaus else [],
        "default_year": today.year - 1,
        "today": today,
    }
    return render(request, "results/rectification_list.html", context)


@login_required
@require_POST
def item_create(request: HttpRequest) -> HttpResponse:
    unit = Unit.objects.filter(pk=request.POST.get("unit", "0") or 0).first()
    if unit is None or not scope_of(request.user).sees(unit.pk, unit.bureau_id):
        raise PermissionDenied("只有本局的财政审核人可以下发整改事项")
    source = request.POST.get("source", "")
    try:
        year_text = request.POST.get("year", "")
        if not (year_text.isdigit() and len(year_text) == 4):
            raise ServiceError("请填写评价年度（四位数字）")
        item = services.item_create(
            by=request.user,
            unit=unit,
            year=int(year_text),
            source=rect.Source(source) if source in values(rect.Source) else rect.Source.BUREAU,
            problem=request.POST.get("problem", "")[:2000],
            measure=request.POST.get("measure", "")[:2000],
            owner=request.POST.get("owner", ""),
            deadline=_date(request.POST.get("deadline", "")),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("results:rectification")
    messages.success(request, "整改事项已下发")
    return redirect("results:item", pk=item.pk)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk)
    scope = scope_of(request.user)
    unit_side = bool(scope.unit_roles.get(item.unit_id, frozenset()) & services.UNIT_ROLES)
    bureau_side = bool(scope.bureau_roles.get(item.bureau_id, frozenset()) & services.BUREAU_ROLES)
    state = rect.ItemState(item.state)
    offered = [a for a in UNIT_ACTIONS if unit_side and state in rect.MOVES[a].source]
    offered += [a for a in BUREAU_ACTIONS if bureau_side and state in rect.MOVES[a].source]
    context = {
        "item": item,
        "state": state,
        "is_overdue": rect.overdue(state, item.deadline, timezone.localdate()),
        "events": item.events.select_related("actor"),
        "evidence": item.evidence.all(),
        "offered": offered,
        "may_upload": unit_side and state in rect.OWED,
        "rule": rect.DEFAULT_EVIDENCE[rect.Source(item.source)],
    }
    return render(request, "results/rectification_item.html", context)


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk)
    if action not in values(rect.Action):
        raise PermissionDenied("没有这个操作")
    try:
        services.item_move(
            by=request.user,
            item=item,
            action=rect.Action(action),
            note=request.POST.get("note", "")[:2000],
            feedback=request.POST.get("feedback", "")[:5000],
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{rect.Action(action).label}")
    return redirect("results:item", pk=item.pk)


@login_required
@require_POST
def item_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return redirect("results:item", pk=item.pk)
    try:
        services.item_attach(by=request.user, item=item, upload=upload)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "佐证材料已上传")
    return redirect("results:item", pk=item.pk)


@login_required
def item_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    item = selectors.get_item_for_user(request.user, pk)
    found = selectors.item_evidence(item, evidence_pk)
    return download(evidence_path(found.sha256).open("rb"), found.filename, found.content_type)


@login_required
@require_POST
def from_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau issues items from an evaluation: its problems section, or one promoted finding."""
    evaluation = evaluation_selectors.get_evaluation_for_user(request.user, pk, Action.APPROVE)
    try:
        deadline = _date(request.POST.get("deadline", ""))
        code = request.POST.get("code", "")
        if code:
            services.item_create(
                by=request.user,
                unit=evaluation.unit,
                year=evaluation.year,
                source=rect.Source.REVIEW_FINDING,
                problem=request.POST.get("message", "")[:2000],
                measure=request.POST.get("measure", "")[:2000] or "按审核意见改正，并说明改正情况",
                deadline=deadline,
                evaluation=evaluation,
                finding_code=code,
            )
            messages.success(request, f"审核意见 {code[:60]} 已转为整改事项")
        else:
            made = services.items_from_evaluation(by=request.user, evaluation=evaluation, deadline=deadline)
            messages.success(request, f"按“存在问题”下发整改事项 {made} 项")
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect("reviews:review", pk=evaluation.pk)


@login_required
@require_POST
def from_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The bureau issues an item from a monitoring decision (docs/results.md#rectification)."""
    found = MonitoringDecision.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该处理决定")
    report = targets_selectors.get_report(request.user, found.report_id)  # 404 where the unit is not visible
    try:
        item = services.item_from_decision(
            by=request.user,
            decision=found,
            measure=request.POST.get("measure", "")[:2000],
            deadline=_date(request.POST.get("deadline", "")),
            owner=request.POST.get("owner", ""),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("targets:report", pk=report.pk)
    messages.success(request, "处理决定已转为整改事项")
    return redirect("results:item", pk=item.pk)
