"""Charts as PNG, drawn with matplotlib's Agg canvas and a CJK font.

No pyplot: each chart is its own :class:`~matplotlib.figure.Figure` on an Agg canvas, so
nothing global is touched and charts can be drawn from worker threads. The font lookup runs
once per process (:func:`chart_font`) and each chart is drawn once per distinct content
(:func:`chart_png` is cached on the frozen :class:`Chart`), so a batch or a report written
in several formats pays for each chart only once.

If no CJK font is installed the charts are still drawn (汉字 then show as boxes) and a
:class:`FontWarning` says which package to install; a report never fails for a font.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from jixiao.core.numbers import fmt
from jixiao.reports.document import Chart, ChartKind

log = logging.getLogger(__name__)

#: Families tried in order; the first installed one draws the charts (sans-serif reads best in charts).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK JP",
)
#: File-name fragments of CJK fonts, to find fonts installed after matplotlib built its cache.
_CJK_FILE_HINTS = ("cjk", "wqy", "sourcehan", "ukai", "uming", "simhei", "msyh", "pingfang", "hei")
DPI = 200
WIDTH_IN = 6.2  # about 157 mm: the text width of a GB/T 9704 page
BUDGET_COLOURS = ("#3A6EA5", "#E07B39")
MET_COLOUR, UNMET_COLOUR = "#3A6EA5", "#C0504D"


class FontWarning(UserWarning):
    """No CJK font found: charts are drawn but Chinese text may show as boxes."""


NO_FONT_MESSAGE = (
    "未找到中文字体（如 Noto Sans CJK SC），图表中的汉字可能显示为方框；"
    "请安装中文字体，例如 Debian/Ubuntu：apt-get install fonts-noto-cjk"
)


@cache
def chart_font() -> str | None:
    """The CJK font family charts use, or ``None`` (with a :class:`FontWarning`)."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _first_family({entry.name for entry in manager.ttflist})
    if found is None:
        # matplotlib caches its font list; fonts installed later are found by file name.
        for path in font_manager.findSystemFonts():
            if any(hint in os.path.basename(path).lower() for hint in _CJK_FILE_HINTS):
                try:
                    manager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _first_family({entry.name for entry in manager.ttflist})
    if found is None:
        warnings.warn(NO_FONT_MESSAGE, FontWarning, stacklevel=2)
        log.warning(NO_FONT_MESSAGE)
    return found


def _first_family(installed: set[str]) -> str | None:
    return next((family for family in CJK_FAMILIES if family in installed), None)


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    family = chart_font()
    params: dict[str, Any] = {
        "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "font.size": 9,
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.fonttype": "none",
    }
    with matplotlib.rc_context(params), warnings.catch_warnings():  # type: ignore[arg-type]
        if family is None:  # one FontWarning was given; do not add one per missing glyph
            warnings.filterwarnings("ignore", message=r".*[Gg]lyph.*missing", category=UserWarning)
        yield


def chart_png(chart: Chart) -> bytes:
    """The chart as PNG bytes (cached per distinct chart content)."""
    return _render(chart)


@lru_cache(maxsize=64)
def _render(chart: Chart) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Margins are set by hand (inches): constrained layout would lay the text out twice.
    with _style():
        if chart.kind is ChartKind.BUDGET_COMPOSITION:
            height = 3.0
            figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
            _margins(figure, height, left=0.75, bottom=0.4, top=0.1, right=0.1)
            _draw_budget(figure, chart)
        else:
            height = min(0.8 + 0.3 * max(len(chart.categories), 1), 10.0)
            longest = max((len(name) for name in chart.categories), default=4)
            figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
            _margins(figure, height, left=0.2 + 0.13 * longest, bottom=0.5, top=0.1, right=0.15)
            _draw_achievement(figure, chart)
        FigureCanvasAgg(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def _margins(figure: Any, height: float, *, left: float, bottom: float, top: float, right: float) -> None:
    figure.subplots_adjust(
        left=min(left / WIDTH_IN, 0.6), right=1 - right / WIDTH_IN, bottom=bottom / height, top=1 - top / height
    )


def _floats(values: tuple[Decimal | None, ...]) -> list[float]:
    # Drawing only: matplotlib needs floats; the figures printed on the bars come from Decimal text.
    return [float(v) if v is not None else 0.0 for v in values]


def _draw_budget(figure: Any, chart: Chart) -> None:
    axes = figure.add_subplot()
    count = len(chart.categories)
    width = 0.8 / max(len(chart.series), 1)
    for i, series in enumerate(chart.series):
        positions = [x - 0.4 + width * (i + 0.5) for x in range(count)]
        bars = axes.bar(
            positions,
            _floats(series.values),
            width * 0.92,
            label=series.name,
            color=BUDGET_COLOURS[i % len(BUDGET_COLOURS)],
        )
        labels = ["—" if v is None else _plain(v) for v in series.values]
        axes.bar_label(bars, labels=labels, padding=2, fontsize=8)
    axes.set_xticks(range(count), chart.categories)
    axes.set_ylabel(f"金额（{chart.unit}）")
    axes.margins(y=0.15)
    axes.legend(frameon=False, ncols=max(len(chart.series), 1), loc="upper left")


def _draw_achievement(figure: Any, chart: Chart) -> None:
    axes = figure.add_subplot()
    values = chart.series[0].values if chart.series else ()
    positions = list(range(len(chart.categories)))
    reference = float(chart.reference) if chart.reference is not None else None
    colours = [
        MET_COLOUR if v is not None and reference is not None and float(v) >= reference else UNMET_COLOUR
        for v in values
    ]
    bars = axes.barh(positions, _floats(values), 0.6, color=colours, zorder=2)
    axes.bar_label(
        bars,
        labels=list(chart.labels) or None,
        padding=3,
        fontsize=8,
        zorder=3,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
    )
    axes.set_yticks(positions, chart.categories)
    axes.invert_yaxis()
    limit = float(chart.cap) if chart.cap is not None else max(_floats(values) or [100.0])
    axes.set_xlim(0, limit * 1.16)
    axes.set_xlabel(
        "实际完成值占年度指标值的百分比（%）"
        + (f"，超过 {_plain(chart.cap)}% 按 {_plain(chart.cap)}% 绘制" if chart.cap else "")
    )
    if reference is not None:
        axes.axvline(reference, color="#555555", linewidth=0.8, linestyle="--", zorder=1)


def _plain(value: Decimal) -> str:
    return fmt(value)
