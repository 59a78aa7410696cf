"""What the JSON API declares in its OpenAPI description: error bodies, the answers every
operation can give, and the evaluation file a trial posts (docs/web.md#api-contract).

The views (``api.py``, ``targets/api.py``) answer through these declarations; the contract test
(tests/web/test_api_contract.py) checks that nothing they answer falls outside them.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import NinjaAPI, Schema
from pydantic import BaseModel, ConfigDict, Field

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

_NESTED = ConfigDict(extra="allow")


class UnitProfileIn(BaseModel):
    """``unit``: 单位概况 (docs/file-formats.md, ``unit`` 单位概况)."""

    model_config = _NESTED
    name: str = Field(description="单位名称")
    superior: str | None = Field(None, description="主管部门")
    budget_level: str | None = Field(None, description="预算级次")
    nature: str | None = Field(None, description="单位性质")
    region: str | None = Field(None, description="所在地区")
    duties: str | None = Field(None, description="主要职责")
    organization: str | None = Field(None, description="组织架构")
    contact: str | None = Field(None, description="联系人")
    staffing: dict[str, Any] | None = Field(None, description="人员：authorized、actual、hired、note")
    assets: dict[str, Any] | None = Field(None, description="资产：total、parts、unit、note")


#: A number in a document: a JSON number, or the same number as text ("1464.48").
_FIGURE = "数字或写成文本的数字"


#: ``kind`` of an evaluation file: the code or one of its Chinese names (jixiao.ingest.evaluation_file).
EvaluationKindIn = Literal["department", "project", "部门整体", "部门整体支出", "部门", "项目", "项目支出"]
#: ``kind`` of a declaration (jixiao.ingest.targets_file).
DeclarationKindIn = Literal["project", "department", "项目", "项目支出", "部门整体", "部门整体支出"]
#: The smallest evaluation file the core accepts, as the description's example.
EVALUATION_EXAMPLE: dict[str, Any] = {"kind": "department", "year": 2021, "unit": {"name": "示例单位"}}
DECLARATION_EXAMPLE: dict[str, Any] = {"kind": "project", "year": 2025, "unit": "示例单位", "project": "示例项目"}
MONITORING_EXAMPLE: dict[str, Any] = {"budget": {"initial": "100", "spent": "40"}}


class EvaluationDocumentIn(BaseModel):
    """The evaluation file (评价文件, docs/file-formats.md): what a trial posts and document.json holds.

    Top level as the core reads it: unknown keys are refused (``extra="forbid"``), and
    tests/web/test_api.py checks these keys against the core's model. The parts below the top
    level are described loosely here; the core checks them and a refusal is a 422 naming the field.
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra={"examples": [EVALUATION_EXAMPLE]}
    )
    schema_tag: str = Field("", alias="schema", description="版本标记（jixiao/evaluation@1），读入时忽略")
    kind: EvaluationKindIn = Field(description="评价类型：department（部门整体支出）或 project（项目支出），也可写中文")
    year: int = Field(ge=1990, le=2100, description="评价年度")
    unit: UnitProfileIn
    framework: str | None = Field(None, description="评分标准编号")
    project: dict[str, Any] | None = Field(None, description="项目信息：name、implementing_unit、supervising_dept")
    goals: dict[str, Any] = Field(default_factory=dict, description="目标：overall、annual_tasks、performance……")
    budget: dict[str, Any] = Field(default_factory=dict, description="预算及执行：unit、initial、adjusted、executed……")
    indicators: list[dict[str, Any]] = Field(default_factory=list, description="绩效指标（三级指标）：l1、l2、name……")
    satisfaction: dict[str, Any] = Field(default_factory=dict, description="满意度：value、source、sample_size……")
    narrative: dict[str, Any] = Field(default_factory=dict, description="自评报告文字")
    stated: dict[str, Any] = Field(default_factory=dict, description="单位填报的结果：execution_rate、total、grade……")
    judgements: dict[str, dict[str, Any]] = Field(default_factory=dict, description="人工评分：编号 → {score, reason}")
    metrics: dict[str, float | str] = Field(default_factory=dict, description=f"需单位填报的指标值：名称 → {_FIGURE}")
    sign_off: dict[str, Any] = Field(default_factory=dict, description="落款：signer、signed_on")
    sources: dict[str, str] = Field(default_factory=dict, description="数据来源：字段路径 → 出处")
    import_notes: list[list[str]] = Field(default_factory=list, description="导入时读不懂的单元格：[字段路径, 说明]")
    skipped_rows: list[list[str]] = Field(default_factory=list, description="导入时跳过的占位行：[单元格, 原文]")


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
    funds: dict[str, Any] = Field(default_factory=dict, description="资金（万元）：total、request、fiscal……")
    overall_goal: str = Field("", description="总体目标（实施期）")
    annual_goal: str = Field("", description="年度目标")
    indicators: list[dict[str, Any]] = Field(default_factory=list, description="绩效指标：l1、l2、name、target……")
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
    budget: dict[str, Any] = Field(default_factory=dict, description="预算执行（万元）：initial、added、reduced、spent")
    indicators: list[dict[str, Any]] = Field(default_factory=list, description="指标：name、to_date、expected……")
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
