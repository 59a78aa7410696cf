"""Answers to a signed-in user are never stored by a browser or a proxy (docs/web.md#headers).

Pages, downloads (.docx, .pdf, .xlsx, evidence files) and API answers to a request with a key
carry ``Cache-Control: private, no-store``: a shared computer's browser cache or a proxy on the
way keeps no copy of an unpublished evaluation. Answers to visitors who are not signed in (the
public portal, the survey pages) keep whatever caching their view chose, and static files never
reach this middleware (whitenoise answers them earlier, with far-future caching).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "private, no-store"


def _signed_in(request: HttpRequest) -> bool:
    # A key in the header counts even when it is refused: the answer is for that client alone.
    if "Authorization" in request.headers:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateAnswersMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in user or a key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _signed_in(request):
            response["Cache-Control"] = NO_STORE
            # An earlier Expires would only confuse old caches; no-store says it all.
            if "Expires" in response:
                del response["Expires"]
        return response
