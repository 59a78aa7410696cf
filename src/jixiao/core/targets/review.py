"""The target review rulebook (绩效目标审核): what a reviewer checks before approving targets.

``check_declaration(declaration, library)`` is pure. Each rule has a stable code
(:class:`TargetCode`), a severity and a Chinese message with the figures involved; the rules
and their grounds are listed in docs/targets.md#rules. P0 means a figure must change before the
declaration can be approved; P1 must be changed or explained; P2 is advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

from jixiao.core.compare import comparable
from jixiao.core.findings import Finding, Severity
from jixiao.core.numbers import YUAN_PER_WAN, fmt
from jixiao.core.targets.codes import TargetCode
from jixiao.core.targets.model import Declaration, DeclarationKind, LibraryEntry, TargetIndicator, level1_key
from jixiao.core.values import SCALE_PREFIXES, Direction, MeasureKind, normalize_text

_VAGUE: Final = re.compile("有效|明显|显著|提高|提升|改善|增强|加强|逐步|进一步|较好|良好")
_DIGIT: Final = re.compile(r"\d")
#: 二级指标 whose values are numbers (or dates, for 时效) by nature.
_QUANTITATIVE_L2: Final = ("数量", "成本", "时效")
#: A 成本 indicator per head or per item is not a total and is not compared with the funds.
_PER_ITEM: Final = re.compile("单位|每|人均|平均|单价|/|／|生均|户均|亩均")
_MONEY: Final = {"元": Decimal(1) / YUAN_PER_WAN, "万元": Decimal(1), "亿元": Decimal(10000)}
_NO_REASON: Final = frozenset({"", "无", "/", "-", "—"})


def _l2_key(l2: str) -> str:
    return level1_key(l2)


def _is_quantitative(indicator: TargetIndicator) -> bool:
    if indicator.direction in (Direction.GE, Direction.LE, Direction.EQ) or indicator.unit.strip():
        return True
    return _l2_key(indicator.l2).startswith(_QUANTITATIVE_L2)


def _same_unit(a: str, b: str) -> bool:
    a, b = normalize_text(a), normalize_text(b)
    if not a or not b or a == b:
        return True
    return _base(a) == _base(b)


def _base(unit: str) -> str:
    """ "万米" and "米" measure the same thing."""
    return unit[1:] if len(unit) > 1 and unit[0] in SCALE_PREFIXES else unit


def _money_in_wan(value: Decimal, unit: str) -> Decimal | None:
    factor = _MONEY.get(normalize_text(unit))
    return None if factor is None else value * factor


class _Findings:
    def __init__(self, declaration: Declaration) -> None:
        self.sources = dict(declaration.sources)
        self.items: list[Finding] = []

    def add(self, code: TargetCode, severity: Severity, message: str, path: str) -> None:
        source = ""
        probe = path
        while probe:
            if probe in self.sources:
                source = self.sources[probe]
                break
            probe = probe.rpartition(".")[0] if "." in probe else probe.rpartition("[")[0]
        self.items.append(Finding(str(code), severity, message, path, source))

    def result(self) -> tuple[Finding, ...]:
        order = {Severity.P0: 0, Severity.P1: 1, Severity.P2: 2}
        return tuple(sorted(self.items, key=lambda f: (order[f.severity], _natural(f.path))))


def _natural(path: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path))


def check_declaration(declaration: Declaration, library: Iterable[LibraryEntry] = ()) -> tuple[Finding, ...]:
    """Findings for one declaration, P0 first; ``library`` is the bureau's indicator library."""
    out = _Findings(declaration)
    _funds(declaration, out)
    if not declaration.annual_goal.strip():
        message = "未填写年度目标：请概括本年度要完成的任务和达到的效果"
        out.add(TargetCode.TARGET_GOAL_MISSING, Severity.P1, message, "annual_goal")
    indicators = declaration.indicators
    if not indicators:
        out.add(
            TargetCode.TARGET_NO_INDICATORS,
            Severity.P0,
            "没有任何绩效指标：请至少设置产出指标（数量、质量、时效、成本）和效益指标",
            "indicators",
        )
        return out.result()
    seen: dict[tuple[str, str, str], int] = {}
    for position, indicator in enumerate(indicators):
        path = f"indicators[{position}]"
        key = (level1_key(indicator.l1), _l2_key(indicator.l2), indicator.name.strip())
        if key in seen:
            out.add(
                TargetCode.TARGET_DUPLICATED,
                Severity.P1,
                f"指标“{indicator.name}”与第 {seen[key] + 1} 行重复：请合并或删去一行",
                path,
            )
        else:
            seen[key] = position
        _indicator(declaration, indicator, path, out)
    _structure(declaration, out)
    _library(declaration, tuple(library), out)
    return out.result()


