"""Framework files: the shipped ones load, and every mistake a bureau can make is named by path."""

from __future__ import annotations

import contextlib
import copy
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.core.framework import Framework, RuleKind
from jixiao.ingest.errors import InputError
from jixiao.ingest.framework_file import builtin_frameworks, load_framework, parse_framework, resolve_framework
from jixiao.ingest.textfile import parse_yaml
from tests.ingest.damage import paths, put

SHIPPED = sorted(builtin_frameworks())
CJK = range(0x4E00, 0x9FFF)


def base() -> dict[str, Any]:
    """A small valid framework: one item block and one slot block."""
    return {
        "id": "test",
        "title": "测试评分表",
        "source": "测试",
        "applies_to": ["部门整体"],
        "total": 100,
        "grades": [{"grade": "优", "min": 90}, {"grade": "良", "min": 80}, {"grade": "差", "min": 0}],
        "metrics": [{"name": "three_public_control_rate", "label": "“三公经费”控制率"}],
        "blocks": [
            {
                "id": "process",
                "name": "过程",
                "weight": 20,
                "items": [
                    {"id": "execution", "name": "预算执行率", "weight": 10, "rule": {"kind": "execution_rate"}},
                    {
                        "id": "three_public",
                        "name": "“三公经费”控制率",
                        "weight": 6,
                        "rule": {"kind": "per_unit_deduction", "metric": "three_public_control_rate"},
                    },
                    {
                        "id": "adjustment",
                        "name": "预算调整率",
                        "weight": 4,
                        "rule": {
                            "kind": "step_bands",
                            "metric": "budget_adjustment_rate",
                            "absolute": True,
                            "bands": [{"max": 0, "score": 4}, {"max": 10, "score": 2}, {"score": 0}],
                        },
                    },
                ],
            },
            {
                "id": "output",
                "name": "产出",
                "weight": 80,
                "slots": [{"id": "output", "name": "产出指标", "weight": 80, "match": ["产出指标"]}],
            },
        ],
    }


