"""Report-level rules (docs/report-reading.md#report-checks): outline, figures against each other, slips
in the text, nothing recognisable; and the precision of all findings on the labelled reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.pipeline import FileResult, evaluate_file
from jixiao.testing import reportlabels

HEAD = "某某局部门整体支出绩效自评报告\n（2022年度）\n"


def checked(tmp_path: Path, body: str, name: str = "report.txt") -> FileResult:
    path = tmp_path / name
    path.write_text(body, "utf-8")
    result = evaluate_file(path)
    assert result.ok, result.error
    return result


def codes(result: FileResult) -> list[str]:
    return [f.code for f in result.findings]


def only(result: FileResult, code: str) -> str:
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, codes(result)
    return f"{found[0].severity.value} {found[0].message} | {found[0].source}"


def test_parts_listed_in_full_must_add_up(tmp_path: Path) -> None:
    text = HEAD + "一、基本情况\n全年预算安排资金500万元，分为设备购置300万元、维修养护150万元、培训40万元。\n"
    said = only(checked(tmp_path, text), "REPORT_PARTS_SUM_MISMATCH")
    assert "300 + 150 + 40 = 490万元" in said and "相差 10万元" in said and "分为设备购置300万元" in said


def test_parts_after_qizhong_may_be_fewer_than_the_whole(tmp_path: Path) -> None:
    text = HEAD + "一、基本情况\n全年预算安排资金500万元，其中设备购置300万元、维修养护150万元。\n"
    assert "REPORT_PARTS_SUM_MISMATCH" not in codes(checked(tmp_path, text))
    text = HEAD + "一、基本情况\n全年预算安排资金500万元，其中设备购置300万元、维修养护250万元。\n"
    assert "550万元" in only(checked(tmp_path, text), "REPORT_PARTS_SUM_MISMATCH")


def test_a_half_year_figure_alone_and_against_the_year(tmp_path: Path) -> None:
    alone = HEAD + "一、履职情况\n上半年共出动巡查人员3000余人次，清理广告2万条。\n"
    said = only(checked(tmp_path, alone), "REPORT_PARTIAL_PERIOD")
    assert said.startswith("P2") and "上半年" in said and "3000余人次" in said
    against = HEAD + "一、履职情况\n上半年开展培训40场。\n全年开展培训30场。\n"
    said = only(checked(tmp_path, against), "REPORT_FIGURES_CONTRADICT")
    assert "40场" in said and "30场" in said
    both = HEAD + "一、履职情况\n上半年开展培训20场。\n全年开展培训45场。\n"
    assert not {"REPORT_FIGURES_CONTRADICT", "REPORT_PARTIAL_PERIOD"} & set(codes(checked(tmp_path, both)))


def test_other_money_explains_an_overspend_but_must_reconcile(tmp_path: Path) -> None:
    text = HEAD + ("一、预算情况\n全年预算收入合计100万元，此外取得其他资金来源20万元。\n"
                   "全年支出110万元，年末结转和结余为0万元。\n")  # fmt: skip
    result = checked(tmp_path, text)
    assert "BUDGET_OVERSPENT_UNEXPLAINED" not in codes(result) and "BUDGET_OVERSPENT" not in codes(result)
    said = only(result, "REPORT_FUNDS_UNRECONCILED")
    assert "100 + 其他资金 20 − 支出 110 = 10万元" in said


def test_mixed_amount_units(tmp_path: Path) -> None:
    text = HEAD + "一、预算情况\n年初预算12万元。\n全年支出118000元。\n补助标准为每人1000元/年。\n"
    said = only(checked(tmp_path, text), "REPORT_AMOUNT_UNIT_MIXED")
    assert "12万元" in said and "118000元" in said


def test_text_slips_are_one_finding_each_with_their_place(tmp_path: Path) -> None:
    text = HEAD + ("一、基本情况\n我局局长带队，县委委机构编制会议研究。\n20xx年度预算安排5万元，20xx年完成。\n"
                   "资金于2020月12月拨付，文字“??????”无法辨认。\n")  # fmt: skip
    result = checked(tmp_path, text)
    assert "县委委机构" in only(result, "TYPO_DOUBLED_CHARACTER")
    said = only(result, "PLACEHOLDER_LEFT")
    assert said.startswith("P1") and "“20xx年”（共 2 处）" in said
    assert "2020月12月" in only(result, "REPORT_DATE_MALFORMED")
    assert only(result, "REPORT_TEXT_GARBLED").startswith("P2")


def test_outline_numbering_and_missing_top_level(tmp_path: Path) -> None:
    numbered = HEAD + "1、基本情况\n（一）概况\n全年预算50万元。\n二、绩效情况\n（一）产出\n完成。\n"
    assert "“1、基本情况”" in only(checked(tmp_path, numbered), "REPORT_HEADING_NUMBERING")
    cut = "某项目自评\n全年预算50万元。\n（三）实施情况\n完成。\n（四）效益\n良好。\n"
    assert "（三）实施情况" in only(checked(tmp_path, cut), "REPORT_SECTION_MISSING")


def test_grade_words_outside_the_four_bands(tmp_path: Path) -> None:
    text = HEAD + "一、结果\n全年预算50万元，全年支出50万元。\n本项目自评得分86.4分，自评结果定为“良好”。\n"
    result = checked(tmp_path, text)
    said = only(result, "REPORT_GRADE_TERM")
    assert "“良好”" in said and "86.4" in said and "应写“良”" in said
    assert "GRADE_UNKNOWN" not in codes(result)


def test_nothing_recognisable_is_one_finding(tmp_path: Path) -> None:
    result = checked(tmp_path, "会议纪要\n各单位要认真落实。\n")
    assert codes(result) == ["REPORT_NO_FIGURES"]
    assert "没有可识别的预算数字" in result.findings[0].message


@pytest.mark.parametrize("report_id", reportlabels.collected_ids())
def test_findings_on_the_collected_reports_are_labelled(tmp_path: Path, report_id: str) -> None:
    """Precision, report by report: every finding's code is one the careful reader labelled
    (two codes stand for the older label codes, bench/report_checking.py EQUIVALENT)."""
    equivalent = {"REPORT_PARTS_SUM_MISMATCH": {"BUDGET_SOURCE_SUM_MISMATCH"},
                  "SATISFACTION_EVIDENCE_UNKNOWN": {"SATISFACTION_SURVEY_INCOMPLETE"}}  # fmt: skip
    report = reportlabels.load(report_id)
    assert report.text is not None
    result = checked(tmp_path, report.text, f"{report_id}.txt")
    labels = {f["code"] for f in report.labels.get("findings") or []}
    unlabelled = [
        f.code for f in result.findings if f.code not in labels and not equivalent.get(f.code, set()) & labels
    ]
    assert unlabelled == []
