"""The targets app: library, declaration workflow and audit, adjustments, monitoring rounds and lights."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jixiao.core.targets.model import LibraryEntry
from jixiao.core.targets.monitoring import Decision
from jixiao.web.targets import selectors, services
from jixiao.web.targets.errors import RoundClosed, TargetsError
from jixiao.web.targets.export import library_xlsx, read_library_xlsx
from jixiao.web.targets.models import DeclarationEvent, LibraryIndicator, MonitoringReport, TargetValue
from tests.web.targets_world import YEAR, declaration, example_document, monitoring_round, report_of
from tests.web.world import World

pytestmark = pytest.mark.django_db


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_workflow_draft_submitted_returned_approved_with_audit(world: World) -> None:
    found = declaration(world, "w")
    assert found.status == "draft" and found.p0_count == 0
    services.declaration_submit(declaration=found, by=world.prep_a, expected_lock_version=found.lock_version)
    found.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.declaration_approve(declaration=found, by=world.prep_a, expected_lock_version=found.lock_version)
    with pytest.raises(TargetsError, match="退回须写明理由"):
        services.declaration_return(declaration=found, by=world.reviewer, expected_lock_version=found.lock_version,
                                    note=" ")  # fmt: skip
    services.declaration_return(declaration=found, by=world.reviewer, expected_lock_version=found.lock_version,
                                note="成本指标偏高")  # fmt: skip
    found.refresh_from_db()
    assert found.status == "returned"
    document = dict(found.document)
    document["annual_goal"] = "全年清扫保洁道路 365 万平方米"
    assert services.declaration_save(declaration=found, document=document, by=world.prep_a,
                                     expected_lock_version=found.lock_version)  # fmt: skip
    found.refresh_from_db()
    services.declaration_submit(declaration=found, by=world.prep_a, expected_lock_version=found.lock_version)
    found.refresh_from_db()
    services.declaration_approve(declaration=found, by=world.reviewer, expected_lock_version=found.lock_version)
    found.refresh_from_db()
    assert found.status == "approved" and found.approved_by == world.reviewer
    actions = list(DeclarationEvent.objects.filter(declaration=found).order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "submit", "return", "save", "submit", "approve"]
    saved = DeclarationEvent.objects.get(declaration=found, action="save")
    assert saved.changes["annual_goal"][1] == "全年清扫保洁道路 365 万平方米"
    # the approved values feed the type-ahead
    assert TargetValue.objects.filter(declaration=found, name="道路清扫保洁面积").get().target == "≥360万平方米"


def test_p0_blocks_submission_and_stale_saves_are_refused(world: World) -> None:
    found = declaration(world, "p0")
    document = dict(found.document)
    document["funds"] = {"request": "100", "fiscal": "90"}
    services.declaration_save(declaration=found, document=document, by=world.prep_a,
                              expected_lock_version=found.lock_version)  # fmt: skip
    found.refresh_from_db()
    assert found.p0_count == 1
    with pytest.raises(TargetsError, match="P0"):
        services.declaration_submit(declaration=found, by=world.prep_a, expected_lock_version=found.lock_version)
    document["funds"] = {"request": "100", "fiscal": "100"}
    with pytest.raises(TargetsError, match="其他人已修改"):
        services.declaration_save(declaration=found, document=document, by=world.prep_a,
                                  expected_lock_version=found.lock_version - 1)  # fmt: skip


def test_other_units_and_bureaus_cannot_touch_a_declaration(world: World) -> None:
    found = declaration(world, "iso")
    with pytest.raises(PermissionDenied):
        services.declaration_save(declaration=found, document=found.document, by=world.prep_b,
                                  expected_lock_version=found.lock_version)  # fmt: skip
    assert client_for(world.prep_b).get(reverse("targets:declaration", args=[found.pk])).status_code == 404
    assert client_for(world.reviewer_other).get(reverse("targets:declaration", args=[found.pk])).status_code == 404
    page = client_for(world.reviewer).get(reverse("targets:declaration", args=[found.pk]))
    assert page.status_code == 200 and "道路清扫保洁面积" in page.content.decode()


def test_editor_form_round_trip_and_adding_from_the_library(world: World) -> None:
    services.library_seed(world.bureau, world.reviewer)
    found = declaration(world, "form")
    client = client_for(world.prep_a)
    page = client.get(reverse("targets:declaration", args=[found.pk])).content.decode()
    assert 'value="≥360万平方米"' in page
    data = {"lock_version": found.lock_version, "rows": 1, "h-annual_goal": "年度目标", "h-sector": "城市管理",
            "f-request": "860", "f-fiscal": "800", "f-carryover": "60", "i-0-l1": "产出指标", "i-0-l2": "数量指标",
            "i-0-name": "道路清扫保洁面积", "i-0-target": "≥370万平方米", "i-0-unit": "万平方米",
            "do": "add:CTY-004"}  # fmt: skip
    assert client.post(reverse("targets:declaration", args=[found.pk]), data).status_code == 302
    found.refresh_from_db()
    rows = found.document["indicators"]
    assert [r["name"] for r in rows] == ["道路清扫保洁面积", "垃圾日产日清率"]
    assert rows[0]["target"] == "≥370万平方米" and rows[1]["library_code"] == "CTY-004"
    assert found.p0_count >= 1  # the added row has no target yet: TARGET_VALUE_MISSING


def test_type_ahead_shows_values_other_units_used(world: World) -> None:
    services.library_seed(world.bureau, world.reviewer)
    approved = declaration(world, "used", "approved")
    TargetValue.objects.filter(declaration=approved).update(code="CTY-001")
    page = client_for(world.prep_b).get(reverse("targets:library_suggest"), {"q": "清扫"}).content.decode()
    assert "道路清扫保洁面积" in page and "测试区甲单位 2025：≥360万平方米" in page


def test_library_xlsx_round_trip_and_import_refuses_bad_rows(world: World) -> None:
    services.library_seed(world.bureau, world.reviewer)
    entries = [services.entry_of(row) for row in LibraryIndicator.objects.filter(bureau=world.bureau)]
    again = read_library_xlsx(library_xlsx(entries))
    assert len(entries) == 29 and again == entries
    with pytest.raises(TargetsError, match="第 1 行应为表头"):
        read_library_xlsx(_xlsx_with_header("编码"))
    hostile = LibraryEntry(code="X-1", l1="产出指标", l2="数量指标", name="=cmd|' /C calc'!A0")
    book = load_workbook(io.BytesIO(library_xlsx([hostile])))
    cell = book.active.cell(row=2, column=6)
    assert cell.data_type == "s" and cell.value.startswith("=")
    assert client_for(world.prep_a).post(reverse("targets:library_import"), {"do": "seed"}).status_code == 403


def _xlsx_with_header(first: str) -> bytes:
    book = Workbook()
    book.active.cell(row=1, column=1, value=first)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_declaration_downloads(world: World) -> None:
    found = declaration(world, "dl")
    client = client_for(world.prep_a)
    xlsx = client.get(reverse("targets:download", args=[found.pk, "xlsx"]))
    docx = client.get(reverse("targets:download", args=[found.pk, "docx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "道路清扫保洁面积" in values and "≥360万平方米" in values and "860" in values


def test_adjustment_needs_reason_and_reviewer(world: World) -> None:
    approved = declaration(world, "adj", "approved")
    with pytest.raises(TargetsError, match="理由"):
        services.adjustment_request(declaration=approved, indicator="道路清扫保洁面积", new="≥300万平方米", reason="",
                                    by=world.prep_a)  # fmt: skip
    adjustment = services.adjustment_request(declaration=approved, indicator="道路清扫保洁面积", new="≥300万平方米",
                                             reason="两条道路移交", by=world.prep_a)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.adjustment_decide(adjustment=adjustment, approve=True, note="", by=world.prep_a)
    services.adjustment_decide(adjustment=adjustment, approve=True, note="同意", by=world.reviewer)
    approved.refresh_from_db()
    rows = {row["name"]: row["target"] for row in approved.document["indicators"]}
    assert rows["道路清扫保洁面积"] == "≥300万平方米"
    event = DeclarationEvent.objects.get(declaration=approved, action="adjust_approve")
    assert event.changes["indicators[0].target"] == ["≥360万平方米", "≥300万平方米"]
    ready = services.approved_for(world.unit_a.pk, YEAR, "项目adj")
    assert ready is not None and [a.approved for a in ready.adjustments] == [True]


def test_prefill_marks_targets_as_approved(world: World) -> None:
    approved = declaration(world, "pre", "approved")
    ready = services.approved_for(world.unit_a.pk, YEAR, approved.project)
    assert ready is not None
    document = services.prefill_indicators({"kind": "project", "year": YEAR}, ready)
    assert document["indicators"][0]["target"] == "≥360万平方米"
    assert document["sources"]["indicators[0].target"] == f"绩效目标申报（审核通过，编号 {approved.pk}）"


def test_round_lights_overview_and_decisions(world: World) -> None:
    opened = monitoring_round(world)
    report = report_of(world)
    assert report.overall_light == "red"  # nothing spent yet
    document = {**report.document, "budget": {"initial": "860", "added": "40", "spent": "540"},
                "indicators": [{"name": row["name"], "expected": "100%" if "率" in row["name"] else "",
                                "likelihood": "certain"} for row in report.document["indicators"]]}  # fmt: skip
    services.report_save(report=report, document=document, by=world.prep_a, submit=False)
    report.refresh_from_db()
    assert report.execution_rate == Decimal("60.00") and report.overall_light == "green"
    assert report.lag == Decimal("-1.67") and report.priority == 0
    document["budget"]["spent"] = "450"  # 50.00%, 8.33 behind
    services.report_save(report=report, document=document, by=world.prep_a)
    report.refresh_from_db()
    assert report.overall_light == "red" and report.priority == Decimal("8.33") * 900
    services.rules_save(bureau=world.bureau, by=world.reviewer, red_lag=Decimal(10), yellow_lag=Decimal(5),
                        blue_ahead=None, possible_counts_as_achievable=True)  # fmt: skip
    report.refresh_from_db()
    assert report.overall_light == "yellow"
    rows = selectors.overview_rows(opened, selectors.OverviewFilters(light="yellow"))
    assert [row["pk"] for row in rows] == [report.pk]
    services.decision_record(report=report, decision=Decision.SUSPEND, reason="进度滞后", by=world.reviewer)
    with pytest.raises(PermissionDenied):
        services.decision_record(report=report, decision=Decision.STOP, reason="x", by=world.prep_a)
    page = client_for(world.reviewer).get(reverse("targets:round", args=[opened.pk]))
    assert page.status_code == 200 and "黄灯" in page.content.decode()
    export = client_for(world.reviewer).get(reverse("targets:round_export", args=[opened.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert client_for(world.prep_a).get(reverse("targets:round", args=[opened.pk])).status_code == 403


def test_a_closed_round_keeps_the_typed_values_and_says_so(world: World) -> None:
    opened = monitoring_round(world)
    report = report_of(world)
    services.round_close(monitoring_round=opened, by=world.reviewer)
    with pytest.raises(RoundClosed):
        services.report_save(report=report, document=report.document, by=world.prep_a)
    page = client_for(world.prep_a).post(reverse("targets:report", args=[report.pk]),
                                         {"b-initial": "860", "b-spent": "123.45", "do": "save"})  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 200
    assert "已关闭" in text and 'value="123.45"' in text
    assert MonitoringReport.objects.get(pk=report.pk).document.get("budget", {}).get("spent") is None


def test_overview_queries_do_not_grow_with_projects(world: World) -> None:
    opened = monitoring_round(world)
    for n in range(6):
        declaration(world, f"many{n}", "approved", unit="b")
    services.round_close(monitoring_round=opened, by=world.reviewer)
    reopened = services.round_open(bureau=world.bureau, year=YEAR, month=8, name="1—8月", deadline=None,
                                   by=world.reviewer)  # fmt: skip
    assert reopened.reports.count() == 7
    client = client_for(world.reviewer)
    client.get(reverse("targets:round", args=[reopened.pk]))  # warm the session
    with CaptureQueriesContext(connection) as seven:
        client.get(reverse("targets:round", args=[reopened.pk]))
    for n in range(6, 12):
        declaration(world, f"many{n}", "approved", unit="b")
    services.round_close(monitoring_round=reopened, by=world.reviewer)
    third = services.round_open(bureau=world.bureau, year=YEAR, month=9, name="1—9月", deadline=None, by=world.reviewer)
    assert third.reports.count() == 13
    with CaptureQueriesContext(connection) as thirteen:
        client.get(reverse("targets:round", args=[third.pk]))
    assert len(thirteen.captured_queries) == len(seven.captured_queries)


def test_example_document_is_clean_against_the_seed(world: World) -> None:
    services.library_seed(world.bureau, world.reviewer)
    found = declaration(world, "seed")
    assert (found.p0_count, found.p1_count) == (0, 0)
    assert example_document("x")["funds"]["request"] == 860


# --- the self-evaluation takes its targets from the approved declaration ------------------------------


def _project_evaluation(world: World, project: str) -> object:
    from jixiao.core.model import EvaluationKind
    from jixiao.web.evaluations import services as evaluation_services
    from jixiao.web.evaluations.models import FrameworkRecord

    framework = FrameworkRecord.objects.get(framework_id="mof-2020-project")
    return evaluation_services.evaluation_create(unit=world.unit_a, year=YEAR, kind=EvaluationKind.PROJECT,
                                                 framework=framework, by=world.prep_a, project=project)  # fmt: skip


def test_evaluation_starts_with_the_approved_targets_and_reports_changes(world: World) -> None:
    from jixiao.web.evaluations.assessments import assess_document

    approved = declaration(world, "ev", "approved")
    created = _project_evaluation(world, approved.project)
    document = created.current_version.document  # type: ignore[attr-defined]
    assert [row["target"] for row in document["indicators"]][:2] == ["≥360万平方米", "≥95%"]
    assert document["sources"]["indicators[0].target"] == f"绩效目标申报（审核通过，编号 {approved.pk}）"
    lowered = {**document, "indicators": [dict(document["indicators"][0], target="≥300万平方米"),
                                          *document["indicators"][1:]]}  # fmt: skip
    _, assessment = assess_document(created, lowered)
    changed = [f for f in assessment.findings if f.code == "EVAL_TARGET_CHANGED"]
    assert [(f.severity.value, f.path) for f in changed] == [("P0", "indicators[0].target")]
    adjustment = services.adjustment_request(declaration=approved, indicator="道路清扫保洁面积",
                                             new="≥300万平方米", reason="道路移交", by=world.prep_a)  # fmt: skip
    services.adjustment_decide(adjustment=adjustment, approve=True, note="同意", by=world.reviewer)
    _, assessment = assess_document(created, lowered)
    assert "EVAL_TARGET_CHANGED" not in {f.code for f in assessment.findings}


def test_red_in_monitoring_with_full_marks_is_p1_in_the_evaluation(world: World) -> None:
    from jixiao.web.evaluations.assessments import assess_document

    approved = declaration(world, "approved", "approved")
    report = report_of(world)
    document = {**report.document, "budget": {"initial": "860", "spent": "540"},
                "indicators": [{"name": "道路保洁考核达标率", "expected": "90%", "likelihood": "impossible",
                                "reasons": ["plan"], "measures": "更换作业单位"}]}  # fmt: skip
    services.report_save(report=report, document=document, by=world.prep_a)
    report.refresh_from_db()
    assert report.red_indicators == ["道路保洁考核达标率"]
    created = _project_evaluation(world, approved.project)
    full = created.current_version.document  # type: ignore[attr-defined]
    rows = [dict(row, actual=row["target"].lstrip("≥≤"), stated_score=row["weight"]) for row in full["indicators"]]
    _, assessment = assess_document(created, {**full, "indicators": rows})
    red = [f for f in assessment.findings if f.code == "EVAL_RED_FULL_MARKS"]
    assert [(f.severity.value, f.path) for f in red] == [("P1", "indicators[1].stated_score")]
    assert "2025年1—7月" in red[0].message


# --- the API --------------------------------------------------------------------------------------------


def _api(world: World, persona: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[persona]}")


def test_api_reads_declarations_and_trial_checks(world: World) -> None:
    draft = declaration(world, "api")
    listed = _api(world, "reviewer").get("/api/targets/declarations").json()
    assert [row["project"] for row in listed] == ["项目api"]
    assert _api(world, "reviewer_other").get(f"/api/targets/declarations/{draft.pk}").status_code == 404
    detail = _api(world, "prep_a").get(f"/api/targets/declarations/{draft.pk}").json()
    assert detail["status"] == "draft" and detail["findings"] == []
    posted = {**draft.document, "funds": {"request": "100", "fiscal": "90"}}
    trial = _api(world, "prep_a").post(f"/api/targets/declarations/{draft.pk}/check", posted,
                                       content_type="application/json")  # fmt: skip
    assert trial.status_code == 200
    assert [f["code"] for f in trial.json()["findings"]] == ["TARGET_FUNDS_SUM_MISMATCH"]
    assert _api(world, "reviewer").post(f"/api/targets/declarations/{draft.pk}/check", posted,
                                        content_type="application/json").status_code == 403  # fmt: skip
    report = report_of(world)
    monitored = {"budget": {"initial": "860", "added": "40", "spent": "450"},
                 "indicators": [{"name": "道路保洁考核达标率", "expected": "95人"}]}  # fmt: skip
    answer = _api(world, "prep_a").post(f"/api/targets/monitoring/{report.pk}/check", monitored,
                                        content_type="application/json").json()  # fmt: skip
    codes = [f["code"] for f in answer["findings"]]
    assert "MONITOR_VALUE_UNCOMPARABLE" in codes and "MONITOR_INDICATOR_NOT_REPORTED" in codes
    assert answer["lights"] == {"budget": "red", "target": "green", "overall": "red", "execution_rate": "50.00",
                                "pace": "58.33"}  # fmt: skip
    bad = _api(world, "prep_a").post(f"/api/targets/monitoring/{report.pk}/check", {"budget": {"spent": "x"}},
                                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "budget.spent" in bad.json()["detail"]


def test_overview_pages_through_the_projects(world: World) -> None:
    opened = monitoring_round(world)
    report = report_of(world)
    client = client_for(world.reviewer)
    page = client.get(reverse("targets:round", args=[opened.pk]), {"sort": "code"}).content.decode()
    assert "第 1—1 项" in page and "下一页" not in page and report.declaration.project in page
    second = client.get(reverse("targets:round", args=[opened.pk]), {"sort": "code", "page": "2"}).content.decode()
    assert "没有符合条件的项目" in second and "上一页" in second and "page=1" in second and "sort=code" in second
