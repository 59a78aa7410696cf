"""One shared copy of each public page for visitors without a session (docs/web.md#portal-cache).

The portal's pages are the same for every anonymous visitor, and in a deadline week the public
asks for them thousands of times while nothing on them changes. A visitor without a session
cookie gets a copy rendered for an earlier visitor; anyone signed in (whose header shows their
name) is answered as usual. Every copy is kept under the *publication generation*, a number in
the database that grows in the same transaction as each publication, withdrawal or correction
(:func:`publication_changed`, called by the workflow's one state-changing step): once that
commits, no server process on any machine serves a copy made before it, so a withdrawn
evaluation is gone from the portal at the next request. Copies live in each process's memory
(the ``pages`` cache, a bounded number of them) and expire after ``PORTAL_CACHE_SECONDS`` (for
what the workflow does not see, such as a unit renamed in the admin).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import F
from django.http import HttpRequest, HttpResponse

from jixiao.web.portal.models import PublicationGeneration

#: Cookies whose presence means the page may differ for this visitor (a message waiting).
_PERSONAL_COOKIES = ("messages",)


def publication_changed() -> None:
    """What the public may read changes with the current transaction: a new generation, which
    the other processes see when (and only if) the transaction commits."""
    if PublicationGeneration.objects.filter(pk=1).update(value=F("value") + 1) == 0:
        PublicationGeneration.objects.create(pk=1, value=1)


def _generation() -> int:
    value = PublicationGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


#: The one query a shared copy may have: a page number as the portal's pager writes it.
_PAGE = re.compile(r"[1-9][0-9]{0,3}")


def _shared(request: HttpRequest) -> bool:
    """Whether this request may be answered with (and make) a shared copy: a GET from a visitor
    without a session or message cookie, for the page itself or one of its numbered pages. A
    search (``?q=``) or any other query is answered afresh: the copies stay as few as the pages
    (a visitor cannot fill the memory with made-up queries)."""
    if request.method != "GET":
        return False
    if any(name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, *_PERSONAL_COOKIES)):
        return False
    query = request.GET
    return not query or (list(query) == ["page"] and _PAGE.fullmatch(query["page"]) is not None)


def shared_copy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view``'s 200 answers from the shared copy for visitors without a session."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _shared(request):
            return view(request, *args, **kwargs)
        key = "jixiao:portal:" + sha256(f"{_generation()}|{request.get_full_path()}".encode()).hexdigest()
        copies = caches["pages"]
        stored = copies.get(key)
        if stored is not None:
            content, content_type = stored
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            copies.set(key, (response.content, response["Content-Type"]), settings.PORTAL_CACHE_SECONDS)
        return response

    return wrapper
