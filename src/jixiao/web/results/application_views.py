"""The results application (docs/results.md#rules): the bureau builds, adjusts, confirms and
exports next year's budget suggestions; a unit sees its own confirmed lines; the rule table."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.core.model import EvaluationKind
from jixiao.core.results import DEFAULT_RULES
from jixiao.web.accounts.models import Bureau
from jixiao.web.accounts.selectors import bureaus_for_user, scope_of
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.responses import XLSX, download
from jixiao.web.results import selectors, services
from jixiao.web.results.export import table_xlsx
from jixiao.web.results.models import ApplicationLine

HEADERS = (
    "单位 / 项目", "类型", "所用得分", "得分来源", "等级", "处理意见", "本年预算（万元）", "建议下年预算（万元）",
    "财政调整后（万元）", "调整理由", "排名结果", "理由",
)  # fmt: skip


def _bureau(request: HttpRequest) -> Bureau | None:
    bureaus = list(bureaus_for_user(request.user))
    if not bureaus:
        return None
    wanted = request.GET.get("bureau", "") or request.POST.get("bureau", "")
    return next((bureau for bureau in bureaus if str(bureau.pk) == wanted), bureaus[0])


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "") or request.POST.get("year", "")
    return int(text) if text.isdigit() and len(text) == 4 else timezone.localdate().year - 1


def _back(bureau: Bureau, year: int, name: str = "results:application") -> HttpResponse:
    response = redirect(name)
    response["Location"] += f"?bureau={bureau.pk}&year={year}"
    return response


@login_required
def application(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    year = _year(request)
    if bureau is None:
        if not scope_of(request.user).is_unit_user:
            raise PermissionDenied("只有财政部门或被评价单位可以查看结果应用")
        return render(request, "results/application_unit.html", {"lines": selectors.lines_of_units(request.user)})
    found = selectors.application_of(bureau, year)
    context = {
        "bureau": bureau,
        "bureaus": bureaus_for_user(request.user),
        "year": year,
        "application": found,
        "lines": selectors.application_lines(found) if found else [],
        "reviewer": bureau.pk in scope_of(request.user).bureau_ids(*services.BUREAU_ROLES),
    }
    return render(request, "results/application.html", context)


@login_required
@require_POST
def build(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    if bureau is None:
        raise PermissionDenied("只有财政部门可以生成结果应用清单")
    year = _year(request)
    try:
        made = services.application_build(by=request.user, bureau=bureau, year=year)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已按规则生成 {made.lines.count()} 行建议")
    return _back(bureau, year)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    if bureau is None:
        raise PermissionDenied("只有财政部门可以确认结果应用清单")
    year = _year(request)
    found = selectors.application_of(bureau, year)
    if found is None:
        raise Http404("该年度还没有结果应用清单")
    try:
        services.application_confirm(by=request.user, application=found)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "结果应用清单已确认，各单位可以看到本单位的一行")
    return _back(bureau, year)


@login_required
@require_POST
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    line = ApplicationLine.objects.select_related("application__bureau").filter(pk=pk).first()
    if line is None or line.application.bureau_id not in {b.pk for b in bureaus_for_user(request.user)}:
        raise Http404("未找到该行")
    text = request.POST.get("adjusted", "").strip().replace(",", "")
    try:
        amount = Decimal(text) if text else None
        if amount is not None and not amount.is_finite():
            raise InvalidOperation
        services.line_adjust(by=request.user, line=line, amount=amount, note=request.POST.get("note", "")[:1000])
    except InvalidOperation:
        messages.error(request, f"“{text[:20]}”不是金额")
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已调整：{line.name}")
    return _back(line.application.bureau, line.application.year)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    if bureau is None:
        raise PermissionDenied("只有财政部门可以导出结果应用清单")
    year = _year(request)
    found = selectors.application_of(bureau, year)
    if found is None:
        raise Http404("该年度还没有结果应用清单")
    rows = [
        (
            line.name, EvaluationKind(line.kind).label, line.score,
            line.score_source, line.grade, line.suggestion, line.budget, line.suggested, line.adjusted,
            line.adjust_note, line.get_ranking_display(), "；".join(line.reasons),
        )
        for line in selectors.application_lines(found)
    ]  # fmt: skip
    title = f"{bureau.name}{year}年度评价结果应用清单"
    return download(table_xlsx(title, HEADERS, rows, "结果应用"), f"{title}.xlsx", XLSX)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    if bureau is None:
        raise PermissionDenied("只有财政部门可以查看结果应用规则")
    year = _year(request)
    record = selectors.rule_record(bureau, year)
    data = record.data if record else DEFAULT_RULES
    text = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    if request.method == "POST":
        text = request.POST.get("rules", "")[:20000]
        try:
            parsed = yaml.safe_load(text)
            if not isinstance(parsed, dict):
                raise ServiceError("规则表应是键值表（YAML）")
            services.rules_save(by=request.user, bureau=bureau, year=year, data=parsed)
        except yaml.YAMLError as error:
            messages.error(request, f"规则表不是有效的 YAML：{str(error)[:200]}")
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{year} 年度结果应用规则已保存")
            return _back(bureau, year, "results:rules")
    context = {
        "bureau": bureau,
        "year": year,
        "text": text,
        "record": record,
        "bureaus": bureaus_for_user(request.user),
    }
    return render(request, "results/rules.html", context)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Coverage per unit and for the bureau against the required shares (docs/results.md#coverage)."""
    bureau = _bureau(request)
    if bureau is None:
        raise PermissionDenied("只有财政部门可以查看覆盖面")
    year = _year(request)
    required = selectors.required_of(bureau, year)
    rows, total = selectors.coverage_rows(bureau, year, required)
    context = {
        "bureau": bureau,
        "bureaus": bureaus_for_user(request.user),
        "year": year,
        "rows": rows,
        "total": total,
        "required": [(level.label, share) for level, share in required.items()],
    }
    return render(request, "results/coverage.html", context)
