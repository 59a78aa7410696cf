"""Results application (评价结果应用): a bureau's rule table, applied to next year's budget.

A finance bureau publishes how evaluation results feed the next budget (docs/results.md#rules):
a grade band decides a suggestion and a share by which the budget changes; growth of the
carried-over balance is cut by at least a share of the increase; the best-ranked departments are
commended and the worst called in (约谈). jixiao keeps that table as data (:class:`RuleTable`),
refuses a table whose bands overlap or leave a gap (naming the band), and applies it to one line
per unit or project (:func:`apply_rules`), giving the suggested amount and the reason for every
change. Pure: no I/O, no Django.

Coverage (评价覆盖面, docs/results.md#coverage) — how many projects and how much money were
evaluated against the bureau's required shares — is computed here too (:func:`coverage`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from jixiao.core.labels import Labelled
from jixiao.core.numbers import AMOUNT_PLACES, HUNDRED, RATE_PLACES, ZERO, fmt, rate, round_half_up, to_decimal

#: the growth of a carried-over balance is cut by at least this share (docs/results.md#rules)
MIN_BALANCE_CUT: Final = Decimal(30)


class RuleTableError(ValueError):
    """A rule table that cannot be applied; the message (Chinese) names the band or field."""


class Ranking(Labelled):
    """What the ranking rule says about a line."""

    NONE = "none", ""
    COMMEND = "commend", "通报表扬"
    CALL_IN = "call_in", "约谈"


@dataclass(frozen=True, slots=True)
class GradeBand:
    """Scores from ``low`` (inclusive) to ``high`` (exclusive; the top band includes full marks)."""

    grade: str
    low: Decimal
    high: Decimal
    suggestion: str  # 优先保障 / 予以保障 / 压减 / 取消或暂缓
    change: Decimal  # percent of this year's budget added (+) or cut (−) next year

    @property
    def span(self) -> str:
        return f"{fmt(self.low)}–{fmt(self.high)} 分"


@dataclass(frozen=True, slots=True)
class RuleTable:
    """A bureau's rules, validated: bands cover 0 to ``full`` without overlap or gap."""

    bands: tuple[GradeBand, ...]
    full: Decimal = HUNDRED
    balance_cut: Decimal = MIN_BALANCE_CUT  # percent of a balance's growth cut next year
    commend_top: int = 10  # departments commended (by score, ties share a place)
    call_in_bottom: int = 3  # departments called in (约谈)
    ranking_kind: str = "department"  # the evaluation kind ranked (部门整体)

    def band_for(self, value: Decimal) -> GradeBand:
        for band in self.bands:
            if band.low <= value < band.high or (band is self.bands[-1] and value == band.high):
                return band
        msg = f"得分 {fmt(value)} 不在规则表的分数段内（0–{fmt(self.full)} 分）"
        raise RuleTableError(msg)


def _number(raw: object, where: str) -> Decimal:
    # YAML and JSON read "89.5" as a float: its shortest repr is the text the person typed.
    value = to_decimal(repr(raw) if isinstance(raw, float) else raw)
    if value is None:
        msg = f"{where}不是数字：{raw!r}"
        raise RuleTableError(msg)
    return value


def _count(raw: object, where: str) -> int:
    value = _number(raw, where)
    if value != value.to_integral_value() or value < 0:
        msg = f"{where}应为不小于 0 的整数：{raw!r}"
        raise RuleTableError(msg)
    return int(value)


def _check_order(bands: list[GradeBand], full: Decimal) -> None:
    """Refuse a grade named twice, and bands that overlap or leave a gap (sorts ``bands``)."""
    seen: set[str] = set()
    for band in bands:
        if band.grade in seen:
            msg = f"等级“{band.grade}”出现了两次"
            raise RuleTableError(msg)
        seen.add(band.grade)
    bands.sort(key=lambda band: band.low)
    if bands[0].low != ZERO:
        msg = f"0–{fmt(bands[0].low)} 分没有分数段：最低的分数段“{bands[0].grade}”从 {fmt(bands[0].low)} 分起"
        raise RuleTableError(msg)
    for below, above in itertools.pairwise(bands):
        if below.high > above.low:
            msg = f"分数段“{below.grade}”（{below.span}）与“{above.grade}”（{above.span}）重叠"
            raise RuleTableError(msg)
        if below.high < above.low:
            msg = (
                f"分数段“{below.grade}”（{below.span}）与“{above.grade}”（{above.span}）之间缺少 "
                f"{fmt(below.high)}–{fmt(above.low)} 分"
            )
            raise RuleTableError(msg)
    if bands[-1].high != full:
        msg = f"最高的分数段“{bands[-1].grade}”（{bands[-1].span}）没有到满分 {fmt(full)} 分"
        raise RuleTableError(msg)


