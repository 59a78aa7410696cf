"""Which scoring scheme a table follows: recognised from its 一级指标 headings, or taken as printed.

Pure functions (no I/O): :func:`choose` gets the evaluation, the candidate frameworks and the
kind's default, and returns a :class:`Choice` that says which framework is used and why
(docs/frameworks.md#recognition). When no candidate fits, :func:`as_printed` builds a framework
from the table's own headings and printed weights ("按自评表所列分值").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from jixiao.core.framework import (
    Block,
    Framework,
    GradeBand,
    Item,
    Rule,
    RuleKind,
    Slot,
    heading_name,
    normalize_l1,
    printed_weight,
)
from jixiao.core.model import Evaluation
from jixiao.core.numbers import ZERO, fmt
from jixiao.core.numbers import score as round_score

How = Literal["given", "named", "recognised", "default", "as_printed"]

HOW_LABELS: dict[str, str] = {
    "given": "命令行指定",
    "named": "文件指定",
    "recognised": "按表头识别",
    "default": "默认",
    "as_printed": "按自评表所列分值",
}

#: Rows whose 一级指标 cell is blank are grouped under this name in an as-printed framework.
UNNAMED_BLOCK = "绩效指标"
AS_PRINTED_ID = "as-printed"


@dataclass(frozen=True)
class Heading:
    """One 一级指标 as the table prints it, with the rows under it and the weights it shows."""

    key: str  # normalised ("产出")
    text: str  # as printed first ("产出指标（50分）")
    rows: tuple[int, ...]
    printed: Decimal | None  # the weight in the heading itself
    row_sum: Decimal | None  # the rows' weights added, when every row has one

    @property
    def weight(self) -> Decimal | None:
        """The block weight the table shows: the heading's, else its rows' sum."""
        return self.printed if self.printed is not None else self.row_sum

    @property
    def label(self) -> str:
        """As printed (the evidence: "产出指标(40分)")."""
        return self.text or UNNAMED_BLOCK

    @property
    def name(self) -> str:
        """For display, without the printed weight ("产出指标")."""
        return heading_name(self.text) if self.text else UNNAMED_BLOCK


def headings(evaluation: Evaluation) -> tuple[Heading, ...]:
    """The table's 一级指标 in order of first appearance, spellings of one heading merged."""
    order: list[str] = []
    texts: dict[str, str] = {}
    rows: dict[str, list[int]] = {}
    printed: dict[str, Decimal] = {}
    for index, indicator in enumerate(evaluation.indicators):
        key = normalize_l1(indicator.l1)
        if key not in rows:
            order.append(key)
            texts[key] = indicator.l1.strip()
            rows[key] = []
        rows[key].append(index)
        weight = printed_weight(indicator.l1)
        if weight is not None and key not in printed:
            printed[key] = weight
    found = []
    for key in order:
        weights = [evaluation.indicators[i].weight for i in rows[key]]
        known = [w for w in weights if w is not None]
        row_sum = sum(known, ZERO) if known and len(known) == len(weights) else None
        found.append(Heading(key, texts[key], tuple(rows[key]), printed.get(key), row_sum))
    return tuple(found)


@dataclass(frozen=True)
class Fit:
    """How well one framework fits a table's headings."""

    framework: Framework
    blocks: dict[str, tuple[Heading, ...]]  # block id → the headings it takes
    weight_score: int  # printed weights that agree minus those that differ
    agree: tuple[str, ...]
    differ: tuple[str, ...]
    coverage: Decimal  # share of the framework's indicator blocks the table fills
    l2_share: Decimal  # share of checked rows whose 二级指标 belongs to their block

    @property
    def key(self) -> tuple[int, Decimal]:
        return self.weight_score, self.coverage


