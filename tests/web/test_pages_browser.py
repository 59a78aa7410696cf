"""Pages outside the workflow, in a real browser under the Content-Security-Policy
(docs/web.md#csp): the admin, the API's documentation page, the error pages (403, 404, 500, 503),
and the paged lists (review overview, portal year) at a laptop's and a phone's width.

Every page is opened in Chromium with the CSP violations and script errors collected by
``browser_page`` (tests/web/test_browser.py): any one fails the test. Screenshots go to
test-artifacts/pages/ (gitignored): look at them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation
from tests.web.test_browser import CHROMIUM, Site, browser_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"未找到浏览器 {CHROMIUM}：apt-get install chromium（或设 JIXIAO_CHROMIUM）"
    ),
]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pages"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def faulty_site(live_server: Any, settings: Any) -> Site:
    """The demo district on a live server whose URLs include two that fail on purpose."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    settings.ROOT_URLCONF = "tests.web.fault_urls"
    demo.load_demo()
    published = Evaluation.objects.filter(state="published").values_list("pk", flat=True)
    return Site(str(live_server.url), published[0], 0)


def _login(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def _shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_api_docs_and_error_pages_keep_to_the_csp(faulty_site: Site) -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    with browser_page(faulty_site.url) as page:
        # Errors, to an anonymous visitor: each a Chinese page with the site's style sheet.
        for path, status, heading in (
            ("/no-such-page/", 404, "您访问的页面不存在"),
            ("/test-fault/500/", 500, "系统错误"),
            ("/test-fault/503/", 503, "数据库暂时无法连接"),
        ):
            response = page.goto(path)
            assert response is not None and response.status == status, path
            expect(page.locator("body")).to_contain_text(heading)
            assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", path
            _shot(page, f"error-{status}")
        # A page the persona may not open: 403 in Chinese.
        _login(page, "tianbao")
        response = page.goto("/review/")
        assert response is not None and response.status == 403
        expect(page.locator("body")).to_contain_text("只有财政部门的审核人或管理员可以查看汇总")
        _shot(page, "error-403")
        # The API's documentation page (no Swagger, no scripts of its own).
        page.goto("/api/docs")
        expect(page.locator("h1")).to_contain_text("接口")
        _shot(page, "api-docs")
        # The administrator's pages: the index, the accounts, the API keys, one account.
        page.get_by_role("button", name="退出").click()
        _login(page, "admin")
        for path in ("/admin/", "/admin/auth/user/", "/admin/accounts/apitoken/", "/admin/accounts/unit/"):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(page.locator("#content")).to_be_visible()
        page.get_by_role("link", name=re.compile("^360102")).first.click()
        expect(page.locator("#content h1")).to_be_visible()
        _shot(page, "admin-unit")


def test_the_paged_lists_read_at_a_laptops_and_a_phones_width(faulty_site: Site, monkeypatch: Any) -> None:
    from jixiao.web.portal import views as portal_views
    from jixiao.web.reviews import selectors as review_selectors

    monkeypatch.setattr(review_selectors, "PAGE_SIZE", 4)  # the demo district has a handful of units
    monkeypatch.setattr(portal_views, "PAGE_SIZE", 1)
    years = Evaluation.objects.filter(state="published").values_list("year", flat=True)
    busiest = max(set(years), key=list(years).count)  # a year with more than one published
    assert list(years).count(busiest) > 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page(faulty_site.url) as page:
        _login(page, "shenhe")
        for size, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            page.goto("/review/?sort=code")
            pager = page.locator("nav.pager")
            expect(pager).to_contain_text("第 1 / ")
            expect(page.locator("p.summary")).to_contain_text("本页第 1–4 行")
            _shot(page, f"overview-page1-{name}")
            pager.get_by_role("link", name="下一页").click()
            expect(pager).to_contain_text("第 2 / ")
            assert "sort=code" in page.url and "page=2" in page.url
            _shot(page, f"overview-page2-{name}")
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/public/"))
        for size, name in ((LAPTOP, "laptop"), (PHONE, "phone")):
            page.set_viewport_size(size)
            page.goto(f"/public/{busiest}/")
            expect(page.locator("nav.pager")).to_contain_text("第 1 / ")
            page.locator("nav.pager").get_by_role("link", name="下一页").click()
            expect(page.locator("nav.pager")).to_contain_text("第 2 / ")
            _shot(page, f"portal-page2-{name}")
            # Nothing wider than the screen on the phone: the list scrolls inside its box, if at all.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name}: 页面比屏幕宽 {overflow} px"
