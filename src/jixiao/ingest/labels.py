"""The titles and labels of self-evaluation tables, with the variants real tables use.

Every label is compared after :func:`label_key`: NFKC, no whitespace, no parenthesised
suffix ("全年预算数（B）", "项目资金（万元）", "部门（单位）名称"), no trailing colon. The tables
here are the only place the importer knows Chinese wording; add a variant here, not in code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

_PARENS = re.compile(r"[(\[【〔][^()\[\]【】〔〕]{0,16}[)\]】〕]")
_LEADING = ("其中:", "其中")


def label_key(squeezed: str) -> str:
    """"其中：本年财政拨款（万元）：" → "本年财政拨款" (input already squeezed)."""
    text = _PARENS.sub("", squeezed).strip(":*★").strip()
    for lead in _LEADING:
        if text.startswith(lead) and len(text) > len(lead):
            text = text[len(lead):].lstrip(":")
            break
    return text


def split_inline(text: str) -> tuple[str, str] | None:
    """"项目名称：某某项目" → ("项目名称", "某某项目"); ``None`` without a colon."""
    for i, ch in enumerate(text):
        if ch in ":：":
            return text[:i], text[i + 1:].strip()
    return None


Matcher = Callable[[str], bool]


def _one_of(*names: str) -> Matcher:
    known = frozenset(names)
    return lambda key: key in known


def _any(*tests: Matcher) -> Matcher:
    return lambda key: any(test(key) for test in tests)


def _contains(*parts: str) -> Matcher:
    return lambda key: len(key) <= 20 and any(part in key for part in parts)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def match_role(key: str, roles: Mapping[str, Matcher]) -> str | None:
    # Every label is short Chinese: numbers and sentences are rejected before the matchers run.
    if not key or len(key) > 24 or not _CJK.search(key):
        return None
    for role, test in roles.items():
        if test(key):
            return role
    return None


# --- header block ---------------------------------------------------------------------

HEADER_LABELS: dict[str, Matcher] = {
    "project": _one_of("项目名称", "项目名"),
    "unit": _one_of("部门名称", "单位名称", "预算单位", "预算单位名称", "填报单位", "部门单位名称", "评价单位"),
    "superior": _one_of("主管部门", "主管单位", "主管部门及代码", "主管部门名称", "主管部门代码及名称"),
    "implementer": _one_of("实施单位", "项目实施单位", "实施单位名称"),
    "contact": _one_of("联系人", "项目联系人", "填报人", "项目负责人"),
    "phone": _one_of("联系电话", "电话"),
    "year": _one_of("年度", "评价年度", "所属年度", "预算年度", "自评年度", "项目年度"),
}

TITLE_WORDS = ("自评表", "绩效", "自评", "评价表")
DEPARTMENT_WORDS = ("部门整体",)
UNIT_DECLARATION = re.compile(r"单位\s*[:：]\s*(万元|元)(?![\u4e00-\u9fff])")
UNIT_IN_LABEL = re.compile(r"[(（]\s*(?:单位\s*[:：]?\s*)?(万元|元)\s*[)）]")

# --- budget block ---------------------------------------------------------------------

BUDGET_COLUMNS: dict[str, Matcher] = {
    "initial": _any(
        _one_of("年初预算数", "年初预算", "年初预算金额", "年初数", "年初批复数", "年初预算安排数"),
        lambda key: key.startswith("年初") and len(key) <= 10,
    ),
    "adjusted": _any(
        _one_of(
            "全年预算数", "调整后预算数", "调整预算数", "调整后预算", "全年预算", "全年预算金额",
            "调整后全年预算数", "预算数", "全年预算调整数", "预算调整数", "全年预算安排数", "计划安排资金",
            "计划安排数", "年度预算资金总额", "年度预算资金", "年度预算数",
        ),
        lambda key: len(key) <= 12 and (("调整" in key and "预算" in key) or key.startswith("全年预算")),
    ),
    "executed": _any(
        _one_of(
            "全年执行数", "执行数", "实际支出", "实际支出数", "全年实际支出", "实际执行数", "全年执行",
            "决算数", "全年支出数", "支出数", "实际执行", "全年实际执行数", "决算支出", "全年执行资金",
            "执行资金", "实际支付数", "实际支付", "全年实际支付数",
        ),
        _contains("执行数", "实际支出", "执行资金"),
    ),
    "weight": _one_of("分值", "权重", "执行率分值"),
    # "预算执行（E/C×100%）": the parenthesised formula is dropped from the key (T22).
    "rate": _any(_one_of("执行率", "预算执行率", "预算执行"), lambda key: key.endswith("执行率") and len(key) <= 8),
    "score": _one_of("得分", "自评得分", "执行率得分", "评分"),
}
AMOUNT_ROLES = ("initial", "adjusted", "executed")

BUDGET_TOTAL: Matcher = _any(
    _one_of(
        "年度资金总额", "资金总额", "合计", "总计", "预算资金总额", "项目资金总额", "资金合计",
        "年度资金合计", "收入合计", "支出合计", "年度资金", "资金总额合计",
    ),
    lambda key: key.startswith(("年度资金总额", "年度资金合计")),
    # "计划生育转移支付资金合计" (T23)
    lambda key: len(key) <= 16 and key.endswith(("资金合计", "资金总额")),
)
NATURE_NAMES = ("基本支出", "项目支出")
#: Sub-items of 基本支出: known, not imported (they would break 基本 + 项目 = 总额).
BUDGET_DETAIL = ("人员经费", "公用经费", "人员支出", "公用支出", "对个人和家庭的补助")
SOURCE_WORDS = (
    "财政拨款", "一般公共预算", "政府性基金", "国有资本经营", "上年结转", "结转", "其他资金", "非税收入",
    "财政专户", "专户", "自有资金", "单位资金", "事业收入", "经营收入", "上级补助", "附属单位", "社会资金",
    "自筹", "债券", "其他收入", "中央资金", "省级资金", "市级资金", "县级资金", "区级资金", "本级资金",
    "上级资金", "配套资金", "中央财政", "地方财政", "省级财政", "市级财政", "县级财政", "区级财政", "本级财政",
    "县市区财政", "中央补助", "省级补助", "市级补助", "县级补助",
)  # fmt: skip
BUDGET_SECTIONS = ("按收入性质分", "按支出性质分", "其中", "资金来源", "项目资金", "年度预算申请", "预算资金")

# --- goals ----------------------------------------------------------------------------

GOAL_LABEL: Matcher = _one_of(
    "年度总体目标", "总体目标", "年度目标", "年度绩效目标", "绩效目标", "整体绩效目标", "年度总体绩效目标",
    "部门整体绩效目标", "年度整体目标", "项目总体目标",
)
GOAL_EXPECTED: Matcher = _any(
    _one_of("预期目标", "年初设定目标", "年度预期目标", "计划目标", "预期", "目标", "年初目标"),
    lambda key: key.startswith("预期目标"),
)
GOAL_ACHIEVED: Matcher = _contains("完成情况", "实际完成")

# --- indicators -----------------------------------------------------------------------

INDICATOR_COLUMNS: dict[str, Matcher] = {
    "l1": _one_of("一级指标", "一级指标名称"),
    "l2": _one_of("二级指标", "二级指标名称"),
    "l3": _one_of("三级指标", "三级指标名称", "指标名称", "具体指标", "绩效指标名称", "指标内容"),
    "direction": _one_of("指标性质", "指标方向", "指标属性"),
    "unit": _one_of("计量单位", "度量单位", "单位", "指标单位"),
    "target": _any(
        _one_of(
            "年度指标值", "指标值", "目标值", "年度目标值", "预期指标值", "年初目标值", "计划指标值", "全年指标值",
            "预期值", "年度目标", "指标目标值", "年初指标值", "全年目标值", "预期目标值",
        ),
        lambda key: len(key) <= 10 and "指标值" in key and "实际" not in key and "完成" not in key,
    ),
    "actual": _any(
        _one_of(
            "实际完成值", "完成值", "全年实际值", "实际值", "全年实际完成值", "年度实际完成值", "实际完成情况",
            "指标完成值", "完成情况", "实际完成", "全年完成值", "实际完成指标值", "全年实际完成情况", "实施进度",
        ),
        _contains("完成值", "实际值"),
    ),
    "weight": _one_of("分值", "权重", "指标分值", "标准分值", "权重分值", "分值权重"),
    "score": _one_of("得分", "自评得分", "评分", "实际得分", "评价得分", "自评分", "得分值"),
    "deviation": _contains("原因", "改进措施", "偏差", "说明"),
}
MEASURE_ROLES = ("target", "actual", "weight", "score")
#: Titles of the name and block columns in scoring tables without 一级/二级/三级指标 titles
#: (项目权重 | 评价内容 | 分值 | 自评分); read only when no 三级指标 or 二级指标 column is titled.
EVALUATION_CONTENT = frozenset({"评价内容", "考核内容"})
EVALUATION_BLOCK = frozenset({"项目权重", "评价指标", "考核指标"})

FOOTER_TOTAL = (
    "总分", "合计", "总计", "综合得分", "自评总分", "自评得分", "评价得分", "得分合计", "总得分", "自评总得分",
    "综合评分", "绩效自评总分", "总体得分",
)  # fmt: skip
#: Lines under the table (sign-off, notes): they end the indicator rows.
SIGN_OFF = (
    "填表人", "填报人", "审核人", "负责人", "单位负责人", "财务负责人", "联系电话", "填报日期", "填表日期", "说明",
    "备注", "注:", "注1", "单位(盖章)", "填报单位",
)  # fmt: skip
GRADE_LABEL: Matcher = _one_of(
    "等级", "评价等级", "自评等级", "绩效等级", "绩效评价等级", "自评结果等级", "评定等级", "等次", "评价等次",
    "自评等次", "绩效等次", "评价结论", "自评结论", "绩效结论",
)
GRADE_WORDS = frozenset({"优", "优秀", "良", "良好", "中", "中等", "合格", "一般", "差", "较差", "不合格"})
