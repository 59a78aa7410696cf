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
from jixiao.core.checks.arithmetic import Agreement, agreement
from jixiao.core.framework import Framework, normalize_l1
from jixiao.core.model import BudgetLine, Evaluation, Satisfaction, SatisfactionSource, Staffing
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
#: How an ``assumed`` field of an indicator is called in messages and in the review copy.
ASSUMED_LABELS = {
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "judged_score": "评价得分",
    "tier": "档位",
}
#: Indicators named in a summary before "等N项".
NAMED = 3


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


def build_facts(
    evaluation: Evaluation, scorecard: Scorecard, framework: Framework | None, *, review_copy: bool = False
) -> Facts:
    values: dict[str, str] = {}
    values.update(_unit_values(evaluation))
    values.update(_budget_values(evaluation, scorecard))
    values.update(_score_values(evaluation, scorecard, framework))
    values.update(_narrative_values(evaluation))
    flags = _flags(evaluation, scorecard)
    flags["review_copy"] = review_copy
    return Facts(values=values, flags=flags)


def assumed_fields(evaluation: Evaluation) -> dict[str, list[str]]:
    """Chinese field label → names of the indicators where that field is assumed, in file order."""
    found: dict[str, list[str]] = {}
    for indicator in evaluation.indicators:
        for name in indicator.assumed:
            found.setdefault(ASSUMED_LABELS.get(name, name), []).append(clean_line(indicator.name))
    return found


def assumed_summary(evaluation: Evaluation) -> str:
    """What is assumed, in one phrase: "全部15项指标的年度指标值、分值和“文明创建点位台账建立情况”的评价得分"."""
    count = len(evaluation.indicators)
    groups: dict[tuple[str, ...], list[str]] = {}  # the same indicators: one phrase for all their fields
    for label, names in assumed_fields(evaluation).items():
        groups.setdefault(tuple(names), []).append(label)
    parts = []
    for indicators, labels in groups.items():
        if len(indicators) == count and count > 1:
            who = f"全部{count}项指标"
        else:
            who = "".join(f"“{name}”" for name in indicators[:NAMED])  # 引号标出的并列项之间不用顿号
            who += f"等{len(indicators)}项指标" if len(indicators) > NAMED else ""
        parts.append(f"{who}的{'、'.join(labels)}")
    if len(parts) > 1:
        return "、".join(parts[:-1]) + "和" + parts[-1]
    return "".join(parts)


def stated_total_differs(evaluation: Evaluation, scorecard: Scorecard) -> bool:
    """The unit adopts a total that is not the computed one at the precision it printed (89.8 vs 97.75;
    97.8 for 97.75 is the same score)."""
    stated = evaluation.stated.total
    return stated is not None and agreement(stated, scorecard.total) is not Agreement.ROUNDED


def adopted_score(evaluation: Evaluation, scorecard: Scorecard, framework: Framework | None) -> tuple[Decimal, str]:
    """The total and grade the unit adopts: its own stated total when it gives one, else the computed one.

    A stated total without a grade takes the grade of the framework's band it falls in.
    """
    stated = evaluation.stated
    if stated.total is None:
        return scorecard.total, scorecard.grade
    if stated.grade:
        return stated.total, clean_line(stated.grade)
    if framework is not None:
        return stated.total, framework.grade_for(stated.total)
    return stated.total, scorecard.grade


