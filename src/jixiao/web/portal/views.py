"""The public portal (信息公开): published results by year and unit, with their report and table."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jixiao.web.evaluations.assessments import assess_version
from jixiao.web.evaluations.downloads import FORMATS
from jixiao.web.evaluations.presenters import report_response
from jixiao.web.portal import selectors
from jixiao.web.portal.cache import shared_copy


@shared_copy
def index(request: HttpRequest) -> HttpResponse:
    years = selectors.published_years()
    if years and "all" not in request.GET:
        return redirect("portal:year", year=years[0][0])
    return render(request, "portal/index.html", {"years": years})


#: Published evaluations listed on one page of a year (a city publishes thousands).
PAGE_SIZE = 50


@shared_copy
def year(request: HttpRequest, year: int) -> HttpResponse:
    q = request.GET.get("q", "")[:100].strip()
    page = Paginator(selectors.published_in(year, q), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "years": selectors.published_years(),
        "page": page,
        "summary": selectors.summary(year),
        "q": q,
    }
    return render(request, "portal/year.html", context)


@shared_copy
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_published(pk)
    assert evaluation.current_version is not None
    view = assess_version(evaluation, evaluation.current_version)
    context = {"evaluation": evaluation, "view": view, "assessment": view.assessment, "formats": FORMATS.values()}
    return render(request, "portal/detail.html", context)


def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The publication copy (no checker appendix) of the published version."""
    evaluation = selectors.get_published(pk)
    if evaluation.current_version is None:
        raise Http404("未找到该公开信息")
    # Anonymous visitors never start a rendering: a PDF not stored yet is said to be on its way.
    return report_response(
        evaluation, evaluation.current_version, fmt, review_copy=False, request=request, may_render=False
    )
