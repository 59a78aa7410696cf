"""Narrative (报告文字): what the report says against what the figures show, and clerical slips.

The rulebook's narrative points (docs/field.md#review-narrative): deductions the text does not
explain or answer with a measure, dates that contradict the year, and slips such as a doubled
character (the seed report has "我办办", docs/field.md#seed) or a placeholder left in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Final

from jixiao.core.checks.codes import Code
from jixiao.core.checks.context import Context, IndicatorView, quoted
from jixiao.core.findings import Severity
from jixiao.core.model import Indicator
from jixiao.core.numbers import fmt
from jixiao.core.why import Later

# A function word typed twice ("我办办", "的的"). Kept narrow on purpose: the look-arounds
# spare real words that put the same character side by side (办理, 目的的, 了解, 不了了之,
# 的的确确, 现在在, 和谐, 实事求是是, 是否).
_DOUBLED: Final = (
    r"办办(?![公理事法])"
    r"|(?<![目标])的的(?!确)"
    r"|(?<!不)了了(?![解之然结])"
    r"|(?<![现存实所自正])在在(?!乎)"
    r"|(?<![总饱调温共缓])和和(?![谐平美气睦])"
    r"|(?<!求)是是(?![否非])"
)
# Word field codes that failed, and template text nobody replaced.
_PLACEHOLDER: Final = (
    r"错误[!！]\s*未(?:定义书签|找到引用源)"
    r"|Error!\s*(?:Bookmark not defined|Reference source not found)"
    r"|X{2,}|×{2,}|x{3,}|○{2,}"
    r"|[（(【\[]\s*此处|此处填写|请填写|待填写"
)
_SLIPS: Final = re.compile(f"(?P<typo>{_DOUBLED})|(?P<placeholder>{_PLACEHOLDER})")
# The look-arounds make _SLIPS slow on long text; this literal-only pattern is some twenty
# times faster and finds every text _SLIPS could match, so _SLIPS runs only on those.
_MAYBE_SLIP: Final = re.compile("办办|的的|了了|在在|和和|是是|错误|Error!|XX|××|xxx|○○|此处|请填写|待填写")
_PROBLEM_PREFIX: Final = re.compile(r"^(?:存在的?问题|主要问题|问题)\s*[:：]?\s*")
_NOTHING: Final = frozenset(
    {"", "无", "暂无", "没有", "无问题", "暂无问题", "未发现问题", "暂未发现问题", "不存在问题", "无明显问题"}
    | {"/", "-", "—"}
)
_TRIM: Final = " \u3000。；;.，,！!"
_LONGEST_NOTHING: Final = 16  # longer texts say something
_EXCERPT: Final = 10  # characters shown either side of a slip
_LISTED: Final = 3  # deductions named in a message


def slips(text: str) -> list[tuple[str, str, int, int]]:
    """Doubled characters and placeholders in ``text``: (kind, slip, start, end), kind being
    ``typo`` or ``placeholder``. Used on a report's paragraphs (jixiao.ingest.report_checks)."""
    if _MAYBE_SLIP.search(text) is None:
        return []
    return [(found.lastgroup or "", found.group(0), found.start(), found.end()) for found in _SLIPS.finditer(text)]


def _says_nothing(text: str) -> bool:
    """ "存在问题：暂无。", "无", "" — a problem or measure that says nothing."""
    text = text.strip()
    if len(text) > _LONGEST_NOTHING:
        return False
    return _PROBLEM_PREFIX.sub("", text).strip(_TRIM) in _NOTHING


def _no_note_message(indicator: Indicator, lost: Decimal) -> str:
    return (
        f"{quoted(indicator.name)}扣 {fmt(lost)} 分（年度指标值{quoted(indicator.target.text)}，"
        f"实际完成值{quoted(indicator.actual.text)}），未填写偏差原因分析及改进措施"
    )


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - _EXCERPT)
    right = min(len(text), end + _EXCERPT)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


