"""The evaluation model: what a unit states about one year's spending.

An evaluation belongs to a unit, a year and (optionally) a framework id. Every field is
what the unit *claims*; what jixiao *computes* lives in :mod:`jixiao.core.scoring`.
Fields named ``stated_*`` or grouped in :class:`Stated` are figures printed in the
unit's document, kept so the checker can compare them with computed ones.

Value objects are frozen; collections are tuples so an evaluation can be shared safely
between threads and processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from jixiao.core.compare import direction_of
from jixiao.core.labels import Labelled
from jixiao.core.values import BLANK, Direction, Measure


class EvaluationKind(Labelled):
    DEPARTMENT = "department", "部门整体支出"
    PROJECT = "project", "项目支出"


class AmountUnit(StrEnum):
    WAN = "万元"
    YUAN = "元"


class Tier(Labelled):
    """定性指标三档 (财预〔2020〕10号 practice)."""

    ACHIEVED = "achieved", "达成年度指标"
    PARTIAL = "partial", "部分达成年度指标并具有一定效果"
    NOT_ACHIEVED = "not_achieved", "未达成年度指标且效果较差"


class SatisfactionSource(Labelled):
    """How the satisfaction figure was measured (docs/checks.md#satisfaction-source).

    ``UNKNOWN`` is what a form says when it says nothing: a 自评表 has no column for it, so
    silence is not a stated absence of a survey.
    """

    SURVEY = "survey", "问卷调查"
    NONE = "none", "无调查"  # the unit says there was none: the figure is estimated or assumed
    OTHER = "other", "其他来源"  # complaint records, hearings and the like
    UNKNOWN = "unknown", "未说明"  # nothing said either way


@dataclass(frozen=True, slots=True)
class AssetPart:
    name: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Assets:
    total: Decimal | None = None
    parts: tuple[AssetPart, ...] = ()
    unit: AmountUnit = AmountUnit.WAN
    note: str = ""


@dataclass(frozen=True, slots=True)
class Staffing:
    authorized: int | None = None  # 编制人数
    actual: int | None = None  # 实有人数
    hired: int | None = None  # 聘用人员
    note: str = ""


@dataclass(frozen=True, slots=True)
class UnitProfile:
    name: str
    superior: str = ""  # 主管部门
    budget_level: str = ""  # 一级/二级预算单位
    nature: str = ""  # 单位性质
    region: str = ""
    duties: str = ""
    organization: str = ""  # 组织架构
    staffing: Staffing = field(default_factory=Staffing)
    assets: Assets = field(default_factory=Assets)
    contact: str = ""


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    """For 项目支出 evaluations: the project and who carries it out."""

    name: str
    implementing_unit: str = ""  # 实施单位
    supervising_dept: str = ""  # 主管部门


@dataclass(frozen=True, slots=True)
class Goals:
    overall: str = ""  # 部门履职总体目标 / 年度总体目标
    annual_tasks: tuple[str, ...] = ()  # 年度工作任务
    performance: str = ""  # 年度整体支出绩效目标
    achieved: str = ""  # 实际完成情况 (table column)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One row of a budget split (by nature 基本/项目, or by funding source)."""

    name: str
    initial: Decimal | None = None
    adjusted: Decimal | None = None
    executed: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """预算及执行, in ``unit`` (万元 unless the table says 元).

    ``adjusted`` is the full-year budget (全年预算数 / 调整预算); execution rate is
    always executed ÷ adjusted (财预〔2020〕10号), never ÷ initial.
    """

    unit: AmountUnit = AmountUnit.WAN
    initial: Decimal | None = None  # 年初预算数
    adjusted: Decimal | None = None  # 全年预算数（调整后）
    executed: Decimal | None = None  # 全年执行数 / 决算支出
    carryover: Decimal | None = None  # 年末结转和结余
    by_nature: tuple[BudgetLine, ...] = ()  # 基本支出 / 项目支出
    by_source: tuple[BudgetLine, ...] = ()  # 财政拨款 / 上年结转 / 其他资金
    overspend_explanation: str = ""  # 超预算支出的资金来源说明


@dataclass(frozen=True, slots=True)
class IndicatorPart:
    """A breakdown row ("其中…", or a row indented under its parent) of a weighted indicator.

    Parts are shown and their sum is checked against the parent, but they carry no weight and
    are never scored (docs/checks.md#parts-and-placeholders).
    """

    name: str
    target: Measure = BLANK
    actual: Measure = BLANK
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A 三级指标 with its target, actual value and weight."""

    l1: str  # 一级指标 (产出/效益/满意度…)
    l2: str  # 二级指标 (数量/质量/时效/成本…)
    name: str  # 三级指标
    direction: Direction | None = None  # None: read from the target ("≥95%")
    unit: str = ""
    target: Measure = BLANK
    actual: Measure = BLANK
    weight: Decimal | None = None
    tier: Tier | None = None  # 定性指标的档位
    judged_score: Decimal | None = None  # evaluator's score for qualitative/manual rules
    justification: str = ""  # why that judged score (required for manual scoring)
    rule: str | None = None  # override of the framework's rule kind ("manual")
    stated_score: Decimal | None = None  # the score printed in the unit's table
    deviation_note: str = ""  # 偏差原因分析及改进措施
    evidence: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()  # fields jixiao's example had to assume
    parts: tuple[IndicatorPart, ...] = ()  # "其中" rows under it: not scored

    @property
    def effective_direction(self) -> Direction:
        """As written, else read from the target (:func:`jixiao.core.compare.direction_of`)."""
        return direction_of(self.direction, self.target)


@dataclass(frozen=True, slots=True)
class Satisfaction:
    """Where the satisfaction figure comes from (满意度及其依据)."""

    value: Decimal | None = None  # percent
    source: SatisfactionSource = SatisfactionSource.UNKNOWN
    sample_size: int | None = None
    method: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    problem: str
    cause: str = ""


@dataclass(frozen=True, slots=True)
class Narrative:
    basis: str = ""  # 开展自评的依据（文件名称和文号），报告前言引用
    management: str = ""  # 预算绩效管理开展情况
    outputs: str = ""  # 履职完成情况
    effects: str = ""  # 履职效果情况
    sustainability: str = ""  # 可持续影响
    problems: tuple[Problem, ...] = ()  # 存在问题及原因
    measures: tuple[str, ...] = ()  # 改进方向和措施
    results_use: str = ""  # 评价结果应用
    publication: str = ""  # 公开情况


@dataclass(frozen=True, slots=True)
class Stated:
    """Results the unit's own document claims."""

    execution_rate: Decimal | None = None  # percent, as printed
    execution_score: Decimal | None = None
    execution_weight: Decimal | None = None  # the 分值 printed for 预算执行率
    total: Decimal | None = None
    grade: str | None = None
    total_weight: Decimal | None = None
    #: why the unit adopts a total other than jixiao's computed one (shown in the review copy only)
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Judgement:
    """An evaluator's score for a framework item with a ``manual`` rule."""

    score: Decimal
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SignOff:
    signer: str = ""
    signed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    kind: EvaluationKind
    year: int | None
    unit: UnitProfile
    framework: str | None = None
    project: ProjectInfo | None = None
    goals: Goals = field(default_factory=Goals)
    budget: Budget = field(default_factory=Budget)
    indicators: tuple[Indicator, ...] = ()
    satisfaction: Satisfaction = field(default_factory=Satisfaction)
    narrative: Narrative = field(default_factory=Narrative)
    stated: Stated = field(default_factory=Stated)
    judgements: tuple[tuple[str, Judgement], ...] = ()  # framework item id → judgement
    metrics: tuple[tuple[str, Decimal], ...] = ()  # supplied values of framework metrics
    sign_off: SignOff = field(default_factory=SignOff)
    #: where each figure came from: field path → "file:sheet!cell" or a document section
    sources: tuple[tuple[str, str], ...] = ()
    #: problems the importer met (cells it could not read), reported by the checker
    import_notes: tuple[tuple[str, str], ...] = ()  # (path, message)
    #: placeholder rows of the indicator table the importer skipped ("指标2", "……"): (where, text)
    skipped_rows: tuple[tuple[str, str], ...] = ()

    # Most evaluations carry none of these: answer without building a dict.

    def judgement(self, item_id: str) -> Judgement | None:
        return dict(self.judgements).get(item_id) if self.judgements else None

    def metric(self, name: str) -> Decimal | None:
        return dict(self.metrics).get(name) if self.metrics else None

    def source_of(self, path: str) -> str | None:
        return dict(self.sources).get(path) if self.sources else None
