"""The product's URLs plus the benchmark's baseline: a bare Django view that answers "ok"."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok/", ok, name="bench_ok"),
    path("", include("jixiao.web.urls")),
]
