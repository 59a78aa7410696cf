"""The editor's sections: which document fields each page edits, and posted forms → documents.

Inputs are named by their document path (``budget.adjusted``, ``indicators[3].target``), so
an error or a finding of the core that names a path points straight at its input
(``id="f-<path>"``). A section only replaces its own fields in the current document; the
rest of the document (sources, stated scores, evidence references …) is kept as it is.
Nothing here validates or scores: :mod:`jixiao.web.evaluations.engine` does, through the core.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jixiao.core.findings import Finding
from jixiao.core.model import AmountUnit, SatisfactionSource, Tier
from jixiao.core.scoring import Scorecard
from jixiao.core.values import Direction
from jixiao.web import jsonbody
from jixiao.web.evaluations.documents import clone, get_path, prune, set_path
from jixiao.web.jsonbody import JsonBodyError

DIRECTION_CHOICES = (("", "按指标值判断"), *((d.value, d.label) for d in Direction))
TIER_CHOICES = (("", "—"), *((tier.value, tier.label) for tier in Tier))
AMOUNT_UNIT_CHOICES = tuple((u.value, u.value) for u in AmountUnit)
SATISFACTION_SOURCE_CHOICES = tuple((source.value, source.label) for source in SatisfactionSource)


@dataclass(frozen=True)
class Field:
    path: str  # document path; for a table column, the key within a row
    label: str
    kind: str = "text"  # text, textarea, number, select, date, lines
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    project_only: bool = False


@dataclass(frozen=True)
class Table:
    path: str
    label: str
    columns: tuple[Field, ...]
    blank_rows: int = 1
    reorder: bool = False
    #: Rows shown when the document has none (names prefilled, figures left to fill in); a row
    #: posted back exactly as prefilled was left unused and is not saved.
    default_rows: tuple[dict[str, str], ...] = ()
    help: str = ""
    #: Columns shown on a second line under each row (long text, and fields most rows leave
    #: empty), so that the main fields of a wide table (the indicators) fit side by side.
    below: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    parts: tuple[Field | Table, ...]

    def owns(self, path: str) -> bool:
        return any(path == part.path or path.startswith((part.path + ".", part.path + "[")) for part in self.parts)

    def digest(self, document: Mapping[str, Any]) -> str:
        """A fingerprint of this section's content: equal means nobody changed the section."""
        values = [get_path(document, part.path) for part in self.parts]
        text = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


INDICATOR_COLUMNS = (
    Field("l1", "一级指标"),
    Field("l2", "二级指标"),
    Field("name", "三级指标"),
    Field("direction", "指标性质", "select", DIRECTION_CHOICES),
    Field("unit", "计量单位"),
    Field("target", "年度指标值", help="如 ≥95%、≤30万元、2023年12月"),
    Field("actual", "实际完成值"),
    Field("weight", "分值", "number"),
    Field("tier", "定性档位", "select", TIER_CHOICES),
    Field("judged_score", "评定得分", "number", help="定性或人工评分指标填写"),
    Field("deviation_note", "偏差原因分析及改进措施", "textarea"),
)
#: On the indicators' second line: the unit (usually written in the value), the qualitative
#: tier and judged score (qualitative indicators only) and the deviation note (long text).
INDICATOR_BELOW = ("unit", "tier", "judged_score", "deviation_note")
BUDGET_LINE_COLUMNS = (
    Field("name", "项目"),
    Field("initial", "年初预算数", "number"),
    Field("adjusted", "全年预算数", "number"),
    Field("executed", "全年执行数", "number"),
)

