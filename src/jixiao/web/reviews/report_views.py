"""The reviewer's report pages (docs/web.md#report-reading): upload reports, read each with its findings
marked in the text, accept or correct a value, turn the reading into a unit's draft evaluation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.web.accounts.models import Bureau, Unit
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.jobs.models import Job, JobKind
from jixiao.web.reviews import services
from jixiao.web.reviews.models import ReportReading


def _bureaus(request: HttpRequest) -> list[Bureau]:
    bureaus = services.reviewer_bureaus(request.user)
    if not bureaus:
        raise PermissionDenied("只有财政部门的审核人可以读取自评报告")
    return bureaus


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    bureaus = _bureaus(request)
    if request.method == "POST":
        wanted = request.POST.get("bureau", "")
        bureau = next((b for b in bureaus if str(b.pk) == wanted), bureaus[0])
        try:
            uploaded = services.read_uploads(request.FILES.getlist("files"), bureau, request.user)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            readings = uploaded.readings
            if uploaded.job is not None:
                count = len(uploaded.job.params["files"])
                messages.success(request, f"{count} 份报告已交给后台读取，读完后出现在下表中（可刷新本页查看进度）")
                return redirect("reviews:reports")
            bad = sum(1 for r in readings if r.error)
            messages.success(request, f"已读取 {len(readings) - bad} 份报告" + (f"，{bad} 份无法读取" if bad else ""))
            if len(readings) == 1 and not readings[0].error:
                return redirect("reviews:report", pk=readings[0].pk)
        return redirect("reviews:reports")
    readings = ReportReading.objects.filter(bureau__in=bureaus).select_related("evaluation__unit")[:200]
    rows = [
        {
            "reading": r,
            "p0": sum(1 for f in r.data.get("findings", []) if f["severity"] == "P0"),
            "p1": sum(1 for f in r.data.get("findings", []) if f["severity"] == "P1"),
            "count": len(r.data.get("findings", [])),
        }
        for r in readings
    ]
    jobs = Job.objects.filter(kind=JobKind.READ_REPORTS.value, owner=request.user).order_by("-pk")[:5]
    context = {
        "rows": rows,
        "bureaus": bureaus,
        "jobs": jobs,
        "max_files": services.REPORT_UPLOAD_MAX_FILES,
        "at_once": services.REPORT_READ_AT_ONCE,
    }
    return render(request, "reviews/reports.html", context)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    reading = services.reading_for_user(request.user, pk)
    corrections = reading.corrections
    values = [
        {**value, "check": corrections.get(value["path"])} for value in reading.data.get("values", [])
    ]
    read_paths = {value["path"] for value in values}
    missing = [(path, label) for path, label in services.VALUES if path not in read_paths]
    context = {
        "reading": reading,
        "segments": services.segments(reading),
        "findings": list(enumerate(reading.data.get("findings", []), start=1)),
        "values": values,
        "missing": missing,
        "added": {path: entry for path, entry in corrections.items() if path not in read_paths},
        "units": Unit.objects.filter(bureau=reading.bureau).order_by("code", "name"),
    }
    return render(request, "reviews/report.html", context)


@login_required
@require_POST
def report_value(request: HttpRequest, pk: int) -> HttpResponse:
    reading = services.reading_for_user(request.user, pk)
    path = request.POST.get("path", "")
    corrected = request.POST.get("value") if request.POST.get("do") == "correct" else None
    try:
        services.value_confirm(reading, path, request.user, corrected=corrected)
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(f"{reverse('reviews:report', args=[pk])}#values")


@login_required
@require_POST
def report_draft(request: HttpRequest, pk: int) -> HttpResponse:
    reading = services.reading_for_user(request.user, pk)
    unit = Unit.objects.filter(pk=request.POST.get("unit") or 0, bureau=reading.bureau).first()
    if unit is None:
        messages.error(request, "请选择本局的一个单位")
        return redirect("reviews:report", pk=pk)
    try:
        evaluation = services.draft_create(reading, unit, request.user)
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("reviews:report", pk=pk)
    messages.success(request, f"已为{unit.name}生成 {evaluation.year} 年度自评草稿，每个数字都保留了报告中的出处")
    return redirect("evaluations:detail", pk=evaluation.pk)
