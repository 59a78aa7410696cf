"""Every answer under /api/ is JSON, errors included, in production (DEBUG off) as in development.

django-ninja answers its own errors as JSON (jixiao.web.api registers Chinese handlers), but some
answers are made outside it: an address the API does not have (Django's 404 page), a method an
address does not take (django-ninja's plain 405), a server error (Django's 500 page) and Django's
own refusals (400). :class:`ApiErrorsMiddleware` turns any such answer to an /api/ path into
``{"detail": "…"}`` in Chinese, keeping the status and headers like ``Allow``
(docs/web.md#api-errors).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
JSON = "application/json; charset=utf-8"


def detail_for(request: HttpRequest, response: HttpResponse) -> str:
    """The Chinese words for an error answer that carries none."""
    status = response.status_code
    if status == 404:
        return f"接口中没有这个地址：{request.path}（接口说明见 /api/docs）"
    if status == 405:
        allowed = response.get("Allow", "")
        return f"此地址不接受 {request.method} 请求" + (f"，可用：{allowed}" if allowed else "")
    if status == 413:
        return "请求内容太大，超过 5 MB 上限"
    if status >= 500:
        return "服务器内部错误，请求未完成；请稍后再试，如仍出错请联系管理员"
    if status == 403:
        return "无权操作"
    return f"请求无法处理（HTTP {status}）"


class ApiErrorsMiddleware:
    """Error answers to /api/ paths that are not JSON become JSON (see the module's description)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        body = json.dumps({"detail": detail_for(request, response)}, ensure_ascii=False).encode("utf-8")
        replaced = HttpResponse(body, status=response.status_code, content_type=JSON)
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "Cache-Control"):
            if header in response:
                replaced[header] = response[header]
        return replaced
