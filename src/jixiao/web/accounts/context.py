"""What the navigation bar needs to know about the user (one query, cached per request)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jixiao.web.accounts.selectors import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_unit": False, "nav_bureau": False}
    scope = scope_of(user)
    return {"nav_unit": scope.is_unit_user, "nav_bureau": scope.is_bureau_user}
