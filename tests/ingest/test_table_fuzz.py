"""Fuzzing: whatever the cells or bytes, the importer gives an Evaluation or an InputError."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.model import Evaluation, EvaluationKind
from jixiao.core.scoring import score
from jixiao.ingest.errors import InputError
from jixiao.ingest.framework_file import resolve_framework
from jixiao.ingest.grid import CellValue, Grid, Unreadable
from jixiao.ingest.layout import read_layout
from jixiao.ingest.table import read_table
from jixiao.testing import tablegen

WORDS = [
    "三级指标", "一级指标", "二级指标", "年度指标值", "实际完成值", "完成值", "分值", "权重", "得分", "自评得分",
    "偏差原因分析及改进措施", "指标性质", "计量单位", "全年预算数（B）", "年初预算数", "全年执行数", "执行率",
    "年度资金总额", "其中：财政拨款", "上年结转资金", "基本支出", "项目支出", "人员经费", "总分", "合计", "等级",
    "评价等级：优", "优", "项目名称", "项目名称：某项目", "部门名称", "主管部门", "实施单位", "联系人", "年度",
    "（2021年度）", "2021年度项目支出绩效自评表", "部门整体支出绩效自评表", "单位：元", "项目资金（元）",
    "年度总体目标", "预期目标", "实际完成情况", "其他资金：5", "一般公共预算：", "按收入性质分：", "≧735人次",
    "═100%", ">=21933人", "<=5300元/户", "1.2万亩", "有效", "2023年12月", "约三成", "-5", "0.1", "1", "100%",
    "97.80%", "—", "/", "★★★", "正向", "反向", "定性", "大概", "总分：96", "4753.66万元", "1,464.48", "0",
]  # fmt: skip
DECIMALS = st.decimals(min_value=-10**9, max_value=10**12, allow_nan=False, allow_infinity=False, places=4)
CELLS: st.SearchStrategy[CellValue] = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(WORDS),
    st.text(max_size=10),
    DECIMALS,
    st.booleans(),
    st.builds(Unreadable, st.text(max_size=6), st.just("公式没有保存计算结果")),
)
ROWS = st.lists(st.lists(CELLS, max_size=10), max_size=24)
MERGES = st.lists(
    st.tuples(st.integers(0, 25), st.integers(0, 10), st.integers(0, 4), st.integers(0, 4)).map(
        lambda m: (m[0], m[1], m[0] + m[2], m[1] + m[3])
    ),
    max_size=6,
)
TITLE_ROWS: list[list[CellValue]] = [
    [None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"],
]
NOTE_LOCATION = re.compile(r"^.+![A-Z]{1,3}[0-9]+$")


@st.composite
def grids(draw: st.DrawFn) -> Grid:
    rows: list[list[CellValue]] = draw(ROWS)
    # Mostly with title rows and a year, so that most examples reach the block readers.
    for title in draw(st.lists(st.sampled_from(TITLE_ROWS), min_size=draw(st.sampled_from([0, 1, 1])), max_size=2)):
        rows.insert(draw(st.integers(0, len(rows))), list(title))
    if draw(st.integers(0, 4)):
        rows.insert(0, ["2021年度项目支出绩效自评表"])
    return Grid.from_rows("表", rows, draw(MERGES))


def assert_sane(evaluation: Evaluation) -> None:
    for location, message in evaluation.import_notes:
        assert NOTE_LOCATION.match(location), location
        assert message
    for indicator in evaluation.indicators:
        assert indicator.name.strip()
        for value in (indicator.weight, indicator.stated_score):
            assert value is None or value >= 0
    budget = evaluation.budget
    for value in (budget.initial, budget.adjusted, budget.executed):
        assert value is None or (isinstance(value, Decimal) and value >= 0)
    framework = "dept-generic-2020" if evaluation.kind is EvaluationKind.DEPARTMENT else "mof-2020-project"
    score(evaluation, resolve_framework(None, framework))  # what it imports can be scored


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids())
def test_any_grid_gives_an_evaluation_nothing_or_an_input_error(grid: Grid) -> None:
    try:
        found = read_layout(grid, "fuzz.xlsx")
    except InputError as error:
        assert error.message
        return
    if found is not None:
        assert_sane(found)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([".xlsx", ".xlsm", ".csv"]), st.booleans())
def test_random_bytes_give_an_input_error_or_an_evaluation(data: bytes, suffix: str, zip_magic: bool) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes((b"PK\x03\x04" if zip_magic else b"") + data)
        try:
            found = read_table(path)
        except InputError as error:
            assert error.file == str(path)
            return
        assert_sane(found)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=9), max_size=30),
       st.sampled_from(["utf-8-sig", "gb18030"]))
def test_random_csv_text_gives_an_input_error_or_an_evaluation(rows: list[list[str]], encoding: str) -> None:
    import csv

    with TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        with path.open("w", encoding=encoding, errors="replace", newline="") as handle:
            csv.writer(handle).writerows(rows)
        try:
            found = read_table(path)
        except InputError:
            return
        assert_sane(found)


@cache
def _sample_xlsx() -> bytes:
    with TemporaryDirectory() as folder:
        path, _ = tablegen.write_case("R01", Path(folder))
        data: bytes = path.read_bytes()
        return data


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_real_xlsx_gives_an_input_error_or_an_evaluation(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_sample_xlsx())
    for position, value in flips:
        data[position % len(data)] = value
    with TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.xlsx"
        path.write_bytes(bytes(data))
        try:
            found = read_table(path)
        except InputError:
            return
        assert_sane(found)
