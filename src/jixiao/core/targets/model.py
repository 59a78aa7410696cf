"""Performance targets (绩效目标) as declared with the budget, and the bureau's indicator library.

A :class:`Declaration` is what a unit submits for a project or for the 部门整体 with its budget
request (docs/targets.md#declaration). Its :class:`TargetIndicator` rows use the same three
levels and the same value reading (:func:`jixiao.core.values.parse_measure`) as the
self-evaluation, so that the targets approved here are the ones scored at the end of the year.
Every row may name the :class:`LibraryEntry` it was taken from; ``sources`` keeps where each
figure came from, as :class:`jixiao.core.model.Evaluation` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.core.compare import direction_of
from jixiao.core.labels import Labelled
from jixiao.core.values import BLANK, Direction, Measure

#: 一级指标 of the 2021 framework (财预〔2021〕101号): what 二级指标 each one holds (docs/targets.md#levels).
LEVELS: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


def level1_key(l1: str) -> str:
    """ "产出" and "产出指标" are one level; so are "成本" and "成本指标"."""
    text = l1.strip()
    return text[:-2] if text.endswith("指标") else text


class DeclarationKind(Labelled):
    PROJECT = "project", "项目支出"
    DEPARTMENT = "department", "部门整体支出"


class DeclarationStatus(Labelled):
    """The workflow of a declaration (docs/targets.md#workflow), as for self-evaluations."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回"
    APPROVED = "approved", "审核通过"


@dataclass(frozen=True, slots=True)
class Funds:
    """资金情况 of the declaration, in 万元."""

    total: Decimal | None = None  # 项目总金额（整个实施期）
    request: Decimal | None = None  # 本年度申请金额
    fiscal: Decimal | None = None  # 其中：财政拨款
    carryover: Decimal | None = None  # 上年结转
    other: Decimal | None = None  # 其他资金


@dataclass(frozen=True, slots=True)
class TargetIndicator:
    """One 三级指标 with its target value (年度指标值)."""

    l1: str
    l2: str
    name: str
    target: Measure = BLANK
    direction: Direction | None = None  # None: read from the target ("≥95%")
    unit: str = ""  # 计量单位 as declared; the target's own unit must agree with it
    weight: Decimal | None = None  # 分值
    scoring: str = ""  # 评（扣）分标准
    explanation: str = ""  # 指标解释
    value_source: str = ""  # 数据来源
    last_year: Measure = BLANK  # 上年实际完成值
    below_last_year_reason: str = ""  # why the target is below last year's actual
    library_code: str = ""  # the library entry it was taken from, if any

    @property
    def effective_direction(self) -> Direction:
        return direction_of(self.direction, self.target)


@dataclass(frozen=True, slots=True)
class Declaration:
    kind: DeclarationKind
    year: int
    unit: str  # 申报单位
    project: str = ""  # 项目名称 (blank for 部门整体)
    nature: str = ""  # 项目性质 (经常性/一次性 …)
    category: str = ""  # 项目类别
    sector: str = ""  # 行业 (education, city management, health …): which library applies
    project_type: str = ""  # 项目类型 within the sector
    supervising_dept: str = ""  # 主管部门
    implementing_unit: str = ""  # 实施单位
    period_start: int | None = None  # 实施期 (years)
    period_end: int | None = None
    funds: Funds = field(default_factory=Funds)
    overall_goal: str = ""  # 总体目标（实施期）
    annual_goal: str = ""  # 年度目标
    indicators: tuple[TargetIndicator, ...] = ()
    #: where each figure came from: field path → "file:sheet!cell" or "申报表"
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        return self.project or f"{self.unit}部门整体支出"


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """An indicator of the bureau's library (指标库), by sector and project type (docs/targets.md#library)."""

    code: str  # stable within the bureau, e.g. "EDU-001"
    l1: str
    l2: str
    name: str
    sector: str = ""  # blank: every sector
    project_type: str = ""  # blank: every project type of the sector
    explanation: str = ""  # 指标解释
    direction: Direction = Direction.GE
    unit: str = ""
    scoring: str = ""  # 评分标准 (rule kind of the frameworks: "ratio", "tiered", "manual" …)
    typical: str = ""  # a typical target value ("≥95%")
    locked: bool = False  # the bureau requires it in every declaration it applies to
    floor: Decimal | None = None  # for a locked entry: the value a target may not go below (above, for ≤)

    def applies_to(self, sector: str, project_type: str) -> bool:
        return (not self.sector or self.sector == sector) and (
            not self.project_type or self.project_type == project_type
        )