def rule_table(data: Mapping[str, object]) -> RuleTable:
    """Build and validate a rule table from plain data (YAML or JSON, docs/results.md#rule-table).

    Refused, with the band named: a band whose lower bound is not below its upper one, bands
    that overlap, a gap between two bands or at either end, a grade named twice, a cut of the
    balance growth below 30% or above 100%, a budget change below −100%.
    """
    full = _number(data.get("full", HUNDRED), "满分")
    raw_bands = data.get("bands")
    if not isinstance(raw_bands, Sequence) or isinstance(raw_bands, str) or not raw_bands:
        msg = "规则表没有等级分数段（bands）"
        raise RuleTableError(msg)
    bands: list[GradeBand] = []
    for index, raw in enumerate(raw_bands, start=1):
        if not isinstance(raw, Mapping):
            msg = f"第 {index} 个分数段不是键值表"
            raise RuleTableError(msg)
        grade = str(raw.get("grade") or "").strip()
        name = f"分数段“{grade}”" if grade else f"第 {index} 个分数段"
        if not grade:
            msg = f"{name}没有等级名称（grade）"
            raise RuleTableError(msg)
        low = _number(raw.get("min"), f"{name}的下限（min）")
        high = _number(raw.get("max"), f"{name}的上限（max）")
        change = _number(raw.get("change", 0), f"{name}的预算调整比例（change）")
        if low >= high:
            msg = f"{name}的下限 {fmt(low)} 不小于上限 {fmt(high)}"
            raise RuleTableError(msg)
        if change < -HUNDRED:
            msg = f"{name}的预算调整比例 {fmt(change)}% 小于 −100%"
            raise RuleTableError(msg)
        suggestion = str(raw.get("suggestion") or "").strip()
        if not suggestion:
            msg = f"{name}没有处理意见（suggestion）"
            raise RuleTableError(msg)
        bands.append(GradeBand(grade, low, high, suggestion, change))
    _check_order(bands, full)
    balance_cut = _number(data.get("balance_cut", MIN_BALANCE_CUT), "结转结余增量压减比例（balance_cut）")
    if not MIN_BALANCE_CUT <= balance_cut <= HUNDRED:
        msg = f"结转结余增量压减比例 {fmt(balance_cut)}% 应在 {fmt(MIN_BALANCE_CUT)}%–100% 之间"
        raise RuleTableError(msg)
    required_shares(data)  # refused here too, so a saved table always applies
    return RuleTable(
        bands=tuple(bands),
        full=full,
        balance_cut=balance_cut,
        commend_top=_count(data.get("commend_top", 10), "通报表扬名额（commend_top）"),
        call_in_bottom=_count(data.get("call_in_bottom", 3), "约谈名额（call_in_bottom）"),
        ranking_kind=str(data.get("ranking_kind") or "department"),
    )


#: An example rule table (docs/results.md#rules): bureaus publish their own, usually like this.
DEFAULT_RULES: Final[Mapping[str, object]] = {
    "full": 100,
    "bands": [
        {"grade": "优", "min": 90, "max": 100, "suggestion": "优先保障", "change": 0},
        {"grade": "良", "min": 80, "max": 90, "suggestion": "予以保障", "change": 0},
        {"grade": "中", "min": 60, "max": 80, "suggestion": "压减预算", "change": -10},
        {"grade": "差", "min": 0, "max": 60, "suggestion": "取消或暂缓", "change": -100},
    ],
    "balance_cut": 30,
    "commend_top": 10,
    "call_in_bottom": 3,
    "ranking_kind": "department",
    "coverage": {"self": 100, "department": 60},
}


@dataclass(frozen=True, slots=True)
class ResultLine:
    """One unit's or project's result, as the bureau knows it."""

    key: str  # the caller's identifier (an evaluation's number)
    name: str  # unit, or unit · project
    kind: str  # "department" or "project"
    score: Decimal | None  # the score the rules use (see ``score_source``)
    budget: Decimal  # this year's 全年预算数, 万元
    score_source: str = "计算得分"  # 计算得分 / 财政重点评价得分 / 单位采用的得分
    balance: Decimal | None = None  # this year's 年末结转结余, 万元
    balance_before: Decimal | None = None  # last year's 年末结转结余, 万元


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One change to a line's budget and why."""

    amount: Decimal  # 万元, negative for a cut
    reason: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Next year's budget suggestion for one line, with the reason for each change."""

    line: ResultLine
    grade: str
    suggestion: str
    adjustments: tuple[Adjustment, ...]
    suggested: Decimal  # 万元, never below 0
    ranking: Ranking = Ranking.NONE
    rank: int | None = None  # place among the ranked kind (1 = best)
    reasons: tuple[str, ...] = field(default=())

    @property
    def change(self) -> Decimal:
        return self.suggested - self.line.budget


