"""部门评价: recorded on a project evaluation by its unit or the bureau's reviewer, audited, and counted
in the coverage (docs/results.md#coverage)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.web.accounts.models import Unit
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.results import selectors, services
from jixiao.web.results.models import DepartmentEvaluation, DepartmentEvaluationEvent, RuleTableRecord
from tests.web.world import YEAR, World

pytestmark = pytest.mark.django_db

DONE = date(YEAR + 1, 3, 31)


def _record(world: World, evaluation: Evaluation, persona: str = "prep_a", **extra: Any) -> DepartmentEvaluation:
    fields: dict[str, Any] = {"evaluator": "区教育局", "completed": DONE, **extra}
    return services.department_record(by=world.users[persona], evaluation=evaluation, **fields)


def test_recording_changing_and_removing_are_each_recorded(world: World) -> None:
    project = world.project("校舍维修", "100")
    found = _record(world, project, score="88.5", grade="良", report="区教评〔2025〕3号")
    assert (found.evaluator, found.completed, found.score, found.grade) == ("区教育局", DONE, Decimal("88.5"), "良")
    assert found.recorded_by == world.prep_a
    _record(world, project, persona="reviewer", score="86", grade="良", report="区教评〔2025〕3号")
    found.refresh_from_db()
    assert (found.score, found.recorded_by) == (Decimal(86), world.reviewer)
    services.department_remove(by=world.head_a, evaluation=project, note="登记错了项目")
    assert not DepartmentEvaluation.objects.filter(evaluation=project).exists()
    events = list(DepartmentEvaluationEvent.objects.filter(evaluation=project))
    assert [(e.action, e.actor) for e in events] == [
        ("登记", world.prep_a),
        ("修改", world.reviewer),
        ("删除", world.head_a),
    ]
    assert events[0].changes["评价部门"] == ["", "区教育局"]
    assert events[1].changes == {"得分": ["88.5", "86"]}
    assert events[2].changes["评价部门"] == ["区教育局", ""]
    assert events[2].changes["删除理由"] == ["", "登记错了项目"]
    # saving the same again changes nothing and records nothing
    _record(world, project)
    _record(world, project)
    assert DepartmentEvaluationEvent.objects.filter(evaluation=project).count() == 4


@pytest.mark.parametrize("persona", ["prep_b", "reviewer_other", "admin"])
def test_only_the_unit_and_its_bureaus_reviewer_may_record(world: World, persona: str) -> None:
    project = world.project("校舍维修", "100")
    with pytest.raises(PermissionDenied, match="只有本单位的填报人、单位负责人或本局的财政审核人可以登记部门评价"):
        _record(world, project, persona=persona)
    _record(world, project)
    with pytest.raises(PermissionDenied):
        services.department_remove(by=world.users[persona], evaluation=project)
    assert DepartmentEvaluation.objects.filter(evaluation=project).exists()


def test_another_units_user_gets_404_on_the_page(world: World) -> None:
    project = world.project("校舍维修", "100")
    url = f"/results/evaluations/{project.pk}/department/"
    assert world.client("prep_b").get(url).status_code == 404
    answer = world.client("prep_b").post(url, {"evaluator": "区教育局", "completed": DONE.isoformat()})
    assert answer.status_code == 404
    assert not DepartmentEvaluation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"score": "1000.5"}, "部门评价得分数值超出允许范围（最大 1 000 分，最多 4 位小数）"),
        ({"score": "-1"}, "部门评价得分数值超出允许范围"),
        ({"score": "88.12345"}, "最多 4 位小数"),
        ({"score": "八十"}, "部门评价得分“八十”不是数字"),
        ({"score": "NaN"}, "部门评价得分应为有限的数字"),
        ({"grade": "A"}, "部门评价等级应为优、良、中、差之一"),
        ({"evaluator": "  "}, "请填写评价部门"),
        ({"completed": None}, "请填写部门评价的完成日期"),
        ({"note": "说" * 5001}, "说明不能超过 5000 个字（现有 5001 个字）"),
    ],
)
def test_bad_figures_are_refused_in_chinese(world: World, fields: dict[str, Any], message: str) -> None:
    project = world.project("校舍维修", "100")
    with pytest.raises(ServiceError, match=message.replace("（", "\\（").replace("）", "\\）")):
        _record(world, project, **fields)
    assert not DepartmentEvaluation.objects.exists()
    assert not DepartmentEvaluationEvent.objects.exists()


def test_a_department_evaluation_is_recorded_on_projects_only(world: World) -> None:
    with pytest.raises(ServiceError, match="部门评价只登记在项目支出自评上"):
        _record(world, world.fresh("draft_a"))


def test_the_form_records_and_shows_chinese_errors(world: World) -> None:
    project = world.project("校舍维修", "100")
    detail = world.client("prep_a").get(f"/evaluations/{project.pk}/").content.decode()
    url = f"/results/evaluations/{project.pk}/department/"
    assert url in detail
    # the reviewer reaches it from the review page of the project, not from a 部门整体 one
    assert url in world.client("reviewer").get(f"/review/{project.pk}/").content.decode()
    draft = world.fresh("draft_a")
    assert "/department/" not in world.client("prep_a").get(f"/evaluations/{draft.pk}/").content.decode()
    client = world.client("prep_a")
    page = client.post(url, {"evaluator": "区教育局", "completed": "2025年3月"}, follow=True).content.decode()
    assert "完成日期应写成“2025-03-31”的形式" in page
    assert not DepartmentEvaluation.objects.exists()
    answer = client.post(url, {"evaluator": "区教育局", "completed": DONE.isoformat(), "score": "90", "grade": "优"})
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert "部门评价已保存" in page and "区教育局" in page and "90.00（优）" in page and "登记" in page
    assert client.post(f"/results/evaluations/{project.pk}/department/remove/", {"note": "重复"}).status_code == 302
    page = client.get(url).content.decode()
    assert "本项目尚未登记部门评价" in page and "删除理由" in page
    # the unit's administrator reads the page without the form
    admin_page = world.client("admin").get(url).content.decode()
    assert "删除" in admin_page and "登记部门评价</button>" not in admin_page


def test_coverage_counts_department_evaluations_by_number_and_money(world: World) -> None:
    draft = world.fresh("draft_a")
    lines = draft.current_version.document["budget"]["by_nature"]
    project_money = Decimal(next(line["adjusted"] for line in lines if line["name"] == "项目支出"))
    first = world.project("校舍维修", "100")
    world.project("教师培训", "50")
    third = world.project("课后服务", "30")
    _record(world, first)
    _record(world, third, persona="reviewer")
    RuleTableRecord.objects.create(bureau=world.bureau, year=YEAR, data={"coverage": {"self": 100, "department": 70}})
    required = selectors.required_of(world.bureau, YEAR)
    rows, total = selectors.coverage_rows(world.bureau, YEAR, required)
    department = next(row for row in rows if row.unit.pk == world.unit_a.pk).figure("department")
    assert (department.projects, department.of_projects, department.amount) == (2, 3, Decimal(130))
    assert department.share == Decimal("66.67") and department.required == Decimal(70) and department.met is False
    assert total.figure("department").projects == 2
    share = (Decimal(13000) / project_money).quantize(Decimal("0.01"))
    sentence = (
        "本年度部门评价项目 2 个，占全部 3 个项目的 66.67%；涉及资金 130.00 万元，"
        f"占项目资金 {project_money:.2f} 万元的 {share}%，未达到不低于 70% 的要求。"
    )
    page = world.client("reviewer").get("/results/coverage/", {"year": YEAR}).content.decode()
    # the page states the bureau's total (every unit's project money) and each unit's row
    assert "本年度部门评价项目 2 个，占全部 3 个项目的 66.67%；涉及资金 130.00 万元" in page
    assert "部门评价不低于 70%" in page and "尚未在系统中记录" not in page
    assert '<td class="num">2</td><td class="num">130.00</td><td class="num">66.67%</td>' in page
    # the 部门整体 result page and the review page say the same
    detail = world.client("prep_a").get(f"/evaluations/{draft.pk}/").content.decode()
    assert sentence in detail


def test_a_unit_with_projects_but_no_department_evaluation_is_told_so(world: World) -> None:
    draft = world.fresh("draft_a")
    lines = draft.current_version.document["budget"]["by_nature"]
    project_money = Decimal(next(line["adjusted"] for line in lines if line["name"] == "项目支出"))
    world.project("校舍维修", "100")
    world.project("教师培训", "50")
    detail = world.client("prep_a").get(f"/evaluations/{draft.pk}/").content.decode()
    assert (
        f"本年度没有记录部门评价的项目（全部 2 个项目，项目资金 {project_money:.2f} 万元），部门评价覆盖率为 0，"
        "未达到不低于 60% 的要求。"
    ) in detail


def _queries(world: World) -> int:
    required = selectors.required_of(world.bureau, YEAR)
    with CaptureQueriesContext(connection) as captured:
        selectors.coverage_rows(world.bureau, YEAR, required)
    return len(captured.captured_queries)


def test_coverage_takes_the_same_queries_whatever_the_number_of_units(world: World) -> None:
    _record(world, world.project("校舍维修", "100"))
    one = _queries(world)
    for index in range(5):
        unit = Unit.objects.create(bureau=world.bureau, code=f"X{index:03}", name=f"测试区单位{index}")
        for name in ("甲项目", "乙项目"):
            project = world.project(name, "20", unit=unit)
            if name == "甲项目":
                DepartmentEvaluation.objects.create(
                    evaluation=project, evaluator="主管部门", completed=DONE, recorded_by=world.reviewer
                )
    assert _queries(world) == one == 3
    _, total = selectors.coverage_rows(world.bureau, YEAR, selectors.required_of(world.bureau, YEAR))
    assert total.figure("department").projects == 6
