"""The labelled report fixtures stay consistent with their texts (docs/report-reading.md).

These tests guard the hand labels themselves: every figure and every cited passage must be
found in the text it labels, and the arithmetic behind the labelled findings must hold.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from jixiao.testing import reportlabels

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
KINDS = {"department", "project"}
LEVELS = {"province", "prefecture", "city", "district", "county", "township", "school"}
SINGLE_FACTS = ("staffing", "assets", "stated_score", "stated_grade", "satisfaction", "signature_date", "publication")


def texts_cited(labels: dict[str, object]) -> list[str]:
    cited: list[str] = []
    for figure in labels.get("budget_figures") or []:  # type: ignore[attr-defined]
        cited.append(figure["printed"])
    for key in SINGLE_FACTS:
        fact = labels.get(key)
        if isinstance(fact, dict) and fact.get("printed"):
            cited.append(fact["printed"])
    cited.extend(finding["evidence"] for finding in labels.get("findings") or [])  # type: ignore[attr-defined]
    return cited


def test_at_least_ten_collected_reports_from_several_provinces_and_both_kinds() -> None:
    reports = [reportlabels.load(report_id) for report_id in reportlabels.collected_ids()]
    assert len(reports) >= 10
    assert len({r.labels["province"] for r in reports}) >= 6
    assert {r.labels["kind"] for r in reports} == KINDS


@pytest.mark.parametrize("report_id", reportlabels.collected_ids())
def test_labels_describe_their_report(report_id: str) -> None:
    report = reportlabels.load(report_id)
    labels = report.labels
    assert labels["id"] == report_id
    assert labels["kind"] in KINDS
    assert labels["level"] in LEVELS
    assert labels["source"]["text_extent"] in {"full", "excerpt"}
    assert labels["source"]["address"] or labels["source"]["title"]
    assert report.text is not None and len(report.text) > 300


@pytest.mark.parametrize("report_id", reportlabels.collected_ids())
def test_every_labelled_passage_is_in_the_text(report_id: str) -> None:
    report = reportlabels.load(report_id)
    assert report.text is not None
    missing = [cited for cited in texts_cited(report.labels) if cited not in report.text]
    assert missing == []


@pytest.mark.parametrize("report_id", reportlabels.report_ids())
def test_each_figure_value_is_printed_in_its_passage(report_id: str) -> None:
    report = reportlabels.load(report_id)
    for figure in report.figures:
        printed = [Decimal(n.replace(",", "")) for n in NUMBER.findall(figure["printed"])]
        assert Decimal(str(figure["value"])) in printed, figure


def test_seed_labels_match_the_seed_text() -> None:
    seed = reportlabels.load("seed")
    if seed.text is None:
        pytest.skip("../shared/seed is not available next to the repository")
    missing = [cited for cited in texts_cited(seed.labels) if cited not in seed.text]
    assert missing == []


def test_seed_labels_carry_every_budget_figure_the_issue_names() -> None:
    pairs = reportlabels.load("seed").expected_pairs()
    for field, value in [
        ("budget.initial", "153"),
        ("budget.adjusted", "1464.48"),
        ("budget.adjusted.basic", "147.79"),
        ("budget.adjusted.project", "1316.69"),
        ("budget.executed", "1496.62"),
        ("budget.executed.basic", "179.93"),
        ("budget.executed.project", "1316.69"),
        ("budget.execution_rate", "102.2"),
        ("budget.carryover", "0"),
    ]:
        assert (field, Decimal(value)) in pairs


def test_seed_stated_rate_is_accepted_and_overspend_is_32_14() -> None:
    labels = reportlabels.load("seed").labels
    figures = {f["field"]: Decimal(f["value"]) for f in labels["budget_figures"]}
    rate = figures["budget.executed"] / figures["budget.adjusted"] * 100
    assert rate.quantize(Decimal("0.1")) == figures["budget.execution_rate"]
    assert figures["budget.executed"] - figures["budget.adjusted"] == Decimal("32.14")
    assert figures["budget.executed.basic"] - figures["budget.adjusted.basic"] == Decimal("32.14")
    codes = {f["code"] for f in labels["findings"]}
    assert {"BUDGET_OVERSPENT_UNEXPLAINED", "BUDGET_LINE_OVERSPENT", "SATISFACTION_WITHOUT_SURVEY"} <= codes
    assert labels["stated_score"]["value"] == "89.8" and labels["stated_grade"]["value"] == "良"


def test_labelled_sum_mismatches_really_do_not_add_up() -> None:
    nanxian = {f["field"]: Decimal(f["value"]) for f in reportlabels.load("hn_nanxian_bianban_2024").figures}
    assert nanxian["budget.executed.basic"] + nanxian["budget.executed.project"] == Decimal("121.57")
    assert nanxian["budget.executed"] == Decimal("100.57")
    water = reportlabels.load("nm_hohhot_shuili_2023").figures
    parts_of_2263 = {
        "中小河流治理工程（10号）", "小型水库工程维修养护", "农村饮水工程维修养护", "小流域综合治理（10号）",
        "山洪灾害防治设施维养", "水**管理", "农业水价改革",
    }  # fmt: skip
    total = sum(Decimal(f["value"]) for f in water if f.get("name") in parts_of_2263)
    assert total == Decimal("2253")


def test_no_fixture_comes_from_an_excluded_or_sample_source() -> None:
    shared = reportlabels.shared_dir()
    if shared is None:
        pytest.skip("../shared is not available next to the repository")
    lines = (shared / "cases" / "excluded_sources.txt").read_text(encoding="utf-8").splitlines()
    excluded = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    samples = {case["source_url"] for case in json.loads((shared / "cases" / "sample_cases.json").read_text("utf-8"))}
    for report_id in reportlabels.collected_ids():
        source = reportlabels.load(report_id).labels["source"]
        assert source["address"] not in excluded | samples, report_id
        assert not any(source["title"] in line for line in excluded if line.startswith("title:")), report_id
