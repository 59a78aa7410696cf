"""Tables, the self-evaluation sheet and chart data, from evaluation + scorecard.

Figures are taken from the evaluation (stated amounts) and the scorecard (rates, scores,
grade); differences and percentages are computed here with Decimal and rounded only by
:mod:`jixiao.core.numbers`.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.core.compare import comparable
from jixiao.core.model import Budget, BudgetLine, Evaluation, EvaluationKind, Indicator
from jixiao.core.numbers import HUNDRED, rate
from jixiao.core.scoring import ItemScore, Scorecard
from jixiao.core.values import Direction
from jixiao.reports.context import amount, computed_amount, percent, points, share
from jixiao.reports.document import (
    Align,
    BudgetRow,
    Cell,
    Chart,
    ChartKind,
    EvaluationSheet,
    IndicatorRow,
    Merge,
    ScoreNote,
    Series,
    Table,
)
from jixiao.reports.sanitize import clean_line, clean_text

DASH = "—"
#: The achievement chart draws bars up to this percentage of the target (labels show the real value).
ACHIEVEMENT_CAP = Decimal(150)
#: Chart category labels longer than this are cut with "…".
LABEL_CHARS = 16
#: A target or actual value up to this many characters never breaks inside a table cell.
WHOLE_CHARS = 14


def _num(value: Decimal | None, text: str, align: Align = Align.RIGHT) -> Cell:
    return Cell(text or DASH, number=value, align=align, whole=True)


def _figure(value: str, align: Align = Align.CENTER) -> Cell:
    """A target or actual value as written ("≥15000米"): a short figure is kept on one line
    (words such as "建立完整台账" may wrap like any text)."""
    text = clean_text(value).strip() or DASH
    return Cell(text, align=align, whole=len(text) <= WHOLE_CHARS and any(ch.isdigit() for ch in text))


def _text(value: str, align: Align = Align.LEFT, bold: bool = False) -> Cell:
    return Cell(clean_text(value).strip() or DASH, align=align, bold=bold)


def _head(*titles: str) -> tuple[Cell, ...]:
    return tuple(Cell(title, align=Align.CENTER, bold=True) for title in titles)


# --- budget -----------------------------------------------------------------------------


def budget_rows(evaluation: Evaluation, scorecard: Scorecard) -> tuple[BudgetRow, ...]:
    """年度资金总额, then the source rows (其中：…) and, for departments, 基本/项目支出."""
    b = evaluation.budget
    execution = _execution_item(scorecard)
    rows = [
        BudgetRow(
            "年度资金总额",
            b.initial,
            b.adjusted,
            b.executed,
            weight=execution.weight if execution else None,
            rate=scorecard.execution_rate,
            score=execution.score if execution else None,
        )
    ]
    rows += _line_rows(_sources(b), "其中：")
    if evaluation.kind is EvaluationKind.DEPARTMENT or b.by_nature:
        rows += _line_rows(b.by_nature, "按支出性质：")
    return tuple(rows)


def _sources(budget: Budget) -> tuple[BudgetLine, ...]:
    """The standard three source rows, filled from the unit's lines where names match."""
    standard = (("本年财政拨款", ("财政拨款", "财政资金")), ("上年结转资金", ("结转",)), ("其他资金", ("其他",)))
    found: list[BudgetLine] = []
    used: set[int] = set()
    for label, keys in standard:
        index = next(
            (i for i, line in enumerate(budget.by_source) if i not in used and any(k in line.name for k in keys)),
            None,
        )
        if index is None:
            found.append(BudgetLine(label))
        else:
            used.add(index)
            line = budget.by_source[index]
            found.append(BudgetLine(label, line.initial, line.adjusted, line.executed))
    found += [line for i, line in enumerate(budget.by_source) if i not in used]
    return tuple(found)