class NarrativeChecks:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.deductions: list[tuple[str, Decimal]] = []  # (name, points lost)

    def indicator(self, view: IndicatorView) -> None:
        lost = view.lost
        if lost is not None:
            self.deductions.append((view.name, lost))
            # A met target scored down without a note is reported by the plausibility checks.
            if not view.has_note and not view.deducted_although_met:
                self._no_note(view, lost)
        if _MAYBE_SLIP.search(view.name) is not None:
            self.scan(f"{view.path}.name", view.name)
        if view.note and _MAYBE_SLIP.search(view.note) is not None:
            self.scan(f"{view.path}.deviation_note", view.note)
        if view.justification and _MAYBE_SLIP.search(view.justification) is not None:
            self.scan(f"{view.path}.justification", view.justification)

    def _no_note(self, view: IndicatorView, lost: Decimal) -> None:
        indicator = view.indicator
        self.ctx.add_at(
            Code.DEVIATION_NOTE_MISSING, Severity.P1, Later(_no_note_message, (indicator, lost)), view, "deviation_note"
        )

    def finish(self) -> None:
        self._execution_deduction()
        self._problems()
        search = _MAYBE_SLIP.search
        if search(self._all_text()) is not None:  # one search for the common, clean case
            for path, text in self._texts():
                if text and search(text) is not None:
                    self.scan(path, text)
        self._sign_off()

    # --- problems and measures -----------------------------------------------------------

    def _execution_deduction(self) -> None:
        ctx = self.ctx
        item = ctx.execution_item
        if item is None:
            return
        stated = ctx.evaluation.stated
        if stated.execution_score is not None:
            weight = stated.execution_weight if stated.execution_weight is not None else item.weight
            points: Decimal | None = stated.execution_score
        else:
            weight = item.weight
            line = ctx.execution_line
            # A rate that could not be computed is reported as such, not as a problem to explain.
            points = line.score if line is not None and not line.flags else None
        if points is not None and points < weight:
            self.deductions.append((item.name, weight - points))

    def _problems(self) -> None:
        ctx = self.ctx
        narrative = ctx.evaluation.narrative
        real = [p for p in narrative.problems if not _says_nothing(p.problem)]
        deductions = self.deductions
        if deductions and not real:
            said = "为空" if not narrative.problems else f"写作{quoted(narrative.problems[0].problem.strip())}"
            named = "、".join(f"{quoted(name)}扣 {fmt(lost)} 分" for name, lost in deductions[:_LISTED])
            more = "等" if len(deductions) > _LISTED else ""
            ctx.add(
                Code.PROBLEMS_MISSING,
                Severity.P1,
                f"共有 {len(deductions)} 项扣分（{named}{more}），但“存在问题及原因”{said}；扣分的原因应作为问题列出",
                "narrative.problems",
            )
        measures = [m for m in narrative.measures if not _says_nothing(m)]
        if len(measures) < len(real):
            ctx.add(
                Code.MEASURES_MISSING,
                Severity.P1,
                f"列出 {len(real)} 个问题，但只有 {len(measures)} 条改进措施；每个问题都应有对应的改进方向和具体措施",
                "narrative.measures",
            )

    # --- clerical slips ----------------------------------------------------------------

    def scan(self, path: str, text: str) -> None:
        """Doubled characters and placeholders left in ``text`` (callers pre-filter with _MAYBE_SLIP)."""
        for found in _SLIPS.finditer(text):
            slip = found.group(0)
            excerpt = _excerpt(text, found.start(), found.end())
            if found.lastgroup == "typo":
                self.ctx.add(
                    Code.TYPO_DOUBLED_CHARACTER,
                    Severity.P2,
                    f"{quoted(excerpt)}中{quoted(slip)}疑为重复录入的字",
                    path,
                )
            else:
                self.ctx.add(
                    Code.PLACEHOLDER_LEFT,
                    Severity.P1,
                    f"{quoted(excerpt)}中留有占位符或域代码错误{quoted(slip)}，请替换为实际内容",
                    path,
                )

    def _all_text(self) -> str:
        """Every text :meth:`_texts` yields, joined (tests keep the two lists in step)."""
        evaluation = self.ctx.evaluation
        unit, goals, narrative = evaluation.unit, evaluation.goals, evaluation.narrative
        texts = (
            unit.duties, unit.organization, goals.overall, *goals.annual_tasks, goals.performance, goals.achieved,
            narrative.management, narrative.outputs, narrative.effects, narrative.sustainability,
            narrative.results_use, narrative.publication,
            *(f"{problem.problem}\n{problem.cause}" for problem in narrative.problems),
            *narrative.measures, evaluation.satisfaction.method, evaluation.budget.overspend_explanation,
        )  # fmt: skip
        return "\n".join(texts)

    def _texts(self) -> Iterator[tuple[str, str]]:
        evaluation = self.ctx.evaluation
        unit, goals, narrative = evaluation.unit, evaluation.goals, evaluation.narrative
        yield "unit.duties", unit.duties
        yield "unit.organization", unit.organization
        yield "goals.overall", goals.overall
        for i, task in enumerate(goals.annual_tasks):
            yield f"goals.annual_tasks[{i}]", task
        yield "goals.performance", goals.performance
        yield "goals.achieved", goals.achieved
        for name in ("management", "outputs", "effects", "sustainability", "results_use", "publication"):
            yield f"narrative.{name}", getattr(narrative, name)
        for i, problem in enumerate(narrative.problems):
            yield f"narrative.problems[{i}].problem", problem.problem
            yield f"narrative.problems[{i}].cause", problem.cause
        for i, measure in enumerate(narrative.measures):
            yield f"narrative.measures[{i}]", measure
        yield "satisfaction.method", evaluation.satisfaction.method
        yield "budget.overspend_explanation", evaluation.budget.overspend_explanation

    # --- dates ------------------------------------------------------------------------

    def _sign_off(self) -> None:
        evaluation = self.ctx.evaluation
        signed = evaluation.sign_off.signed_on
        if signed is None or evaluation.year is None or signed > date(evaluation.year, 12, 31):
            return
        self.ctx.add(
            Code.SIGN_OFF_DATE_EARLY,
            Severity.P1,
            f"落款日期 {signed.year}年{signed.month}月{signed.day}日 早于评价年度（{evaluation.year} 年）结束；"
            "自评应在年度终了、决算数据确定后进行，请核对日期或年度",
            "sign_off.signed_on",
        )
