"""The whole workflow in a real browser (Playwright driving Debian's Chromium) against a live server.

The demo district is loaded; then, as people would:
preparer edits an indicator and sees the live score change (htmx), saves, submits → the head
signs off → the reviewer returns with a comment → the preparer reads the comment, fixes and
submits again → the head signs → the reviewer approves and publishes → an anonymous visitor
finds the result on the portal and downloads the report (.docx).

A screenshot of each step goes to test-artifacts/browser/ (gitignored): look at them. Skipped,
with the reason, where the browser is missing (``apt-get install chromium``; Playwright itself is a
dev dependency and drives that browser, no download).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from jixiao.web.evaluations import demo
from jixiao.web.evaluations.models import Evaluation

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UNIT = "东湖区教育体育局"  # the demo's clean draft: tianbao fills in, fuzeren signs
SEED_UNIT_CODE = "360102001"  # the seed's unit: a draft with a P0 finding
COMMENT = "“校舍维修改造面积”实际完成值与竣工验收单（7980 平方米）不符，请核实后重新提交。"


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"未找到浏览器 {CHROMIUM}：apt-get install chromium（或设 JIXIAO_CHROMIUM）"
    ),
]


@dataclass(frozen=True)
class Site:
    url: str
    pk: int  # the 教育体育局's 2021 evaluation
    seed_pk: int  # the seed unit's, with a P0 finding


@pytest.fixture
def demo_site(live_server: Any, settings: Any) -> Site:
    """The demo district on a live server over plain http."""
    # The live server speaks http: cookies marked Secure would never come back.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    demo.load_demo()
    return Site(
        str(live_server.url),
        Evaluation.objects.get(unit__name=UNIT, year=demo.YEAR).pk,
        Evaluation.objects.get(unit__code=SEED_UNIT_CODE).pk,
    )


#: Reports every Content-Security-Policy violation of the page to the console (docs/web.md#csp).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


def watch_csp(page: Page, violations: list[str]) -> None:
    """Collect the page's Content-Security-Policy violations (Chromium's console message and the
    ``securitypolicyviolation`` event) into ``violations``; the tests assert there are none."""
    page.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            violations.append(f"{page.url}: {text}")

    page.on("console", on_console)


@contextmanager
def browser_page(url: str) -> Iterator[Page]:
    """A fresh Chromium page on the site; page script errors and Content-Security-Policy
    violations fail the test.

    No database access while it is open: Playwright's sync API runs this code in a greenlet
    of its own, where Django would open (and leave open) a second connection.
    """
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=url, viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        violations: list[str] = []
        watch_csp(page, violations)
        try:
            yield page
        finally:
            context.close()
            browser.close()
    assert errors == [], f"页面脚本出错：{errors}"
    assert violations == [], f"违反内容安全策略：{violations}"


class Steps:
    """Screenshots numbered in the order taken."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def shot(self, name: str, *, full_page: bool = True) -> None:
        self.count += 1
        self.page.screenshot(path=str(ARTIFACTS / f"{self.count:02d}-{name}.png"), full_page=full_page)

    def login(self, username: str) -> None:
        page = self.page
        if page.get_by_role("button", name="退出").count():
            page.get_by_role("button", name="退出").click()
            page.wait_for_url(re.compile(r"/public/"))
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", demo.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/(dashboard|review)/"))

    def open_evaluation(self, pk: int) -> None:
        self.page.goto(f"/evaluations/{pk}/")
        expect(self.page.locator("h1")).to_contain_text(UNIT)

    def message(self, text: str) -> None:
        expect(self.page.locator("ul.messages")).to_contain_text(text)

    def edit_indicator(self, index: int, actual: str, note: str = "") -> tuple[str, str]:
        """Type a new actual value; the score panel changes before anything is saved."""
        page = self.page
        page.goto(page.url.split("#")[0])
        total = page.locator("#live-total")
        before = total.inner_text()
        field = page.locator(f'[name="indicators[{index}].actual"]')
        field.fill(actual)
        if note:
            page.locator(f'[name="indicators[{index}].deviation_note"]').fill(note)
        expect(total).not_to_have_text(before)
        return before, total.inner_text()

    def save_and_submit(self, pk: int) -> None:
        page = self.page
        page.get_by_role("button", name="保存", exact=True).last.click()
        self.message("绩效指标已保存")
        self.open_evaluation(pk)
        page.get_by_role("button", name="提交", exact=True).click()
        self.message("已提交，等待单位负责人签批")
        expect(page.locator(".badge.state-submitted").first).to_be_visible()

    def sign_off(self, pk: int) -> None:
        self.login("fuzeren")
        self.open_evaluation(pk)
        self.page.get_by_role("button", name="签批", exact=True).click()
        self.message("已签批，等待财政审核")


@pytest.mark.django_db(transaction=True)
def test_the_whole_workflow_in_a_browser(demo_site: Site) -> None:
    with browser_page(demo_site.url) as page:
        walk_through(page, demo_site.pk, demo_site.seed_pk)
    published = Evaluation.objects.select_related("current_version").get(pk=demo_site.pk)
    assert (published.state, published.current_version.number) == ("published", 2)
    assert published.current_version.document["indicators"][1]["actual"] == "7980平方米"


def walk_through(page: Page, pk: int, seed_pk: int) -> None:
    """Each person's steps, with a screenshot after each."""
    steps = Steps(page)
    first_submission(steps, pk)
    steps.sign_off(pk)
    steps.shot("head-signed")
    reviewer_returns(steps, pk)
    preparer_fixes(steps, pk)
    steps.sign_off(pk)
    reviewer_publishes(steps, pk, seed_pk)
    public_download(steps)


