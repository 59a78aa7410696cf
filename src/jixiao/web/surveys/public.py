"""The public answer page: no login, mobile first, one questionnaire per token or device.

The device key lives in a signed, HttpOnly cookie (one response per device and survey,
enforced by a unique constraint); every submission is also counted against its client's
address (throttling, in the database so that it holds across worker processes). The form
carries a CSRF token like every other form of the site.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from jixiao.core.survey import Level
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.surveys import selectors, services
from jixiao.web.surveys.models import COMMENT_MAX, Invitation, Response

DEVICE_COOKIE = "jx_survey_device"
DEVICE_SALT = "jixiao.surveys.device"
DEVICE_AGE = 400 * 24 * 3600
CHOICES = [(int(level), level.label) for level in sorted(Level, reverse=True)]


def _device(request: HttpRequest) -> tuple[str, bool]:
    """The device key from the signed cookie, or a new one (and whether it is new)."""
    key = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    if key and len(key) <= 64:
        return key, False
    return secrets.token_urlsafe(24), True


def _remember(response: HttpResponse, key: str) -> HttpResponse:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        key,
        salt=DEVICE_SALT,
        max_age=DEVICE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def client_address(request: HttpRequest) -> str:
    # Behind the reverse proxy (JIXIAO_BEHIND_PROXY=1) the client is the last address the proxy added.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _already(group: Any, device: str, token: str) -> bool:
    if token:
        return Response.objects.filter(invitation__token=token, invitation__group=group).exists()
    return Response.objects.filter(survey=group.survey_id, device=device).exists()


@never_cache
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.public_group(slug)
    survey = group.survey
    device, new = _device(request)
    token = (request.POST.get("t") or request.GET.get("t") or "")[:32]
    questions = list(survey.questions.all())
    context: dict[str, Any] = {
        "group": group,
        "survey": survey,
        "questions": questions,
        "choices": CHOICES,
        "token": token,
        "comment_max": COMMENT_MAX,
        "chosen": {},
        "comment": "",
    }
    closed = selectors.availability(survey)
    if closed:
        return _remember(render(request, "surveys/closed.html", {**context, "reason": closed}), device)
    if token and not Invitation.objects.filter(token=token, group=group).exists():
        return render(
            request, "surveys/closed.html", {**context, "reason": "邀请码无效，请核对链接是否完整。"}, status=404
        )
    if not token and survey.require_token:
        reason = "本次调查凭邀请码作答，请使用调查单位发给您的专属链接。"
        return render(request, "surveys/closed.html", {**context, "reason": reason}, status=403)
    if request.method == "POST":
        levels = {}
        for question in questions:
            value = request.POST.get(f"q{question.pk}", "")
            if value.isdigit():
                levels[question.pk] = int(value)
        comment = request.POST.get("comment", "")
        try:
            services.response_submit(
                group=group,
                levels=levels,
                comment=comment,
                device=device,
                client=services.client_key(client_address(request)),
                token=token,
            )
        except services.AlreadyAnswered as error:
            return _remember(render(request, "surveys/thanks.html", {**context, "message": error.message}), device)
        except services.Throttled as error:
            context.update(error=error.message, chosen=levels, comment=comment)
            return _remember(render(request, "surveys/answer.html", context, status=429), device)
        except ServiceError as error:
            context.update(error=error.message, chosen=levels, comment=comment)
            return _remember(render(request, "surveys/answer.html", context, status=400), device)
        return _remember(redirect("surveys:thanks", slug=slug), device)
    if _already(group, device, token) and not new:
        message = "您已提交过本次问卷，感谢您的参与。"
        return _remember(render(request, "surveys/thanks.html", {**context, "message": message}), device)
    return _remember(render(request, "surveys/answer.html", context), device)


@never_cache
def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    group = selectors.public_group(slug)
    context = {"group": group, "survey": group.survey, "message": "问卷已提交，感谢您的参与！"}
    return render(request, "surveys/thanks.html", context)
