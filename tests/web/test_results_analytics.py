"""The bureau's analytics: figures from the database, queries independent of the number of units,
charts with no data saying so, exports that never carry formulas."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jixiao.web.accounts.models import Unit
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.results import selectors
from jixiao.web.results.models import FindingTally, ReEvaluation
from jixiao.web.targets import services as targets_services
from jixiao.web.targets.models import MonitoringReport
from tests.web.targets_world import declaration, monitoring_round
from tests.web.world import YEAR, World

pytestmark = pytest.mark.django_db


def _client(world: World, persona: str = "reviewer") -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _add_units(world: World, count: int, start: int = 0, total: str = "85.5", adopted: str = "92") -> None:
    """``count`` more units of bureau 1, each with a 部门整体 evaluation of YEAR and YEAR − 1."""
    for index in range(start, start + count):
        unit = Unit.objects.create(bureau=world.bureau, code=f"X{index:04d}", name=f'=HYPERLINK("x")单位{index}')
        for year, score in ((YEAR, Decimal(total)), (YEAR - 1, Decimal(total) - 3)):
            evaluation = Evaluation.objects.create(unit=unit, year=year, kind="department", framework=world.framework)
            version = EvaluationVersion.objects.create(
                evaluation=evaluation,
                number=1,
                document={},
                total=score,
                grade="良",
                adopted_total=Decimal(adopted),
                adopted_grade="优",
                execution_rate=Decimal("93.10"),
            )
            FindingTally.objects.create(version=version, code="TOTAL_MISMATCH", severity="P1", count=1)
            evaluation.current_version = version
            evaluation.save(update_fields=["current_version"])


def test_the_page_draws_every_chart_with_its_table_and_echarts_from_static_files(world: World) -> None:
    response = _client(world).get("/results/analytics/", {"year": YEAR})
    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/echarts/echarts.common.min.js" in page
    assert "http://" not in page.split("<main")[1] and "https://" not in page.split("<main")[1]
    for key in ("grades", "scatter", "inflation", "findings", "coverage", "change"):
        assert f'id="chart-{key}"' in page
    assert "导出 Excel" in page and "下载图片" in page


def test_grades_count_each_year_from_the_database(world: World) -> None:
    _add_units(world, 3)
    data = selectors.analytics(world.bureau, selectors.Filters(YEAR))
    grades = data.chart("grades")
    rows = {row[0]: row for row in grades.rows}
    # YEAR: draft_a and draft_b (computed grade of the clean document) and the three added 良.
    latest = rows[str(YEAR)]
    assert latest[-1] == 5
    assert latest[grades.headers.index("良")] >= 3
    assert grades.spec["categories"] == sorted(rows)


def test_inflation_compares_adopted_computed_and_the_bureaus_score(world: World) -> None:
    _add_units(world, 2, total="80", adopted="90")
    sampled = Evaluation.objects.filter(unit__code="X0000", year=YEAR).get()
    ReEvaluation.objects.create(
        evaluation=sampled, reviewer=world.reviewer, document={}, total=Decimal("76"), self_total=Decimal("90")
    )
    chart = selectors.analytics(world.bureau, selectors.Filters(YEAR)).chart("inflation")
    row = next(r for r in chart.rows if r[0] == str(YEAR))
    headers = chart.headers
    assert row[headers.index("采用高于计算的个数")] == 2
    assert row[headers.index("抽评个数")] == 1
    assert row[headers.index("抽评对象的单位得分均值")] == Decimal("90.00")
    assert row[headers.index("财政重点评价得分均值")] == Decimal("76.00")


def test_findings_by_code_and_year_on_year_change(world: World) -> None:
    _add_units(world, 4)
    data = selectors.analytics(world.bureau, selectors.Filters(YEAR))
    findings = {row[0]: row for row in data.chart("findings").rows}
    year_column = data.chart("findings").headers.index(str(YEAR))
    assert findings["TOTAL_MISMATCH"][year_column] >= 4
    change = data.chart("change")
    assert change.spec["total"] >= 4
    added = [row for row in change.rows if str(row[0]).endswith(("单位0", "单位1", "单位2", "单位3"))]
    assert {row[3] for row in added} == {Decimal("3.00")}
    assert change.spec["series"][0]["data"][3] >= 4  # "上升 0–5 分"


def test_queries_do_not_grow_with_the_number_of_units(world: World) -> None:
    client = _client(world)
    _add_units(world, 2)
    client.get("/results/analytics/", {"year": YEAR})  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get("/results/analytics/", {"year": YEAR})
    _add_units(world, 25, start=100)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/results/analytics/", {"year": YEAR})
    assert response.content.decode().count("单位12") >= 1
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_chart_without_data_says_so_instead_of_drawing_axes(world: World) -> None:
    response = _client(world).get("/results/analytics/", {"year": YEAR, "kind": "project"})
    page = response.content.decode()
    # no project evaluations: five charts say so; coverage counts every kind and still draws
    assert page.count("暂无数据") == 6  # the lights chart too: this world has no monitoring round
    assert page.count('data-chart="') == 1
    assert 'data-chart="coverage"' in page


def test_the_export_writes_user_text_as_text_never_a_formula(world: World) -> None:
    _add_units(world, 1)
    response = _client(world).get("/results/analytics/scatter.xlsx", {"year": YEAR})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    names = [sheet.cell(row=r, column=1) for r in range(3, sheet.max_row + 1)]
    formula_like = [cell for cell in names if str(cell.value).startswith("=")]
    assert formula_like and all(cell.data_type == "s" for cell in formula_like)
    assert sheet.cell(row=2, column=2).value == "预算执行率（%）"


def test_an_unknown_chart_is_404_and_a_unit_user_is_refused(world: World) -> None:
    assert _client(world).get("/results/analytics/nothing.xlsx").status_code == 404
    assert _client(world, "prep_a").get("/results/analytics/").status_code == 403


def test_the_other_bureaus_reviewer_sees_only_its_units(world: World) -> None:
    _add_units(world, 2)
    page = _client(world, "reviewer_other").get("/results/analytics/", {"year": YEAR}).content.decode()
    assert "单位0" not in page
    assert "另一区财政局" in page


def _rounds_with_lights(world: World) -> None:
    """Two rounds of 2025 over three approved declarations of unit A, lights set as the services would."""
    for key in ("k1", "k2"):
        declaration(world, key, "approved")
    july = monitoring_round(world)
    december = targets_services.round_open(
        bureau=world.bureau, year=2025, month=12, name="2025年1—12月", deadline=None, by=world.reviewer
    )
    for opened, lights in ((july, ["green", "red", None]), (december, ["yellow", "yellow", "blue"])):
        reports = list(MonitoringReport.objects.filter(round=opened).order_by("pk"))
        assert len(reports) == 3
        for report, light in zip(reports, lights, strict=True):
            MonitoringReport.objects.filter(pk=report.pk).update(
                overall_light=light or "red", submitted=light is not None
            )


def test_monitoring_lights_are_counted_per_round_with_unreported_apart(world: World) -> None:
    _rounds_with_lights(world)
    chart = selectors.analytics(world.bureau, selectors.Filters(2025)).chart("lights")
    assert chart.headers == ("监控轮次", "绿灯", "蓝灯", "黄灯", "红灯", "未填报", "合计")
    assert chart.rows == [("2025年1—7月", 1, 0, 0, 1, 1, 3), ("2025年1—12月", 0, 1, 2, 0, 0, 3)]
    assert chart.spec["categories"] == ["2025年1—7月", "2025年1—12月"]
    series = {s["name"]: s for s in chart.spec["series"]}
    assert series["红灯"]["data"] == [1, 0] and series["红灯"]["color"] == "#c62828"
    assert series["未填报"]["data"] == [1, 0]
    # a year before any round: no axes, the reason instead
    page = _client(world).get("/results/analytics/", {"year": 2024}).content.decode()
    assert "所选年度及之前的年度没有开展绩效运行监控" in page and 'data-chart="lights"' not in page


def test_blue_is_left_out_when_no_round_has_it_and_the_export_has_the_table(world: World) -> None:
    _rounds_with_lights(world)
    MonitoringReport.objects.filter(overall_light="blue").update(overall_light="green")
    response = _client(world).get("/results/analytics/lights.xlsx", {"year": 2025})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == ["监控轮次", "绿灯", "黄灯", "红灯", "未填报", "合计"]
    assert [c.value for c in sheet[4]] == ["2025年1—12月", 1, 2, 0, 0, 3]


def test_the_lights_chart_queries_do_not_grow_with_the_number_of_reports(world: World) -> None:
    monitoring_round(world)
    with CaptureQueriesContext(connection) as few:
        selectors.analytics(world.bureau, selectors.Filters(2025))
    for key in ("m1", "m2", "m3"):
        declaration(world, key, "approved")
    targets_services.round_open(bureau=world.bureau, year=2025, month=9, name="", deadline=None, by=world.reviewer)
    with CaptureQueriesContext(connection) as many:
        chart = selectors.analytics(world.bureau, selectors.Filters(2025)).chart("lights")
    assert [row[-1] for row in chart.rows] == [1, 4]
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_sector_filter_narrows_every_chart_to_that_sectors_units(world: World) -> None:
    _add_units(world, 3)
    Unit.objects.filter(code__in=["X0000", "X0001"]).update(sector="教育")
    Unit.objects.filter(code="X0002").update(sector="卫生健康")
    education = selectors.analytics(world.bureau, selectors.Filters(YEAR, sector="教育"))
    grades = {row[0]: row[-1] for row in education.chart("grades").rows}
    assert grades == {str(YEAR - 1): 2, str(YEAR): 2}
    assert [row[0] for row in education.chart("scatter").rows] == ['=HYPERLINK("x")单位0', '=HYPERLINK("x")单位1']
    coverage = {row[0]: row for row in education.chart("coverage").rows}
    assert coverage[str(YEAR)][:4] == (str(YEAR), 2, 2, Decimal("100.00"))
    everyone = selectors.analytics(world.bureau, selectors.Filters(YEAR))
    assert {row[0]: row[-1] for row in everyone.chart("grades").rows}[str(YEAR)] == 5
    client = _client(world)
    page = client.get("/results/analytics/", {"year": YEAR, "sector": "卫生健康"}).content.decode()
    assert '<option value="卫生健康" selected>卫生健康</option>' in page and "单位2" in page and "单位0" not in page
    export = client.get("/results/analytics/grades.xlsx", {"year": YEAR, "sector": "教育"})
    sheet = load_workbook(BytesIO(export.content)).active
    assert "教育" in sheet.cell(row=1, column=1).value and sheet.cell(row=4, column=7).value == 2


def test_the_sector_filter_applies_to_the_monitoring_lights(world: World) -> None:
    _rounds_with_lights(world)  # every report is unit A's
    world.unit_a.sector = "城市管理"
    world.unit_a.save(update_fields=["sector"])
    lights = selectors.analytics(world.bureau, selectors.Filters(2025, sector="城市管理")).chart("lights")
    assert [row[-1] for row in lights.rows] == [3, 3]
    other = selectors.analytics(world.bureau, selectors.Filters(2025, sector="教育")).chart("lights")
    assert [row[-1] for row in other.rows] == [0, 0]  # the rounds are there; none of this sector's reports