def _money(value: Decimal) -> Decimal:
    return round_half_up(value, AMOUNT_PLACES)


def _places(values: Iterable[Decimal], worst: bool) -> dict[Decimal, int]:
    """Competition ranking (1, 2, 2, 4): a score's place counting the scores strictly better."""
    ordered = sorted(values, reverse=not worst)
    places: dict[Decimal, int] = {}
    for index, value in enumerate(ordered, start=1):
        places.setdefault(value, index)
    return places


def apply_rules(table: RuleTable, lines: Sequence[ResultLine]) -> tuple[Suggestion, ...]:
    """Next year's budget suggestion for every line, in the order given.

    A line without a score keeps its budget and says why; the grade band's change applies to this
    year's budget; a balance that grew loses ``balance_cut`` percent of the growth; lines of the
    ranked kind are commended when among the best ``commend_top`` (ties share the place) and
    called in when among the worst ``call_in_bottom`` and not commended.
    """
    ranked = [line.score for line in lines if line.kind == table.ranking_kind and line.score is not None]
    best, worst = _places(ranked, worst=False), _places(ranked, worst=True)
    out: list[Suggestion] = []
    for line in lines:
        if line.score is None:
            out.append(
                Suggestion(line, "", "暂不调整", (), _money(line.budget), reasons=("没有可用的评价得分，暂按本年预算",))
            )
            continue
        band = table.band_for(line.score)
        adjustments: list[Adjustment] = []
        if band.change:
            amount = _money(line.budget * band.change / HUNDRED)
            verb = "压减" if band.change < 0 else "增加"
            adjustments.append(
                Adjustment(
                    amount,
                    f"{line.score_source} {fmt(line.score)} 分，等级“{band.grade}”（{band.span}）："
                    f"{band.suggestion}，按本年预算 {fmt(line.budget, AMOUNT_PLACES)} 万元"
                    f"{verb} {fmt(abs(band.change))}%",
                )
            )
        if line.balance is not None and line.balance_before is not None and line.balance > line.balance_before:
            growth = line.balance - line.balance_before
            amount = -_money(growth * table.balance_cut / HUNDRED)
            adjustments.append(
                Adjustment(
                    amount,
                    f"年末结转结余由 {fmt(line.balance_before, AMOUNT_PLACES)} 万元增至 "
                    f"{fmt(line.balance, AMOUNT_PLACES)} 万元，按增量 {fmt(growth, AMOUNT_PLACES)} 万元的 "
                    f"{fmt(table.balance_cut)}% 压减",
                )
            )
        suggested = line.budget + sum((item.amount for item in adjustments), ZERO)
        suggested = max(suggested, ZERO)
        ranking, rank = Ranking.NONE, None
        if line.kind == table.ranking_kind:
            rank = best[line.score]
            if rank <= table.commend_top:
                ranking = Ranking.COMMEND
            elif worst[line.score] <= table.call_in_bottom:
                ranking = Ranking.CALL_IN
        reasons = [item.reason for item in adjustments]
        if not adjustments:
            reasons.append(
                f"{line.score_source} {fmt(line.score)} 分，等级“{band.grade}”（{band.span}）："
                f"{band.suggestion}，预算不作调整"
            )
        if ranking is Ranking.COMMEND:
            reasons.append(f"得分排名第 {rank} 位，在前 {table.commend_top} 名内：通报表扬")
        elif ranking is Ranking.CALL_IN:
            reasons.append(f"得分排名倒数第 {worst[line.score]} 位，在后 {table.call_in_bottom} 名内：约谈")
        out.append(
            Suggestion(
                line, band.grade, band.suggestion, tuple(adjustments), _money(suggested), ranking, rank, tuple(reasons)
            )
        )
    return tuple(out)


# --- coverage (评价覆盖面) ------------------------------------------------------------------


class Level(Labelled):
    """Who evaluated a project."""

    SELF = "self", "单位自评"
    DEPARTMENT = "department", "部门评价"
    BUREAU = "bureau", "财政评价"