def _line_rows(lines: tuple[BudgetLine, ...], prefix: str) -> list[BudgetRow]:
    rows = []
    for i, line in enumerate(lines):
        label = (prefix if i == 0 else "　　") + clean_line(line.name)
        ratio = share(line.executed, line.adjusted)
        rows.append(
            BudgetRow(
                label, line.initial, line.adjusted, line.executed, rate=rate(ratio) if ratio is not None else None
            )
        )
    return rows


def budget_table(evaluation: Evaluation, scorecard: Scorecard, caption: str) -> Table:
    header = (_head("项目", "年初预算数", "全年预算数", "全年执行数", "执行数−预算数", "执行率（%）"),)
    rows = []
    for row in budget_rows(evaluation, scorecard):
        if row.initial is None and row.adjusted is None and row.executed is None:
            continue  # an empty source row helps the standard sheet, not the report
        diff = row.executed - row.adjusted if row.executed is not None and row.adjusted is not None else None
        rows.append(
            (
                _text(row.label),
                _num(row.initial, amount(row.initial)),
                _num(row.adjusted, amount(row.adjusted)),
                _num(row.executed, amount(row.executed)),
                _num(diff, computed_amount(diff)),
                _num(row.rate, percent(row.rate)),
            )
        )
    return Table("budget", caption, header, tuple(rows), widths=(46, 22, 22, 22, 22, 22))


# --- indicators ---------------------------------------------------------------------------


def _execution_item(scorecard: Scorecard) -> ItemScore | None:
    return next((item for item in scorecard.items if item.rule == "execution_rate"), None)


def indicator_rows(evaluation: Evaluation, scorecard: Scorecard) -> tuple[IndicatorRow, ...]:
    """Scored lines in framework order (预算执行率 excluded: it has its own block), then unmatched."""
    rows: list[IndicatorRow] = []
    for item in scorecard.items:
        if item.rule == "execution_rate":
            continue
        if item.indicator_index is None:
            rows.append(IndicatorRow(item.l1, item.l2, item.name, DASH, DASH, item.weight, item.score, ""))
            continue
        indicator = evaluation.indicators[item.indicator_index]
        rows.append(_indicator_row(indicator, item.weight, item.score, indicator.deviation_note))
    for index in scorecard.unmatched:
        indicator = evaluation.indicators[index]
        note = "一级指标不属于评分标准的任何部分，未计分。" + indicator.deviation_note
        rows.append(_indicator_row(indicator, indicator.weight, None, note))
    return tuple(rows)


#: Written after a value the evaluation marks ``assumed`` (only review copies carry such values).
ASSUMED = "（假设值）"
#: Assumed fields without a text cell of their own, said in the note column (分值 is said once, in the text).
_ASSUMED_NOTES = {"judged_score": "评价得分", "tier": "档位"}


def _indicator_row(indicator: Indicator, weight: Decimal | None, score: Decimal | None, note: str) -> IndicatorRow:
    assumed = set(indicator.assumed)
    marks = [label for key, label in _ASSUMED_NOTES.items() if key in assumed]
    if marks:
        note = f"{'、'.join(marks)}为假设值。{note}"
    return IndicatorRow(
        l1=clean_line(indicator.l1),
        l2=clean_line(indicator.l2),
        name=clean_line(indicator.name),
        target=_marked(clean_line(indicator.target.text) or DASH, "target" in assumed),
        actual=_marked(clean_line(indicator.actual.text) or DASH, "actual" in assumed),
        weight=weight,
        score=score,
        note=clean_text(note).strip(),
    )


def _marked(text: str, assumed: bool) -> str:
    return text + ASSUMED if assumed else text


