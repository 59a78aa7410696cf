"""Rectification items through their states, next year's evaluation seeing them, and the results
application built from the rule table, adjusted, confirmed, exported and shown to the unit."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from jixiao.core.model import EvaluationKind
from jixiao.core.rectification import Action, ItemState, Source
from jixiao.core.results import DEFAULT_RULES
from jixiao.core.targets.monitoring import Decision
from jixiao.web.evaluations import services as evaluation_services
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import EvaluationVersion
from jixiao.web.results import services
from jixiao.web.results.models import Application, FindingTally, RectificationItem, ReEvaluation
from jixiao.web.targets import services as targets_services
from tests.web.targets_world import report_of
from tests.web.world import YEAR, World, clean_document, pdf_upload

pytestmark = pytest.mark.django_db


def _item(world: World, measure: str = "建立项目库动态调整机制") -> RectificationItem:
    return services.item_create(
        by=world.reviewer,
        unit=world.unit_a,
        year=YEAR - 1,
        source=Source.SELF_EVALUATION,
        problem="项目储备不足",
        measure=measure,
        deadline=date(2021, 6, 30),
    )


def test_an_item_goes_from_issued_to_closed_with_evidence_and_every_step_recorded(world: World) -> None:
    item = _item(world)
    unit, bureau = world.client("prep_a"), world.client("reviewer")
    assert unit.post(f"/results/rectification/{item.pk}/start/").status_code == 302
    # feeding back without a file is refused, and says what is missing
    response = unit.post(f"/results/rectification/{item.pk}/feed_back/", {"feedback": "已建立机制"}, follow=True)
    assert "缺少佐证材料（至少 1 份，现有 0 份）" in response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.IN_PROGRESS.value
    unit.post(f"/results/rectification/{item.pk}/evidence/", {"file": pdf_upload("机制文件.pdf")})
    unit.post(f"/results/rectification/{item.pk}/feed_back/", {"feedback": "已建立机制"})
    item.refresh_from_db()
    assert item.state == ItemState.FED_BACK.value
    # a return needs a note
    response = bureau.post(f"/results/rectification/{item.pk}/return/", {"note": ""}, follow=True)
    assert "退回须填写意见" in response.content.decode()
    bureau.post(f"/results/rectification/{item.pk}/approve/")
    bureau.post(f"/results/rectification/{item.pk}/close/")
    item.refresh_from_db()
    assert item.state == ItemState.CLOSED.value
    steps = list(item.events.values_list("action", "before", "after"))
    assert steps == [
        ("下发", "", "下发"),
        ("开始整改", "下发", "整改中"),
        ("上传佐证材料", "整改中", "整改中"),
        ("反馈整改情况", "整改中", "已反馈"),
        ("审核通过", "已反馈", "审核通过"),
        ("销号", "审核通过", "已销号"),
    ]
    page = bureau.get(f"/results/rectification/{item.pk}/").content.decode()
    assert "机制文件.pdf" in page and "已销号" in page


def test_the_unit_cannot_approve_and_the_bureau_cannot_feed_back(world: World) -> None:
    item = _item(world)
    with pytest.raises(PermissionDenied):
        services.item_move(by=world.reviewer, item=item, action=Action.START)
    services.item_attach(by=world.prep_a, item=item, upload=pdf_upload())
    services.item_move(by=world.prep_a, item=item, action=Action.FEED_BACK, feedback="已完成")
    with pytest.raises(PermissionDenied):
        services.item_move(by=world.head_a, item=item, action=Action.APPROVE)
    with pytest.raises(PermissionDenied):
        services.item_move(by=world.reviewer_other, item=item, action=Action.APPROVE)


def test_overdue_items_are_flagged_in_the_list(world: World) -> None:
    _item(world)
    page = world.client("reviewer").get("/results/rectification/", {"overdue": "1"}).content.decode()
    assert "项目储备不足" in page and "逾期" in page
    assert "项目储备不足" not in world.client("prep_b").get("/results/rectification/").content.decode()


def test_next_years_evaluation_lists_last_years_items_and_flags_a_copied_measure(world: World) -> None:
    item = _item(world, measure="建立项目库动态调整机制")
    document = clean_document(world.unit_a.name)
    document["narrative"]["measures"] = ["1. 建立项目库动态调整机制。"]
    draft = world.fresh("draft_a")
    evaluation_services.evaluation_save_document(
        evaluation=draft, document=document, by=world.prep_a, expected_lock_version=draft.lock_version
    )
    page = world.client("prep_a").get(f"/evaluations/{draft.pk}/").content.decode()
    assert "上年整改事项" in page and "项目储备不足" in page
    assert "MEASURE_REPEATED_OPEN" in page or "逐字相同" in page
    version = EvaluationVersion.objects.get(pk=draft.current_version_id)
    assert FindingTally.objects.filter(version=version, code="MEASURE_REPEATED_OPEN").exists()
    # once the item is closed, the same words are no longer a finding
    RectificationItem.objects.filter(pk=item.pk).update(state=ItemState.CLOSED.value)
    draft = world.fresh("draft_a")
    document["narrative"]["measures"] = ["建立项目库动态调整机制"]
    evaluation_services.evaluation_save_document(
        evaluation=draft, document=document, by=world.prep_a, expected_lock_version=draft.lock_version
    )
    version = EvaluationVersion.objects.get(pk=draft.current_version_id)
    assert not FindingTally.objects.filter(version=version, code="MEASURE_REPEATED_OPEN").exists()


def test_the_bureau_issues_items_from_an_evaluations_problems_and_a_finding(world: World) -> None:
    evaluation = world.fresh("signed_a")
    bureau = world.client("reviewer")
    bureau.post(f"/results/evaluations/{evaluation.pk}/rectification/", {"deadline": "2022-06-30"})
    problems = [p["problem"] for p in evaluation.current_version.document["narrative"]["problems"]]
    made = RectificationItem.objects.filter(evaluation=evaluation, source=Source.SELF_EVALUATION.value)
    assert sorted(made.values_list("problem", flat=True)) == sorted(problems)
    # issuing again makes no duplicates
    bureau.post(f"/results/evaluations/{evaluation.pk}/rectification/", {})
    assert made.count() == len(problems)
    bureau.post(
        f"/results/evaluations/{evaluation.pk}/rectification/", {"code": "TOTAL_MISMATCH", "message": "总分不符"}
    )
    promoted = RectificationItem.objects.get(evaluation=evaluation, source=Source.REVIEW_FINDING.value)
    assert (promoted.finding_code, promoted.problem) == ("TOTAL_MISMATCH", "总分不符")


def _approve_b(world: World) -> None:
    """Unit B gets an approved evaluation of the same year as unit A's approved one."""
    year = world.evaluations["approved_a"].year
    document = clean_document(world.unit_b.name, year)
    created = evaluation_services.evaluation_create(
        unit=world.unit_b,
        year=year,
        kind=EvaluationKind.DEPARTMENT,
        framework=world.framework,
        by=world.prep_b,
        document=document,
    )
    from jixiao.web.evaluations.models import Evaluation

    Evaluation.objects.filter(pk=created.pk).update(state="approved")


