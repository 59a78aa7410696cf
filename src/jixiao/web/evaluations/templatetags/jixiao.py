"""Template filters: Chinese labels for codes and figures shown as the core formats them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from jixiao.core.model import EvaluationKind
from jixiao.core.numbers import fmt as core_fmt
from jixiao.web import timetext
from jixiao.web.evaluations.workflow import State

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    try:
        return State(value).label
    except ValueError:
        return "未填报"


@register.filter
def kind_label(value: str) -> str:
    try:
        return EvaluationKind(value).label
    except ValueError:
        return value


@register.filter
def figure(value: Any) -> str:
    """A Decimal as people read it (trailing zeros dropped), "—" when absent."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return core_fmt(value)
    return str(value)


@register.filter
def fixed(value: Any, places: int = 2) -> str:
    """A score or rate in a column: always ``places`` decimals (rounded half up), so figures align."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return core_fmt(value, int(places))
    return str(value)


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None


@register.filter
def shown(value: Any) -> str:
    """A value of the audit diff: absent fields are shown as （空）."""
    if value is None or value == "":
        return "（空）"
    return str(value)


@register.filter
def moment(value: datetime | None) -> str:
    """A date and time as Chinese text (``2026年12月5日 08:30``), "—" when absent."""
    return timetext.moment(value) if value is not None else "—"


@register.filter
def duration(value: timedelta | None) -> str:
    """A span in 天 / 小时 / 分钟 (never ``0:30:00``)."""
    return timetext.duration(value) if value is not None else ""


@register.simple_tag
def field_input(f: Any) -> str:
    """One input named by its document path (``f``: a BoundField of the editor).

    Built here rather than by including a template for each cell: the indicators page shows
    hundreds of inputs, and an include per cell was most of the page's time
    (docs/performance.md#deadline-week)."""
    if f.kind in ("textarea", "lines"):
        rows = 4 if f.kind == "lines" else 3
        return format_html('<textarea name="{}" id="{}" rows="{}">{}</textarea>', f.name, f.id, rows, f.value)
    if f.kind == "select":
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, _SELECTED if value == f.value else "", label) for value, label in f.choices),
        )
        return format_html('<select name="{}" id="{}">{}</select>', f.name, f.id, options)
    if f.kind == "date":
        return format_html('<input type="date" name="{}" id="{}" value="{}">', f.name, f.id, f.value)
    decimal = _DECIMAL if f.kind == "number" else ""
    return format_html('<input type="text" name="{}" id="{}" value="{}"{}>', f.name, f.id, f.value, decimal)


_SELECTED = mark_safe(" selected")
_DECIMAL = mark_safe(' inputmode="decimal"')
