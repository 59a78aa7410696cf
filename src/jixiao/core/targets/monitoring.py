"""Monitoring during the year (绩效运行监控，“双监控”): execution against time, targets against values to date.

A :class:`MonitoringReport` is one unit's report for one project in one round (e.g. 1–7月).
Execution to date is 支出 ÷ (年初预算 + 追加 − 调减); 序时进度 is month ÷ 12. The traffic lights
(:func:`lights_for`) follow the rule in docs/targets.md#lights, with every threshold and colour
taken from :class:`LightRules`, which each bureau may set differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from jixiao.core.compare import comparable, direction_of
from jixiao.core.findings import Finding, Severity
from jixiao.core.labels import Labelled
from jixiao.core.numbers import HUNDRED, ZERO, fmt, rate
from jixiao.core.targets.codes import TargetCode
from jixiao.core.targets.model import Declaration
from jixiao.core.values import BLANK, Direction, Measure, MeasureKind

MONTHS = Decimal(12)
_Add = Callable[[TargetCode, Severity, str, str], None]


class Likelihood(Labelled):
    """完成可能性 of a target by the end of the year, as the unit judges it."""

    CERTAIN = "certain", "确定能"
    POSSIBLE = "possible", "有可能"
    IMPOSSIBLE = "impossible", "完全不可能"


class DeviationReason(Labelled):
    """偏差原因 (coded, so the bureau can count them)."""

    POLICY = "policy", "政策变化"
    FUNDS = "funds", "资金未到位"
    PLAN = "plan", "项目实施计划调整"
    CONDITIONS = "conditions", "客观条件变化"
    OTHER = "other", "其他"


class Decision(Labelled):
    """What the bureau decides for a project after a round (docs/targets.md#decisions)."""

    CONTINUE = "continue", "继续实施"
    ADJUST = "adjust", "调整目标"
    SUSPEND = "suspend", "暂缓拨款"
    STOP = "stop", "停止拨款"
    RECOVER = "recover", "收回资金"


class Light(Labelled):
    """Traffic lights, from best to worst; ``BLUE`` is spending far ahead of time (watch, not blame)."""

    GREEN = "green", "绿灯"
    BLUE = "blue", "蓝灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


_SEVERITY = {Light.GREEN: 0, Light.BLUE: 1, Light.YELLOW: 2, Light.RED: 3}
DEFAULT_COLOURS: Mapping[Light, str] = MappingProxyType(
    {Light.GREEN: "#2e7d32", Light.BLUE: "#1565c0", Light.YELLOW: "#f9a825", Light.RED: "#c62828"}
)


def worst(lights: Iterable[Light]) -> Light:
    found = Light.GREEN
    for light in lights:
        if _SEVERITY[light] > _SEVERITY[found]:
            found = light
    return found


@dataclass(frozen=True, slots=True)
class LightRules:
    """A bureau's thresholds, in percentage points of execution against 序时进度.

    The defaults are the plain city rule: any lag behind 序时进度 is red, no yellow band, no blue.
    """

    red_lag: Decimal = ZERO  # lag above this → the budget light is red
    yellow_lag: Decimal | None = None  # lag above this (and not above red_lag) → yellow
    blue_ahead: Decimal | None = None  # execution this far ahead of 序时进度 → blue
    possible_counts_as_achievable: bool = True  # 有可能 keeps the project green
    colours: Mapping[Light, str] = field(default_factory=lambda: DEFAULT_COLOURS)


@dataclass(frozen=True, slots=True)
class MonitoringBudget:
    """Budget figures to date, in 万元."""

    initial: Decimal | None = None  # 年初预算
    added: Decimal = ZERO  # 追加
    reduced: Decimal = ZERO  # 调减
    spent: Decimal | None = None  # 截至本期支出

    @property
    def available(self) -> Decimal | None:
        if self.initial is None:
            return None
        return self.initial + self.added - self.reduced

    @property
    def execution_rate(self) -> Decimal | None:
        """支出 ÷ (年初 + 追加 − 调减), in percent, rounded half up to 0.01."""
        available = self.available
        if available is None or self.spent is None or available <= ZERO:
            return None
        return rate(self.spent / available * HUNDRED)


def time_progress(month: int) -> Decimal:
    """序时进度 at the end of ``month``: month ÷ 12, in percent."""
    return rate(Decimal(month) / MONTHS * HUNDRED)


@dataclass(frozen=True, slots=True)
class IndicatorReport:
    """One indicator in one round: value to date, expected full-year value, likelihood, reasons."""

    name: str
    l1: str = ""
    l2: str = ""
    target: Measure = BLANK  # the approved target (taken from the declaration when one is given)
    direction: Direction | None = None
    to_date: Measure = BLANK  # 截至本期实际完成值
    expected: Measure = BLANK  # 全年预计完成值
    likelihood: Likelihood = Likelihood.CERTAIN
    reasons: tuple[DeviationReason, ...] = ()
    reason_note: str = ""  # 偏差原因说明
    measures: str = ""  # 纠偏措施


@dataclass(frozen=True, slots=True)
class MonitoringReport:
    year: int
    month: int  # the round runs to the end of this month (1–7月 → 7)
    unit: str
    project: str = ""
    round: str = ""  # "2025年1—7月"
    budget: MonitoringBudget = field(default_factory=MonitoringBudget)
    indicators: tuple[IndicatorReport, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectLights:
    """The three warnings of a project (预算执行、目标实现、综合) and the figures behind them."""

    budget: Light
    target: Light
    overall: Light
    execution_rate: Decimal | None
    pace: Decimal
    indicators: tuple[Light, ...]

    @property
    def lag(self) -> Decimal | None:
        """Points behind 序时进度 (negative: ahead); None when execution is unknown."""
        return None if self.execution_rate is None else self.pace - self.execution_rate


def indicator_achievable(report: IndicatorReport) -> bool | None:
    """Does the expected full-year value meet the target? None when they cannot be compared."""
    pair = comparable(report.target, report.expected)
    if pair is None:
        return None
    target, expected = pair
    direction = direction_of(report.direction, report.target)
    if direction is Direction.GE:
        return expected >= target
    if direction is Direction.LE:
        return expected <= target
    if direction is Direction.EQ:
        return expected == target
    return None


def indicator_light(report: IndicatorReport) -> Light:
    """红: 完全不可能, or the expected value misses the target; 黄: 有可能; 绿: 确定能 and on target."""
    if report.likelihood is Likelihood.IMPOSSIBLE or indicator_achievable(report) is False:
        return Light.RED
    if report.likelihood is Likelihood.POSSIBLE:
        return Light.YELLOW
    return Light.GREEN


def lights_for(report: MonitoringReport, rules: LightRules | None = None) -> ProjectLights:
    """The lights of one project in one round (docs/targets.md#lights)."""
    rules = rules if rules is not None else LightRules()
    pace = time_progress(report.month)
    execution = report.budget.execution_rate
    if execution is None:
        budget = Light.RED  # no figures is no evidence of pace
    else:
        lag = pace - execution
        if lag > rules.red_lag:
            budget = Light.RED
        elif rules.yellow_lag is not None and lag > rules.yellow_lag:
            budget = Light.YELLOW
        elif rules.blue_ahead is not None and -lag >= rules.blue_ahead:
            budget = Light.BLUE
        else:
            budget = Light.GREEN
    per_indicator = tuple(indicator_light(item) for item in report.indicators)
    target = worst(per_indicator)
    achievable = target is not Light.RED and (rules.possible_counts_as_achievable or target is not Light.YELLOW)
    if budget is Light.RED:
        overall = Light.RED
    elif not achievable:
        overall = Light.YELLOW
    else:
        overall = budget
    return ProjectLights(budget, target, overall, execution, pace, per_indicator)


def priority(lights: ProjectLights, amount: Decimal | None) -> Decimal:
    """重点监控 order: points behind 序时进度 × the funds at stake (万元); 0 when on pace."""
    lag = lights.lag
    if lag is None:
        lag = lights.pace
    if lag <= ZERO or amount is None:
        return ZERO
    return lag * amount


# --- the monitoring rulebook ------------------------------------------------------------------


def with_targets(report: MonitoringReport, declaration: Declaration) -> MonitoringReport:
    """The report with each indicator's target, direction and levels taken from the declaration."""
    approved = {i.name.strip(): i for i in declaration.indicators}
    items = []
    for item in report.indicators:
        source = approved.get(item.name.strip())
        if source is None:
            items.append(item)
            continue
        items.append(
            IndicatorReport(
                name=item.name,
                l1=source.l1,
                l2=source.l2,
                target=source.target,
                direction=source.direction,
                to_date=item.to_date,
                expected=item.expected,
                likelihood=item.likelihood,
                reasons=item.reasons,
                reason_note=item.reason_note,
                measures=item.measures,
            )
        )
    return MonitoringReport(
        report.year, report.month, report.unit, report.project, report.round, report.budget, tuple(items),
        report.sources,
    )  # fmt: skip


def check_monitoring(
    report: MonitoringReport, declaration: Declaration | None = None, rules: LightRules | None = None
) -> tuple[Finding, ...]:
    """Findings for one monitoring report; with ``declaration``, against the approved targets."""
    found: list[Finding] = []

    def add(code: TargetCode, severity: Severity, message: str, path: str) -> None:
        found.append(Finding(str(code), severity, message, path, dict(report.sources).get(path, "")))

    budget = report.budget
    if budget.initial is None or budget.spent is None:
        message = "未填写年初预算或截至本期支出，无法计算预算执行进度"
        add(TargetCode.MONITOR_BUDGET_MISSING, Severity.P0, message, "budget")
    elif (budget.available or ZERO) <= ZERO:
        add(
            TargetCode.MONITOR_BUDGET_MISSING,
            Severity.P0,
            f"年初预算 {fmt(budget.initial)} + 追加 {fmt(budget.added)} − 调减 {fmt(budget.reduced)} 不大于 0 万元，"
            "无法计算预算执行进度",
            "budget",
        )
    elif budget.spent > (budget.available or ZERO):
        add(
            TargetCode.MONITOR_SPENT_ABOVE_AVAILABLE,
            Severity.P0,
            f"截至本期支出 {fmt(budget.spent)} 万元超过可用预算 {fmt(budget.available)} 万元"
            f"（年初 {fmt(budget.initial)} + 追加 {fmt(budget.added)} − 调减 {fmt(budget.reduced)}）",
            "budget.spent",
        )
    if declaration is not None:
        approved = {i.name.strip() for i in declaration.indicators}
        reported = {i.name.strip() for i in report.indicators}
        for position, item in enumerate(report.indicators):
            if item.name.strip() not in approved:
                add(
                    TargetCode.MONITOR_INDICATOR_UNKNOWN,
                    Severity.P1,
                    f"指标“{item.name}”不在批复的绩效目标中：请按批复的指标填报，调整目标须经审核",
                    f"indicators[{position}].name",
                )
        for position, indicator in enumerate(declaration.indicators):
            if indicator.name.strip() not in reported:
                add(
                    TargetCode.MONITOR_INDICATOR_NOT_REPORTED,
                    Severity.P1,
                    f"批复的指标“{indicator.name}”（{indicator.target.text}）未填报监控情况",
                    f"declaration.indicators[{position}]",
                )
        report = with_targets(report, declaration)
    lights = lights_for(report, rules)
    for position, (item, light) in enumerate(zip(report.indicators, lights.indicators, strict=True)):
        _indicator(item, light, f"indicators[{position}]", add)
    behind = lights.budget is Light.RED and execution_known(report)
    if behind and not any(item.measures.strip() for item in report.indicators):
        add(
            TargetCode.MONITOR_MEASURES_MISSING,
            Severity.P1,
            f"预算执行率 {fmt(lights.execution_rate)}% 低于序时进度 {fmt(lights.pace)}%，但未填写纠偏措施",
            "budget",
        )
    order = {Severity.P0: 0, Severity.P1: 1, Severity.P2: 2}
    return tuple(sorted(found, key=lambda f: order[f.severity]))


def execution_known(report: MonitoringReport) -> bool:
    return report.budget.execution_rate is not None


def _indicator(item: IndicatorReport, light: Light, path: str, add: _Add) -> None:
    target = item.target
    for field_name, value in (("to_date", item.to_date), ("expected", item.expected)):
        if value.is_blank or target.is_blank or target.kind is not MeasureKind.NUMBER:
            continue
        if comparable(target, value) is None:
            why = "是文字而不是数值" if value.kind is MeasureKind.TEXT else f"的单位与指标值“{target.text}”不同"
            add(
                TargetCode.MONITOR_VALUE_UNCOMPARABLE,
                Severity.P0,
                f"指标“{item.name}”的{'截至本期完成值' if field_name == 'to_date' else '全年预计完成值'}"
                f"“{value.text}”{why}，无法与指标值比较：请按指标的计量单位填写数值",
                f"{path}.{field_name}",
            )
            return
    direction = direction_of(item.direction, target)
    pair = comparable(item.to_date, item.expected)
    if direction is Direction.GE and pair is not None and pair[1] < pair[0] and "数量" in item.l2:
        add(
            TargetCode.MONITOR_EXPECTED_BELOW_TO_DATE,
            Severity.P1,
            f"指标“{item.name}”的全年预计完成值 {item.expected.text} 低于截至本期已完成的 {item.to_date.text}",
            f"{path}.expected",
        )
    if item.likelihood is Likelihood.CERTAIN and indicator_achievable(item) is False:
        add(
            TargetCode.MONITOR_LIKELIHOOD_INCONSISTENT,
            Severity.P1,
            f"指标“{item.name}”填报“确定能”完成，但全年预计完成值 {item.expected.text} 达不到指标值 {target.text}",
            f"{path}.likelihood",
        )
    if light is not Light.GREEN and not item.reasons and not item.reason_note.strip():
        add(
            TargetCode.MONITOR_REASON_MISSING,
            Severity.P1,
            f"指标“{item.name}”为{light.label}（完成可能性：{item.likelihood.label}），未填写偏差原因",
            f"{path}.reasons",
        )
    if light is Light.RED and not item.measures.strip():
        add(
            TargetCode.MONITOR_MEASURES_MISSING,
            Severity.P1,
            f"指标“{item.name}”为红灯，未填写纠偏措施",
            f"{path}.measures",
        )
