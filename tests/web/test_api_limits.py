"""API keys: expiry, refused while the user is locked out, and the per-key rate limit
(docs/web.md#api-limits)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from axes.utils import reset
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.web.accounts.models import ApiToken
from jixiao.web.accounts.services import api_token_create, key_hash
from tests.web.world import World


def _api(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _token(key: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=key_hash(key))


def test_a_new_key_expires_after_the_configured_days(world: World) -> None:
    token = _token(world.tokens["prep_a"])
    days = (token.expires_at - token.created_at) / timedelta(days=1)
    assert round(days) == settings.API_TOKEN_DAYS == 90
    out = StringIO()
    call_command("api_token", "head_a", "--name", "短期", "--days", "7", stdout=out)
    short = ApiToken.objects.get(user=world.head_a, name="短期")
    assert round((short.expires_at - short.created_at) / timedelta(days=1)) == 7
    assert "有效期至" in out.getvalue()


def test_an_expired_key_is_refused_in_chinese_and_a_valid_one_works(world: World) -> None:
    key = world.tokens["prep_a"]
    ApiToken.objects.filter(key_hash=key_hash(key)).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = _api(key).get("/api/evaluations")
    assert expired.status_code == 401
    assert expired.json()["detail"].startswith("接口密钥已过期（有效期至 ")
    # Still valid for a minute: answered.
    _, soon = api_token_create(user=world.prep_a, expires_at=timezone.now() + timedelta(minutes=1))
    assert _api(soon).get("/api/evaluations").status_code == 200
    # The other personas' keys are untouched.
    assert _api(world.tokens["head_a"]).get("/api/evaluations").status_code == 200


def test_a_locked_out_users_key_is_refused_until_the_lock_is_lifted(world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("accounts:login"), {"username": "prep_a", "password": "wrong"})
    locked = _api(world.tokens["prep_a"]).get("/api/evaluations")
    assert locked.status_code == 403
    detail = locked.json()["detail"]
    assert "prep_a" in detail and "暂时锁定" in detail and "约 30 分钟" in detail
    # Another user's key is not affected.
    assert _api(world.tokens["head_a"]).get("/api/evaluations").status_code == 200
    # Lifted on the 账号 page's action (axes' reset): the key works again.
    reset(username="prep_a")
    assert _api(world.tokens["prep_a"]).get("/api/evaluations").status_code == 200


def test_fewer_failures_than_the_limit_do_not_stop_the_key(world: World) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        Client().post(reverse("accounts:login"), {"username": "prep_a", "password": "wrong"})
    assert _api(world.tokens["prep_a"]).get("/api/evaluations").status_code == 200


def test_the_admin_page_shows_and_changes_the_expiry(world: World) -> None:
    token = _token(world.tokens["prep_a"])
    admin = Client()
    admin.force_login(world.admin)
    listing = admin.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert "有效期至" in listing
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    assert "有效期至" in admin.get(url).content.decode()
    later = timezone.localtime(timezone.now() + timedelta(days=400))
    response = admin.post(
        url, {"expires_at_0": later.strftime("%Y-%m-%d"), "expires_at_1": later.strftime("%H:%M:%S")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    token.refresh_from_db()
    assert token.expires_at.date() == later.date()