def test_the_application_follows_the_rule_table_and_the_unit_sees_only_its_confirmed_line(world: World) -> None:
    _approve_b(world)
    year = world.evaluations["approved_a"].year
    rules = copy.deepcopy(dict(DEFAULT_RULES))
    rules["bands"][0]["min"] = 99.9  # 优 only from 99.9: the clean documents (99.65) fall to 良
    rules["bands"][1]["max"] = 99.9
    services.rules_save(by=world.reviewer, bureau=world.bureau, year=year, data=rules)
    application = services.application_build(by=world.reviewer, bureau=world.bureau, year=year)
    lines = {line.unit_id: line for line in application.lines.all()}
    assert set(lines) == {world.unit_a.pk, world.unit_b.pk}
    line_a = lines[world.unit_a.pk]
    assert line_a.score_source == "计算得分"
    assert line_a.suggested == line_a.budget  # 良: no change
    assert any("予以保障" in reason for reason in line_a.reasons), (line_a.score, line_a.reasons)
    # the unit sees nothing before confirmation
    unit = world.client("prep_a")
    assert "予以保障" not in unit.get("/results/application/").content.decode()
    services.line_adjust(by=world.reviewer, line=line_a, amount=Decimal("123.40"), note="按会议决定")
    line_a.refresh_from_db()
    assert (line_a.adjusted_by, line_a.adjusted_at is not None) == (world.reviewer, True)
    services.application_confirm(by=world.reviewer, application=application)
    page = unit.get("/results/application/").content.decode()
    assert world.unit_a.name in page and "123.40" in page and "按会议决定" in page
    assert world.unit_b.name not in page
    with pytest.raises(ServiceError, match="确认，不能重新生成"):
        services.application_build(by=world.reviewer, bureau=world.bureau, year=year)
    export = world.client("reviewer").get("/results/application/export.xlsx", {"year": year})
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.cell(row=2, column=1).value == "单位 / 项目"
    assert {sheet.cell(row=r, column=9).value for r in (3, 4)} >= {123.4}


