"""Report templates: the outline and the fixed wording, as YAML a finance bureau can edit.

A template lists headings (numbered automatically 一、（一）1.（1） by depth), sentences with
placeholders such as ``{execution_rate}``, lists (``annual_tasks``, ``problems``…), the
indicator lines of some 一级指标, and where the tables and charts go. Every placeholder,
condition, list, table and chart name is checked when the file loads, and an error names the
place in the file (``body[4].body[0].text``) in Chinese. The catalogue of names below is
what docs/reports.md documents; :mod:`jixiao.reports.content` computes the values.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao.core.model import EvaluationKind
from jixiao.ingest.errors import InputError
from jixiao.ingest.textfile import load_data, parse_yaml

#: Placeholders available in every sentence: name → what it holds.
FIELDS: dict[str, str] = {
    "unit": "单位名称",
    "year": "评价年度",
    "next_year": "评价年度的下一年",
    "kind_label": "评价类型（部门整体支出/项目支出）",
    "superior": "主管部门",
    "budget_level": "预算级次（如二级预算单位）",
    "nature": "单位性质",
    "region": "所在地区",
    "duties": "主要职责",
    "organization": "组织架构",
    "authorized": "编制人数",
    "actual_staff": "实有人数",
    "hired": "聘用人员数",
    "staffing": "人员情况（如“编制人数0人，聘用人员10人。”，只含填报了的人数）",
    "staffing_note": "人员情况补充说明",
    "assets_total": "年末资产总计",
    "assets_unit": "资产金额单位",
    "asset_parts": "资产构成（如“流动资产0.83万元，非流动资产6.4万元”）",
    "assets_note": "资产情况补充说明",
    "project_name": "项目名称",
    "implementing_unit": "实施单位",
    "supervising_dept": "项目主管部门",
    "overall_goal": "履职总体目标／年度总体目标",
    "performance_goal": "年度绩效目标",
    "goal_achieved": "年度目标实际完成情况",
    "amount_unit": "金额单位（万元/元）",
    "initial": "年初预算数",
    "adjusted": "全年预算数（调整后）",
    "executed": "全年执行数",
    "carryover": "年末结转和结余",
    "adjustment": "全年预算数与年初预算数之差（计算）",
    "adjustment_rate": "预算调整率 %（计算）",
    "source_breakdown": "按资金来源的预算构成及占比（计算）",
    "nature_breakdown": "按支出性质的预算构成及占比（计算）",
    "nature_executed_breakdown": "按支出性质的执行数",
    "execution_rate": "预算执行率 %（计算，保留两位小数）",
    "stated_execution_rate": "单位填报的预算执行率 %",
    "overspend": "全年执行数超出全年预算数的金额（计算）",
    "overspend_rate": "超支金额占全年预算数的比例 %（计算）",
    "overspend_lines": "超支所在的支出性质（如“，超出部分在基本支出”；未超支时为空）",
    "overspend_explanation": "超预算支出的资金来源说明",
    "underspend": "全年预算数未执行的金额（计算）",
    "execution_weight": "预算执行率分值",
    "execution_score": "预算执行率得分（计算）",
    "total": "自评总分（计算）",
    "total_weight": "满分",
    "grade": "评价等级（计算）",
    "stated_total": "单位填报的自评得分",
    "stated_grade": "单位填报的评价等级",
    "adopted_total": "单位采用的自评得分：单位填报了得分时为填报值，否则为计算值",
    "adopted_grade": "单位采用的评价等级（同上）",
    "stated_reason": "单位采用的得分与计算得分不同的理由",
    "assumed_summary": "哪些内容是假设值（如“全部15项指标的年度指标值、分值”；没有时为空）",
    "score_difference": "单位采用的得分与计算得分之差（计算；一致时为空）",
    "block_scores": "各一级指标分值与得分（计算）",
    "framework_title": "评分标准名称",
    "framework_source": "评分标准依据",
    "indicator_count": "绩效指标个数",
    "output_count": "产出指标个数",
    "output_weight": "产出指标分值",
    "output_score": "产出指标得分（计算）",
    "effect_count": "效益指标个数",
    "effect_weight": "效益指标分值",
    "effect_score": "效益指标得分（计算）",
    "satisfaction_count": "满意度指标个数",
    "satisfaction_weight": "满意度指标分值",
    "satisfaction_score": "满意度指标得分（计算）",
    "satisfaction_value": "满意度 %",
    "satisfaction_method": "满意度取得方式",
    "satisfaction_source": "满意度来源（问卷调查/无调查/其他来源/未说明）",
    "sample_size": "满意度调查有效样本数",
    "satisfaction_interval": "满意度的 95% 置信区间（按有效样本计算）",
    "satisfaction_margin": "满意度的误差（± 百分点，计算）",
    "basis": "开展自评的依据（文件名称和文号）",
    "management": "预算绩效管理（自评工作）开展情况",
    "outputs": "履职完成（产出）情况",
    "effects": "履职效果（效益）情况",
    "sustainability": "可持续影响",
    "results_use": "评价结果应用",
    "publication": "公开情况",
    "signer": "落款单位",
    "signed_on": "落款日期（如 2022年5月18日）",
}

#: Placeholders that print nothing when blank; all others print the template's ``missing`` text.
OPTIONAL_FIELDS = frozenset(
    {
        "organization", "staffing_note", "assets_note", "overspend_explanation", "region", "deviation",
        "overspend_lines",
        "basis", "stated_reason", "score_difference", "assumed_summary", "staffing",
    }
)

#: Lists a ``list:`` block can number, with the placeholders of one item (besides ``{n}``).
LISTS: dict[str, dict[str, str]] = {
    "annual_tasks": {"text": "年度工作任务一项"},
    "problems": {"problem": "存在的问题", "cause": "原因分析"},
    "measures": {"text": "改进措施一项"},
    "asset_parts": {"name": "资产类别", "amount": "金额"},
}

#: Placeholders of one line in an ``indicators:`` block (besides ``{n}``).
INDICATOR_FIELDS: dict[str, str] = {
    "name": "三级指标",
    "l1": "一级指标",
    "l2": "二级指标",
    "direction": "指标性质（≥ ≤ = 定性）",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    "score": "得分（计算）",
    "lost": "扣分（计算）",
    "deviation": "偏差原因分析及改进措施",
}

#: Conditions a ``when:`` can name (besides any placeholder, true when it is not blank).
CONDITIONS: dict[str, str] = {
    "overspent": "全年执行数超过全年预算数",
    "underspent": "全年执行数低于全年预算数",
    "has_stated_rate": "单位填报了预算执行率",
    "has_stated_total": "单位填报了自评得分",
    "stated_total_differs": "单位填报的得分与计算得分不一致",
    "adopts_computed": "单位采用的得分就是计算得分（未填报得分，或填报值与计算值一致）",
    "review_copy": "生成的是审核版",
    "has_assumed": "有指标的年度指标值、分值等是假设值",
    "survey": "满意度来自问卷调查",
    "no_survey": "单位说明满意度不是来自问卷调查（无调查或其他来源）",
    "survey_unknown": "未说明满意度如何取得",
    "has_indicators": "填报了绩效指标",
    "has_by_nature": "填报了基本支出/项目支出",
    "has_by_source": "填报了资金来源",
}

TABLES: dict[str, str] = {
    "budget": "预算及执行情况表",
    "indicators": "绩效指标评分表（含预算执行率、总分、等级）",
}
CHARTS: dict[str, str] = {
    "budget_composition": "预算构成图（预算数与执行数对比）",
    "indicator_achievement": "绩效指标完成程度图（实际完成值占年度指标值的百分比）",
}
APPENDIX_GROUP_FIELDS = {"severity": "级别（P0/P1/P2）", "label": "级别名称", "count": "条数"}
APPENDIX_ITEM_FIELDS = {"message": "审核意见", "code": "规则编号", "path": "涉及字段", "source": "数据来源"}

BLOCK_KEYS = ("section", "text", "list", "indicators", "table", "chart")
MAX_DEPTH = 4  # 一、（一）1.（1）


@dataclass(frozen=True)
class TemplateBlock:
    """One entry of a template body; ``kind`` is one of :data:`BLOCK_KEYS`."""

    kind: str
    text: str = ""  # section heading, sentence, list/indicator item pattern
    name: str = ""  # list source, table or chart name
    l1: tuple[str, ...] = ()  # indicators: which 一级指标
    caption: str = ""
    empty: str = ""  # list/indicators: sentence when there is nothing to list
    when: tuple[str, ...] = ()  # all must hold; "not x" negates
    body: tuple[TemplateBlock, ...] = ()
    path: str = ""  # where in the file, for messages


@dataclass(frozen=True)
class Fragment:
    text: str
    when: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppendixTemplate:
    heading: str
    intro: str
    group: str
    item: str
    empty: str


@dataclass(frozen=True)
class ReportTemplate:
    kind: EvaluationKind
    name: str
    missing: str
    title: tuple[str, ...]
    subtitle: str
    review_mark: str
    preamble: tuple[str, ...]
    fragments: tuple[tuple[str, Fragment], ...]
    body: tuple[TemplateBlock, ...]
    sign_off: str
    date: str
    appendix: AppendixTemplate
    file: str = ""


# --- loading ---------------------------------------------------------------------------


def load_template(path: str | Path) -> ReportTemplate:
    """Read and check a template file; raises :class:`InputError` naming the place."""
    file = Path(path)
    return parse_template(load_data(file), str(file))


@cache
def builtin_template(kind: EvaluationKind) -> ReportTemplate:
    """The template jixiao ships for ``kind`` (``department.yaml`` / ``project.yaml``)."""
    entry = resources.files("jixiao.reports").joinpath("templates", f"{kind.value}.yaml")
    return parse_template(parse_yaml(entry.read_text("utf-8"), entry.name), entry.name)


def parse_template(data: Any, file: str = "") -> ReportTemplate:
    if not isinstance(data, dict):
        raise InputError("模板顶层应为键值对（对象），如 kind: 部门整体", file=file)
    checker = _Checker(file)
    allowed = {
        "schema", "kind", "name", "missing", "title", "subtitle", "review_mark", "preamble",
        "fragments", "body", "sign_off", "date", "appendix",
    }  # fmt: skip
    checker.keys(data, allowed, "")
    kind = _kind(data.get("kind"), file)
    fragments = checker.fragments(data.get("fragments") or {})
    known = set(FIELDS) | {name for name, _ in fragments}
    checker.known = known
    appendix = checker.appendix(data.get("appendix"))
    body = checker.blocks(data.get("body"), "body", 1)
    if not body:
        raise InputError("模板正文（body）不能为空", file=file, location="body")
    return ReportTemplate(
        kind=kind,
        name=checker.text(data.get("name", ""), "name", fields=()),
        missing=checker.text(data.get("missing", "（未填报）"), "missing", fields=()),
        title=tuple(checker.texts(data.get("title"), "title", required=True)),
        subtitle=checker.text(data.get("subtitle", ""), "subtitle"),
        review_mark=checker.text(data.get("review_mark", "（审核版）"), "review_mark"),
        preamble=tuple(checker.texts(data.get("preamble") or [], "preamble")),
        fragments=fragments,
        body=body,
        sign_off=checker.text(data.get("sign_off", "{signer}"), "sign_off"),
        date=checker.text(data.get("date", "{signed_on}"), "date"),
        appendix=appendix,
        file=file,
    )


def _kind(value: Any, file: str) -> EvaluationKind:
    aliases = {"部门整体": "department", "部门整体支出": "department", "项目": "project", "项目支出": "project"}
    code = aliases.get(str(value).strip(), str(value).strip()) if value is not None else ""
    try:
        return EvaluationKind(code)
    except ValueError:
        raise InputError("kind 应为“部门整体”或“项目”", file=file, location="kind") from None


def placeholders(text: str) -> tuple[str, ...]:
    """The ``{name}`` fields of ``text``; raises ``ValueError`` on a malformed pattern."""
    names: list[str] = []
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"占位符“{{{name}}}”不能带格式说明（“:”或“!”）")
        names.append(name)
    return tuple(names)


class _Checker:
    """Walks the raw YAML data, building template objects and failing with the path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.known: set[str] = set(FIELDS)

    def fail(self, message: str, location: str) -> InputError:
        return InputError(message, file=self.file, location=location)

    def keys(self, data: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                options = "、".join(sorted(allowed))
                where = f"{path}.{key}" if path else str(key)
                raise self.fail(f"未知的键“{key}”（可能拼写有误），可用：{options}", where)

    def text(self, value: Any, path: str, fields: tuple[set[str], ...] | None = None) -> str:
        if not isinstance(value, str):
            raise self.fail("应为文本", path)
        try:
            names = placeholders(value)
        except ValueError as error:
            message = str(error) if "占位符" in str(error) else "花括号不成对；要显示花括号请写“{{”或“}}”"
            raise self.fail(message, path) from None
        allowed = set().union(*fields) if fields is not None else self.known
        for name in names:
            if name not in allowed:
                hint = "；可用的占位符见 docs/reports.md" if allowed else "；此处不能使用占位符"
                raise self.fail(f"未知的占位符“{{{name}}}”{hint}", path)
        return value

    def texts(self, value: Any, path: str, required: bool = False) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or (required and not value):
            raise self.fail("应为文本或文本列表", path)
        return [self.text(item, f"{path}[{i}]") for i, item in enumerate(value)]

    def when(self, value: Any, path: str) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise self.fail("when 应为条件名称或条件名称列表", path)
        for item in items:
            name = item.removeprefix("not ").strip()
            if name not in CONDITIONS and name not in self.known:
                options = "、".join(CONDITIONS)
                raise self.fail(f"未知的条件“{item}”，可用：{options}，或任一占位符名称", path)
        return tuple(items)

    def fragments(self, data: Any) -> tuple[tuple[str, Fragment], ...]:
        if not isinstance(data, dict):
            raise self.fail("fragments 应为键值对：名称 → {text, when}", "fragments")
        found: list[tuple[str, Fragment]] = []
        for name, raw in data.items():
            path = f"fragments.{name}"
            spec = {"text": raw} if isinstance(raw, str) else raw
            if not isinstance(name, str) or not name.isidentifier() or name in FIELDS:
                raise self.fail("片段名称应为英文标识符，且不能与内置占位符重名", path)
            if not isinstance(spec, dict):
                raise self.fail("应为文本或 {text, when}", path)
            self.keys(spec, {"text", "when"}, path)
            found.append(
                (
                    name,
                    Fragment(self.text(spec.get("text"), f"{path}.text"), self.when(spec.get("when"), f"{path}.when")),
                )
            )
        return tuple(found)

    def appendix(self, data: Any) -> AppendixTemplate:
        spec = data if data is not None else {}
        if not isinstance(spec, dict):
            raise self.fail("appendix 应为键值对", "appendix")
        self.keys(spec, {"heading", "intro", "group", "item", "empty"}, "appendix")
        group_fields = (set(APPENDIX_GROUP_FIELDS),)
        item_fields = ({"n"}, set(APPENDIX_ITEM_FIELDS))
        return AppendixTemplate(
            heading=self.text(spec.get("heading", "附件：审核意见"), "appendix.heading"),
            intro=self.text(spec.get("intro", ""), "appendix.intro"),
            group=self.text(spec.get("group", "{severity} {label}（{count}条）"), "appendix.group", group_fields),
            item=self.text(spec.get("item", "{n}.{message}"), "appendix.item", item_fields),
            empty=self.text(spec.get("empty", "未发现问题。"), "appendix.empty"),
        )

    def blocks(self, data: Any, path: str, depth: int) -> tuple[TemplateBlock, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            raise self.fail("应为列表，每项是 section/text/list/indicators/table/chart 之一", path)
        return tuple(self.block(item, f"{path}[{i}]", depth) for i, item in enumerate(data))

    def block(self, data: Any, path: str, depth: int) -> TemplateBlock:
        if isinstance(data, str):
            data = {"text": data}
        if not isinstance(data, dict):
            raise self.fail("应为键值对，如 {text: ...}", path)
        kinds = [key for key in BLOCK_KEYS if key in data]
        if len(kinds) != 1:
            raise self.fail(f"每项须且只能有 {'、'.join(BLOCK_KEYS)} 之一", path)
        kind = kinds[0]
        extra = {"section": {"body"}, "list": {"item", "empty"}, "indicators": {"item", "empty"}}
        captioned = {"table", "chart"}
        allowed = {kind, "when"} | extra.get(kind, set()) | ({"caption"} if kind in captioned else set())
        self.keys(data, allowed, path)
        when = self.when(data.get("when"), f"{path}.when")
        value = data[kind]
        if kind == "section":
            if depth > MAX_DEPTH:
                raise self.fail(f"标题最多 {MAX_DEPTH} 级（一、（一）1.（1））", path)
            heading = self.text(value, f"{path}.section")
            body = self.blocks(data.get("body"), f"{path}.body", depth + 1)
            return TemplateBlock("section", text=heading, when=when, body=body, path=path)
        if kind == "text":
            return TemplateBlock("text", text=self.text(value, f"{path}.text"), when=when, path=path)
        if kind == "list":
            return self.list_block(value, data, when, path)
        if kind == "indicators":
            return self.indicators_block(value, data, when, path)
        names = TABLES if kind == "table" else CHARTS
        if value not in names:
            raise self.fail(
                f"未知的{'表格' if kind == 'table' else '图表'}“{value}”，可用：{'、'.join(names)}", f"{path}.{kind}"
            )
        caption = self.text(data.get("caption", names[value]), f"{path}.caption")
        return TemplateBlock(kind, name=value, caption=caption, when=when, path=path)

    def list_block(self, value: Any, data: dict[str, Any], when: tuple[str, ...], path: str) -> TemplateBlock:
        if value not in LISTS:
            raise self.fail(f"未知的列表“{value}”，可用：{'、'.join(LISTS)}", f"{path}.list")
        fields = ({"n"}, set(LISTS[value]), self.known)
        item = self.text(data.get("item", "{n}." + "".join(f"{{{f}}}" for f in LISTS[value])), f"{path}.item", fields)
        empty = self.text(data.get("empty", ""), f"{path}.empty")
        return TemplateBlock("list", text=item, name=value, empty=empty, when=when, path=path)

    def indicators_block(self, value: Any, data: dict[str, Any], when: tuple[str, ...], path: str) -> TemplateBlock:
        l1 = [value] if isinstance(value, str) else value
        if not isinstance(l1, list) or not l1 or not all(isinstance(v, str) and v.strip() for v in l1):
            raise self.fail("indicators 应为一级指标名称或名称列表，如 [产出指标]", f"{path}.indicators")
        fields = ({"n"}, set(INDICATOR_FIELDS), self.known)
        default = "{n}.{name}：年度指标值{target}，实际完成值{actual}，分值{weight}分，得分{score}分。"
        item = self.text(data.get("item", default), f"{path}.item", fields)
        empty = self.text(data.get("empty", ""), f"{path}.empty")
        return TemplateBlock("indicators", text=item, l1=tuple(l1), empty=empty, when=when, path=path)