@dataclass(frozen=True)
class Choice:
    """The framework an evaluation is scored under, and why."""

    framework: Framework
    how: How
    reason: str  # Chinese, with the evidence
    tie: tuple[str, ...] = ()  # titles of frameworks that fit exactly as well as the one chosen
    unrecognised: tuple[str, ...] = ()  # headings no shipped framework takes (as printed)
    differing: tuple[str, ...] = ()  # printed block weights that differ from the closest scheme

    @property
    def fallback(self) -> bool:
        return self.how == "as_printed"

    @property
    def label(self) -> str:
        return HOW_LABELS[self.how]

    @property
    def summary(self) -> str:
        """One line: how the framework was chosen, its title, the tie if any."""
        tie = f"（与{'、'.join(self.tie)}同样吻合）" if self.tie else ""
        if self.framework.title == self.label:  # 按自评表所列分值
            return f"{self.label}{tie}"
        return f"{self.label}：{self.framework.title}{tie}"


# --- fitting ------------------------------------------------------------------------------


def _l2_fits(l2: str, allowed: tuple[str, ...]) -> bool:
    key = normalize_l1(l2)
    return any(key in normalize_l1(name) or normalize_l1(name) in key for name in allowed)


def fit(framework: Framework, found: tuple[Heading, ...], evaluation: Evaluation) -> Fit | None:
    """How ``framework`` fits the headings; ``None`` when some heading has no place in it.

    A fixed-weight framework whose printed block weights differ does not fit either (the
    table is then scored as printed); nor does one recognised only by weights (``recognise: by_weights``)
    without a printed weight that agrees, nor a printed-weight scheme whose headings fill
    half of its blocks or fewer (its names alone would fit a plainer scheme).
    """
    if framework.recognise == "never" or not found:
        return None
    taken: dict[str, list[Heading]] = {}
    slots: dict[str, Slot] = {}
    checked = fitting = 0
    for heading in found:
        place = framework.slot_for(heading.text) or framework.slot_for(heading.key)
        if place is None:
            return None
        block, slot = place
        taken.setdefault(block.id, []).append(heading)
        slots[block.id] = slot
        if slot.l2:
            for index in heading.rows:
                l2 = evaluation.indicators[index].l2
                if l2.strip():
                    checked += 1
                    fitting += _l2_fits(l2, slot.l2)
    l2_share = Decimal(fitting) / Decimal(checked) if checked else Decimal(1)
    if checked >= 2 and l2_share < Decimal("0.5"):
        return None
    indicator_blocks = [block for block in framework.blocks if block.slots]
    coverage = Decimal(len(taken)) / Decimal(len(indicator_blocks))
    agree: list[str] = []
    differ: list[str] = []
    weights = framework.block_weights == "fixed"
    for block in framework.blocks:
        heads = taken.get(block.id)
        if not heads or not weights:
            continue
        shown = [h.weight for h in heads]
        if any(w is None for w in shown):
            continue
        printed = sum((w for w in shown if w is not None), ZERO)
        expected = sum((slot.weight for slot in block.slots), ZERO)
        text = f"{'、'.join(h.key for h in heads)} {fmt(printed)}"
        (agree if printed == expected else differ).append(f"{text}（{block.name} {fmt(expected)}）")
    execution = framework.execution_item
    stated = evaluation.stated.execution_weight
    if weights and execution is not None and stated is not None:
        text = f"预算执行率 {fmt(stated)}（{execution.name} {fmt(execution.weight)}）"
        (agree if stated == execution.weight else differ).append(text)
    score = len(agree) - len(differ)
    if weights and differ:
        return None  # the unit's own split: scored as printed, with one finding asking why
    if framework.recognise == "by_weights" and not agree:
        return None
    if not weights and coverage <= Decimal("0.5"):
        return None
    frozen = {key: tuple(value) for key, value in taken.items()}
    return Fit(framework, frozen, score, tuple(agree), tuple(differ), coverage, l2_share)