def _funds(declaration: Declaration, out: _Findings) -> None:
    funds = declaration.funds
    parts = (funds.fiscal, funds.carryover, funds.other)
    if funds.request is None or all(part is None for part in parts):
        return
    total = sum((part for part in parts if part is not None), Decimal(0))
    if total != funds.request:
        out.add(
            TargetCode.TARGET_FUNDS_SUM_MISMATCH,
            Severity.P0,
            f"资金来源之和 {fmt(total)} 万元（财政拨款 {fmt(funds.fiscal)}、上年结转 {fmt(funds.carryover)}、"
            f"其他 {fmt(funds.other)}）与本年度申请金额 {fmt(funds.request)} 万元不符",
            "funds.request",
        )


def _indicator(declaration: Declaration, indicator: TargetIndicator, path: str, out: _Findings) -> None:
    target = indicator.target
    name = indicator.name
    if target.is_blank:
        out.add(TargetCode.TARGET_VALUE_MISSING, Severity.P0, f"指标“{name}”未填写指标值", f"{path}.target")
        return
    if level1_key(indicator.l1) == "效益" and "满意" in name:
        out.add(
            TargetCode.TARGET_SATISFACTION_AS_BENEFIT,
            Severity.P1,
            f"“{name}”是满意度指标，不能代替效益指标：请移入满意度指标，并设置反映实际效果的效益指标",
            f"{path}.l1",
        )
    quantitative = _is_quantitative(indicator)
    if quantitative and target.kind is MeasureKind.TEXT and _DIGIT.search(target.text) is None:
        vague = _VAGUE.search(target.text)
        because = f"含“{vague.group(0)}”等无法衡量的表述" if vague else "是文字而不是数值"
        out.add(
            TargetCode.TARGET_NOT_MEASURABLE,
            Severity.P0,
            f"定量指标“{name}”的指标值“{target.text}”{because}，年底无法与实际完成值比对："
            "请写成数值和计量单位（如“≥95%”“≤120万元”），或改为定性指标",
            f"{path}.target",
        )
        return
    if target.kind is MeasureKind.NUMBER and not _same_unit(indicator.unit, target.unit):
        out.add(
            TargetCode.TARGET_UNIT_MISMATCH,
            Severity.P0,
            f"指标“{name}”的计量单位为“{indicator.unit}”，指标值“{target.text}”的单位却是“{target.unit}”，"
            "年底的实际完成值无法比对：请统一计量单位",
            f"{path}.target",
        )
        return
    _last_year(indicator, path, out)
    _cost(declaration, indicator, path, out)


def _last_year(indicator: TargetIndicator, path: str, out: _Findings) -> None:
    last = indicator.last_year
    if last.is_blank:
        return
    direction = indicator.effective_direction
    if direction not in (Direction.GE, Direction.LE):
        return
    pair = comparable(indicator.target, last)
    if pair is None:
        if last.kind is MeasureKind.NUMBER and indicator.target.kind is MeasureKind.NUMBER:
            out.add(
                TargetCode.TARGET_UNIT_MISMATCH,
                Severity.P0,
                f"指标“{indicator.name}”的指标值“{indicator.target.text}”与上年实际完成值“{last.text}”单位不同，"
                "无法比较：请统一计量单位",
                f"{path}.last_year",
            )
        return
    target, previous = pair
    lower = target < previous if direction is Direction.GE else target > previous
    if lower and indicator.below_last_year_reason.strip() in _NO_REASON:
        word = "低于" if direction is Direction.GE else "差于（高于）"
        out.add(
            TargetCode.TARGET_BELOW_LAST_YEAR,
            Severity.P1,
            f"指标“{indicator.name}”的指标值 {indicator.target.text} {word}上年实际完成值 {last.text}，"
            "且未说明理由：请提高指标值，或说明下调的原因",
            f"{path}.target",
        )


