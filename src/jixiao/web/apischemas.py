"""What the JSON API declares in its OpenAPI description: error bodies, the answers every
operation can give, and the evaluation file a trial posts (docs/web.md#api-contract).

The views (``api.py``, ``targets/api.py``) answer through these declarations; the contract test
(tests/web/test_api_contract.py) checks that nothing they answer falls outside them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal, TypeVar

from ninja import NinjaAPI, Schema
from pydantic import BaseModel, ConfigDict, Field

from jixiao.core.model import SatisfactionSource, Tier
from jixiao.core.targets.monitoring import DeviationReason, Likelihood
from jixiao.core.values import Direction
from jixiao.ingest import evaluation_file, targets_file

# --- error bodies -------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every refusal: ``{"detail": "中文说明"}``."""

    detail: str


class FieldErrorOut(Schema):
    path: str  # the field path in the document (``indicators[3].weight``); "" for the whole document
    field: str  # the same field as the editor names it (绩效指标第 4 行 · 分值)
    message: str


class InvalidOut(Schema):
    """422: a parameter or posted document refused, each error naming its field."""

    detail: str
    errors: list[FieldErrorOut]


class RefusedOut(Schema):
    """422 of the targets trial checks: the core's message; ``errors`` when a parameter was refused."""

    detail: str
    errors: list[FieldErrorOut] | None = None


class PendingOut(Schema):
    """A PDF not stored yet (docs/operations.md#stored-pdf): ``state`` queued/running, the text, and progress."""

    state: str
    detail: str
    percent: int


# --- answers every operation can give ------------------------------------------------------------------

#: Any operation: no, a wrong or an expired key (401), the key's user locked out after failed logins
#: (403), too many calls with this key in a minute (429), a bug (500, JSON in Chinese), the database
#: out of reach (503). docs/web.md#api-limits
ALWAYS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 429: ErrorOut, 500: ErrorOut, 503: ErrorOut}
#: A list filtered by query parameters: a parameter of the wrong type is 422.
LISTED: dict[int, Any] = ALWAYS | {422: InvalidOut}
#: One evaluation or declaration by number: not visible (404), the role may not (403), a number that
#: is not an integer (422).
ONE: dict[int, Any] = LISTED | {404: ErrorOut}
#: A trial: as ONE, plus a body over 5 MB (413); 422 also for a document the core refuses.
TRIAL: dict[int, Any] = ONE | {413: ErrorOut}

#: What the report download answers with 200, by format (jixiao.web.evaluations.downloads.FORMATS).
REPORT_MEDIA_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "自评报告（Word，.docx）",
    "application/pdf": "自评报告（PDF）",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "自评表（Excel，.xlsx）",
    "text/html": "自评报告（网页，.html）",
}
REPORT_FILE = {
    "responses": {
        200: {
            "description": "报告文件（作为附件下载，带文件名）",
            "content": {
                media: {"schema": {"type": "string", "format": "binary", "description": label}}
                for media, label in REPORT_MEDIA_TYPES.items()
            },
        }
    }
}


# --- the evaluation file a trial posts (docs/file-formats.md) -------------------------------------------
# Every level as the core reads it (jixiao.core.model): unknown keys are refused at every level, as
# the core refuses them ("未知字段"), and tests/web/test_api_contract.py checks each model's keys
# against the core's dataclass. Types are the forms the file takes (a figure is a JSON number or
# the same number as text); ranges and the meaning of text are the core's to check, and a refusal
# is a 422 naming the field.

_PART = ConfigDict(extra="forbid")
_Model = TypeVar("_Model", bound=BaseModel)
#: A figure (amount, weight, score, percent): a JSON number, or the same number as text ("1464.48").
Figure = float | str
#: A target or actual value as written: "≥95%", "1.25万亩", "2023年10月", "按时完成", or a number.
MeasureIn = str | float
_FIGURE = "数字或写成文本的数字"
_MEASURE = "文本或数字，按原样写，如 ≥95%、1.25万亩、2023年10月、按时完成"


def _empty(model: type[_Model]) -> Callable[[], _Model]:
    """The default of an absent part: the part with nothing in it (as the core reads it)."""
    return lambda: model.model_validate({})


def _choice(values: Any, description: str, default: str | None = None) -> Any:
    """A text field whose accepted values (codes and Chinese names) are listed in the schema."""
    return Field(default, description=description, json_schema_extra={"enum": sorted(set(values))})


