"""Charts: PNG with a CJK font; without one they still render, with a Chinese warning."""

from __future__ import annotations

import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from PIL import Image

from jixiao.reports import charts
from jixiao.reports.document import Chart, ChartKind, ReportContent, Series


def test_charts_are_png_of_the_text_width(seed_content: ReportContent) -> None:
    for chart in seed_content.charts:
        png = charts.chart_png(chart)
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG"
        assert image.width == round(charts.WIDTH_IN * charts.DPI)


def test_a_cjk_font_is_used_when_installed() -> None:
    font = charts.chart_font()
    if font is None:
        pytest.skip("没有安装中文字体（fonts-noto-cjk）")
    assert font in charts.CJK_FAMILIES


def test_charts_render_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch, seed_content: ReportContent) -> None:
    monkeypatch.setattr(charts, "CJK_FAMILIES", ("无此字体",))
    monkeypatch.setattr(charts, "_CJK_FILE_HINTS", ())
    charts.chart_font.cache_clear()
    charts._render.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            png = charts.chart_png(seed_content.charts[0])
        assert png.startswith(b"\x89PNG")
        messages = [str(w.message) for w in caught if issubclass(w.category, charts.FontWarning)]
        assert messages and "未找到中文字体" in messages[0] and "fonts-noto-cjk" in messages[0]
    finally:
        charts.chart_font.cache_clear()
        charts._render.cache_clear()


def test_each_chart_is_drawn_once_per_content(seed_content: ReportContent) -> None:
    chart = seed_content.charts[1]
    first = charts.chart_png(chart)
    assert charts.chart_png(chart) is first


def test_charts_are_small_palette_pngs_at_the_stated_resolution(seed_content: ReportContent) -> None:
    for chart in seed_content.charts:
        image = Image.open(io.BytesIO(charts.chart_png(chart)))
        assert image.mode == "P"  # grey levels + bar colours: exact, and quick to encode
        assert round(image.info["dpi"][0]) == charts.DPI
        assert len(charts.chart_png(chart)) < 200_000


def _colours(png: bytes) -> set[object]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour for _, colour in image.getcolors(maxcolors=1 << 16) or []}


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_bars_are_drawn_in_their_colours(seed_content: ReportContent) -> None:
    budget, achievement = seed_content.charts
    assert {_hex(c) for c in charts.BUDGET_COLOURS} <= _colours(charts.chart_png(budget))
    # Two of the seed's indicators fall short of their target (81% and 88.89%).
    assert {_hex(charts.MET_COLOUR), _hex(charts.UNMET_COLOUR)} <= _colours(charts.chart_png(achievement))


def test_achievement_chart_grows_with_the_indicators(seed_content: ReportContent) -> None:
    chart = seed_content.charts[1]
    image = Image.open(io.BytesIO(charts.chart_png(chart)))
    assert image.height == round(min(0.8 + 0.3 * len(chart.categories), 10.0) * charts.DPI)


def test_ticks_are_round_steps_within_the_limits() -> None:
    assert charts._ticks(0, 1514.19)[1] == ["0", "200", "400", "600", "800", "1000", "1200", "1400"]
    assert charts._ticks(0, 174)[1] == [str(v) for v in range(0, 161, 20)]
    assert charts._ticks(0, 0.575)[1] == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"]
    assert charts._ticks(0, 21)[1] == ["0.0", "2.5", "5.0", "7.5", "10.0", "12.5", "15.0", "17.5", "20.0"]
    assert charts._ticks(-0.3, 0.3)[1] == ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"]


def test_legend_moves_right_when_a_bar_fills_the_upper_left() -> None:
    one_line = Chart(
        kind=ChartKind.BUDGET_COMPOSITION,
        caption="图1",
        categories=("年度资金总额",),
        series=(Series("全年预算数", (Decimal("0.5"),)), Series("全年执行数", (None,))),
        unit="万元",
    )
    image = Image.open(io.BytesIO(charts.chart_png(one_line))).convert("RGB")
    orange = _hex(charts.BUDGET_COLOURS[1])
    # The orange legend key (the 执行数 bar is empty) sits in the right half, in the top tenth.
    xs = [x for x in range(image.width) for y in range(0, image.height // 10, 4) if image.getpixel((x, y)) == orange]
    assert xs and min(xs) > image.width / 2


def test_charts_from_threads_are_identical(seed_content: ReportContent) -> None:
    charts._render.cache_clear()
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda chart: bytes(charts._render.__wrapped__(chart)), seed_content.charts * 4))
    assert len(set(drawn)) == len(seed_content.charts)
