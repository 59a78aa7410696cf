"""Django settings for bench/web_load.py only: the product's settings, unchanged, plus

* a middleware, first in the chain, that times each request inside the server
  (``time.perf_counter`` around every other middleware, the view and the template) and
  reports it in a ``Server-Timing`` header, with the number of SQL queries and their time;
* a URLconf (:mod:`web_load_site.urls`) that adds a bare view answering "ok" next to the
  product's URLs, the baseline of the benchmark.

Nothing here is part of the product: the product's settings and URLconf never name it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse

from jixiao.web.settings import *  # noqa: F403  (the product's settings, then the two changes below)
from jixiao.web.settings import MIDDLEWARE

ROOT_URLCONF = "web_load_site.urls"
MIDDLEWARE = ["web_load_site.ServerTiming", *MIDDLEWARE]


class _QueryTimer:
    """A database execute wrapper: counts the queries of a request and sums their time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


class ServerTiming:
    """``Server-Timing: app;dur=<ms>, cpu;dur=<ms>, db;dur=<ms>;desc="<queries>"`` on every response.

    ``app`` is wall-clock time; ``cpu`` the CPU time of the thread that served the request (what
    the request costs whatever else the machine is doing); ``db`` the time spent in queries.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timer = _QueryTimer()
        cpu = time.thread_time()
        started = time.perf_counter()
        with connections["default"].execute_wrapper(timer):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        cpu = time.thread_time() - cpu
        response["Server-Timing"] = (
            f"app;dur={elapsed * 1000:.3f}, cpu;dur={cpu * 1000:.3f}, "
            f'db;dur={timer.seconds * 1000:.3f};desc="{timer.count}"'
        )
        return response
