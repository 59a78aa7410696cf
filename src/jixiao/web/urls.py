"""The URLconf. tests/web/test_isolation.py walks every pattern here for every persona: a new
URL without an entry in its matrix fails that test."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from jixiao.web.api import api
from jixiao.web.targets.api import router as targets_api

#: /api/targets/…: declarations and trial checks of declarations and monitoring reports (docs/targets.md#api)
api.add_router("/targets", targets_api)


def home(request: HttpRequest) -> HttpResponse:
    return redirect("evaluations:dashboard" if request.user.is_authenticated else "portal:index")


admin.site.site_header = "jixiao 预算绩效自评 · 管理"
admin.site.site_title = "jixiao 管理"
admin.site.index_title = "系统管理"


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for a load balancer or process manager: the process answers; no database, no session.

    Also the bare view that bench/deadline_week.py compares pages with (docs/performance.md).
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("jixiao.web.accounts.urls")),
    path("", include("jixiao.web.evaluations.urls")),
    path("", include("jixiao.web.surveys.urls")),
    path("review/", include("jixiao.web.reviews.urls")),
    path("results/", include("jixiao.web.results.urls")),
    path("targets/", include("jixiao.web.targets.urls")),
    path("public/", include("jixiao.web.portal.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

#: The database out of reach: 503 and a Chinese page (JSON under /api/); anything else: 500.html.
handler500 = "jixiao.web.outage.server_error"