def with_printed_weights(framework: Framework, chosen: Fit) -> Framework:
    """A printed-weight scheme with the weights the table prints; blocks the table lacks keep theirs."""
    if framework.block_weights != "printed":
        return framework
    blocks = []
    for block in framework.blocks:
        heads = chosen.blocks.get(block.id, ())
        shown = [h.weight for h in heads]
        weighed = block
        if heads and all(w is not None for w in shown) and len(block.slots) == 1 and not block.items:
            weight = sum((w for w in shown if w is not None), ZERO)
            if weight > 0:
                slot = replace(block.slots[0], weight=weight)
                weighed = replace(block, weight=weight, slots=(slot,))
        blocks.append(weighed)
    total = sum((block.weight for block in blocks), ZERO)
    grades = _scaled(framework.grades, framework.total, total)
    return replace(framework, blocks=tuple(blocks), total=total, grades=grades)


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """``total`` in ``parts`` shares of 0.01, the last taking what rounding leaves (100 / 3 → 33.33, 33.33, 33.34)."""
    if parts <= 0:
        return []
    share = round_score(total / parts)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def _scaled(grades: tuple[GradeBand, ...], old: Decimal, new: Decimal) -> tuple[GradeBand, ...]:
    if old == new or old <= 0:
        return grades
    return tuple(GradeBand(band.grade, band.min * new / old) for band in grades)


# --- choosing -----------------------------------------------------------------------------


def choose(
    evaluation: Evaluation,
    candidates: tuple[Framework, ...],
    default: Framework,
) -> Choice:
    """Recognise the scheme from the headings among ``candidates`` (already the kind's); see the module doc."""
    found = headings(evaluation)
    named = [h for h in found if h.key]
    if not found:
        return Choice(default, "default", f"表中没有三级指标，无从识别评分标准，按默认的“{default.title}”")
    if not named:
        return _printed(evaluation, found, default, unrecognised=(), differing=(),
                        why="表中指标没有一级指标，无从识别评分标准")
    fits = [f for f in (fit(framework, found, evaluation) for framework in candidates) if f is not None]
    if not fits:
        return _fallback(evaluation, found, candidates, default)
    fits.sort(key=lambda f: (f.key, f.framework.id == default.id), reverse=True)
    best = fits[0]
    tied = [f for f in fits[1:] if f.key == best.key]
    framework = with_printed_weights(best.framework, best)
    return Choice(framework, "recognised", _evidence(best, tied), tie=tuple(f.framework.title for f in tied))


def _evidence(best: Fit, tied: list[Fit]) -> str:
    framework = best.framework
    parts = []
    for block in framework.blocks:
        heads = best.blocks.get(block.id)
        if heads:
            parts.append(f"{'、'.join(h.label for h in heads)} → {block.name}")
    text = f"按表头识别为“{framework.title}”：一级指标 {'；'.join(parts)}"
    if best.agree:
        text += f"；表上分值相符：{'；'.join(best.agree)}"
    if best.differ:
        text += f"；表上分值不同：{'；'.join(best.differ)}"
    if framework.block_weights == "printed":
        text += "；各一级指标分值按自评表所列"
    if tied:
        names = "、".join(f"“{f.framework.title}”" for f in tied)
        text += f"。表头与{names}同样吻合，无法区分，选用前者（默认优先，其次按文件顺序）；如不对请用 --framework 指定"
    return text


def _fallback(evaluation: Evaluation, found: tuple[Heading, ...], candidates: tuple[Framework, ...],
              default: Framework) -> Choice:
    """No candidate fits: say which headings no scheme takes, or whose printed weights differ."""
    known: set[str] = set()
    for framework in candidates:
        for heading in found:
            if framework.slot_for(heading.text) or framework.slot_for(heading.key):
                known.add(heading.key)
    unrecognised = tuple(h.label for h in found if h.key not in known)
    differing: tuple[str, ...] = ()
    if unrecognised:
        why = f"一级指标{'、'.join(f'“{name}”' for name in unrecognised)}不属于已有的任何评分标准"
    else:
        differing = _differences(default, found)
        if differing:
            why = f"表上所印一级指标分值与“{default.title}”不同：{'；'.join(differing)}"
        else:
            names = "、".join(f"“{h.label}”" for h in found)
            why = f"一级指标{names}虽各有对应的写法，但其下的二级指标或表上分值与已有的评分标准都不相符"
    return _printed(evaluation, found, default, unrecognised=unrecognised, differing=differing, why=why)


