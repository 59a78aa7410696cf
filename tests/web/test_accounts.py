"""Every signed-in user changes their own password (docs/web.md#安全基线), and the API's
documentation page speaks Chinese (docs/web.md#接口json-api)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from jixiao.web.evaluations.models import AuditAction, AuditEvent
from jixiao.web.evaluations.selectors import audit_chain_verdict
from tests.web.world import World

URL = "/accounts/password/"
OLD = "correct-horse-battery"  # tests/web/world.py gives every persona this password
NEW = "紫金山-晨跑-2026"


@pytest.mark.parametrize("persona", ["prep_a", "head_a", "reviewer", "admin"])
def test_every_role_changes_its_own_password_and_stays_signed_in(world: World, client: Client, persona: str) -> None:
    account = getattr(world, persona)
    client.force_login(account)
    page = client.get(reverse("portal:index"), follow=True)
    assert f'href="{URL}"' in page.content.decode()  # in the account menu of every page

    answer = client.post(URL, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert answer.status_code == 302 and answer["Location"] == URL
    account.refresh_from_db()
    assert account.check_password(NEW) and not account.check_password(OLD)
    # The session survived the change (update_session_auth_hash) and says so in Chinese.
    after = client.get(URL)
    assert after.status_code == 200 and "密码已修改" in after.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE)
    assert (event.actor, event.evaluation, event.changes) == (account, None, {"账号": account.username})
    assert NEW not in str(event.changes) + event.note
    assert audit_chain_verdict().intact
    # The new password opens a new session; the old one does not.
    login = "/accounts/login/"
    assert Client().post(login, {"username": account.username, "password": NEW}).status_code == 302
    assert Client().post(login, {"username": account.username, "password": OLD}).status_code == 200


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "words"),
    [
        ("wrong-password-1", NEW, NEW, "old_password", "当前密码不正确"),
        (OLD, NEW, NEW + "x", "new_password2", "两次输入的新密码不一致"),
        (OLD, "short1", "short1", "new_password2", "密码太短"),
        (OLD, "1234567890123", "1234567890123", "new_password2", "不能全都是数字"),
        (OLD, OLD, OLD, "new_password1", "新密码不能与当前密码相同"),
    ],
)
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(
    world: World, client: Client, old: str, new1: str, new2: str, field: str, words: str
) -> None:
    client.force_login(world.prep_a)
    answer = client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2})
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert field in errors and any(words in e for e in errors[field]), errors
    assert words in answer.content.decode()
    world.prep_a.refresh_from_db()
    assert world.prep_a.check_password(OLD)
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_the_password_page_needs_a_login(db: None) -> None:
    answer = Client().get(URL)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


# --- the API's documentation page -------------------------------------------------------------


class _Prose(HTMLParser):
    """The text a reader sees outside code: identifiers (paths, field names) are in <code>/<pre>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._hidden += tag in {"script", "style", "code", "pre"}

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in {"script", "style", "code", "pre"}

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def test_the_api_docs_page_is_chinese_and_lists_every_operation(db: None) -> None:
    from tests.web.test_chinese_pages import english_in

    answer = Client().get("/api/docs")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Authorize" not in page and "swagger" not in page.lower() and "<script>" not in page
    for heading in ("接口说明", "认证", "接口一览", "数据结构", "Authorization: Bearer"):
        assert heading in page
    schema = Client().get("/api/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert f"<code>{method.upper()} {path}</code>" in page
            assert operation["summary"] in page
    assert "缺少或无效的接口密钥" in page and "未找到，或无权查看" in page
    parser = _Prose()
    parser.feed(page)
    prose = "<p>" + "".join(f"<span>{part}</span>" for part in parser.parts) + "</p>"
    # Outside <code>: schema names (EvaluationOut …), product and format names only.
    names = set(schema["components"]["schemas"])
    assert english_in(prose) - names - {"OpenAPI", "ISO", "LibreOffice", "html"} == set()