def error_of(data: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_framework(data, "test.yaml")
    return caught.value


def has_chinese(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


# --- the shipped frameworks ----------------------------------------------------------


def test_base_is_valid() -> None:
    framework = parse_framework(base())
    assert framework.blocks[0].items[0].rule.metric == "execution_rate"  # filled in for execution_rate


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_shipped_framework_is_complete_and_adds_up(framework_id: str) -> None:
    framework = builtin_frameworks()[framework_id]
    assert framework.source.strip() and framework.version and framework.region
    assert sum((block.weight for block in framework.blocks), D(0)) == framework.total
    for block in framework.blocks:
        parts = [*(item.weight for item in block.items), *(slot.weight for slot in block.slots)]
        assert sum(parts, D(0)) == block.weight
        for item in block.items:
            assert has_chinese(item.guidance), f"{framework_id}: {item.id} 缺少 guidance"


def test_the_shipped_frameworks_include_the_department_tables() -> None:
    assert {"dazhou-dept-2021", "dept-generic-2020-807060", "hunan-dept-reference"} <= set(SHIPPED)


def test_dazhou_table_has_the_published_weights() -> None:
    framework = builtin_frameworks()["dazhou-dept-2021"]
    assert [(b.name, b.weight) for b in framework.blocks] == [
        ("部门决策", 25),
        ("综合管理", 30),
        ("部门绩效情况", 45),
    ]
    performance = framework.blocks[2]
    satisfaction = {item.name: item.weight for item in performance.items if item.l2 == "满意度"}
    assert satisfaction == {"协作部门满意度": 3, "管理对象满意度": 3, "社会公众满意度": 4}
    assert performance.slots[0].weight == 20
    assert "http://nyj.dazhou.gov.cn/xxgk-show-16453.html" in framework.source


def test_generic_807060_differs_from_generic_only_in_grades() -> None:
    generic = builtin_frameworks()["dept-generic-2020"]
    other = builtin_frameworks()["dept-generic-2020-807060"]
    assert other.blocks == generic.blocks
    assert [(g.grade, g.min) for g in other.grades] == [("优", 80), ("良", 70), ("中", 60), ("差", 0)]
    assert other.grade_for(D("80.00")) == "优" and generic.grade_for(D("80.00")) == "良"


def test_hunan_reference_uses_step_and_deduction_rules() -> None:
    framework = builtin_frameworks()["hunan-dept-reference"]
    kinds = {item.id: item.rule.kind for block in framework.blocks for item in block.items}
    assert kinds["budget_adjustment"] is RuleKind.STEP_BANDS
    assert kinds["three_public_control"] is RuleKind.PER_UNIT_DEDUCTION
    assert kinds["carryover"] is RuleKind.STEP_BANDS


def test_resolve_framework_by_id_or_path(tmp_path: Path) -> None:
    assert resolve_framework("dazhou-dept-2021", "dept-generic-2020").id == "dazhou-dept-2021"
    assert resolve_framework(None, "dept-generic-2020").id == "dept-generic-2020"
    source = Path(__file__).parents[2] / "src/jixiao/frameworks/hunan-dept-reference.yaml"
    copied = tmp_path / "mine.yaml"
    copied.write_text(source.read_text(encoding="utf-8").replace("id: hunan-dept-reference", "id: mine"))
    assert resolve_framework(str(copied), "dept-generic-2020").id == "mine"
    with pytest.raises(InputError, match="未知的评分标准"):
        resolve_framework("no-such", "dept-generic-2020")


def test_load_framework_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "bureau.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_framework(path)
    assert caught.value.file == str(path)
    assert "缺少必填字段" in caught.value.message


# --- errors, each at its exact path ---------------------------------------------------


def mutate(path: str, value: Any) -> dict[str, Any]:
    """``base()`` with the field at ``path`` (``blocks.0.items.2.rule.kind``) set to ``value``."""
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
        ("blocks.0.items.0.rule.kind", "bonus", "blocks[0].items[0].rule.kind", "未知的计分规则“bonus”"),
        ("blocks.0.items.0.rule.kind", ["positive"], "blocks[0].items[0].rule.kind", "未知的计分规则"),
        ("blocks.0.items.0.rule", {"metric": "x"}, "blocks[0].items[0].rule.kind", "缺少计分规则"),
        ("blocks.0.items.0.rule", 5, "blocks[0].items[0].rule", "rule 应为键值对"),
        ("blocks.0.items.2.rule.bands.2.score", 5, "blocks[0].items[2].rule.bands[2].score", "档位得分应在 0–4"),
        (
            "blocks.0.items.2.rule.bands.1",
            {"max": 10, "min": 1, "score": 1},
            "blocks[0].items[2].rule.bands[1]",
            "只能写 max 或 min",
        ),
        ("blocks.0.items.2.rule.bands", [], "blocks[0].items[2].rule.bands", "至少一个档位"),
        (
            "blocks.0.items.1.rule.metric",
            "three_public",
            "blocks[0].items[1].rule.metric",
            "未知的指标值“three_public”",
        ),
        ("blocks.0.items.1.rule.per", 0, "blocks[0].items[1].rule.per", "应大于 0"),
        ("blocks.0.items.1.rule.deduct", -1, "blocks[0].items[1].rule.deduct", "应大于 0"),
        ("blocks.0.items.1.rule.kind", "qualitative", "blocks[0].items[1].rule.kind", "评分项不能使用规则"),
        ("blocks.0.items.1.rule", {"kind": "positive"}, "blocks[0].items[1].rule.metric", "需要指明读取的指标值"),
        ("blocks.1.slots.0.rule", {"kind": "step_bands"}, "blocks[1].slots[0].rule.kind", "单位指标栏不能使用规则"),
        ("blocks.1.slots.0.match", [], "blocks[1].slots[0].match", "match"),
        ("blocks.0.items.0.weight", 12, "blocks[0].weight", "下属各项分值之和 22 不等于本项分值 20"),
        ("blocks.0.items.0.weight", 0, "blocks[0].weight", "不等于本项分值"),
        ("blocks.0.items.0.weight", "十分", "blocks[0].items[0].weight", "应为数字"),
        ("blocks.1.weight", 70, "blocks[1].weight", "下属各项分值之和 80 不等于本项分值 70"),
        ("total", 90, "blocks", "各一级指标分值之和 100 不等于总分 90"),
        ("total", 0, "total", "总分应大于 0"),
        (
            "grades",
            [{"grade": "良", "min": 80}, {"grade": "优", "min": 90}, {"grade": "差", "min": 0}],
            "grades[1].min",
            "从高到低",
        ),
        ("grades", [{"grade": "优", "min": 90}, {"grade": "良", "min": 60}], "grades[1].min", "最低一档的最低分应为 0"),
        ("grades", [{"grade": "优", "min": 120}, {"grade": "差", "min": 0}], "grades[0].min", "0–100"),
        ("grades", [], "grades", "至少需要一个等级"),
        ("blocks", [], "blocks", "至少需要一个一级指标"),
        ("blocks.1.slots.0.id", "execution", "blocks[1].slots[0].id", "编号“execution”重复"),
        ("blocks.1.id", "process", "blocks[1].id", "编号“process”重复"),
        ("blocks.0.items.0.id", " ", "blocks[0].items[0].id", "编号不能为空"),
        ("applies_to", ["单位"], "applies_to[0]", "取值无效"),
        ("blocks.0.items.0.colour", "红", "blocks[0].items[0].colour", "未知字段"),
    ],
)
def test_framework_errors_name_the_exact_path(path: str, value: Any, location: str, words: str) -> None:
    error = error_of(mutate(path, value))
    assert error.location == location
    assert words in error.message
    assert has_chinese(error.message)
    assert error.file == "test.yaml"
    assert str(error).startswith(f"test.yaml：{location}：")