def _cost(declaration: Declaration, indicator: TargetIndicator, path: str, out: _Findings) -> None:
    request = declaration.funds.request
    target = indicator.target
    if request is None or target.value is None or "成本" not in indicator.l2:
        return
    if _PER_ITEM.search(indicator.name) or _PER_ITEM.search(indicator.unit):
        return
    amount = _money_in_wan(target.value, target.unit or indicator.unit)
    if amount is not None and amount > request:
        out.add(
            TargetCode.TARGET_COST_ABOVE_FUNDS,
            Severity.P1,
            f"成本指标“{indicator.name}”的指标值 {target.text}（{fmt(amount)} 万元）高于本年度申请金额 "
            f"{fmt(request)} 万元：成本目标应与申请的资金相匹配",
            f"{path}.target",
        )


def _structure(declaration: Declaration, out: _Findings) -> None:
    levels = {level1_key(i.l1) for i in declaration.indicators}
    l2s = [_l2_key(i.l2) for i in declaration.indicators if level1_key(i.l1) == "产出"]
    if "产出" not in levels:
        out.add(
            TargetCode.TARGET_OUTPUT_MISSING,
            Severity.P1,
            "没有产出指标：请设置数量、质量、时效和成本指标",
            "indicators",
        )
    elif declaration.kind is DeclarationKind.PROJECT and not any(l2.startswith("成本") for l2 in l2s):
        out.add(
            TargetCode.TARGET_COST_MISSING,
            Severity.P1,
            "产出指标中没有成本指标：项目应设置反映成本控制的指标（如“单位成本”“总成本控制数”）",
            "indicators",
        )
    if "效益" not in levels:
        if "满意度" in levels:
            out.add(
                TargetCode.TARGET_SATISFACTION_AS_BENEFIT,
                Severity.P1,
                "只有满意度指标而没有效益指标：满意度不能代替效益，请设置经济、社会、生态或可持续影响指标",
                "indicators",
            )
        else:
            out.add(
                TargetCode.TARGET_BENEFIT_MISSING,
                Severity.P1,
                "没有效益指标：请设置反映项目效果的经济、社会、生态或可持续影响指标",
                "indicators",
            )


def _library(declaration: Declaration, library: tuple[LibraryEntry, ...], out: _Findings) -> None:
    if not library:
        return
    by_code = {i.library_code: (p, i) for p, i in enumerate(declaration.indicators) if i.library_code}
    by_name = {i.name.strip(): (p, i) for p, i in enumerate(declaration.indicators)}
    for entry in library:
        if not entry.locked or not entry.applies_to(declaration.sector, declaration.project_type):
            continue
        found = by_code.get(entry.code) or by_name.get(entry.name.strip())
        if found is None:
            out.add(
                TargetCode.TARGET_LOCKED_MISSING,
                Severity.P0,
                f"缺少主管部门指定的必选指标“{entry.name}”（{entry.code}，{entry.l1}/{entry.l2}）：请从指标库中选用",
                "indicators",
            )
            continue
        position, indicator = found
        value = indicator.target.value
        if entry.floor is None or value is None or indicator.target.kind is not MeasureKind.NUMBER:
            continue
        below = value < entry.floor if entry.direction is not Direction.LE else value > entry.floor
        if below:
            word = "低于" if entry.direction is not Direction.LE else "高于"
            out.add(
                TargetCode.TARGET_BELOW_FLOOR,
                Severity.P0,
                f"必选指标“{entry.name}”的指标值 {indicator.target.text} {word}主管部门规定的标准 "
                f"{fmt(entry.floor)}{entry.unit}：请按标准设定",
                f"indicators[{position}].target",
            )