def test_a_bad_rule_table_is_refused_on_the_page_with_the_band_named(world: World) -> None:
    text = (
        "bands:\n"
        "  - {grade: 优, min: 90, max: 100, suggestion: 优先保障}\n"
        "  - {grade: 良, min: 80, max: 89, suggestion: 予以保障}\n"
        "  - {grade: 差, min: 0, max: 80, suggestion: 取消, change: -100}\n"
    )
    response = world.client("reviewer").post("/results/rules/", {"year": "2020", "rules": text}, follow=True)
    assert "“良”（80–89 分）与“优”（90–100 分）之间缺少 89–90 分" in response.content.decode()
    assert not Application.objects.exists()


def test_a_reevaluated_score_replaces_the_computed_one(world: World) -> None:
    year = world.evaluations["approved_a"].year
    ReEvaluation.objects.create(
        evaluation=world.evaluations["approved_a"],
        reviewer=world.reviewer,
        document={},
        total=Decimal("55"),
        self_total=Decimal("95"),
    )
    application = services.application_build(by=world.reviewer, bureau=world.bureau, year=year)
    line = application.lines.get()
    assert (line.score, line.grade, line.suggestion) == (Decimal("55.00"), "差", "取消或暂缓")
    assert line.suggested == Decimal("0.00")
    assert line.reasons[0].startswith("财政重点评价得分 55")


def test_a_reviewer_rescores_a_sample_with_own_values_and_the_difference_is_kept(world: World) -> None:
    evaluation = world.fresh("signed_a")
    indicators = evaluation.current_version.document["indicators"]
    client = world.client("reviewer")
    # the reviewer finds the first indicator's actual value at half its target
    target = indicators[0]["target"]
    response = client.post(
        f"/results/evaluations/{evaluation.pk}/re-evaluation/",
        {"actual-0": "0", "note": "抽查台账，未见完成记录"},
        follow=True,
    )
    page = response.content.decode()
    assert "重点评价得分已保存" in page
    found = ReEvaluation.objects.get(evaluation=evaluation)
    assert found.total is not None and found.self_total is not None
    assert found.total < found.self_total
    assert found.difference == found.self_total - found.total
    (event,) = found.events.all()
    assert event.changes == {"indicators[0].actual": [indicators[0]["actual"], "0"]}
    assert target  # the unit's target stays as it was
    assert found.document["indicators"][0]["target"] == target
    # the unit's own document is untouched
    assert world.fresh("signed_a").current_version.document["indicators"][0]["actual"] == indicators[0]["actual"]


def test_a_draft_cannot_be_re_evaluated(world: World) -> None:
    with pytest.raises(ServiceError, match="已签批"):
        services.re_evaluate(by=world.reviewer, evaluation=world.fresh("draft_a"), actuals={})


def test_the_portal_summarises_the_years_published_results_only(world: World) -> None:
    published = world.fresh("published_a")
    version = published.current_version
    page = Client().get(f"/public/{published.year}/").content.decode()
    assert "公开的自评" in page and "1 份" in page
    assert f"{version.adopted_grade} 1" in page
    from jixiao.web.portal.selectors import summary

    other_year = summary(world.evaluations["approved_a"].year)  # approved, not published
    assert other_year["count"] == 0
    assert "平均自评得分" not in Client().get(f"/public/{world.evaluations['approved_a'].year}/").content.decode()


def test_coverage_counts_project_evaluations_against_the_units_project_money(world: World) -> None:
    draft = world.fresh("draft_a")
    lines = draft.current_version.document["budget"]["by_nature"]
    project_money = Decimal(next(line["adjusted"] for line in lines if line["name"] == "项目支出"))
    first = world.project("校舍维修", "100")
    world.project("教师培训", "50")
    ReEvaluation.objects.create(evaluation=first, reviewer=world.reviewer, document={}, total=Decimal(80))
    page = world.client("reviewer").get("/results/coverage/", {"year": YEAR}).content.decode()
    share = (Decimal(15000) / project_money).quantize(Decimal("0.01"))
    assert f"{share}%" in page
    assert "本年度单位自评项目 2 个" in page
    assert "本年度财政评价项目 1 个" in page
    # the unit's 部门整体 evaluation states the same sentence
    detail = world.client("prep_a").get(f"/evaluations/{draft.pk}/").content.decode()
    assert "评价覆盖面" in detail
    assert f"涉及资金 150.00 万元，占项目资金 {project_money:.2f} 万元的 {share}%" in detail


