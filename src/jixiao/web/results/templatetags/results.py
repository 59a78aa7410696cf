"""Table rows of a chart, built in Python: a thousand-row table through template tags costs more
than the rest of the page (as on the overview; docs/results.md#analytics)."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from jixiao.web.results.selectors import Chart, text

register = template.Library()


@register.simple_tag
def chart_rows(chart: Chart) -> SafeString:
    parts = []
    links = chart.links
    for index, row in enumerate(chart.rows):
        first, *rest = row
        head = escape(text(first))
        if links:
            head = f'<a href="{escape(links[index])}">{head}</a>'
        cells = "".join(f'<td class="num">{escape(text(value))}</td>' for value in rest)
        parts.append(f"<tr><td>{head}</td>{cells}</tr>")
    return mark_safe("".join(parts))
