"""Evaluation files: what a unit writes, read or refused with the field named in Chinese."""

from __future__ import annotations

import contextlib
import copy
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.model import Evaluation, EvaluationKind, SatisfactionSource, Tier
from jixiao.core.values import Direction, MeasureKind
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import load_evaluation, parse_evaluation
from jixiao.ingest.textfile import parse_json, parse_yaml
from tests.ingest.damage import paths, put

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples/donghu-2021.yaml"
CJK = range(0x4E00, 0x9FFF)


def base() -> dict[str, Any]:
    return {
        "kind": "部门整体",
        "year": 2021,
        "unit": {"name": "示例单位"},
        "budget": {"initial": 100, "adjusted": 120, "executed": 118, "carryover": 2},
        "indicators": [
            {"l1": "产出指标", "l2": "数量指标", "name": "巡查次数", "target": "≥48次", "actual": "50次", "weight": 10},
            {"l1": "效益指标", "l2": "社会效益指标", "name": "长效机制", "direction": "定性", "tier": "达成年度指标",
             "target": "建立", "actual": "已建立", "weight": 10, "judged_score": 9},
        ],
        "judgements": {"relevance": {"score": 5, "reason": "相符"}},
        "metrics": {"three_public_control_rate": 98.5},
    }  # fmt: skip


def error_of(data: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_evaluation(data, "unit.yaml")
    return caught.value


def has_chinese(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


# --- reading ------------------------------------------------------------------------


def test_the_example_loads() -> None:
    evaluation = load_evaluation(EXAMPLE)
    assert evaluation.kind is EvaluationKind.DEPARTMENT
    assert evaluation.budget.adjusted == D("1464.48")
    assert len(evaluation.indicators) == 15


def test_chinese_aliases_become_codes() -> None:
    evaluation = parse_evaluation({**base(), "satisfaction": {"value": 92, "source": "问卷调查"}})
    second = evaluation.indicators[1]
    assert (second.direction, second.tier) == (Direction.QUALITATIVE, Tier.ACHIEVED)
    assert evaluation.satisfaction.source is SatisfactionSource.SURVEY
    assert parse_evaluation({**base(), "kind": "项目支出"}).kind is EvaluationKind.PROJECT


def test_measures_are_parsed_from_text() -> None:
    target = parse_evaluation(base()).indicators[0].target
    assert (target.kind, target.value, target.unit, target.relation) == (MeasureKind.NUMBER, D(48), "次", Direction.GE)


def test_judgements_and_metrics_are_keyed_by_id() -> None:
    evaluation = parse_evaluation(base())
    judgement = evaluation.judgement("relevance")
    assert judgement is not None and judgement.score == D(5)
    assert evaluation.metric("three_public_control_rate") == D("98.5")


def test_json_evaluations_read_like_yaml(tmp_path: Path) -> None:
    path = tmp_path / "unit.json"
    path.write_text('{"kind": "部门整体", "year": 2022, "unit": {"name": "甲"}, "budget": {"adjusted": 1.1}}')
    assert load_evaluation(path).budget.adjusted == D("1.1")


def test_gb18030_files_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "unit.yaml"
    path.write_bytes("kind: 部门整体\nyear: 2022\nunit: {name: 东湖区}\n".encode("gb18030"))
    assert load_evaluation(path).unit.name == "东湖区"


# --- refusing, with the place named ----------------------------------------------------


def mutate(path: str, value: Any) -> dict[str, Any]:
    data = base()
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: Any = data
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "location", "words"),
    [
        ("year", "二〇二一", "year", "应为整数"),
        ("year", 1800, "year", "不在合理范围"),
        ("year", 3000, "year", "不在合理范围"),
        ("kind", "单位", "kind", "应为 部门整体 或 项目"),
        ("unit", "东湖区", "unit", "应为键值对"),
        ("budget.adjusted", "一千万", "budget.adjusted", "应为数字"),
        ("budget.adjusted", "NaN", "budget.adjusted", "应为有限的数字"),
        ("budget.adjusted", float("nan"), "budget.adjusted", "有限"),
        ("budget.executed", -5, "budget.executed", "不能为负数"),
        ("budget.carryover", D("-0.01"), "budget.carryover", "不能为负数"),
        ("budget.unit", "美元", "budget.unit", "取值无效"),
        ("budget.adjsted", 120, "budget.adjsted", "未知字段"),
        ("colour", "红", "colour", "未知字段"),
        ("indicators", {"巡查次数": 50}, "indicators", "应为列表"),
        ("indicators.0.target", ["≥48次"], "indicators[0].target", "应为文本或数字"),
        ("indicators.0.actual", {"value": 50}, "indicators[0].actual.text", "缺少必填字段"),
        ("indicators.0.weight", -1, "indicators[0].weight", "不能为负数"),
        ("indicators.0.weight", "十分", "indicators[0].weight", "应为数字"),
        ("indicators.0.name", "  ", "indicators[0].name", "不能为空"),
        ("indicators.0.direction", "向上", "indicators[0].direction", "取值无效"),
        ("indicators.0.wieght", 10, "indicators[0].wieght", "未知字段"),
        ("indicators.1.tier", "优秀", "indicators[1].tier", "取值无效"),
        ("indicators.1.judged_score", -2, "indicators[1].judged_score", "不能为负数"),
        ("judgements.relevance.score", -1, "judgements.relevance.score", "不能为负数"),
        ("judgements.relevance.score", "满分", "judgements.relevance.score", "应为数字"),
        ("metrics.three_public_control_rate", "九十八", "metrics.three_public_control_rate", "应为数字"),
        ("satisfaction", {"value": 120}, "satisfaction.value", "0–100"),
        ("satisfaction", {"value": 90, "sample_size": "三百"}, "satisfaction.sample_size", "应为整数"),
        ("sign_off", {"signed_on": "2022年5月18日"}, "sign_off.signed_on", "日期格式"),
    ],
)
def test_evaluation_errors_name_the_exact_path(path: str, value: Any, location: str, words: str) -> None:
    error = error_of(mutate(path, value))
    assert error.location == location
    assert words in error.message
    assert has_chinese(error.message)
    assert str(error).startswith(f"unit.yaml：{location}：")


