"""Templates: a bureau changes wording and outline in YAML; mistakes are named in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation, EvaluationKind
from jixiao.core.scoring import Scorecard
from jixiao.ingest.errors import InputError
from jixiao.reports.content import build_content
from jixiao.reports.templates import builtin_template, load_template, parse_template

MINIMAL = {
    "kind": "部门整体",
    "title": ["{unit}", "绩效自评报告"],
    "body": [
        {"section": "基本情况", "body": [{"text": "执行率{execution_rate}%，得分{total}分。"}]},
        {"section": "超支说明", "when": "overspent", "body": ["超支{overspend}万元。"]},
        {"section": "无超支", "when": "not overspent", "body": ["未超支。"]},
        {"section": "任务", "body": [{"list": "annual_tasks", "item": "第{n}项：{text}"}]},
    ],
}


@pytest.mark.parametrize("kind", list(EvaluationKind))
def test_builtin_templates_load(kind: EvaluationKind) -> None:
    template = builtin_template(kind)
    assert template.kind is kind
    assert template.body


def test_a_bureau_template_changes_wording_and_outline(
    tmp_path: Path, seed: tuple[Evaluation, Framework, Scorecard]
) -> None:
    path = tmp_path / "bureau.yaml"
    path.write_text(yaml.safe_dump(MINIMAL, allow_unicode=True), "utf-8")
    evaluation, fw, card = seed
    content = build_content(evaluation, card, framework=fw, template=load_template(path), review_copy=True)
    assert [s.heading for s in content.sections] == ["一、基本情况", "二、超支说明", "三、任务"]
    text = content.plain_text()
    assert "执行率102.19%，得分97.75分。" in text
    assert "超支32.14万元。" in text and "未超支" not in text
    assert "第4项：以“共同缔造”理念" in text


def fails(data: object) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_template(data, "bureau.yaml")
    return caught.value


def test_unknown_placeholder_is_named_with_its_place() -> None:
    data = dict(MINIMAL, body=[{"section": "甲", "body": [{"text": "执行率{execution_rat}%"}]}])
    error = fails(data)
    assert error.location == "body[0].body[0].text"
    assert "未知的占位符“{execution_rat}”" in error.message
    assert str(error).startswith("bureau.yaml：body[0].body[0].text：")


@pytest.mark.parametrize(
    ("body", "location", "words"),
    [
        ([{"texts": "甲"}], "body[0]", "每项须且只能有"),
        ([{"text": "甲", "when": "overspend_typo"}], "body[0].when", "未知的条件"),
        ([{"table": "budgets"}], "body[0].table", "未知的表格"),
        ([{"chart": "pie"}], "body[0].chart", "未知的图表"),
        ([{"list": "tasks"}], "body[0].list", "未知的列表"),
        ([{"text": "{unit:>10}"}], "body[0].text", "不能带格式说明"),
        ([{"text": "{unit"}], "body[0].text", "花括号不成对"),
        ([{"text": "甲", "colour": "红"}], "body[0].colour", "未知的键"),
        ([{"list": "problems", "item": "{n}.{text}"}], "body[0].item", "未知的占位符“{text}”"),
    ],
)
def test_template_mistakes_fail_on_load(body: list[object], location: str, words: str) -> None:
    error = fails(dict(MINIMAL, body=body))
    assert error.location == location
    assert words in error.message


def test_headings_deeper_than_four_levels_are_refused() -> None:
    body: list[object] = [{"text": "正文"}]
    for depth in range(5):
        body = [{"section": f"第{depth}层", "body": body}]
    assert "最多 4 级" in fails(dict(MINIMAL, body=body)).message


def test_kind_must_be_known() -> None:
    assert fails(dict(MINIMAL, kind="乡镇")).location == "kind"


def test_fragments_are_checked_and_usable() -> None:
    data = dict(
        MINIMAL,
        fragments={"note": {"text": "（{stated_total}）", "when": "has_stated_total"}},
        body=[{"text": "得分{total}{note}"}],
    )
    assert parse_template(data).fragments[0][0] == "note"
    assert "片段名称" in fails(dict(MINIMAL, fragments={"unit": "重名"})).message
