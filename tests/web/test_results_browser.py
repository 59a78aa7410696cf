"""The analytics page in a real browser (Playwright driving Debian's Chromium) on the demo district:
ECharts from the static files draws every chart (the monitoring lights per round too), a scatter
point opens its unit's evaluation, the PNG button downloads an image; screenshots at 1366×900 and
375×812 go to test-artifacts/results/. Skipped, with the reason, where the browser is missing."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect, sync_playwright

from jixiao.web.accounts.models import Bureau
from jixiao.web.evaluations import demo
from jixiao.web.results.demo import load_results_demo
from tests.web.test_browser import watch_csp

CHROMIUM = os.environ.get("JIXIAO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "results"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"未找到浏览器 {CHROMIUM}：apt-get install chromium（或设 JIXIAO_CHROMIUM）"
    ),
]


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    demo.load_demo()
    reviewer = get_user_model().objects.get(username="shenhe")
    load_results_demo(Bureau.objects.get(name=demo.BUREAU), reviewer, demo.YEAR)
    return str(live_server.url)


@pytest.mark.django_db(transaction=True)
def test_the_analytics_page_draws_its_charts_and_a_point_opens_the_unit(site: str) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    errors: list[str] = []
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width, height in ((1366, 900), (375, 812)):
            context = browser.new_context(
                base_url=site, viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            watch_csp(page, violations)
            page.goto("/accounts/login/")
            page.fill("#id_username", "shenhe")
            page.fill("#id_password", demo.PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(re.compile(r"/(dashboard|review)/"))
            page.goto("/results/analytics/")
            charts = page.locator("[data-chart]")
            expect(charts.first).to_be_visible()
            assert charts.count() >= 6
            expect(page.locator('[data-chart="lights"] canvas')).to_have_count(1)
            for index in range(charts.count()):
                expect(charts.nth(index).locator("canvas")).to_have_count(1)
            page.screenshot(path=str(ARTIFACTS / f"analytics-{width}.png"), full_page=True)
            if width == 1366:
                with page.expect_download() as download:
                    page.locator('[data-png="grades"]').click()
                assert download.value.suggested_filename.endswith(".png")
                # the monitoring lights: one stacked bar per round, the light colours from the core
                drawn = page.evaluate(
                    """() => {
                        const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="lights"]'));
                        const option = chart.getOption();
                        return {rounds: option.xAxis[0].data, series: option.series.map(s => [s.name, s.data])};
                    }"""
                )
                assert len(drawn["rounds"]) == 3
                assert ["红灯", [1, 2, 1]] in drawn["series"]
                page.locator("#chart-lights").screenshot(path=str(ARTIFACTS / "lights.png"))
                # click the first point of the scatter: its unit's evaluation opens
                page.locator('[data-chart="scatter"]').scroll_into_view_if_needed()
                spot = page.evaluate(
                    """() => {
                        const el = document.querySelector('[data-chart="scatter"]');
                        const chart = echarts.getInstanceByDom(el);
                        const point = chart.getOption().series[0].data[0];
                        const xy = chart.convertToPixel({seriesIndex: 0}, [point[0], point[1]]);
                        const box = el.getBoundingClientRect();
                        const row = document.querySelectorAll('#chart-scatter tbody tr')[point[2]];
                        return {x: box.left + xy[0], y: box.top + xy[1], href: row.querySelector('a').href};
                    }"""
                )
                page.mouse.click(spot["x"], spot["y"])
                page.wait_for_url(spot["href"])
                expect(page.locator("h1")).to_contain_text("年度")
            context.close()
        browser.close()
    assert errors == [], f"页面脚本出错：{errors}"
    assert violations == [], f"违反内容安全策略：{violations}"
