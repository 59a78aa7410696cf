"""The words that tell what a budget figure in a report's text is (docs/report-reading.md §二、§三).

The report reader knows Chinese wording only through these tables: add a variant here, not in
code. Each tuple is tried as plain substrings of the words just before a figure ("near": back to
the previous comma, 、, colon or bracket), unless its name says otherwise.
"""

from __future__ import annotations

INITIAL = ("年初",)
ADDITION = ("追加", "调增", "年中增加")
CARRYOVER = ("结转", "结余")
# A plan, not a budget; "批复总投资" is an approved budget and reads as one (ADJUSTED: 批复).
PLANNED_TOTAL = ("计划总投资", "计划投资")
# Tranches of a year's allocation: each is a part of it, not a total.
TRANCHES = ("预拨", "清算")
# Economic classification of spending (按经济分类): always parts of what was spent.
ECONOMIC = ("工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出", "人员经费", "公用经费")
BASIC = "基本支出"
PROJECT = "项目支出"
PROJECT_INCOME = "项目收入"
INCOME = "收入"
# Budget figures as opposed to income: "预算收入" is a budget, "收入" alone is what came in.
BUDGET_INCOME = ("预算收入",)
# Sources, recognised when the words before the figure start with one of them ("其中" stripped).
SOURCES = (
    "一般公共预算财政拨款", "财政拨款", "政府性基金", "上年结转", "其他资金", "自筹", "单位资金",
    "中央", "省级", "省级财政", "自治区", "市级", "州级", "县级", "区级", "本级", "上级",
)  # fmt: skip
SOURCE_LEADS = ("其中", "另有", "此外", "包括", "含", "取得", "另")
RECEIVED = ("到位", "实际拨付", "到账")
RECEIVED_AFTER = ("已全部到位", "已经全部到位", "全部到位", "已到位")
EXECUTED_AND_BUDGET_AFTER = ("全部执行到位",)
EXECUTED = ("支付", "使用", "发放", "支出", "执行数", "完成投资", "决算")
ADJUSTED = (
    "调整预算", "调整后", "全年预算", "下达", "安排", "批复", "预算",
    "获得", "下拨", "拨付", "计划使用", "收到", "合计",
)  # fmt: skip
# Words in the sentence before a bare 基本支出/项目支出 that make it spending rather than budget.
STAGE_EXECUTED = ("决算", "实际", "当年支出", "全年支出", "支出合计", "已使用", "发放", "支付")
STAGE_ADJUSTED = ("预算", "划分", "安排", "下达", "收入")
# A total after its parts: the smaller figures of the same kind before it in the paragraph are parts.
TOTALS = ("合计", "总计", "共计")
# A list of parts follows these words in the same sentence.
PART_LEADS = ("其中", "分为", "包括", "分别", "各项目")
# Amounts that are rates per person or per unit, not budget figures.
PER_UNIT = ("人均", "每", "标准", "单价")

EXECUTION_RATE = ("执行率", "使用率", "支出率")
RECEIVED_RATE = ("到位率",)
SHARE = ("占",)
APPROXIMATE_BEFORE = ("约", "近")
APPROXIMATE_AFTER = ("余", "多")
