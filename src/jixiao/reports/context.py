"""The figures and sentences a template can print, computed from evaluation + scorecard.

Every amount difference, share, rate and score here is computed from the evaluation's
stated inputs or taken from the scorecard, and formatted with :func:`jixiao.core.numbers.fmt`
(rounding only through :mod:`jixiao.core.numbers`): no figure in a report is typed by hand.
Values are plain strings; a blank string means "not reported" and the template decides
what to print for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jixiao.core import metrics
from jixiao.core.framework import Framework, normalize_l1
from jixiao.core.model import BudgetLine, Evaluation, Satisfaction, SatisfactionSource
from jixiao.core.numbers import AMOUNT_PLACES, HUNDRED, RATE_PLACES, SCORE_PLACES, ZERO, fmt, round_half_up
from jixiao.core.scoring import ItemScore, Scorecard
from jixiao.core.survey import wilson
from jixiao.reports.sanitize import clean_line, clean_text

#: Which 一级指标 names count as 产出 / 效益 / 满意度 for the per-category figures.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "output": ("产出", "履职完成", "职责履行"),
    "effect": ("效益", "效果"),
    "satisfaction": ("满意度",),
}


@dataclass(frozen=True)
class Facts:
    """Placeholder values and conditions for one evaluation."""

    values: dict[str, str]
    flags: dict[str, bool]


def amount(value: Decimal | None) -> str:
    """A stated amount as the unit wrote it (153, 1464.48, 6.4)."""
    return "" if value is None else fmt(value)


def computed_amount(value: Decimal | None) -> str:
    return "" if value is None else fmt(value, AMOUNT_PLACES)


def percent(value: Decimal | None) -> str:
    return "" if value is None else fmt(value, RATE_PLACES)


def points(value: Decimal | None) -> str:
    return "" if value is None else fmt(value, SCORE_PLACES)


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (unrounded; format with :func:`percent`)."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * HUNDRED


def date_text(value: date | None) -> str:
    """公文日期：阿拉伯数字，不编虚位（2022年5月18日）."""
    return "" if value is None else f"{value.year}年{value.month}月{value.day}日"


def matches_l1(l1: str, names: Iterable[str]) -> bool:
    key = normalize_l1(l1)
    return any(normalize_l1(name) and normalize_l1(name) in key for name in names)


def unit_items(scorecard: Scorecard) -> tuple[ItemScore, ...]:
    """The scored lines that are the unit's own indicators, in framework block order."""
    return tuple(item for item in scorecard.items if item.indicator_index is not None)


def framework_label(framework: Framework | None, scorecard: Scorecard) -> tuple[str, str]:
    if framework is None:
        return scorecard.framework_id, ""
    return clean_line(framework.title), clean_line(framework.source)


def build_facts(evaluation: Evaluation, scorecard: Scorecard, framework: Framework | None) -> Facts:
    values: dict[str, str] = {}
    values.update(_unit_values(evaluation))
    values.update(_budget_values(evaluation, scorecard))
    values.update(_score_values(evaluation, scorecard, framework))
    values.update(_narrative_values(evaluation))
    return Facts(values=values, flags=_flags(evaluation, scorecard))


def _unit_values(e: Evaluation) -> dict[str, str]:
    unit, staff, assets = e.unit, e.unit.staffing, e.unit.assets
    project = e.project
    parts = "，".join(f"{clean_line(p.name)}{amount(p.amount)}{assets.unit.value}" for p in assets.parts)
    return {
        "unit": clean_line(unit.name),
        "year": str(e.year),
        "next_year": str(e.year + 1),
        "kind_label": e.kind.label,
        "superior": clean_line(unit.superior),
        "budget_level": clean_line(unit.budget_level),
        "nature": clean_line(unit.nature),
        "region": clean_line(unit.region),
        "duties": clean_text(unit.duties).strip(),
        "organization": clean_text(unit.organization).strip(),
        "authorized": _count(staff.authorized),
        "actual_staff": _count(staff.actual),
        "hired": _count(staff.hired),
        "staffing_note": clean_text(staff.note).strip(),
        "assets_total": amount(assets.total),
        "assets_unit": assets.unit.value,
        "asset_parts": parts,
        "assets_note": clean_text(assets.note).strip(),
        "project_name": clean_line(project.name) if project else "",
        "implementing_unit": clean_line(project.implementing_unit or unit.name) if project else clean_line(unit.name),
        "supervising_dept": clean_line(project.supervising_dept or unit.superior)
        if project
        else clean_line(unit.superior),
        "signer": clean_line(e.sign_off.signer or unit.name),
        "signed_on": date_text(e.sign_off.signed_on),
    }


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _budget_values(e: Evaluation, card: Scorecard) -> dict[str, str]:
    b = e.budget
    unit = b.unit.value
    difference = b.executed - b.adjusted if b.executed is not None and b.adjusted is not None else None
    adjustment = b.adjusted - b.initial if b.adjusted is not None and b.initial is not None else None
    adjustment_rate = metrics.BUILTIN["budget_adjustment_rate"].compute(e).value
    over_lines = [_overspend_line(line, unit) for line in b.by_nature]
    return {
        "amount_unit": unit,
        "initial": amount(b.initial),
        "adjusted": amount(b.adjusted),
        "executed": amount(b.executed),
        "carryover": amount(b.carryover),
        "adjustment": computed_amount(adjustment),
        "adjustment_rate": percent(adjustment_rate),
        "source_breakdown": _breakdown(b.by_source, b.adjusted, unit),
        "nature_breakdown": _breakdown(b.by_nature, b.adjusted, unit),
        "nature_executed_breakdown": "、".join(
            f"{clean_line(line.name)}{amount(line.executed)}{unit}" for line in b.by_nature if line.executed is not None
        ),
        "execution_rate": percent(card.execution_rate),
        "stated_execution_rate": amount(e.stated.execution_rate),
        "overspend": computed_amount(difference) if difference is not None and difference > 0 else "",
        "overspend_rate": percent(share(difference, b.adjusted)) if difference is not None and difference > 0 else "",
        "overspend_lines": "；".join(x for x in over_lines if x) + ("。" if any(over_lines) else ""),
        "overspend_explanation": clean_text(b.overspend_explanation).strip(),
        "underspend": computed_amount(-difference) if difference is not None and difference < 0 else "",
    }


