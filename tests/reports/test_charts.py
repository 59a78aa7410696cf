"""Charts: PNG with a CJK font; without one they still render, with a Chinese warning."""

from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image

from jixiao.reports import charts
from jixiao.reports.document import ReportContent


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