SECTIONS: tuple[Section, ...] = (
    Section(
        "profile",
        "单位概况",
        (
            Field("unit.name", "单位名称"),
            Field("unit.superior", "主管部门"),
            Field("unit.budget_level", "预算级次", help="如 一级预算单位、二级预算单位"),
            Field("unit.nature", "单位性质", help="如 行政单位、财政补助事业单位"),
            Field("unit.region", "所在地区"),
            Field("unit.contact", "联系人及电话"),
            Field("project.name", "项目名称", project_only=True),
            Field("project.implementing_unit", "实施单位", project_only=True),
            Field("project.supervising_dept", "主管部门（项目）", project_only=True),
            Field("unit.duties", "主要职责", "textarea"),
            Field("unit.organization", "组织架构", "textarea"),
            Field("unit.staffing.authorized", "编制人数", "number"),
            Field("unit.staffing.actual", "实有人数", "number"),
            Field("unit.staffing.hired", "聘用人员", "number"),
            Field("unit.staffing.note", "人员情况说明"),
            Field("unit.assets.unit", "资产金额单位", "select", AMOUNT_UNIT_CHOICES),
            Field("unit.assets.total", "资产总额", "number"),
            Table(
                "unit.assets.parts",
                "资产构成",
                (Field("name", "资产类别"), Field("amount", "金额", "number")),
                default_rows=({"name": "流动资产"}, {"name": "非流动资产"}),
            ),
            Field("unit.assets.note", "资产情况说明", "textarea"),
            Field("goals.overall", "履职总体目标", "textarea"),
            Field("goals.annual_tasks", "年度工作任务", "lines", help="每行一项"),
            Field("goals.performance", "年度整体支出绩效目标", "textarea"),
            Field("goals.achieved", "实际完成情况", "textarea"),
        ),
    ),
    Section(
        "budget",
        "预算执行",
        (
            Field("budget.unit", "金额单位", "select", AMOUNT_UNIT_CHOICES),
            Field("budget.initial", "年初预算数", "number"),
            Field("budget.adjusted", "全年预算数（调整后）", "number", help="执行率 = 全年执行数 ÷ 全年预算数"),
            Field("budget.executed", "全年执行数（决算支出）", "number"),
            Field("budget.carryover", "年末结转和结余", "number"),
            Table(
                "budget.by_nature",
                "按支出性质",
                BUDGET_LINE_COLUMNS,
                blank_rows=0,
                default_rows=({"name": "基本支出"}, {"name": "项目支出"}),
            ),
            Table(
                "budget.by_source", "按资金来源", BUDGET_LINE_COLUMNS, help="如 本年财政拨款、上年结转资金、其他资金"
            ),
            Field("budget.overspend_explanation", "超预算支出的资金来源说明", "textarea"),
        ),
    ),
    Section(
        "indicators",
        "绩效指标",
        (Table("indicators", "绩效指标", INDICATOR_COLUMNS, blank_rows=1, reorder=True, below=INDICATOR_BELOW),),
    ),
    Section(
        "narrative",
        "绩效分析",
        (
            Field("narrative.basis", "开展自评的依据", "textarea", help="文件名称和文号，报告前言引用"),
            Field("narrative.management", "预算绩效管理开展情况", "textarea"),
            Field("narrative.outputs", "履职完成情况（产出）", "textarea"),
            Field("narrative.effects", "履职效果情况（效益）", "textarea"),
            Field("narrative.sustainability", "满意度及可持续影响", "textarea"),
            Field("narrative.results_use", "评价结果拟应用情况", "textarea"),
            Field("narrative.publication", "公开情况", "textarea"),
        ),
    ),
    Section(
        "problems",
        "问题与措施",
        (
            Table(
                "narrative.problems",
                "存在问题及原因",
                (Field("problem", "存在问题", "textarea"), Field("cause", "原因分析", "textarea")),
            ),
            Field("narrative.measures", "改进方向和措施", "lines", help="每行一条措施"),
        ),
    ),
    Section(
        "results",
        "满意度与自评结果",
        (
            Field("satisfaction.value", "服务对象满意度（%）", "number"),
            Field("satisfaction.source", "满意度来源", "select", SATISFACTION_SOURCE_CHOICES),
            Field("satisfaction.sample_size", "有效样本量", "number"),
            Field("satisfaction.method", "调查方式", "textarea"),
            Field("stated.execution_rate", "自评表填报的预算执行率（%）", "number"),
            Field("stated.execution_score", "自评表填报的执行率得分", "number"),
            Field(
                "stated.total",
                "单位采用的自评得分",
                "number",
                help="留空即采用系统计算的得分；与计算得分不同时须填写理由，差异列入审核意见，只在审核版中出现",
            ),
            Field("stated.grade", "单位采用的评价等级", help="留空时按评分标准的等级线确定"),
            Field("stated.reason", "采用此得分的理由", "textarea", help="如 按本地财政局评分标准（文号）评分"),
            Field("sign_off.signer", "落款单位"),
            Field("sign_off.signed_on", "落款日期", "date"),
        ),
    ),
)
SECTION_BY_SLUG = {section.slug: section for section in SECTIONS}

#: Paths of framework items and others that no section edits, and where to look instead.
_SECTION_OF_PREFIX = (
    ("items.", "budget"),
    ("metrics", "budget"),
    ("judgements", "indicators"),
    ("import_notes", "indicators"),
)


def section_for(path: str) -> Section | None:
    """The section whose page shows the field at ``path`` (for links from findings)."""
    for section in SECTIONS:
        if section.owns(path):
            return section
    for prefix, slug in _SECTION_OF_PREFIX:
        if path.startswith(prefix):
            return SECTION_BY_SLUG[slug]
    if path.startswith("narrative"):
        return SECTION_BY_SLUG["narrative"]
    return None