def test_missing_required_fields_are_named() -> None:
    data = base()
    del data["unit"]
    assert (error_of(data).location, error_of(data).message) == ("unit", "缺少必填字段")


def test_top_level_must_be_a_mapping() -> None:
    assert "顶层应为键值对" in error_of(["kind", "部门整体"]).message


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ("kind: 部门整体\nyear: [2021\n", "第 3 行第 1 列", "YAML 格式错误：方括号列表没有闭合"),
        ("unit: {name: 甲\n", "第 2 行第 1 列", "花括号没有闭合"),
        ('unit: "甲\n', "第 2 行第 1 列", "引号没有闭合"),
        ('unit: "C:\\q"\n', "第 1 行第 11 列", "反斜杠"),
        ("unit:\n  name: 甲\n kind: 部门整体\n", "第 3 行第 2 列", "缩进不一致"),
        ("unit: @甲\n", "第 1 行第 7 列", "请给整段文本加引号"),
        ("unit: !!python/object:os.system x\n", "第 1 行第 7 列", "不支持的 YAML 标签"),
        ("kind: 部门整体\n---\nyear: 2021\n", "第 2 行第 1 列", "只能有一份文档"),
        ("year: [\n", "第 2 行第 1 列", "文件意外结束"),
        ("kind: 部门整体\n\tyear: 2021\n", "第 2 行第 1 列", "制表符"),
        ("year: .nan\n", "第 1 行第 7 列", "不支持的数值 .nan"),
        ("year: 2021\nyear: 2022\n", "第 2 行第 1 列", "键“year”重复出现"),
        ("unit: {name: 甲}: 乙\n", "第 1 行第 16 列", "YAML 格式错误"),
    ],
)
def test_invalid_yaml_names_line_and_column(tmp_path: Path, text: str, location: str, words: str) -> None:
    path = tmp_path / "unit.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_evaluation(path)
    assert caught.value.location == location
    assert words in caught.value.message
    assert caught.value.file == str(path)