def test_a_unit_with_project_money_but_no_project_evaluation_falls_short(world: World) -> None:
    draft_b = world.fresh("draft_b")
    lines = draft_b.current_version.document["budget"]["by_nature"]
    money = Decimal(next(line["adjusted"] for line in lines if line["name"] == "项目支出"))
    detail = world.client("prep_b").get(f"/evaluations/{draft_b.pk}/").content.decode()
    assert f"本年度项目支出 {money:.2f} 万元，没有单位自评的项目，未达到不低于 100% 的要求" in detail


def test_removing_an_evaluations_evidence_keeps_the_same_file_of_a_rectification_item(world: World) -> None:
    from jixiao.web.evaluations.evidence import evidence_path

    item = _item(world)
    attached = services.item_attach(by=world.prep_a, item=item, upload=pdf_upload())  # same bytes as draft_a's
    assert attached.sha256 == world.evidence["draft_a"].sha256
    draft = world.fresh("draft_a")
    evaluation_services.evidence_remove(
        evaluation=draft, item=world.evidence["draft_a"], by=world.prep_a, expected_lock_version=draft.lock_version
    )
    assert evidence_path(attached.sha256).exists()
    response = world.client("reviewer").get(f"/results/rectification/{item.pk}/evidence/{attached.pk}/")
    assert response.status_code == 200


def test_the_report_says_what_became_of_last_years_items(world: World) -> None:
    from django.urls import reverse

    item = _item(world, measure="建立项目库动态调整机制。")
    RectificationItem.objects.filter(pk=item.pk).update(state=ItemState.FED_BACK.value)
    draft = world.fresh("draft_a")
    url = reverse("evaluations:version_report", kwargs={"pk": draft.pk, "number": 1, "fmt": "html"})
    page = world.client("prep_a").get(url).content.decode()
    assert "上年度整改事项共 1 项：已反馈 1 项。" in page
    assert "1.上年问题：项目储备不足；整改措施：建立项目库动态调整机制；落实情况：已反馈。" in page
    # a unit with no items last year: the section is as before
    draft_b = world.fresh("draft_b")
    url_b = reverse("evaluations:version_report", kwargs={"pk": draft_b.pk, "number": 1, "fmt": "html"})
    assert "上年度整改事项" not in world.client("prep_b").get(url_b).content.decode()


def test_a_monitoring_decision_becomes_a_rectification_item_once(world: World) -> None:
    report = report_of(world)  # nothing reported yet: red
    decision = targets_services.decision_record(
        report=report, decision=Decision.SUSPEND, reason="执行进度严重滞后", by=world.reviewer
    )
    reviewer = world.client("reviewer")
    url = f"/results/monitoring-decisions/{decision.pk}/rectification/"
    refused = reviewer.post(url, {"measure": ""}, follow=True)
    assert "整改事项须写明整改措施" in refused.content.decode() and not RectificationItem.objects.exists()
    response = reviewer.post(url, {"measure": "9 月底前完成政府采购并按月报送进度", "deadline": "2025-09-30"})
    item = RectificationItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/results/rectification/{item.pk}/"
    assert (item.unit, item.year, item.source, item.monitoring_decision) == (world.unit_a, 2025, "monitoring", decision)
    assert item.problem == (
        f"{report.round.name}绩效运行监控：{report.declaration.project}亮红灯，执行率 —%；"
        "处理决定“暂缓拨款”：执行进度严重滞后"
    )
    assert item.deadline == date(2025, 9, 30) and item.events.get().action == "下发"
    again = reviewer.post(url, {"measure": "再来一次"}, follow=True)
    assert "已经下发过整改事项" in again.content.decode() and RectificationItem.objects.count() == 1
    page = world.client("prep_a").get(f"/targets/monitoring/report/{report.pk}/").content.decode()
    assert f'href="/results/rectification/{item.pk}/"' in page and "整改事项（下发）" in page
    assert "下发整改事项" not in page  # the unit sees the item, not the form
