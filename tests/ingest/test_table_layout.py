"""Layout detection on a grid: variants, carried-down levels, notes instead of crashes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.core.model import AmountUnit, Evaluation, EvaluationKind
from jixiao.core.values import Direction
from jixiao.ingest.grid import CellValue, Grid, Unreadable, cell_name, column_letter, parse_cell_name
from jixiao.ingest.layout import read_layout
from jixiao.ingest.xlsx import date_text, decimal_of, percent_text

D = Decimal
Row = list[Any]
TITLE: Row = ["2021年度项目支出绩效自评表"]
HEAD: list[Row] = [["项目名称", "测试项目"], ["主管部门", "某局", None, "实施单位", "某中心"]]
BUDGET_TITLES: Row = [None, "项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
TOTAL: Row = [None, "年度资金总额", "100", "100", "90", "10", "90%", "9"]
IND_TITLES: Row = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"]
ROW: Row = ["产出指标", "数量指标", "培训人数", "≥100人", "120人", "20", "20", None]


def table(*rows: Row, merges: tuple[tuple[int, int, int, int], ...] = ()) -> Grid:
    return Grid.from_rows("表", [list(row) for row in rows], merges)


def project(*indicator_rows: Row, budget: list[Row] | None = None, titles: Row = IND_TITLES,
            head: list[Row] | None = None) -> Evaluation:
    rows = [TITLE, *(HEAD if head is None else head), BUDGET_TITLES, *(budget or [TOTAL]), titles,
            *indicator_rows]
    found = read_layout(table(*rows), "t.xlsx")
    assert found is not None
    return found


def notes_at(evaluation: Evaluation) -> dict[str, str]:
    return dict(evaluation.import_notes)


def test_direction_and_unit_columns_are_read() -> None:
    titles = ["一级指标", "二级指标", "三级指标", "指标性质", "计量单位", "指标值", "完成值", "权重", "自评得分"]
    ev = project(
        ["产出指标", "数量指标", "培训人数", "正向指标", "人", "100", "120", "20", "20"],
        [None, "成本指标", "人均成本", "≤", "元", "500", "480", "10", "10"],
        [None, "质量指标", "培训效果", "定性", None, "良好", "良好", "10", "9"],
        [None, None, "合格率", "大概", "%", "95", "96", "10", "10"],
        titles=titles,
    )
    assert [i.direction for i in ev.indicators] == [Direction.GE, Direction.LE, Direction.QUALITATIVE, None]
    assert [i.unit for i in ev.indicators] == ["人", "元", "", "%"]
    assert [i.l2 for i in ev.indicators] == ["数量指标", "成本指标", "质量指标", "质量指标"]
    assert notes_at(ev) == {"表!D10": "指标性质“大概”无法识别；请填写 ≥、≤、= 或 定性（也可写 正向、反向）"}


def test_cells_that_cannot_be_understood_become_notes_not_crashes() -> None:
    formula = Unreadable("公式 =A1", "公式没有保存计算结果")
    budget: list[list[Any]] = [[None, "年度资金总额", "约三成", "-5", "90", "十分", "约九成", formula]]
    ev = project(["产出指标", "数量指标", "培训人数", "≥100人", "120人", "二十", "-1", None], budget=budget)
    assert (ev.budget.initial, ev.budget.adjusted, ev.budget.executed) == (None, None, D(90))
    assert ev.stated.execution_weight is None and ev.stated.execution_rate is None
    assert ev.stated.execution_score is None
    notes = notes_at(ev)
    assert notes["表!C5"] == "年初预算数应为金额（数字），读到“约三成”；请填写数字，如 1464.48"
    assert notes["表!D5"] == "全年预算数不能为负数（读到 -5）；请核对金额"
    assert notes["表!F5"].startswith("执行率分值应为数字")
    assert notes["表!G5"] == "执行率应为百分数，如“97.80%”，读到“约九成”"
    assert notes["表!H5"] == "执行率得分无法读取（公式 =A1）：公式没有保存计算结果"
    assert notes["表!F7"].startswith("分值应为数字（分），读到“二十”")
    assert notes["表!G7"] == "得分不能为负数（读到 -1）"
    [indicator] = ev.indicators
    assert indicator.weight is None and indicator.stated_score is None


def test_blank_rows_skipped_and_a_row_with_values_but_no_name_noted() -> None:
    ev = project(
        ROW,
        [None, None, None, None, None, None, None, None],
        ["效益指标", "生态效益指标", None, None, None, None, None, None],
        [None, "社会效益指标", None, "≥90%", "95%", "10", "10", None],
        [None, None, "群众知晓率", "≥90%", "95%", "10", "10", None],
    )
    assert [i.name for i in ev.indicators] == ["培训人数", "群众知晓率"]
    assert ev.indicators[1].l1 == "效益指标" and ev.indicators[1].l2 == "社会效益指标"
    assert notes_at(ev) == {"表!C10": "此行填有指标值或分值，但三级指标名称为空，未导入；请补填指标名称"}


def test_levels_carry_down_and_l2_restarts_under_a_new_l1() -> None:
    second: list[Any] = [None, None, "培训场次", "≥5场", "6场", "10", "10"]
    ev = project(ROW, second, ["效益指标", None, "就业人数", "≥10人", "12人"])
    levels = [(i.l1, i.l2) for i in ev.indicators]
    assert levels == [("产出指标", "数量指标"), ("产出指标", "数量指标"), ("效益指标", "")]


def test_merged_level_cells_give_their_value_to_every_row() -> None:
    rows = [TITLE, *HEAD, BUDGET_TITLES, TOTAL, IND_TITLES, ROW, [None, None, "培训场次", "≥5场", "6场", "10", "10"]]
    ev = read_layout(table(*rows, merges=((6, 0, 7, 0), (6, 1, 7, 1))), "t.xlsx")
    assert ev is not None
    assert [(i.l1, i.l2) for i in ev.indicators] == [("产出指标", "数量指标")] * 2


def test_title_row_repeated_after_a_page_break_is_skipped() -> None:
    ev = project(ROW, IND_TITLES, [None, None, "培训场次", "≥5场", "6场", "10", "10"])
    assert [i.name for i in ev.indicators] == ["培训人数", "培训场次"]


def test_two_row_titles_merged_from_the_row_above() -> None:
    upper: Row = ["绩效指标", None, None, "年度指标值", "实际完成值", "分值", "得分"]
    lower: Row = ["一级指标", "二级指标", "三级指标"]
    rows = [TITLE, *HEAD, upper, lower, ROW]
    merges = ((3, 0, 3, 2), (3, 3, 4, 3), (3, 4, 4, 4), (3, 5, 4, 5), (3, 6, 4, 6))
    ev = read_layout(table(*rows, merges=merges), "t.xlsx")
    assert ev is not None
    [indicator] = ev.indicators
    assert (indicator.name, indicator.target.value, indicator.weight) == ("培训人数", D(100), D(20))
    assert ev.budget.adjusted is None


def test_unit_yuan_from_a_budget_title_and_from_a_declaration() -> None:
    titles: Row = [None, "项目资金（元）", "年初预算数", "全年预算数", "全年执行数"]
    ev = read_layout(table(TITLE, *HEAD, titles, [None, "年度资金总额", "1,464.48", "1464.48", "1400"]), "t")
    assert ev is not None
    assert (ev.budget.unit, ev.budget.initial) == (AmountUnit.YUAN, D("1464.48"))
    declared = read_layout(table(TITLE, [None, None, "金额单位：元"], BUDGET_TITLES[:5], TOTAL[:5]), "t")
    assert declared is not None and declared.budget.unit is AmountUnit.YUAN


def test_place_names_starting_with_yuan_do_not_make_the_unit_yuan() -> None:
    head: list[Row] = [["项目名称", "测试项目"], ["实施单位：元谋县教育局"]]
    ev = project(ROW, head=head)
    assert ev.budget.unit is AmountUnit.WAN
    assert ev.unit.name == "元谋县教育局"


def test_amount_with_the_other_unit_glued_is_noted() -> None:
    ev = project(ROW, budget=[[None, "年度资金总额", None, "100元", "90", "10", "90%", "9"]])
    assert ev.budget.adjusted == D(100)
    assert notes_at(ev)["表!D5"] == "全年预算数“100元”带单位“元”，与表格金额单位“万元”不一致，请核对后统一单位"


@pytest.mark.parametrize(
    ("printed", "percent", "noted"),
    [
        ("97.80%", D("97.80"), False),
        ("102.2％", D("102.2"), False),
        ("97.8", D("97.8"), False),
        ("0.1", D(10), True),
        ("1", D(100), True),
        (D("0.978"), D("97.8"), True),
    ],
)
def test_execution_rate_as_printed(printed: CellValue, percent: Decimal, noted: bool) -> None:
    ev = project(ROW, budget=[[None, "年度资金总额", "100", "100", "90", "10", printed, "9"]])
    assert ev.stated.execution_rate == percent
    assert bool(ev.import_notes) is noted
    if noted:
        assert "按小数理解" in ev.import_notes[0][1]


def test_year_from_a_year_cell_and_missing_year_left_unknown() -> None:
    head: list[Row] = [["年度", D(2020)], *HEAD]
    rows = [["项目支出绩效自评表"], *head, BUDGET_TITLES, TOTAL]
    ev = read_layout(table(*rows), "t.xlsx")
    assert ev is not None and ev.year == 2020
    assert ev.source_of("year") == "表!B2"
    unknown = read_layout(table(["项目支出绩效自评表"], *HEAD, BUDGET_TITLES, TOTAL), "t.xlsx")
    assert unknown is not None and unknown.year is None and unknown.source_of("year") is None


@pytest.mark.parametrize(
    ("title", "head", "kind"),
    [
        ("2021年度部门整体支出绩效自评表", [["单位名称", "某局"]], EvaluationKind.DEPARTMENT),
        ("2021年度绩效自评表", [["部门（单位）名称", "某局"]], EvaluationKind.DEPARTMENT),
        ("2021年度绩效自评表", [["单位名称", "某局"]], EvaluationKind.PROJECT),
        ("2021年度绩效自评表", [["部门名称", "某局"], ["项目名称", "某项目"]], EvaluationKind.PROJECT),
    ],
)
def test_kind_from_title_and_labels(title: str, head: list[Row], kind: EvaluationKind) -> None:
    ev = read_layout(table([title], *head, BUDGET_TITLES, TOTAL), "t.xlsx")
    assert ev is not None
    assert ev.kind is kind
    assert ev.unit.name == "某局"


def test_header_values_inline_and_beside_an_empty_label() -> None:
    head: list[Row] = [["项目名称：某某项目"], ["主管部门", None, "实施单位", "某中心"], ["联系人", "李某"]]
    ev = project(ROW, head=head)
    assert ev.project is not None
    assert (ev.project.name, ev.project.supervising_dept, ev.project.implementing_unit) == ("某某项目", "", "某中心")
    assert ev.unit.contact == "李某"


def test_footer_total_inline_and_grade_word_in_the_total_row() -> None:
    ev = project(ROW, ["总分：96"])
    assert ev.stated.total == D(96)
    graded = project(ROW, ["合计", None, None, None, None, "100", "92", "优"])
    assert (graded.stated.total, graded.stated.total_weight, graded.stated.grade) == (D(92), D(100), "优")


def test_budget_only_footer_without_indicator_columns() -> None:
    rows: list[Row] = [TITLE, *HEAD, BUDGET_TITLES, TOTAL, ["自评得分", "100", "88"], ["评价等级：良"]]
    ev = read_layout(table(*rows), "t.xlsx")
    assert ev is not None
    assert (ev.stated.total_weight, ev.stated.total, ev.stated.grade) == (D(100), D(88), "良")


def test_unknown_budget_row_with_amounts_is_noted() -> None:
    ev = project(ROW, budget=[TOTAL, [None, "往来款", "5", "5", "5"]])
    assert notes_at(ev)["表!B6"].startswith("未识别的预算行“往来款”")


def test_grid_without_recognisable_titles_gives_nothing() -> None:
    assert read_layout(table(["封面"], ["单位：某局"], ["2021年"]), "t.xlsx") is None
    assert read_layout(Grid.from_rows("空", []), "t.xlsx") is None


# --- cell conversion ------------------------------------------------------------------------


def test_float_cells_become_decimals_without_binary_artefacts() -> None:
    assert decimal_of(0.1 + 0.2) == D("0.3")
    assert decimal_of(387664.62) == D("387664.62")
    assert decimal_of(10.0) == D(10) and str(decimal_of(10.0)) == "10"
    assert decimal_of(1e20) == D("1E+20")
    assert decimal_of(float("inf")) is None


def test_percent_and_date_cells_read_as_printed() -> None:
    assert percent_text(D("0.978086"), "0.00%") == "97.81%"
    assert percent_text(D(1), "0%") == "100%"
    assert date_text(datetime(2023, 12, 1), "yyyy\"年\"m\"月\"") == "2023年12月"
    assert date_text(datetime(2023, 12, 31), "yyyy-mm-dd") == "2023年12月31日"


@given(st.integers(min_value=0, max_value=16383), st.integers(min_value=0, max_value=100000))
def test_cell_names_round_trip(col: int, row: int) -> None:
    assert parse_cell_name(cell_name(row, col)) == (row, col)
    assert column_letter(col).isupper()


def test_sign_off_lines_end_the_indicators_and_names_like_totals_stay() -> None:
    ev = project(
        ROW,
        [None, None, "总计划完成率", "≥90%", "95%", "10", "10"],
        ["填表人：张三", None, "审核人：李四", None, "填报日期：2022年3月1日"],
    )
    assert [i.name for i in ev.indicators] == ["培训人数", "总计划完成率"]


def test_line_breaks_inside_chinese_names_are_dropped() -> None:
    ev = project(["产出\n指标", "数量\n指标", "学生受资助\n人数", "≧735人次", "735", "10", "10"])
    indicator = ev.indicators[0]
    assert (indicator.l1, indicator.l2, indicator.name) == ("产出指标", "数量指标", "学生受资助人数")


def test_goal_texts_found_under_their_titles_even_a_column_off() -> None:
    goals: list[Row] = [
        ["年度总体目标", "预期目标", None, None, "实际完成情况"],
        [None, None, "完成培训任务", None, None, "已完成培训"],
    ]
    ev = project(ROW, budget=[TOTAL, *goals])
    assert (ev.goals.overall, ev.goals.achieved) == ("完成培训任务", "已完成培训")
    plain = project(ROW, budget=[TOTAL, ["年度总体目标", "全年完成培训任务"]])
    assert (plain.goals.overall, plain.goals.achieved) == ("全年完成培训任务", "")


def test_a_full_sheet_of_text_is_read_within_the_caps() -> None:
    rows: list[Row] = [[f"{r}-{c}" for c in range(80)] for r in range(2500)]
    rows[0][0] = "2021年度项目支出绩效自评表"
    rows[1][:8] = IND_TITLES
    grid = table(*rows)
    assert (grid.n_rows, grid.n_cols) == (2000, 60)
    ev = read_layout(grid, "t.xlsx")
    assert ev is not None and len(ev.indicators) == 1998


def test_name_merged_in_from_level_two_counts_and_a_section_row_does_not() -> None:
    rows: list[Row] = [
        TITLE, *HEAD, IND_TITLES,
        ["产出指标（50分）"],
        ROW,
        ["满意度指标", "服务对象满意度", None, "≥90%", "95%", "10", "10"],
    ]
    ev = read_layout(table(*rows, merges=((4, 0, 4, 7), (6, 1, 6, 2))), "t.xlsx")
    assert ev is not None
    assert [(i.l1, i.l2, i.name) for i in ev.indicators] == [
        ("产出指标", "数量指标", "培训人数"),
        ("满意度指标", "服务对象满意度", "服务对象满意度"),
    ]
    assert ev.source_of("indicators[1].name") == "表!B7"