def first_submission(steps: Steps, pk: int) -> None:
    """填报人: the dashboard, the editor, the live score as the value is typed; save, submit."""
    page = steps.page
    steps.login("tianbao")
    expect(page.locator("table")).to_contain_text(UNIT)
    steps.shot("preparer-dashboard")
    page.goto(f"/evaluations/{pk}/edit/indicators/")
    steps.shot("editor-indicators")
    before, after = steps.edit_indicator(1, "8000平方米")  # 7860 → 8000: the target is met
    assert Decimal(after) > Decimal(before), (before, after)
    expect(page.locator("#row-score-1")).to_have_text("8.00")
    steps.shot("editor-live-score-changed")
    steps.save_and_submit(pk)
    steps.shot("preparer-submitted")


def reviewer_returns(steps: Steps, pk: int) -> None:
    """财政审核人: the bureau overview, then the evaluation returned with a comment."""
    page = steps.page
    steps.login("shenhe")
    expect(page.locator("h1")).to_contain_text("绩效自评汇总")
    expect(page.locator("table")).to_contain_text(UNIT)
    steps.shot("reviewer-overview")
    page.goto(f"/review/{pk}/")
    page.fill("#return-comment", COMMENT)
    steps.shot("reviewer-review-page")
    page.get_by_role("button", name="退回修改").click()
    steps.message("已退回")
    steps.shot("reviewer-returned")


def preparer_fixes(steps: Steps, pk: int) -> None:
    """填报人 reads the comment, fixes the figure in the new version and submits again."""
    page = steps.page
    steps.login("tianbao")
    steps.open_evaluation(pk)
    expect(page.locator("aside")).to_contain_text(COMMENT)
    expect(page.locator(".badge.state-returned").first).to_be_visible()
    steps.shot("preparer-sees-comment")
    page.goto(f"/evaluations/{pk}/edit/indicators/")
    steps.edit_indicator(1, "7980平方米", note="经核实竣工验收单，完成 7980 平方米，剩余 20 平方米于次年一季度完成。")
    steps.shot("editor-fixed")
    steps.save_and_submit(pk)


def reviewer_publishes(steps: Steps, pk: int, seed_pk: int) -> None:
    """财政审核人 approves and publishes; then an evaluation with findings and the overview."""
    page = steps.page
    steps.login("shenhe")
    page.goto(f"/review/{pk}/")
    page.fill("#approve-comment", "同意。")
    page.get_by_role("button", name="审核通过").click()
    steps.message("已审核通过")
    page.get_by_role("button", name="公开", exact=True).click()
    steps.message("已公开")
    steps.shot("reviewer-published")
    # The seed unit's draft carries a P0 finding (satisfaction without a survey).
    page.goto(f"/evaluations/{seed_pk}/")
    expect(page.locator("aside .badge.sev-P0").first).to_be_visible()
    steps.shot("evaluation-with-findings")
    # Choosing a finding to rectify fills the message from its text (site.js: no inline handler under the CSP).
    page.goto(f"/review/{seed_pk}/")
    options = page.locator("#rect-finding option")
    first, last = options.first.get_attribute("data-message"), options.last.get_attribute("data-message")
    message = page.locator('form.promote input[name="message"]')
    expect(message).to_have_value(first or "")
    assert first != last
    page.locator("#rect-finding").select_option(index=options.count() - 1)
    expect(message).to_have_value(last or "")
    page.goto("/review/")
    steps.shot("overview-after-publication")


def public_download(steps: Steps) -> None:
    """公众: the portal lists the result; the report downloads as a Word file."""
    page = steps.page
    page.get_by_role("button", name="退出").click()
    page.goto("/public/")  # the latest year's list
    expect(page.locator("h1")).to_contain_text(f"{demo.YEAR} 年度")
    row = page.locator("tr", has_text=UNIT)
    expect(row).to_be_visible()
    steps.shot("portal-year")
    row.get_by_role("link", name=UNIT).click()
    expect(page.locator("h1")).to_contain_text(UNIT)
    steps.shot("portal-detail")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="自评报告（Word）").click()
    download = download_info.value
    saved = ARTIFACTS / "report.docx"
    download.save_as(saved)
    assert download.suggested_filename.endswith(".docx")
    assert saved.read_bytes()[:2] == b"PK"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1366, 1280])
def test_the_indicator_editor_fits_common_laptop_screens(demo_site: Site, width: int) -> None:
    """Row buttons on screen, 二级指标 names whole, no sideways scrolling (screenshots kept)."""
    with browser_page(demo_site.url) as page:
        page.set_viewport_size({"width": width, "height": 900})
        steps = Steps(page)
        steps.login("tianbao")
        page.goto(f"/evaluations/{demo_site.pk}/edit/indicators/")
        steps.shot(f"indicators-{width}", full_page=False)
        fit = page.evaluate(
            """() => {
              const scroll = document.querySelector('.table-scroll');
              const right = Math.max(...[...document.querySelectorAll('td.c-buttons button')]
                .map(b => b.getBoundingClientRect().right));
              const cut = [...document.querySelectorAll('td.c-l2 input')]
                .filter(i => i.scrollWidth > i.clientWidth + 1).map(i => i.value);
              return [scroll.scrollWidth - scroll.clientWidth, right <= window.innerWidth, cut,
                      document.documentElement.scrollWidth - window.innerWidth];
            }"""
        )
        assert fit == [0, True, [], 0]
