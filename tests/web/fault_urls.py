"""The site's URLs plus two that fail on purpose, for the browser test of the error pages
(tests/web/test_pages_browser.py): a program error (500) and a database that cannot be reached (503)."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from jixiao.web import urls as site


def program_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("测试：程序出错")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("测试：数据库连不上")


urlpatterns = [
    path("test-fault/500/", program_error),
    path("test-fault/503/", database_down),
    *site.urlpatterns,
]
handler500 = site.handler500