class StaffingIn(BaseModel):
    """``unit.staffing``: 人员情况."""

    model_config = _PART
    authorized: int | None = Field(None, description="编制人数")
    actual: int | None = Field(None, description="实有人数")
    hired: int | None = Field(None, description="聘用人员")
    note: str = Field("", description="说明")


class AssetPartIn(BaseModel):
    model_config = _PART
    name: str = Field(description="资产类别")
    amount: Figure = Field(description=f"金额（{_FIGURE}）")


class AssetsIn(BaseModel):
    """``unit.assets``: 资产情况."""

    model_config = _PART
    total: Figure | None = Field(None, description=f"资产总额（{_FIGURE}）")
    parts: list[AssetPartIn] = Field(default_factory=list, description="资产构成")
    unit: str = _choice(["万元", "元", *evaluation_file.UNIT_ALIASES], "金额单位：万元（默认）或元", "万元")
    note: str = Field("", description="说明")


class UnitProfileIn(BaseModel):
    """``unit``: 单位概况 (docs/file-formats.md, ``unit`` 单位概况)."""

    model_config = _PART
    name: str = Field(description="单位名称")
    superior: str = Field("", description="主管部门")
    budget_level: str = Field("", description="预算级次")
    nature: str = Field("", description="单位性质")
    region: str = Field("", description="所在地区")
    duties: str = Field("", description="主要职责")
    organization: str = Field("", description="组织架构")
    staffing: StaffingIn = Field(default_factory=_empty(StaffingIn), description="人员")
    assets: AssetsIn = Field(default_factory=_empty(AssetsIn), description="资产")
    contact: str = Field("", description="联系人")


class ProjectInfoIn(BaseModel):
    """``project``: 项目支出评价的项目信息."""

    model_config = _PART
    name: str = Field(description="项目名称")
    implementing_unit: str = Field("", description="实施单位")
    supervising_dept: str = Field("", description="主管部门")


class GoalsIn(BaseModel):
    """``goals``: 目标."""

    model_config = _PART
    overall: str = Field("", description="总体目标")
    annual_tasks: list[str] = Field(default_factory=list, description="年度工作任务")
    performance: str = Field("", description="年度绩效目标")
    achieved: str = Field("", description="实际完成情况")


class BudgetLineIn(BaseModel):
    """One line of ``budget.by_nature`` (基本支出 / 项目支出) or ``budget.by_source`` (资金来源)."""

    model_config = _PART
    name: str = Field(description="名称，如 基本支出、财政拨款")
    initial: Figure | None = Field(None, description="年初预算数")
    adjusted: Figure | None = Field(None, description="全年预算数")
    executed: Figure | None = Field(None, description="全年执行数")


class BudgetIn(BaseModel):
    """``budget``: 预算及执行 (万元 unless ``unit`` says 元)."""

    model_config = _PART
    unit: str = _choice(["万元", "元", *evaluation_file.UNIT_ALIASES], "金额单位：万元（默认）或元", "万元")
    initial: Figure | None = Field(None, description=f"年初预算数（{_FIGURE}）")
    adjusted: Figure | None = Field(None, description=f"全年预算数（调整后；{_FIGURE}）")
    executed: Figure | None = Field(None, description=f"全年执行数（{_FIGURE}）")
    carryover: Figure | None = Field(None, description=f"年末结转和结余（{_FIGURE}）")
    by_nature: list[BudgetLineIn] = Field(default_factory=list, description="按支出性质：基本支出、项目支出")
    by_source: list[BudgetLineIn] = Field(default_factory=list, description="按资金来源")
    overspend_explanation: str = Field("", description="超预算支出的资金来源说明")


class IndicatorPartIn(BaseModel):
    """A “其中” line under an indicator: shown and summed, never scored."""

    model_config = _PART
    name: str = Field(description="名称")
    target: MeasureIn | None = Field(None, description=f"目标值（{_MEASURE}）")
    actual: MeasureIn | None = Field(None, description=f"实际完成值（{_MEASURE}）")
    unit: str = Field("", description="计量单位")


