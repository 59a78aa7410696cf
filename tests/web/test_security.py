"""Login lockout, CSRF, password rules and sessions."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.web.world import World


def _login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_and_logout(world: World) -> None:
    client = Client()
    response = _login(client, "prep_a", "correct-horse-battery")
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:dashboard")
    assert client.get(reverse("evaluations:dashboard")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("evaluations:dashboard")).status_code == 302


def test_a_wrong_password_is_refused_in_chinese(world: World) -> None:
    page = _login(Client(), "prep_a", "wrong").content.decode()
    assert "用户名或密码不正确" in page


def test_the_account_is_locked_after_five_failures(world: World) -> None:
    client = Client()
    for _ in range(5):
        _login(client, "prep_a", "wrong")
    locked = _login(client, "prep_a", "correct-horse-battery")
    assert locked.status_code in {403, 429}
    page = locked.content.decode()
    assert "暂时锁定" in page and "约 30 分钟后自动解锁" in page and "0:30:00" not in page
    # From another address too: the lock is on the account.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert _login(other, "prep_a", "correct-horse-battery").status_code in {403, 429}
    # Another account is not affected.
    assert _login(Client(), "head_a", "correct-horse-battery").status_code == 302


def test_posts_without_the_csrf_token_are_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.prep_a)
    response = client.post(reverse("evaluations:submit", kwargs={"pk": world.evaluations["draft_a"].pk}))
    assert response.status_code == 403 and "页面已过期" in response.content.decode()
    assert world.fresh("draft_a").state == "draft"


@pytest.mark.parametrize("password", ["short1", "12345678901", "password123", "prep_a2021"])
def test_weak_passwords_are_refused(world: World, password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, world.prep_a)


def test_session_cookie_is_http_only_and_lax(world: World) -> None:
    client = Client()
    _login(client, "prep_a", "correct-horse-battery")
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["secure"]  # not demo mode: HTTPS only


def test_pages_forbid_framing_and_sniffing(world: World, client) -> None:
    response = client.get(reverse("portal:index"), follow=True)
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"


def test_the_administrator_sees_and_lifts_a_lockout_in_chinese(world: World) -> None:
    for _ in range(5):
        _login(Client(), "prep_a", "wrong")
    admin = Client()
    admin.force_login(world.admin)
    index = admin.get(reverse("admin:index")).content.decode()
    assert "/admin/axes/" not in index  # django-axes' English pages are not offered
    users = reverse("admin:auth_user_changelist")
    assert "5 次（已锁定）" in admin.get(users).content.decode()
    done = admin.post(
        users, {"action": "unlock", "_selected_action": [world.prep_a.pk], "index": 0}, follow=True
    ).content.decode()
    assert "已解除 1 个账号的登录锁定" in done
    assert _login(Client(), "prep_a", "correct-horse-battery").status_code == 302