def _differences(framework: Framework, found: tuple[Heading, ...]) -> tuple[str, ...]:
    out = []
    for heading in found:
        place = framework.slot_for(heading.text) or framework.slot_for(heading.key)
        if place is None or heading.weight is None:
            continue
        _, slot = place
        if heading.weight != slot.weight:
            out.append(f"{heading.key} {fmt(heading.weight)} 分（{slot.name} {fmt(slot.weight)} 分）")
    return tuple(out)


def _printed(evaluation: Evaluation, found: tuple[Heading, ...], default: Framework, *,
             unrecognised: tuple[str, ...], differing: tuple[str, ...], why: str) -> Choice:
    framework = as_printed(evaluation, found, default)
    printed = {h.name: h.label for h in found if h.label != h.name}
    shown = "、".join(
        f"{b.name} {fmt(b.weight)}" + (f"（表上印作“{printed[b.name]}”）" if b.name in printed else "")
        for b in framework.blocks
    )
    reason = f"{why}；按自评表所列分值计分（{shown}，合计 {fmt(framework.total)} 分），并核对其算术"
    return Choice(framework, "as_printed", reason, unrecognised=unrecognised, differing=differing)


def as_printed(evaluation: Evaluation, found: tuple[Heading, ...], default: Framework) -> Framework:
    """A framework made of the table's own headings and printed weights ("按自评表所列分值").

    Each heading becomes a block with one slot weighted as the table shows it (the heading's
    printed weight, else its rows' sum); headings that show no weight share what the total
    (printed, else the default's) leaves; 预算执行率 becomes an item when the table prints its
    weight. Grades keep the default's bands, scaled to the printed total.
    """
    blocks: list[Block] = []
    stated = evaluation.stated.execution_weight
    if stated is not None and stated > 0:
        rule = Rule(kind=RuleKind.EXECUTION_RATE, metric="execution_rate")
        points = fmt(stated)
        guidance = f"执行率 = 全年执行数 ÷ 全年预算数；得分 = 执行率 × {points}，最高 {points} 分（分值按自评表所列）"
        item = Item(id="execution_rate", name="预算执行率", weight=stated, rule=rule, guidance=guidance)
        blocks.append(Block(id="execution", name="预算执行率", weight=stated, items=(item,)))
    known = sum((h.weight for h in found if h.weight is not None), ZERO) + (stated or ZERO)
    unknown = [h for h in found if h.weight is None]
    base = evaluation.stated.total_weight or default.total
    rest = base - known if unknown and base > known else base * len(unknown)
    shares = _split(rest, len(unknown))
    for number, heading in enumerate(found, start=1):
        weight = heading.weight if heading.weight is not None else shares.pop(0)
        name = heading.name
        slot = Slot(id=f"printed_{number}", name=name, weight=weight, match=(heading.text, heading.key))
        blocks.append(Block(id=f"printed_{number}", name=name, weight=weight, slots=(slot,)))
    total = sum((block.weight for block in blocks), ZERO)
    return Framework(
        id=AS_PRINTED_ID,
        title="按自评表所列分值",
        source="自评表本身所印的一级指标及分值（没有相符的已有评分标准）",
        applies_to=default.applies_to,
        total=total,
        grades=_scaled(default.grades, default.total, total) if total > 0 else default.grades,
        blocks=tuple(blocks),
        region=default.region,
        notes="按自评表所列分值：各一级指标的分值取表头所印，未印的取其下三级指标分值之和",
        low_execution_rate=default.low_execution_rate,
        as_printed=True,
    )


def given(framework: Framework, how: How) -> Choice:
    """A framework the user named: on the command line (``given``) or in the file (``named``)."""
    where = "命令行 --framework 指定" if how == "given" else "文件中 framework 一栏指定"
    return Choice(framework, how, f"按{where}的“{framework.title}”")