class IndicatorIn(BaseModel):
    """One 三级指标 of ``indicators``."""

    model_config = _PART
    l1: str = Field(description="一级指标，如 产出指标")
    l2: str = Field(description="二级指标，如 数量指标")
    name: str = Field(description="三级指标")
    direction: str | None = _choice(
        [*(d.value for d in Direction), *evaluation_file.DIRECTION_ALIASES], "指标性质；不写时按目标值读（≥95%）"
    )
    unit: str = Field("", description="计量单位")
    target: MeasureIn | None = Field(None, description=f"年度目标值（{_MEASURE}）")
    actual: MeasureIn | None = Field(None, description=f"实际完成值（{_MEASURE}）")
    weight: Figure | None = Field(None, description=f"分值（{_FIGURE}）")
    tier: str | None = _choice([*(t.value for t in Tier), *evaluation_file.TIER_ALIASES], "定性指标的档位")
    judged_score: Figure | None = Field(None, description="评价人给的得分（定性或人工评分）")
    justification: str = Field("", description="评分理由（人工评分必填）")
    rule: str | None = Field(None, description="改用的计分规则，如 manual")
    stated_score: Figure | None = Field(None, description="单位自评表上填的得分")
    deviation_note: str = Field("", description="偏差原因分析及改进措施")
    evidence: list[str] = Field(default_factory=list, description="佐证材料")
    assumed: list[str] = Field(default_factory=list, description="示例中假设的字段（有假设值不能公开）")
    parts: list[IndicatorPartIn] = Field(default_factory=list, description="“其中”分项（不计分）")


class SatisfactionIn(BaseModel):
    """``satisfaction``: 满意度及其依据 (docs/checks.md#satisfaction-source)."""

    model_config = _PART
    value: Figure | None = Field(None, description="满意度（%）")
    source: str = _choice(
        [*(s.value for s in SatisfactionSource), *evaluation_file.SOURCE_ALIASES],
        "来源：问卷调查、无调查、其他、未说明（默认）",
        SatisfactionSource.UNKNOWN.value,
    )
    sample_size: int | None = Field(None, description="样本数")
    method: str = Field("", description="调查方法")


class ProblemIn(BaseModel):
    model_config = _PART
    problem: str = Field(description="问题")
    cause: str = Field("", description="原因")


class NarrativeIn(BaseModel):
    """``narrative``: 自评报告的文字部分."""

    model_config = _PART
    basis: str = Field("", description="开展自评的依据（文件名称和文号）")
    management: str = Field("", description="预算绩效管理开展情况")
    outputs: str = Field("", description="履职完成情况")
    effects: str = Field("", description="履职效果情况")
    sustainability: str = Field("", description="可持续影响")
    problems: list[ProblemIn | str] = Field(default_factory=list, description="存在问题及原因（对象或只写问题的文本）")
    measures: list[str] = Field(default_factory=list, description="改进方向和措施")
    results_use: str = Field("", description="评价结果应用")
    publication: str = Field("", description="公开情况")


class StatedIn(BaseModel):
    """``stated``: 单位自评表上填报的结果."""

    model_config = _PART
    execution_rate: Figure | None = Field(None, description="预算执行率（%，按填报）")
    execution_score: Figure | None = Field(None, description="预算执行率得分")
    execution_weight: Figure | None = Field(None, description="预算执行率分值")
    total: Figure | None = Field(None, description="自评总分")
    grade: str | None = Field(None, description="评价等级")
    total_weight: Figure | None = Field(None, description="总分值")
    reason: str = Field("", description="采用与计算值不同的总分的理由")


class JudgementIn(BaseModel):
    """One of ``judgements``: the evaluator's score for an item scored by hand."""

    model_config = _PART
    score: Figure = Field(description="得分")
    reason: str = Field("", description="评分理由")


class SignOffIn(BaseModel):
    model_config = _PART
    signer: str = Field("", description="签批人")
    signed_on: date | None = Field(None, description="签批日期，如 2022-03-01")


#: ``kind`` of an evaluation file: the code or one of its Chinese names (jixiao.ingest.evaluation_file).
EvaluationKindIn = Literal["department", "project", "部门整体", "部门整体支出", "部门", "项目", "项目支出"]
#: ``kind`` of a declaration (jixiao.ingest.targets_file).
DeclarationKindIn = Literal["project", "department", "项目", "项目支出", "部门整体", "部门整体支出"]
#: The smallest evaluation file the core accepts, as the description's example.
EVALUATION_EXAMPLE: dict[str, Any] = {"kind": "department", "year": 2021, "unit": {"name": "示例单位"}}
DECLARATION_EXAMPLE: dict[str, Any] = {"kind": "project", "year": 2025, "unit": "示例单位", "project": "示例项目"}
MONITORING_EXAMPLE: dict[str, Any] = {"budget": {"initial": "100", "spent": "40"}}