def _overspend_line(line: BudgetLine, unit: str) -> str:
    if line.executed is None or line.adjusted is None or line.executed <= line.adjusted:
        return ""
    over = line.executed - line.adjusted
    return (
        f"其中{clean_line(line.name)}执行数{amount(line.executed)}{unit}，"
        f"超出预算{computed_amount(over)}{unit}（{percent(share(over, line.adjusted))}%）"
    )


def _breakdown(lines: tuple[BudgetLine, ...], whole: Decimal | None, unit: str) -> str:
    parts = [
        f"{clean_line(line.name)}{amount(line.adjusted)}{unit}，占{percent(share(line.adjusted, whole))}%"
        if share(line.adjusted, whole) is not None
        else f"{clean_line(line.name)}{amount(line.adjusted)}{unit}"
        for line in lines
        if line.adjusted is not None
    ]
    return "；".join(parts)


def _score_values(e: Evaluation, card: Scorecard, framework: Framework | None) -> dict[str, str]:
    title, source = framework_label(framework, card)
    execution = next((item for item in card.items if item.rule == "execution_rate"), None)
    total_weight = framework.total if framework else sum((block.weight for block in card.blocks), ZERO)
    values = {
        "execution_weight": amount(execution.weight) if execution else "",
        "execution_score": points(execution.score) if execution else "",
        "total": points(card.total),
        "total_weight": amount(total_weight),
        "grade": card.grade,
        "stated_total": amount(e.stated.total),
        "stated_grade": clean_line(e.stated.grade or ""),
        "block_scores": "；".join(
            f"{clean_line(block.name)}{amount(block.weight)}分，得{points(block.score)}分" for block in card.blocks
        ),
        "framework_title": title,
        "framework_source": source,
        "indicator_count": str(len(e.indicators)),
    }
    items = unit_items(card)
    for key, names in CATEGORIES.items():
        chosen = [item for item in items if matches_l1(item.l1, names)]
        values[f"{key}_count"] = str(len(chosen)) if chosen else ""
        values[f"{key}_weight"] = amount(sum((item.weight or ZERO for item in chosen), ZERO)) if chosen else ""
        values[f"{key}_score"] = points(sum((item.score for item in chosen), ZERO)) if chosen else ""
    return values


def _narrative_values(e: Evaluation) -> dict[str, str]:
    n, s, g = e.narrative, e.satisfaction, e.goals
    return {
        "overall_goal": clean_text(g.overall).strip(),
        "performance_goal": clean_text(g.performance).strip(),
        "goal_achieved": clean_text(g.achieved or n.outputs).strip(),
        "satisfaction_value": amount(s.value),
        "satisfaction_method": clean_line(s.method),
        "satisfaction_source": s.source.label,
        "sample_size": "" if s.sample_size is None else str(s.sample_size),
        **_survey_interval(s),
        "management": clean_text(n.management).strip(),
        "outputs": clean_text(n.outputs).strip(),
        "effects": clean_text(n.effects).strip(),
        "sustainability": clean_text(n.sustainability).strip(),
        "results_use": clean_text(n.results_use).strip(),
        "publication": clean_text(n.publication).strip(),
    }


def _survey_interval(s: Satisfaction) -> dict[str, str]:
    """The 95 % Wilson interval of a surveyed satisfaction rate, from its value and sample size
    (the checker's SATISFACTION_SAMPLE_SMALL computes the same)."""
    blank = {"satisfaction_interval": "", "satisfaction_margin": ""}
    if s.source is not SatisfactionSource.SURVEY or s.value is None or not s.sample_size or s.sample_size <= 0:
        return blank
    n = s.sample_size
    successes = int(round_half_up(s.value / HUNDRED * n, 0))
    interval = wilson(min(max(successes, 0), n), n)
    if interval is None:
        return blank
    return {
        "satisfaction_interval": f"{fmt(interval.low)}%–{fmt(interval.high)}%",
        "satisfaction_margin": fmt((interval.high - interval.low) / 2, 1),
    }


def _flags(e: Evaluation, card: Scorecard) -> dict[str, bool]:
    b = e.budget
    known = b.executed is not None and b.adjusted is not None
    stated_total = e.stated.total
    return {
        "overspent": known and b.executed is not None and b.adjusted is not None and b.executed > b.adjusted,
        "underspent": known and b.executed is not None and b.adjusted is not None and b.executed < b.adjusted,
        "has_stated_rate": e.stated.execution_rate is not None,
        "has_stated_total": stated_total is not None,
        "stated_total_differs": stated_total is not None and stated_total != card.total,
        "survey": e.satisfaction.source is SatisfactionSource.SURVEY,
        "no_survey": e.satisfaction.source is not SatisfactionSource.SURVEY,
        "has_indicators": bool(e.indicators),
        "has_by_nature": any(line.adjusted is not None for line in b.by_nature),
        "has_by_source": any(line.adjusted is not None for line in b.by_source),
    }
