"""The seed report as the first case (docs/report-reading.md#report-evaluation): its text, a .docx and a
PDF made from it here, read by `jixiao check`/`score` and checked like a table."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.core.findings import Finding, Severity
from jixiao.pipeline import FileResult, evaluate_file
from jixiao.reports import pdf
from jixiao.testing import reportlabels
from jixiao.testing.reportfiles import write_docx

D = Decimal


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    text = reportlabels.seed_text()
    if text is None:
        pytest.skip("../shared/seed is not available next to the repository")
    folder = tmp_path_factory.mktemp("seed")
    txt = folder / "seed.txt"
    txt.write_text(text, "utf-8")
    files = {"txt": txt, "docx": write_docx(text, folder / "seed.docx")}
    if pdf.libreoffice_available():
        files["pdf"] = pdf.convert_to_pdf([files["docx"]], folder / "pdf")[0]
    return files


@pytest.fixture(scope="module", params=["txt", "docx", "pdf"])
def seed(request: pytest.FixtureRequest, seed_files: dict[str, Path]) -> FileResult:
    if request.param not in seed_files:
        pytest.skip("LibreOffice is not installed: no PDF can be made from the seed")
    result = evaluate_file(seed_files[request.param])
    assert result.ok, result.error
    return result


def one(result: FileResult, code: str) -> Finding:
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, [f.code for f in result.findings]
    return found[0]


def test_every_budget_figure_of_the_seed_is_read(seed: FileResult) -> None:
    assert seed.report is not None
    labelled = reportlabels.load("seed").expected_pairs()
    assert labelled <= seed.report.reading.pairs()
    budget = seed.evaluation.budget if seed.evaluation else None
    assert budget is not None
    assert (budget.initial, budget.adjusted, budget.executed, budget.carryover) == (D("153"), D("1464.48"),
                                                                                    D("1496.62"), D("0"))  # fmt: skip
    assert [(line.name, line.adjusted, line.executed) for line in budget.by_nature] == [
        ("基本支出", D("147.79"), D("179.93")),
        ("项目支出", D("1316.69"), D("1316.69")),
    ]
    assert [(line.name, line.adjusted) for line in budget.by_source] == [("一般公共预算财政拨款", D("1464.48"))]


def test_the_stated_rate_is_accepted_against_its_amounts(seed: FileResult) -> None:
    assert seed.evaluation is not None and seed.scorecard is not None
    assert seed.evaluation.stated.execution_rate == D("102.2")
    assert seed.scorecard.execution_rate == D("102.19")  # 1496.62 ÷ 1464.48, two places
    codes = {f.code for f in seed.findings}
    assert not codes & {"EXECUTION_RATE_WRONG", "EXECUTION_RATE_TRUNCATED", "BUDGET_NATURE_SUM_MISMATCH"}


def test_the_overspend_without_source_cites_its_sentence(seed: FileResult) -> None:
    finding = one(seed, "BUDGET_OVERSPENT_UNEXPLAINED")
    assert finding.severity is Severity.P1
    assert "超支 32.14 万元" in finding.message and "1464.48" in finding.message
    assert "决算支出总计1496.62万元" in finding.source and "1、/（五）/2." in finding.source


def test_basic_spending_above_its_budget(seed: FileResult) -> None:
    finding = one(seed, "BUDGET_LINE_OVERSPENT")
    assert "179.93" in finding.message and "147.79" in finding.message and "21.75%" in finding.message
    assert "基本支出179.93万元" in finding.source


def test_satisfaction_assumed_without_survey_blocks(seed: FileResult) -> None:
    finding = one(seed, "SATISFACTION_WITHOUT_SURVEY")
    assert finding.severity is Severity.P0
    assert "80%" in finding.message
    assert "本次满意度指标完成值按80%进行评分" in finding.source
    assert seed.report is not None and seed.report.facts.satisfaction is not None
    assert seed.report.facts.satisfaction.value.how == "assumed"


def test_the_doubled_character(seed: FileResult) -> None:
    finding = one(seed, "TYPO_DOUBLED_CHARACTER")
    assert "“办办”" in finding.message and "我办办目前尚未建立" in finding.source


def test_stated_score_and_grade(seed: FileResult) -> None:
    assert seed.evaluation is not None
    stated = seed.evaluation.stated
    assert (stated.total, stated.grade) == (D("89.8"), "良")
    assert not {"GRADE_MISMATCH", "GRADE_UNKNOWN", "TOTAL_MISMATCH", "NO_INDICATORS"} & {f.code for f in seed.findings}


def test_the_other_facts_keep_their_place(seed: FileResult) -> None:
    report, evaluation = seed.report, seed.evaluation
    assert report is not None and evaluation is not None
    facts = report.facts
    assert evaluation.unit.name == "东湖区城市综合管理协调领导小组办公室"
    assert (evaluation.year, evaluation.kind.value) == (2021, "department")
    assert (evaluation.unit.staffing.authorized, evaluation.unit.staffing.hired) == (0, 10)
    assert evaluation.unit.assets.total == D("7.23")
    assert [(p.name, p.amount) for p in evaluation.unit.assets.parts] == [("流动资产", D("0.83")),
                                                                          ("非流动资产", D("6.4"))]  # fmt: skip
    assert evaluation.sign_off.signed_on is not None and evaluation.sign_off.signed_on.isoformat() == "2022-05-18"
    assert "公开2021年度部门整体支出绩效自评结果" in evaluation.narrative.publication
    assert len(evaluation.narrative.problems) == 2 and len(evaluation.narrative.measures) == 2
    got = {(f.value.value, f.value.unit) for f in facts.indicator_facts}
    wanted = {(D(x["value"]), x["unit"]) for x in reportlabels.load("seed").labels["indicator_facts"]}
    assert wanted - got <= {(D("30"), "万元"), (D("100"), "%")}  # amounts and rates are not counts
    partial = {f.value.value for f in facts.indicator_facts if f.value.period == "上半年"}
    assert {D("31810"), D("3200")} <= partial
    assert facts.stated_score is not None and facts.stated_score.where.section == "四、"
    # every value the evaluation holds says where it came from
    sources = dict(evaluation.sources)
    for path in ("budget.adjusted", "budget.executed", "stated.execution_rate", "stated.total", "stated.grade",
                 "satisfaction.value", "unit.staffing.hired", "sign_off.signed_on"):  # fmt: skip
        assert sources[path].startswith("报告"), path


def test_the_command_line_reads_the_three_formats(seed_files: dict[str, Path]) -> None:
    result = CliRunner().invoke(app, ["check", *map(str, seed_files.values()), "--json"])
    assert result.exit_code == 1  # P0: satisfaction without survey
    entries = json.loads(result.stdout)["results"]
    assert [entry["ok"] for entry in entries] == [True] * len(seed_files)
    for entry in entries:
        assert "SATISFACTION_WITHOUT_SURVEY" in {f["code"] for f in entry["findings"]}
        cited = [f["source"] for f in entry["findings"] if f["code"] == "BUDGET_OVERSPENT_UNEXPLAINED"]
        assert len(cited) == 1 and "决算支出总计1496.62万元" in cited[0]