class EvaluationDocumentIn(BaseModel):
    """The evaluation file (评价文件, docs/file-formats.md): what a trial posts and document.json holds."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra={"examples": [EVALUATION_EXAMPLE]}
    )
    schema_tag: str = Field("", alias="schema", description="版本标记（jixiao/evaluation@1），读入时忽略")
    kind: EvaluationKindIn = Field(description="评价类型：department（部门整体支出）或 project（项目支出），也可写中文")
    year: int = Field(ge=1990, le=2100, description="评价年度")
    unit: UnitProfileIn
    framework: str | None = Field(None, description="评分标准编号")
    project: ProjectInfoIn | None = Field(None, description="项目信息（项目支出评价）")
    goals: GoalsIn = Field(default_factory=_empty(GoalsIn), description="目标")
    budget: BudgetIn = Field(default_factory=_empty(BudgetIn), description="预算及执行")
    indicators: list[IndicatorIn] = Field(default_factory=list, description="绩效指标（三级指标）")
    satisfaction: SatisfactionIn = Field(default_factory=_empty(SatisfactionIn), description="满意度")
    narrative: NarrativeIn = Field(default_factory=_empty(NarrativeIn), description="自评报告文字")
    stated: StatedIn = Field(default_factory=_empty(StatedIn), description="单位填报的结果")
    judgements: dict[str, JudgementIn] = Field(default_factory=dict, description="人工评分：评分项编号 → 得分和理由")
    metrics: dict[str, Figure] = Field(default_factory=dict, description=f"需单位填报的指标值：名称 → {_FIGURE}")
    sign_off: SignOffIn = Field(default_factory=_empty(SignOffIn), description="落款")
    sources: dict[str, str] = Field(default_factory=dict, description="数据来源：字段路径 → 出处")
    import_notes: list[list[str]] = Field(default_factory=list, description="导入时读不懂的单元格：[字段路径, 说明]")
    skipped_rows: list[list[str]] = Field(default_factory=list, description="导入时跳过的占位行：[单元格, 原文]")


# --- declarations and monitoring reports (docs/targets.md#files) ---------------------------------------


class FundsIn(BaseModel):
    """``funds``: 资金（万元）."""

    model_config = _PART
    total: Figure | None = Field(None, description="项目总金额（整个实施期）")
    request: Figure | None = Field(None, description="本年度申请金额")
    fiscal: Figure | None = Field(None, description="其中：财政拨款")
    carryover: Figure | None = Field(None, description="上年结转")
    other: Figure | None = Field(None, description="其他资金")


class TargetIndicatorIn(BaseModel):
    """One 三级指标 of a declaration, with its 年度指标值."""

    model_config = _PART
    l1: str = Field(description="一级指标")
    l2: str = Field(description="二级指标")
    name: str = Field(description="三级指标")
    target: MeasureIn | None = Field(None, description=f"年度指标值（{_MEASURE}）")
    direction: str | None = _choice(
        [*(d.value for d in Direction), *evaluation_file.DIRECTION_ALIASES], "指标性质；不写时按指标值读"
    )
    unit: str = Field("", description="计量单位")
    weight: Figure | None = Field(None, description="分值")
    scoring: str = Field("", description="评（扣）分标准")
    explanation: str = Field("", description="指标解释")
    value_source: str = Field("", description="数据来源")
    last_year: MeasureIn | None = Field(None, description=f"上年实际完成值（{_MEASURE}）")
    below_last_year_reason: str = Field("", description="指标值低于上年实际的理由")
    library_code: str = Field("", description="取自指标库的编号")


class MonitoringBudgetIn(BaseModel):
    """``budget`` of a monitoring report (万元)."""

    model_config = _PART
    initial: Figure | None = Field(None, description="年初预算")
    added: Figure = Field(0, description="追加")
    reduced: Figure = Field(0, description="调减")
    spent: Figure | None = Field(None, description="截至本期支出")


class IndicatorReportIn(BaseModel):
    """One indicator of a monitoring report."""

    model_config = _PART
    name: str = Field(description="三级指标")
    l1: str = Field("", description="一级指标")
    l2: str = Field("", description="二级指标")
    target: MeasureIn | None = Field(None, description="年度指标值（有批复的申报时取自申报）")
    direction: str | None = _choice([*(d.value for d in Direction), *evaluation_file.DIRECTION_ALIASES], "指标性质")
    to_date: MeasureIn | None = Field(None, description=f"截至本期实际完成值（{_MEASURE}）")
    expected: MeasureIn | None = Field(None, description=f"全年预计完成值（{_MEASURE}）")
    likelihood: str = _choice(
        [*(item.value for item in Likelihood), *targets_file.LIKELIHOOD_ALIASES], "完成可能性", Likelihood.CERTAIN.value
    )
    reasons: list[str] | str = Field(
        default_factory=list,
        description="偏差原因（列表，或用逗号、顿号分隔的文本）："
        + "、".join(sorted({*(r.value for r in DeviationReason), *targets_file.REASON_ALIASES})),
    )
    reason_note: str = Field("", description="偏差原因说明")
    measures: str = Field("", description="纠偏措施")


class DeclarationDocumentIn(BaseModel):
    """A performance target declaration (绩效目标申报, docs/targets.md#files), top level as the core reads it."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra={"examples": [DECLARATION_EXAMPLE]}
    )
    schema_tag: str = Field("", alias="schema", description="版本标记（jixiao/declaration@1）")
    library: str = Field("", description="指标库文件路径（命令行用；接口按本局指标库审核，忽略此项）")
    kind: DeclarationKindIn = Field(description="申报类型：project（项目支出）或 department（部门整体），也可写中文")
    year: int = Field(ge=1990, le=2100, description="年度")
    unit: str = Field(description="申报单位")
    project: str = Field("", description="项目名称（部门整体为空）")
    nature: str = Field("", description="项目性质")
    category: str = Field("", description="项目类别")
    sector: str = Field("", description="行业")
    project_type: str = Field("", description="项目类型")
    supervising_dept: str = Field("", description="主管部门")
    implementing_unit: str = Field("", description="实施单位")
    period_start: int | None = Field(None, description="实施期起始年度")
    period_end: int | None = Field(None, description="实施期终止年度")
    funds: FundsIn = Field(default_factory=_empty(FundsIn), description="资金（万元）")
    overall_goal: str = Field("", description="总体目标（实施期）")
    annual_goal: str = Field("", description="年度目标")
    indicators: list[TargetIndicatorIn] = Field(default_factory=list, description="绩效指标")
    sources: dict[str, str] = Field(default_factory=dict, description="数据来源：字段路径 → 出处")


