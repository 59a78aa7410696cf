"""Demo data after the self-evaluation (docs/results.md): last year's rectification items in
several states, a bureau re-evaluation, department evaluations (部门评价) of some projects, this
year's results application list, and monitoring rounds over two years whose lights the analytics
page draws."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.core.model import EvaluationKind
from jixiao.core.rectification import Action, Source
from jixiao.core.targets.model import DeclarationKind
from jixiao.web.accounts.models import Bureau, Membership, Role, Unit
from jixiao.web.evaluations import services as evaluation_services
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.results import services
from jixiao.web.targets import services as targets
from jixiao.web.targets.models import Declaration, MonitoringRound

#: a one-page PDF as evidence of the demo's closed item
_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _unit_user(evaluation: Evaluation) -> object:
    member = Membership.objects.filter(unit=evaluation.unit, role=Role.PREPARER).select_related("user").first()
    assert member is not None
    return member.user


def load_results_demo(bureau: Bureau, reviewer: object, year: int) -> None:
    """Items issued from last year's published evaluations; one re-evaluation; the year's list;
    monitoring rounds of last year and this year."""
    load_monitoring_demo(bureau, reviewer, year)
    earlier = Evaluation.objects.filter(unit__bureau=bureau, year=year - 1, state="published").select_related("unit")
    for index, evaluation in enumerate(earlier.order_by("unit__code")):
        services.items_from_evaluation(by=reviewer, evaluation=evaluation, deadline=date(year, 6, 30))
        unit_user = _unit_user(evaluation)
        items = list(evaluation.rectification_items.order_by("pk"))
        if not items:
            continue
        first = items[0]
        services.item_move(by=unit_user, item=first, action=Action.START)
        if index == 0:  # the first unit finished: fed back with a file, approved, closed
            upload = SimpleUploadedFile("整改情况报告.pdf", _PDF, content_type="application/pdf")
            services.item_attach(by=unit_user, item=first, upload=upload)
            services.item_move(by=unit_user, item=first, action=Action.FEED_BACK, feedback="已按措施完成并报送台账。")
            services.item_move(by=reviewer, item=first, action=Action.APPROVE)
            services.item_move(by=reviewer, item=first, action=Action.CLOSE)
    services.item_create(
        by=reviewer,
        unit=earlier.order_by("unit__code").first().unit if earlier.exists() else bureau.units.first(),
        year=year - 1,
        source=Source.MONITORING,
        problem="1—7 月预算执行进度低于序时进度 20 个百分点",
        measure="按月通报执行进度，9 月底前完成政府采购",
        deadline=date(year - 1, 9, 30),
    )
    sampled = Evaluation.objects.filter(unit__bureau=bureau, year=year, state__in=["approved", "published"])
    target = sampled.order_by("unit__code").first()
    if target is not None:
        services.re_evaluate(
            by=reviewer,
            evaluation=target,
            actuals={0: "0"},
            note="抽查台账：第一项指标未见完成记录，按未完成计分。",
        )
    load_department_demo(bureau, year)
    services.application_build(by=reviewer, bureau=bureau, year=year)


def load_department_demo(bureau: Bureau, year: int) -> None:
    """Every other project evaluation of the year recorded as evaluated by its 主管部门 (部门评价),
    so the coverage page shows the department line with some units short of the requirement.
    The monitored projects get a 项目支出自评 draft each (100 万元) when the year has none."""
    if not Evaluation.objects.filter(unit__bureau=bureau, year=year, kind="project").exists():
        for code, project, _ in _MONITORED:
            unit = Unit.objects.get(bureau=bureau, code=code)
            framework = bureau.project_framework
            if framework is None:
                return
            document = evaluation_services.starter_document(
                unit, year, EvaluationKind.PROJECT, project, framework.framework_id
            )
            document.setdefault("budget", {})["adjusted"] = "100"
            member = Membership.objects.filter(unit=unit, role=Role.PREPARER).select_related("user").first()
            assert member is not None
            evaluation_services.evaluation_create(
                unit=unit, year=year, kind=EvaluationKind.PROJECT, framework=framework, by=member.user,
                project=project, document=document,
            )  # fmt: skip
    projects = Evaluation.objects.filter(unit__bureau=bureau, year=year, kind="project").select_related("unit")
    for index, evaluation in enumerate(projects.order_by("unit__code", "pk")):
        if index % 2:
            continue
        services.department_record(
            by=_unit_user(evaluation),
            evaluation=evaluation,
            evaluator=f"{evaluation.unit.name}主管部门",
            completed=date(year + 1, 3, 31),
            score="86.5",
            grade="良",
            report=f"{evaluation.project or '项目'}绩效评价报告",
        )


#: the demo's monitored projects: (unit code, project, spent of 100 万元 by month 7 per year offset)
_MONITORED = (
    ("360102002", "家庭经济困难学生资助", {-1: 62, 0: 60}),
    ("360102003", "基层医疗卫生机构运行补助", {-1: 50, 0: 57}),
    ("360102004", "困难群众基本生活救助", {-1: 30, 0: 45}),
    ("360102005", "老旧小区改造", {-1: 58, 0: 40}),
)


def _declaration_document(unit: Unit, year: int, project: str) -> dict[str, Any]:
    return {
        "schema": "jixiao/declaration@1", "kind": "项目", "year": year, "unit": unit.name, "project": project,
        "funds": {"total": 100, "request": 100, "fiscal": 100, "carryover": 0, "other": 0},
        "annual_goal": f"按计划完成{project}年度任务。",
        "indicators": [
            {"l1": "产出指标", "l2": "数量指标", "name": "任务完成率", "target": "≥95%", "unit": "%", "weight": 30},
            {"l1": "产出指标", "l2": "成本指标", "name": "成本控制率", "target": "≤100%", "unit": "%", "weight": 20},
            {"l1": "效益指标", "l2": "社会效益指标", "name": "受益对象覆盖率", "target": "≥90%", "unit": "%",
             "weight": 30},
            {"l1": "满意度指标", "l2": "服务对象满意度指标", "name": "服务对象满意度", "target": "≥90%", "unit": "%",
             "weight": 20},
        ],
    }  # fmt: skip


def load_monitoring_demo(bureau: Bureau, reviewer: Any, year: int) -> None:
    """Four projects declared and approved for last year and this year, a 1—7 月 round each year
    (and 1—10 月 last year) filled in so that the lights differ (docs/targets.md#lights)."""
    targets.rules_save(bureau=bureau, by=reviewer, red_lag=Decimal(10), yellow_lag=Decimal(5), blue_ahead=None,
                       possible_counts_as_achievable=True)  # fmt: skip
    units = {unit.code: unit for unit in Unit.objects.filter(bureau=bureau)}
    for offset in (-1, 0):
        for code, project, _ in _MONITORED:
            unit = units[code]
            preparer = Membership.objects.filter(unit=unit, role=Role.PREPARER).select_related("user").first()
            assert preparer is not None
            made = targets.declaration_create(unit=unit, year=year + offset, kind=DeclarationKind.PROJECT,
                                              project=project, by=preparer.user,
                                              document=_declaration_document(unit, year + offset, project))  # fmt: skip
            targets.declaration_submit(declaration=made, by=preparer.user, expected_lock_version=made.lock_version)
            made.refresh_from_db()
            targets.declaration_approve(declaration=made, by=reviewer, expected_lock_version=made.lock_version)
    months = {-1: (7, 10), 0: (7,)}
    for offset, round_months in months.items():
        for month in round_months:
            opened = targets.round_open(bureau=bureau, year=year + offset, month=month, name="", deadline=None,
                                        by=reviewer)  # fmt: skip
            _fill_round(opened, offset)
            if (offset, month) != (0, 7):
                targets.round_close(monitoring_round=opened, by=reviewer)


def _fill_round(opened: MonitoringRound, offset: int) -> None:
    spent_by = {project: spent[offset] for _, project, spent in _MONITORED}
    for report in opened.reports.select_related("unit", "declaration", "round"):
        declaration: Declaration = report.declaration
        spent = Decimal(spent_by[declaration.project]) * opened.month / 7
        if report.unit.code == "360102005" and offset == 0:
            continue  # not reported yet: the overview and the analytics count it apart
        preparer = Membership.objects.filter(unit=report.unit, role=Role.PREPARER).select_related("user").first()
        assert preparer is not None
        unlikely = spent < 45
        indicators = [
            {"name": row["name"], "expected": "80%" if unlikely and index == 0 else row["target"].lstrip("≥≤"),
             "likelihood": "impossible" if unlikely and index == 0 else "certain",
             **({"reasons": ["项目实施计划调整"], "reason_note": "实施方案调整，开工推迟",
                 "measures": "倒排工期，按月通报进度"} if unlikely and index == 0 else {})}
            for index, row in enumerate(declaration.document["indicators"])
        ]  # fmt: skip
        document = {**report.document, "budget": {"initial": "100", "spent": f"{spent:.2f}"},
                    "indicators": indicators}  # fmt: skip
        targets.report_save(report=report, document=document, by=preparer.user, submit=True)