def indicator_table(
    evaluation: Evaluation,
    scorecard: Scorecard,
    caption: str,
    total_weight: Decimal,
    total: tuple[Decimal, str] | None = None,
) -> Table:
    """The scoring table; ``total`` is the (score, grade) of the total row when it is not the computed one
    (a publication copy prints the score the unit adopts)."""
    total_score, grade = total if total is not None else (scorecard.total, scorecard.grade)
    header = (
        _head("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
    )
    rows: list[tuple[Cell, ...]] = []
    execution = _execution_item(scorecard)
    if execution is not None:
        rows.append(
            (
                _text(execution.l1, Align.CENTER),
                _text(execution.l2 or DASH, Align.CENTER),
                _text(execution.name),
                _figure("100%"),
                _figure(f"{percent(scorecard.execution_rate)}%" if scorecard.execution_rate is not None else DASH),
                _num(execution.weight, amount(execution.weight)),
                _num(execution.score, points(execution.score)),
                _text(""),
            )
        )
    for row in indicator_rows(evaluation, scorecard):
        rows.append(
            (
                _text(row.l1, Align.CENTER),
                _text(row.l2, Align.CENTER),
                _text(row.name),
                _figure(row.target),
                _figure(row.actual),
                _num(row.weight, amount(row.weight)),
                _num(row.score, points(row.score)),
                _text(row.note),
            )
        )
    body_start = len(header)
    merges = _vertical_merges(rows, 0, body_start) + _vertical_merges(rows, 1, body_start, parent=0)
    for merge in merges:  # the text stays in the first cell of each merged run
        for r in range(merge.row + 1, merge.last_row + 1):
            i = r - body_start
            rows[i] = (*rows[i][: merge.col], Cell("", align=Align.CENTER), *rows[i][merge.col + 1 :])
    last = body_start + len(rows)
    rows.append(
        (
            Cell("总分", align=Align.CENTER, bold=True),
            *(Cell("") for _ in range(4)),
            _num(total_weight, amount(total_weight)),
            Cell(
                amount(total_score) if total is not None else points(total_score),
                total_score,
                Align.RIGHT,
                True,
                whole=True,
            ),
            Cell(f"等级：{grade}", align=Align.CENTER, bold=True),
        )
    )
    merges.append(Merge(last, 0, last, 4))
    return Table(
        "indicators", caption, header, tuple(rows), widths=(17, 17, 28, 17, 17, 10, 12, 38), merges=tuple(merges),
        note=unscored_note(scorecard),
    )  # fmt: skip


def unscored_note(scorecard: Scorecard) -> str:
    """Under the indicator table: each line the rule could not simply score, in the scorer's
    words ("目标值“≥95%”与实际值“较好”无法按数值比较……按 0 分计"), so no 0 goes unexplained."""
    lines = [
        f"{clean_line(item.name)}：{clean_line(item.explanation).rstrip('。')}"
        for item in scorecard.items
        if item.flags and item.rule != "execution_rate"
    ]
    return "注：" + "；".join(lines) + "。" if lines else ""


def _vertical_merges(rows: list[tuple[Cell, ...]], col: int, offset: int, parent: int | None = None) -> list[Merge]:
    """Runs of equal text in ``col`` (within one ``parent`` run), as merges of the grid."""
    merges: list[Merge] = []
    start = 0
    for i in range(1, len(rows) + 1):
        same = (
            i < len(rows)
            and rows[i][col].text == rows[start][col].text
            and (parent is None or rows[i][parent].text == rows[start][parent].text)
        )
        if same:
            continue
        if i - start > 1:
            merges.append(Merge(offset + start, col, offset + i - 1, col))
        start = i
    return merges


# --- the self-evaluation sheet ------------------------------------------------------------


def evaluation_sheet(
    evaluation: Evaluation,
    scorecard: Scorecard,
    total_weight: Decimal,
    *,
    review_copy: bool = True,
    total: tuple[Decimal, str] | None = None,
) -> EvaluationSheet:
    """The 自评表. ``total`` is the (score, grade) the publication copy prints (the unit's adopted score);
    the notes comparing the unit's figures with the computed ones belong to the review copy only."""
    e = evaluation
    if e.kind is EvaluationKind.PROJECT and e.project is not None:
        title = f"{e.year or ''}年度项目支出绩效自评表"
        header = (
            ("项目名称", e.project.name),
            ("主管部门", e.project.supervising_dept or e.unit.superior),
            ("实施单位", e.project.implementing_unit or e.unit.name),
            ("联系方式", e.unit.contact),
        )
    else:
        title = f"{e.year or ''}年度部门整体支出绩效自评表"
        header = (
            ("部门（单位）名称", e.unit.name),
            ("主管部门", e.unit.superior),
            ("预算级次", e.unit.budget_level),
            ("联系方式", e.unit.contact),
        )
    notes = []
    if review_copy and e.stated.execution_rate is not None:
        stated_rate = amount(e.stated.execution_rate)
        notes.append(f"单位填报预算执行率{stated_rate}%，本表执行率按全年执行数÷全年预算数计算。")
    if review_copy and e.stated.total is not None:
        stated_grade = clean_line(e.stated.grade or "")
        notes.append(f"单位填报自评得分{amount(e.stated.total)}分、等级“{stated_grade}”，本表得分按评分标准计算。")
    return EvaluationSheet(
        title=title,
        header=tuple((label, clean_line(value)) for label, value in header),
        amount_unit=e.budget.unit.value,
        budget=budget_rows(e, scorecard),
        goal=clean_text(e.goals.performance or e.goals.overall).strip(),
        achieved=clean_text(e.goals.achieved or e.narrative.outputs).strip(),
        indicators=indicator_rows(e, scorecard),
        total_weight=total_weight,
        total=total[0] if total is not None else scorecard.total,
        grade=total[1] if total is not None else scorecard.grade,
        notes=tuple(notes),
        explanations=tuple(
            ScoreNote(clean_line(item.l1), clean_line(item.name), item.weight, item.score, clean_text(item.explanation))
            for item in scorecard.items
        ),
    )


# --- charts -------------------------------------------------------------------------------


def budget_chart(evaluation: Evaluation, caption: str) -> Chart:
    b = evaluation.budget
    lines = [line for line in b.by_nature if line.adjusted is not None or line.executed is not None]
    if not lines:
        lines = [line for line in b.by_source if line.adjusted is not None or line.executed is not None]
    if not lines:
        lines = [BudgetLine("年度资金总额", b.initial, b.adjusted, b.executed)]
    return Chart(
        kind=ChartKind.BUDGET_COMPOSITION,
        caption=caption,
        categories=tuple(_short(line.name) for line in lines),
        series=(
            Series("全年预算数", tuple(line.adjusted for line in lines)),
            Series("全年执行数", tuple(line.executed for line in lines)),
        ),
        unit=b.unit.value,
    )


def achievement(indicator: Indicator, item: ItemScore) -> Decimal | None:
    """Actual as a percentage of target: a/t for ≥ and =, t/a for ≤ (lower is better).

    Qualitative or unreadable values fall back to the score rate (得分 ÷ 分值).
    """
    pair = comparable(indicator.target, indicator.actual)
    direction = indicator.effective_direction
    if pair is not None and direction is not Direction.QUALITATIVE:
        target, actual = pair
        if direction is Direction.LE:
            if actual > 0:
                return target / actual * HUNDRED
            return HUNDRED if target >= 0 else None
        if target > 0:
            return actual / target * HUNDRED
    if item.weight:
        return item.score / item.weight * HUNDRED
    return None


def achievement_chart(evaluation: Evaluation, scorecard: Scorecard, caption: str) -> Chart:
    names: list[str] = []
    values: list[Decimal | None] = []
    labels: list[str] = []
    for item in scorecard.items:
        if item.indicator_index is None:
            continue
        value = achievement(evaluation.indicators[item.indicator_index], item)
        shown = rate(value) if value is not None else None
        names.append(_short(item.name))
        values.append(min(shown, ACHIEVEMENT_CAP) if shown is not None else None)
        labels.append(f"{percent(shown)}%" if shown is not None else "无法计算")
    return Chart(
        kind=ChartKind.INDICATOR_ACHIEVEMENT,
        caption=caption,
        categories=tuple(names),
        series=(Series("完成程度", tuple(values)),),
        unit="%",
        labels=tuple(labels),
        cap=ACHIEVEMENT_CAP,
        reference=HUNDRED,
    )


def _short(name: str) -> str:
    text = clean_line(name)
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