class MonitoringDocumentIn(BaseModel):
    """A monitoring report (运行监控填报, docs/targets.md#files); year, month and unit come from the round."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra={"examples": [MONITORING_EXAMPLE]}
    )
    schema_tag: str = Field("", alias="schema", description="版本标记（jixiao/monitoring@1）")
    declaration: Any = Field(None, description="命令行用；接口按批复的申报核对，忽略此项")
    rules: Any = Field(None, description="命令行用；接口按本局亮灯规则，忽略此项")
    year: int | None = Field(None, description="忽略：取自本轮")
    month: int | None = Field(None, description="忽略：取自本轮")
    unit: str | None = Field(None, description="忽略：取自本监控表的单位")
    project: str = Field("", description="项目名称")
    round: str = Field("", description="轮次，如 2025年1—7月")
    budget: MonitoringBudgetIn = Field(default_factory=_empty(MonitoringBudgetIn), description="预算执行（万元）")
    indicators: list[IndicatorReportIn] = Field(default_factory=list, description="指标")
    sources: dict[str, str] = Field(default_factory=dict, description="数据来源：字段路径 → 出处")


def request_body(model: type[BaseModel], description: str) -> dict[str, Any]:
    """``openapi_extra`` declaring a JSON body of ``model`` (registered by :class:`DocumentedApi`)."""
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}
    return {"requestBody": {"required": True, "description": description, "content": content}}


class DocumentedApi(NinjaAPI):
    """django-ninja's API with the request bodies the views read themselves (``jsonbody``, so that
    figures stay Decimals and errors stay Chinese) added to the description's schemas."""

    body_models: tuple[type[BaseModel], ...] = (EvaluationDocumentIn, DeclarationDocumentIn, MonitoringDocumentIn)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in self.body_models:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
            components.update(found.pop("$defs", {}))
            components[model.__name__] = found
        return schema