@pytest.mark.parametrize(
    ("text", "location", "words"),
    [
        ('{"kind": "部门整体",}', "第 1 行第 17 列", "键名应放在双引号中（或多了逗号）"),
        ('{"kind" "部门整体"}', "第 1 行第 9 列", "缺少冒号"),
        ('{"kind": "部门整体" "year": 2021}', "第 1 行第 17 列", "缺少逗号"),
        ('{"kind": "部门整体', "第 1 行第 10 列", "引号没有闭合"),
        ('{"year": 2021} 多余', "第 1 行第 16 列", "多余的内容"),
    ],
)
def test_json_syntax_errors_read_in_chinese(text: str, location: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_json(text, "unit.json")
    assert caught.value.location == location
    assert caught.value.message.startswith("JSON 格式错误：") and words in caught.value.message


def test_errors_without_a_line_still_say_what_is_wrong() -> None:
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(InputError, match="嵌套层数过多"):
        parse_json(f'{{"a": {deep}}}', "unit.json")
    with pytest.raises(InputError, match="嵌套层数过多"):
        parse_yaml(f"a: {deep}", "unit.yaml")
    with pytest.raises(InputError) as caught:
        parse_yaml("kind: 部门\x00整体", "unit.yaml")
    assert caught.value.location == "第 9 个字符" and "控制字符" in caught.value.message


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(InputError) as caught:
        parse_json('{"kind": "部门整体",\n "year": }', "unit.json")
    assert caught.value.location == "第 2 行第 10 列"
    assert "JSON 格式错误" in caught.value.message


def test_json_nan_is_refused() -> None:
    with pytest.raises(InputError, match="不支持的数值 NaN"):
        parse_json('{"budget": {"adjusted": NaN}}', "unit.json")


def test_missing_file_and_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件不存在"):
        load_evaluation(tmp_path / "none.yaml")
    with pytest.raises(InputError, match="不是普通文件"):
        load_evaluation(tmp_path)


def test_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "unit.yaml"
    path.write_bytes(b"\xff\xfe\x00\x81\x30\x81")
    with pytest.raises(InputError):
        load_evaluation(path)


# --- fuzz: only InputError or an Evaluation ------------------------------------------

scalars = (
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=6)
    | st.decimals(allow_nan=True) | st.floats()
    | st.sampled_from(["部门整体", "≥95%", "达成年度指标", "定性", "2023年12月", "问卷", "万元"])
)  # fmt: skip
nested = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "value", "score", "text", "kind", "l1", "x"]), inner, max_size=3)
    ),
    max_leaves=8,
)


EXAMPLE_DATA = parse_yaml(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_damaged_evaluations_raise_only_input_errors(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from([base(), EXAMPLE_DATA])))
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(document)))
        document = put(document, where, data.draw(nested))
    try:
        result = parse_evaluation(document, "fuzz.yaml")
    except InputError as error:
        assert has_chinese(error.message)
    else:
        assert isinstance(result, Evaluation)


@settings(max_examples=200, deadline=None)
@given(nested)
def test_random_data_is_never_a_crash(document: Any) -> None:
    with contextlib.suppress(InputError):
        parse_evaluation(document)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}[]:,-'\"!&*#|>? \n\t.09eE_ak年≥")), max_size=40))
def test_random_yaml_text_is_never_a_crash(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_evaluation(parse_yaml(text, "fuzz.yaml"))


def test_missing_kind_is_named_as_missing() -> None:
    data = base()
    del data["kind"]
    error = error_of(data)
    assert (error.location, error.message) == ("kind", "缺少必填字段")
