"""API keys: expiry, refused while the user is locked out, and the per-key rate limit
(docs/web.md#api-limits). The rate limit's clock is fixed by the tests, never read."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.utils import reset
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jixiao.web.accounts.models import ApiToken
from jixiao.web.accounts.services import api_token_create, key_hash
from jixiao.web.apirate import KeyRateThrottle
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


@pytest.fixture
def one_minute(monkeypatch: pytest.MonkeyPatch) -> float:
    """The rate limit's clock stopped 10 seconds into a minute: every call falls in that minute."""
    now = 1_900_000_000.0 // 60 * 60 + 10
    monkeypatch.setattr(KeyRateThrottle, "timer", staticmethod(lambda: now))
    return now


def test_the_call_over_the_limit_is_answered_429_and_another_key_is_unaffected(
    world: World, one_minute: float
) -> None:
    limit = settings.API_RATE_PER_MINUTE
    assert limit == 120
    client = _api(world.tokens["reviewer"])
    statuses = [client.get("/api/evaluations").status_code for _ in range(limit)]
    assert statuses == [200] * limit
    over = client.get("/api/evaluations")
    assert over.status_code == 429
    assert over["Retry-After"] == "50"  # to the next minute
    assert over.json()["detail"] == "调用过于频繁：每个接口密钥每分钟最多调用 120 次，请 50 秒后再试"
    assert over["Content-Type"].startswith("application/json")
    # Another key, even of the same user, counts on its own.
    assert _api(world.tokens["prep_a"]).get("/api/evaluations").status_code == 200
    _, second = api_token_create(user=world.reviewer)
    assert _api(second).get("/api/evaluations").status_code == 200


def test_the_next_minute_opens_the_key_again(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    start = 1_900_000_000.0 // 60 * 60
    clock = {"now": start + 59}
    monkeypatch.setattr(KeyRateThrottle, "timer", staticmethod(lambda: clock["now"]))
    monkeypatch.setattr(settings, "API_RATE_PER_MINUTE", 3)
    client = _api(world.tokens["head_a"])
    assert [client.get("/api/evaluations").status_code for _ in range(4)] == [200, 200, 200, 429]
    clock["now"] = start + 60
    assert client.get("/api/evaluations").status_code == 200


def test_the_limit_is_declared_on_every_operation() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path, methods in paths.items():
        for method, spec in methods.items():
            assert {"401", "403", "429"} <= set(spec["responses"]), f"{method} {path}"


def test_keys_made_moved_and_deleted_are_in_the_audit_chain(world: World) -> None:
    from jixiao.web.evaluations.models import AuditAction, AuditEvent
    from jixiao.web.evaluations.selectors import audit_chain_verdict

    token = _token(world.tokens["prep_a"])
    made = AuditEvent.objects.filter(action=AuditAction.TOKEN_CREATE, changes__密钥=f"{token.prefix}…").get()
    assert made.changes["账号"] == "prep_a" and made.changes["有效期至"][0] is None
    admin = Client()
    admin.force_login(world.admin)
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    before = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
    later = timezone.localtime(timezone.now() + timedelta(days=30)).replace(second=0, microsecond=0)
    response = admin.post(url, {"expires_at_0": f"{later:%Y-%m-%d}", "expires_at_1": f"{later:%H:%M:%S}"})
    assert response.status_code == 302
    moved = AuditEvent.objects.get(action=AuditAction.TOKEN_EXPIRY)
    assert moved.actor == world.admin and moved.changes["有效期至"] == [before, f"{later:%Y-%m-%d %H:%M}"]
    # Saving the page again without a change records nothing more.
    admin.post(url, {"expires_at_0": f"{later:%Y-%m-%d}", "expires_at_1": f"{later:%H:%M:%S}"})
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_EXPIRY).count() == 1
    delete = reverse("admin:accounts_apitoken_delete", args=[token.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 302
    revoked = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert revoked.actor == world.admin and revoked.changes["密钥"] == f"{token.prefix}…"
    assert _api(world.tokens["prep_a"]).get("/api/evaluations").status_code == 401
    assert audit_chain_verdict().broken is None
