"""The bureau's analytics page and its exports (docs/results.md#analytics)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Bureau
from jixiao.web.accounts.selectors import bureaus_for_user
from jixiao.web.choices import choices, values
from jixiao.web.responses import XLSX, download
from jixiao.web.results import selectors
from jixiao.web.results.export import table_xlsx


def _bureau(request: HttpRequest) -> Bureau:
    bureaus = list(bureaus_for_user(request.user))
    if not bureaus:
        raise PermissionDenied("只有财政部门的审核人或管理员可以查看")
    wanted = request.GET.get("bureau", "")
    return next((bureau for bureau in bureaus if str(bureau.pk) == wanted), bureaus[0])


def _filters(request: HttpRequest, bureau: Bureau) -> selectors.Filters:
    years = selectors.years_of(bureau)
    year_text = request.GET.get("year", "")
    year = (
        int(year_text)
        if year_text.isdigit() and len(year_text) == 4
        else (years[0] if years else timezone.localdate().year - 1)
    )
    kind = request.GET.get("kind", EvaluationKind.DEPARTMENT.value)
    return selectors.Filters(
        year=year,
        kind=kind if kind in values(EvaluationKind) else EvaluationKind.DEPARTMENT.value,
        sector=request.GET.get("sector", "").strip()[:50],
    )


@login_required
def analytics(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    filters = _filters(request, bureau)
    data = selectors.analytics(bureau, filters)
    context = {
        "data": data,
        "bureaus": bureaus_for_user(request.user),
        "years": data.years or [filters.year],
        "kinds": choices(EvaluationKind),
        "sectors": selectors.sectors_in(bureau),
        "query": request.GET.urlencode(),
    }
    return render(request, "results/analytics.html", context)


@login_required
def analytics_export(request: HttpRequest, chart: str) -> HttpResponse:
    bureau = _bureau(request)
    filters = _filters(request, bureau)
    data = selectors.analytics(bureau, filters)
    try:
        found = data.chart(chart)
    except StopIteration:
        raise Http404("没有这个图表") from None
    sector = f"，{filters.sector}" if filters.sector else ""
    title = f"{bureau.name} {found.title}（{EvaluationKind(filters.kind).label}{sector}）"
    return download(table_xlsx(title, found.headers, found.rows), f"{title}.xlsx", XLSX)
