"""A respondent answers the survey on a phone (375 × 812) in a real browser; then the preparer
reads the results and prints the posters. Screenshots go to test-artifacts/surveys/ (look at
them). Skipped, with the reason, where Chromium is missing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from jixiao.web.surveys.models import Response
from tests.web.surveys_world import bulk_answer, open_survey
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, watch_csp
from tests.web.world import build_world

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "surveys"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"未找到浏览器 {CHROMIUM}：apt-get install chromium（或设 JIXIAO_CHROMIUM）"
    ),
]


@pytest.fixture
def site(live_server: Any, settings: Any) -> dict[str, Any]:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # the live server speaks http
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    world = build_world()
    survey = open_survey(world, blueprint="department")
    bulk_answer(survey, "服务对象", {5: 40, 4: 35, 3: 15, 2: 7, 1: 3}, "seed1")
    bulk_answer(survey, "社会公众", {5: 20, 4: 10, 3: 10, 2: 5, 1: 5}, "seed2")
    group = survey.groups.get(name="协作部门")
    return {"url": str(live_server.url), "survey": survey, "slug": group.slug, "pk": survey.evaluation_id}


def test_a_respondent_answers_on_a_phone(site: dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    survey = site["survey"]
    questions = list(survey.questions.values_list("pk", flat=True))
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        phone = browser.new_context(
            base_url=site["url"],
            viewport={"width": 375, "height": 812},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
        )
        page = phone.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        violations: list[str] = []
        watch_csp(page, violations)
        page.goto(f"/s/{site['slug']}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("满意度调查")
        expect(page.get_by_text("调查对象：协作部门")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "01-phone-questionnaire.png"), full_page=True)
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # Tap targets: every choice at least 44 px high (WCAG / Apple HIG).
        heights = page.eval_on_selector_all(".choice span", "els => els.map(e => e.getBoundingClientRect().height)")
        assert min(heights) >= 44
        submit = page.get_by_role("button", name="提交问卷")
        submit.click()  # nothing chosen: refused, politely
        expect(page.get_by_role("alert")).to_contain_text("请至少回答一道题目")
        for index, _ in enumerate(questions):
            choice = "很满意" if index % 2 == 0 else "满意"
            page.locator(".question").nth(index).get_by_role("radio", name=choice, exact=True).tap()
        page.locator("#comment").fill("<b>窗口服务很好</b>，希望增加周末办理时间。")
        page.screenshot(path=str(ARTIFACTS / "02-phone-answered.png"), full_page=True)
        page.get_by_role("button", name="提交问卷").tap()
        expect(page.get_by_text("问卷已提交，感谢您的参与！")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "03-phone-thanks.png"), full_page=True)
        page.goto(f"/s/{site['slug']}/")  # the same phone again
        expect(page.get_by_text("您已提交过本次问卷")).to_be_visible()
        phone.close()

        _preparer_reads_the_results(browser, site, errors, violations)
        browser.close()
    assert errors == [], f"页面脚本出错：{errors}"
    assert violations == [], f"违反内容安全策略：{violations}"
    responses = Response.objects.filter(survey=survey, group__name="协作部门")
    assert responses.count() == 1
    assert responses.get().answers.count() == len(questions)


def _preparer_reads_the_results(browser: Any, site: dict[str, Any], errors: list[str], violations: list[str]) -> None:
    from playwright.sync_api import expect

    survey = site["survey"]
    desk = browser.new_context(base_url=site["url"], viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    watch_csp(page, violations)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "prep_a")
    page.fill("input[name=password]", "correct-horse-battery")
    page.get_by_role("button", name="登录").click()
    page.goto(f"/evaluations/{site['pk']}/surveys/{survey.pk}/")
    expect(page.get_by_text("总体满意率（按权重合并）")).to_be_visible()
    expect(page.get_by_text("<b>窗口服务很好</b>，希望增加周末办理时间。")).to_be_visible()  # shown as text
    page.screenshot(path=str(ARTIFACTS / "04-results.png"), full_page=True)
    page.goto(f"/evaluations/{site['pk']}/surveys/")
    page.screenshot(path=str(ARTIFACTS / "06-survey-list.png"), full_page=True)
    page.goto(f"/evaluations/{site['pk']}/surveys/{survey.pk}/edit/")
    page.screenshot(path=str(ARTIFACTS / "07-edit-published.png"), full_page=True)
    page.goto(f"/evaluations/{site['pk']}/surveys/{survey.pk}/poster/")
    page.screenshot(path=str(ARTIFACTS / "05-poster.png"), full_page=False)
    desk.close()
