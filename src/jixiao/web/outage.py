"""Answers for faults outside any one request: the database cannot be reached (docs/operations.md#faults).

When PostgreSQL is stopped, restarting or cut off, every request that needs it fails with a
connection error. Instead of the generic 500 page such a request is answered 503 with
``Retry-After``: a Chinese page, or JSON under ``/api/``. Nothing here touches the database.
A request that failed this way wrote nothing: each save is one transaction, and a transaction
the database never committed is rolled back (the page says so). Once the database is back, the
next request reconnects (``CONN_HEALTH_CHECKS``, set in :mod:`jixiao.web.env`); the application
itself need not be restarted.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

DATABASE_DOWN = "数据库暂时无法连接，请稍后再试"
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 30


def is_database_down(error: BaseException | None) -> bool:
    """A connection failure (refused, dropped, timed out), not a mistake in a query."""
    return isinstance(error, OperationalError | InterfaceError)


def database_down(request: HttpRequest) -> HttpResponse:
    """503: the Chinese page, or ``{"detail": …}`` for the API."""
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"detail": f"{DATABASE_DOWN}（未做任何修改）"}, status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        # Rendered without the request: the context processors would read the session (the database).
        response = HttpResponse(loader.render_to_string("503.html", {"message": DATABASE_DOWN}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while handling the exception, so the exception is at hand."""
    if is_database_down(sys.exc_info()[1]):
        return database_down(request)
    return defaults.server_error(request)