@dataclass(frozen=True, slots=True)
class CoverageProject:
    amount: Decimal  # 万元
    levels: frozenset[Level]


@dataclass(frozen=True, slots=True)
class CoverageFigure:
    level: Level
    projects: int
    of_projects: int
    amount: Decimal
    of_amount: Decimal
    required: Decimal | None  # percent of projects required, if any

    @property
    def share(self) -> Decimal | None:
        return rate(HUNDRED * self.projects / self.of_projects) if self.of_projects else None

    @property
    def amount_share(self) -> Decimal | None:
        return rate(HUNDRED * self.amount / self.of_amount) if self.of_amount else None

    @property
    def applies(self) -> bool:
        """False for a unit with no project and no project money: nothing to cover."""
        return bool(self.of_projects) or self.of_amount > ZERO

    @property
    def met(self) -> bool | None:
        if self.required is None or not self.applies:
            return None
        share = self.share
        return share is not None and share >= self.required

    def sentence(self) -> str:
        """The coverage sentence a 部门整体 report prints (docs/results.md#coverage)."""
        if not self.applies:
            return f"本年度没有项目支出，{self.level.label}覆盖面不适用。"
        if not self.of_projects:
            text = f"本年度项目支出 {fmt(self.of_amount, AMOUNT_PLACES)} 万元，没有{self.level.label}的项目"
        elif not self.projects:
            text = (
                f"本年度没有记录{self.level.label}的项目（全部 {self.of_projects} 个项目，"
                f"项目资金 {fmt(self.of_amount, AMOUNT_PLACES)} 万元），{self.level.label}覆盖率为 0"
            )
        else:
            text = (
                f"本年度{self.level.label}项目 {self.projects} 个，占全部 {self.of_projects} 个项目的 "
                f"{fmt(self.share, RATE_PLACES)}%；"
                f"涉及资金 {fmt(self.amount, AMOUNT_PLACES)} 万元，"
                f"占项目资金 {fmt(self.of_amount, AMOUNT_PLACES)} 万元的 {fmt(self.amount_share, RATE_PLACES)}%"
            )
        if self.required is not None:
            text += f"，{'达到' if self.met else '未达到'}不低于 {fmt(self.required)}% 的要求"
        return text + "。"


#: Required shares of projects (percent) by level; a bureau sets its own (docs/results.md#coverage).
DEFAULT_REQUIRED: Final[Mapping[Level, Decimal]] = {Level.SELF: HUNDRED, Level.DEPARTMENT: Decimal(60)}


def required_shares(data: Mapping[str, object]) -> dict[Level, Decimal]:
    """The required shares a rule table sets under ``coverage`` (e.g. ``{self: 100, department: 60}``)."""
    raw = data.get("coverage")
    if raw is None:
        return dict(DEFAULT_REQUIRED)
    if not isinstance(raw, Mapping):
        msg = "覆盖面要求（coverage）应是键值表，如 {self: 100, department: 60}"
        raise RuleTableError(msg)
    shares = {}
    for key, value in raw.items():
        try:
            level = Level(str(key))
        except ValueError:
            msg = f"覆盖面要求中的“{key}”不是评价层级（self、department、bureau）"
            raise RuleTableError(msg) from None
        share = _number(value, f"{level.label}的覆盖面要求")
        if not ZERO <= share <= HUNDRED:
            msg = f"{level.label}的覆盖面要求 {fmt(share)}% 应在 0–100% 之间"
            raise RuleTableError(msg)
        shares[level] = share
    return shares


def coverage(
    projects: Sequence[CoverageProject],
    required: Mapping[Level, Decimal] = DEFAULT_REQUIRED,
    project_money: Decimal | None = None,
) -> tuple[CoverageFigure, ...]:
    """Projects and money evaluated at each level, against the required shares.

    ``project_money`` is the unit's whole 项目支出 when known (the 部门整体 budget's project line):
    money not in any listed project then counts as not evaluated.
    """
    for level, share in required.items():
        if not ZERO <= share <= HUNDRED:
            msg = f"{level.label}的覆盖面要求 {fmt(share)}% 应在 0–100% 之间"
            raise RuleTableError(msg)
    total = sum((item.amount for item in projects), ZERO)
    if project_money is not None and project_money > total:
        total = project_money
    figures = []
    for level in Level:
        covered = [item for item in projects if level in item.levels]
        figures.append(
            CoverageFigure(
                level,
                len(covered),
                len(projects),
                sum((item.amount for item in covered), ZERO),
                total,
                required.get(level),
            )
        )
    return tuple(figures)