def _unit_values(e: Evaluation) -> dict[str, str]:
    unit, staff, assets = e.unit, e.unit.staffing, e.unit.assets
    project = e.project
    parts = "，".join(f"{clean_line(p.name)}{amount(p.amount)}{assets.unit.value}" for p in assets.parts)
    return {
        "unit": clean_line(unit.name),
        "year": str(e.year) if e.year is not None else "",
        "next_year": str(e.year + 1) if e.year is not None else "",
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
        "staffing": _staffing(staff),
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


def _staffing(staff: Staffing) -> str:
    """"编制人数0人，聘用人员10人。" from the figures the unit gave (blank when it gave none)."""
    parts = []
    if staff.authorized is not None:
        parts.append(f"编制人数{staff.authorized}人")
    if staff.actual is not None:
        parts.append(f"实有人员{staff.actual}人")
    if staff.hired is not None:
        parts.append(f"{'其中' if staff.actual is not None else ''}聘用人员{staff.hired}人")
    return "，".join(parts) + "。" if parts else ""


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _budget_values(e: Evaluation, card: Scorecard) -> dict[str, str]:
    b = e.budget
    unit = b.unit.value
    difference = b.executed - b.adjusted if b.executed is not None and b.adjusted is not None else None
    adjustment = b.adjusted - b.initial if b.adjusted is not None and b.initial is not None else None
    adjustment_rate = metrics.BUILTIN["budget_adjustment_rate"].compute(e).value
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
        "overspend_lines": _overspend_lines(b.by_nature),
        "overspend_explanation": clean_text(b.overspend_explanation).strip(),
        "underspend": computed_amount(-difference) if difference is not None and difference < 0 else "",
    }


def _overspend_lines(lines: tuple[BudgetLine, ...]) -> str:
    """"，超出部分在基本支出": which lines ran over (the amounts are in the budget table)."""
    over = [
        clean_line(line.name)
        for line in lines
        if line.executed is not None and line.adjusted is not None and line.executed > line.adjusted
    ]
    return f"，超出部分在{'、'.join(over)}" if over else ""


def _breakdown(lines: tuple[BudgetLine, ...], whole: Decimal | None, unit: str) -> str:
    stated = [line for line in lines if line.adjusted is not None]
    if len(stated) == 1 and stated[0].adjusted == whole:
        return f"全部为{clean_line(stated[0].name)}"  # "占100.00%" reads as a machine's
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
    adopted_total, adopted_grade = adopted_score(e, card, framework)
    difference = abs(adopted_total - card.total)
    values = {
        "adopted_total": amount(adopted_total) if e.stated.total is not None else points(adopted_total),
        "adopted_grade": adopted_grade,
        "assumed_summary": assumed_summary(e),
        "stated_reason": clean_line(e.stated.reason).rstrip("。；;. "),
        "score_difference": points(difference) if stated_total_differs(e, card) else "",
        "execution_weight": amount(execution.weight) if execution else "",
        "execution_score": points(execution.score) if execution else "",
        "total": points(card.total),
        "total_weight": amount(total_weight),
        "grade": card.grade,
        "stated_total": amount(e.stated.total),
        "stated_grade": clean_line(e.stated.grade or ""),
        "block_scores": "，".join(
            f"{clean_line(block.name)}（分值{amount(block.weight)}分）得{points(block.score)}分"
            for block in card.blocks
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
        "basis": clean_text(n.basis).strip(),
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
    return {
        "overspent": known and b.executed is not None and b.adjusted is not None and b.executed > b.adjusted,
        "underspent": known and b.executed is not None and b.adjusted is not None and b.executed < b.adjusted,
        "has_stated_rate": e.stated.execution_rate is not None,
        "has_stated_total": e.stated.total is not None,
        "stated_total_differs": stated_total_differs(e, card),
        "adopts_computed": not stated_total_differs(e, card),
        "has_assumed": any(indicator.assumed for indicator in e.indicators),
        "survey": e.satisfaction.source is SatisfactionSource.SURVEY,
        # A stated "none" or another source; "unknown" claims neither (docs/checks.md#satisfaction-source).
        "no_survey": e.satisfaction.source in (SatisfactionSource.NONE, SatisfactionSource.OTHER),
        "survey_unknown": e.satisfaction.source is SatisfactionSource.UNKNOWN,
        "has_indicators": bool(e.indicators),
        "has_by_nature": any(line.adjusted is not None for line in b.by_nature),
        "has_by_source": any(line.adjusted is not None for line in b.by_source),
    }