def test_missing_field_is_named() -> None:
    data = base()
    del data["blocks"][0]["items"][0]["weight"]
    error = error_of(data)
    assert (error.location, error.message) == ("blocks[0].items[0].weight", "缺少必填字段")


def test_a_block_without_items_or_slots_is_refused() -> None:
    data = base()
    data["blocks"].append({"id": "empty", "name": "空", "weight": 0})
    assert error_of(data).location == "blocks[2].weight"  # 分值应大于 0 comes first
    data["blocks"][2]["weight"] = 5
    data["total"] = 105
    assert error_of(data).location == "blocks[2]"


def test_the_same_l1_name_in_two_slots_is_refused() -> None:
    data = base()
    data["blocks"][1]["slots"] = [
        {"id": "a", "name": "产出甲", "weight": 40, "match": ["产出指标"]},
        {"id": "b", "name": "产出乙", "weight": 40, "match": ["产出", "产出指标"]},
    ]
    error = error_of(data)
    assert error.location == "blocks[1].slots[1].match"
    assert "同时出现在 blocks[1].slots[0]" in error.message


def test_top_level_must_be_a_mapping() -> None:
    assert "顶层应为键值对" in error_of([1, 2]).message


def test_duplicate_keys_in_yaml_name_the_key_and_the_line() -> None:
    text = "id: a\ntitle: 甲\ntotal: 100\ntotal: 90\n"
    with pytest.raises(InputError) as caught:
        parse_yaml(text, "bureau.yaml")
    assert caught.value.location == "第 4 行第 1 列"
    assert "键“total”重复出现" in caught.value.message


def test_a_list_as_a_yaml_key_is_refused() -> None:
    with pytest.raises(InputError, match="键应为文本或数字"):
        parse_yaml("? - a\n: 1\n", "bureau.yaml")


def test_yaml_floats_are_read_as_decimals() -> None:
    data = parse_yaml("weight: 0.1\n", "x.yaml")
    assert data == {"weight": D("0.1")}


# --- fuzz: only InputError or a Framework --------------------------------------------

scalars = (
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=6)
    | st.decimals(allow_nan=True) | st.floats()
    | st.sampled_from(["positive", "manual", "step_bands", "execution_rate", "部门整体", "budget_adjustment_rate"])
)  # fmt: skip
nested = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["kind", "max", "min", "score", "weight", "id", "match", "x"]), inner, max_size=3
        )
    ),
    max_leaves=8,
)


SHIPPED_DATA = [
    parse_yaml(path.read_text(encoding="utf-8"), path.name)
    for path in sorted((Path(__file__).parents[2] / "src/jixiao/frameworks").glob("*.yaml"))
]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_damaged_frameworks_raise_only_input_errors(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from([base(), *SHIPPED_DATA])))
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(document)))
        document = put(document, where, data.draw(nested))
    try:
        result = parse_framework(document, "fuzz.yaml")
    except InputError as error:
        assert has_chinese(error.message)
    else:
        assert isinstance(result, Framework)


@settings(max_examples=200, deadline=None)
@given(nested)
def test_random_data_is_never_a_crash(document: Any) -> None:
    with contextlib.suppress(InputError):
        parse_framework(document)


def test_the_complete_example_in_the_guide_loads() -> None:
    guide = (Path(__file__).parents[2] / "docs/frameworks.md").read_text(encoding="utf-8")
    examples = [block for block in guide.split("```yaml\n")[1:] if block.startswith("# ××区")]
    assert len(examples) == 1
    framework = parse_framework(parse_yaml(examples[0].split("```")[0], "frameworks.md"), "frameworks.md")
    assert framework.total == sum((block.weight for block in framework.blocks), D(0))
