"""The finance bureau's pages: the overview of all units, its .xlsx export, and the review page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Bureau
from jixiao.web.accounts.selectors import bureaus_for_user, scope_of
from jixiao.web.choices import choices, values
from jixiao.web.evaluations import selectors as evaluation_selectors
from jixiao.web.evaluations.presenters import page_context
from jixiao.web.evaluations.workflow import Action, allowed
from jixiao.web.responses import XLSX, download
from jixiao.web.reviews import selectors
from jixiao.web.reviews.export import overview_xlsx


def _bureau(request: HttpRequest) -> Bureau:
    bureaus = list(bureaus_for_user(request.user))
    if not bureaus:
        raise PermissionDenied("只有财政部门的审核人或管理员可以查看汇总")
    wanted = request.GET.get("bureau", "")
    for bureau in bureaus:
        if str(bureau.pk) == wanted:
            return bureau
    return bureaus[0]


def _filters(request: HttpRequest, bureau: Bureau) -> tuple[selectors.Filters, list[int]]:
    years = selectors.years_of(bureau)
    default_year = years[0] if years else timezone.localdate().year - 1
    year_text = request.GET.get("year", "")
    kind = request.GET.get("kind", EvaluationKind.DEPARTMENT.value)
    filters = selectors.Filters(
        year=int(year_text) if year_text.isdigit() else default_year,
        kind=kind if kind in values(EvaluationKind) else EvaluationKind.DEPARTMENT.value,
        state=request.GET.get("state", ""),
        grade=request.GET.get("grade", ""),
        p0=request.GET.get("p0") == "1",
        q=request.GET.get("q", "")[:100],
        sort=request.GET.get("sort", "code") if request.GET.get("sort") in selectors.SORTS else "code",
    )
    return filters, years


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    filters, years = _filters(request, bureau)
    may_review = allowed(Action.APPROVE, scope_of(request.user).bureau_roles.get(bureau.pk, frozenset()))
    page_text = request.GET.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < len(page_text) < 7 else 1
    data = selectors.overview(bureau, filters, may_review=may_review, page=page)
    paging = request.GET.copy()
    paging.pop("page", None)
    context = {
        "data": data,
        "bureaus": bureaus_for_user(request.user),
        "years": years or [filters.year],
        "kinds": choices(EvaluationKind),
        "states": selectors.STATE_FILTERS,
        "sorts": selectors.SORTS.items(),
        "query": paging.urlencode(),
    }
    return render(request, "reviews/overview.html", context)


@login_required
def overview_export(request: HttpRequest) -> HttpResponse:
    bureau = _bureau(request)
    filters, _ = _filters(request, bureau)
    data = selectors.overview(bureau, filters, page=None)
    name = f"{bureau.name}{filters.year}年度绩效自评汇总.xlsx"
    return download(overview_xlsx(data), name, XLSX)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's page: scorecard, findings, comments, and approve / return / publish."""
    evaluation = evaluation_selectors.get_evaluation_for_user(request.user, pk, Action.APPROVE)
    assert evaluation.current_version is not None
    context = page_context(request, evaluation, evaluation.current_version)
    return render(request, "reviews/review.html", context)
