"""The per-key rate limit of the JSON API (docs/web.md#api-limits).

At most ``API_RATE_PER_MINUTE`` calls (120 by default) per key in each clock minute; the next
call in that minute is answered 429 with ``Retry-After`` (the seconds to the next minute) and a
Chinese message (jixiao.web.api). Counted per key, not per user: another key of the same user,
or any other key, is unaffected.

The count lives in Django's cache (settings.CACHES: files in the instance directory, so the
worker processes of one server share it). A clock minute rather than a sliding window: one
counter per key and minute, no list of times to rewrite on every call.

django-ninja's own ``AuthRateThrottle`` keeps the request being checked on the throttle object,
which all threads of a process share (gunicorn runs several); this one keeps nothing there but
the wait of the current thread.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

WINDOW_SECONDS = 60


class KeyRateThrottle(BaseThrottle):
    """Counts the calls of each key (``request.auth``, an ApiToken) per clock minute."""

    #: The clock; tests fix it so that all their calls fall in one minute.
    timer = staticmethod(time.time)

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        key_hash = getattr(getattr(request, "auth", None), "key_hash", None)
        if not key_hash:
            return True  # no key: the operation's authentication has already answered 401
        now = self.timer()
        window = int(now // WINDOW_SECONDS)
        name = f"api-rate:{key_hash}:{window}"
        cache.add(name, 0, timeout=2 * WINDOW_SECONDS)
        try:
            count = cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.set(name, 1, timeout=2 * WINDOW_SECONDS)
            count = 1
        self._local.wait = (window + 1) * WINDOW_SECONDS - now
        return bool(count <= settings.API_RATE_PER_MINUTE)

    def wait(self) -> float | None:
        """Seconds until the key may call again (the start of the next minute)."""
        return getattr(self._local, "wait", None)