@dataclass(frozen=True)
class FindingLink:
    """A finding with where its field is: a Chinese label, and the editor section showing it."""

    finding: Finding
    label: str
    section: Section | None


def finding_links(
    findings: Iterable[Finding], *, editable: bool, scorecard: Scorecard | None = None
) -> list[FindingLink]:
    """Each finding with its field's Chinese name: a scored line by its name (评分项“预算执行率”),
    a field by :func:`label_for`. The code and the path stay out of the text (pages put them in
    a tooltip; exports and the API carry them as columns)."""
    lines = {line.path: line.name for line in scorecard.items} if scorecard else {}

    def label(path: str) -> str:
        if path in lines and path.startswith("items."):
            return f"评分项“{lines[path]}”"
        return label_for(path)

    return [
        FindingLink(
            finding,
            label(finding.path) if finding.path else "",
            section_for(finding.path) if editable and finding.path else None,
        )
        for finding in findings
    ]


# --- posted form → document -----------------------------------------------------------------


class RowAction:
    """A table button (添加一行, 删除, 上移, 下移): changes the form, saves nothing."""

    PATTERN = re.compile(r"^(?P<table>[\w.]+):(?P<verb>add|delete|up|down)(?::(?P<index>\d+))?$")

    def __init__(self, table: str, verb: str, index: int | None) -> None:
        self.table, self.verb, self.index = table, verb, index

    @classmethod
    def parse(cls, value: str | None) -> RowAction | None:
        match = cls.PATTERN.match(value or "")
        if not match:
            return None
        index = match.group("index")
        return cls(match.group("table"), match.group("verb"), int(index) if index is not None else None)

    def apply(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = list(rows)
        i = self.index
        if self.verb == "add":
            rows.append({})
        elif i is not None and 0 <= i < len(rows):
            if self.verb == "delete":
                del rows[i]
            elif self.verb == "up" and i > 0:
                rows[i - 1], rows[i] = rows[i], rows[i - 1]
            elif self.verb == "down" and i < len(rows) - 1:
                rows[i], rows[i + 1] = rows[i + 1], rows[i]
        return rows


def _clean(value: str | None, kind: str) -> Any:
    text = (value or "").replace("\r\n", "\n").strip()
    if kind == "lines":
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        return lines or None
    if kind != "textarea":
        text = " ".join(text.split())
    if kind == "number":
        text = text.replace(",", "").replace("，", "")
    return text or None


def _rows(post: Mapping[str, Any], table: Table) -> list[dict[str, Any]]:
    pattern = re.compile(rf"^{re.escape(table.path)}\[(\d+)\]\.")
    indexes = sorted({int(m.group(1)) for key in post if (m := pattern.match(key))})
    rows: list[dict[str, Any]] = []
    for i in indexes:
        base = f"{table.path}[{i}]"
        row: dict[str, Any] = {}
        extra = post.get(f"{base}.__extra")
        if extra:
            try:
                kept = jsonbody.loads(extra)
            except JsonBodyError:
                kept = None
            if isinstance(kept, dict):
                row.update(kept)
        visible = False
        for column in table.columns:
            value = _clean(post.get(f"{base}.{column.path}"), column.kind)
            row.pop(column.path, None)
            if value is not None:
                row[column.path] = value
                visible = True
        # A row whose visible cells are all blank is an unused blank row, not an indicator;
        # so is a prefilled row nobody filled in (流动资产 with no amount: nothing was typed).
        if visible and row not in table.default_rows:
            rows.append(row)
    return rows


def apply_post(
    document: Mapping[str, Any], section: Section, post: Mapping[str, Any], action: RowAction | None = None
) -> dict[str, Any]:
    """The document with this section's fields replaced by the posted values."""
    data = clone(dict(document))
    for part in section.parts:
        if isinstance(part, Table):
            # The marker tells "every row deleted" apart from "this table was not on the form".
            if f"{part.path}.__present" not in post:
                continue
            rows = _rows(post, part)
            if action is not None and action.table == part.path:
                rows = action.apply(rows)
            set_path(data, part.path, rows or None)
        elif part.path in post:
            set_path(data, part.path, _clean(post.get(part.path), part.kind))
    return prune(data)


# --- document → what the template shows -------------------------------------------------------


@dataclass
class BoundField:
    name: str
    label: str
    kind: str
    value: str
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    error: str = ""

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def column(self) -> str:
        """The key within a table row (``actual`` of ``indicators[3].actual``): a CSS class per column."""
        return self.name.rsplit(".", 1)[-1]


@dataclass
class BoundRow:
    index: int
    cells: list[BoundField]
    extra: str
    path: str
    below: list[BoundField] = field(default_factory=list)  # long text, on its own line under the row


@dataclass
class BoundTable:
    path: str
    label: str
    columns: tuple[Field, ...]
    rows: list[BoundRow]
    reorder: bool
    help: str = ""
    is_table: bool = True

    @property
    def scored(self) -> bool:
        """The indicators table: each row shows its score and its evidence files."""
        return self.path == "indicators"

    @property
    def span(self) -> int:
        """How many columns a line under a row spans: the inputs, score and files, the buttons."""
        return len(self.columns) + (2 if self.scored else 0) + 1


@dataclass
class BoundSection:
    section: Section
    parts: list[BoundField | BoundTable] = field(default_factory=list)


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def bind(
    section: Section, document: Mapping[str, Any], *, project: bool, error_path: str = "", error: str = ""
) -> BoundSection:
    """The section's inputs filled from ``document`` (saved, or as posted when it failed)."""
    bound = BoundSection(section)
    for part in section.parts:
        if isinstance(part, Table):
            bound.parts.append(_bind_table(part, document, error_path, error))
            continue
        if part.project_only and not project:
            continue
        value = _shown(get_path(document, part.path), part.kind)
        message = error if error_path == part.path else ""
        bound.parts.append(BoundField(part.path, part.label, part.kind, value, part.choices, part.help, message))
    return bound


def _bind_table(table: Table, document: Mapping[str, Any], error_path: str, error: str) -> BoundTable:
    stored = get_path(document, table.path)
    rows_data: list[dict[str, Any]] = list(stored) if isinstance(stored, list) and stored else list(table.default_rows)
    rows_data += [{} for _ in range(table.blank_rows)]
    rows = []
    for i, data in enumerate(rows_data):
        base = f"{table.path}[{i}]"
        cells: list[BoundField] = []
        below: list[BoundField] = []
        for column in table.columns:
            name = f"{base}.{column.path}"
            message = error if error_path == name or (error_path == base and column is table.columns[0]) else ""
            value = _shown(data.get(column.path) if isinstance(data, dict) else None, column.kind)
            bound = BoundField(name, column.label, column.kind, value, column.choices, column.help, message)
            (below if column.path in table.below else cells).append(bound)
        extra = (
            {k: v for k, v in data.items() if k not in {c.path for c in table.columns}}
            if isinstance(data, dict)
            else {}
        )
        rows.append(BoundRow(i, cells, json.dumps(extra, ensure_ascii=False) if extra else "", base, below))
    inline = tuple(column for column in table.columns if column.path not in table.below)
    return BoundTable(table.path, table.label, inline, rows, table.reorder, table.help)


# --- labels for the history -------------------------------------------------------------------

_LABELS: dict[str, str] = {}
for _section in SECTIONS:
    for _part in _section.parts:
        _LABELS[_part.path] = _part.label
        if isinstance(_part, Table):
            for _column in _part.columns:
                _LABELS[f"{_part.path}[].{_column.path}"] = _column.label
_LABELS |= {
    "indicators[].evidence": "佐证材料",
    "indicators[].stated_score": "自评得分（单位填报）",
    "indicators[].justification": "评分理由",
    "indicators[].assumed": "假设字段",
    "kind": "评价类型",
    "year": "年度",
    "framework": "评分标准",
    "sources": "数据来源",
    "state": "状态",
}
_INDEX = re.compile(r"\[(\d+)\]")


def label_for(path: str) -> str:
    """A Chinese name for a field path: ``indicators[3].target`` → ``绩效指标第 4 行 · 年度指标值``.

    Never the path itself: a field the editor does not name is called by the nearest part it
    does (its table row, its group), and ``""`` when there is none (the page then shows the
    path only in a tooltip).
    """
    generic = _INDEX.sub("[]", path)
    rows = [int(n) + 1 for n in _INDEX.findall(path)]
    table = generic.split("[]", 1)[0]
    row = f"{_LABELS[table]}第 {rows[0]} 行" if rows and table in _LABELS else ""
    if generic in _LABELS:
        return f"{row} · {_LABELS[generic]}" if row else _LABELS[generic]
    if row:
        return row
    if generic.startswith("items."):
        return "评分项"
    parent = generic
    while "." in parent:
        parent = parent.rsplit(".", 1)[0]
        if parent in _LABELS:
            return _LABELS[parent]
    return ""
