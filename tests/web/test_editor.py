"""The editor: sections save their own fields, rows are added/moved/deleted, scoring is live."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from jixiao.core.model import EvaluationKind
from jixiao.web.evaluations.editor import INDICATOR_COLUMNS, SECTIONS, label_for, section_for
from jixiao.web.evaluations.models import Evaluation
from tests.web.formdata import form_fields
from tests.web.world import World


def posted_indicators(document: dict[str, Any], **changes: str) -> dict[str, str]:
    """The indicators form as the browser would post it for ``document``."""
    post = {"indicators.__present": "1"}
    for i, row in enumerate(document["indicators"]):
        for column in INDICATOR_COLUMNS:
            post[f"indicators[{i}].{column.path}"] = str(row.get(column.path, ""))
        extra = {k: v for k, v in row.items() if k not in {c.path for c in INDICATOR_COLUMNS}}
        if extra:
            import json

            post[f"indicators[{i}].__extra"] = json.dumps(extra, ensure_ascii=False)
    post.update(changes)
    return post


def test_every_section_page_renders_for_the_preparer(world: World, client) -> None:
    client.force_login(world.prep_a)
    for section in SECTIONS:
        response = client.get(
            reverse("evaluations:edit", kwargs={"pk": world.evaluations["draft_a"].pk, "section": section.slug})
        )
        assert response.status_code == 200, section.slug
        assert section.title in response.content.decode()


def test_live_scoring_returns_the_new_score_without_saving(world: World, client) -> None:
    target = world.fresh("draft_a")
    client.force_login(world.prep_a)
    url = reverse("evaluations:live", kwargs={"pk": target.pk, "section": "indicators"})
    full = client.post(url, posted_indicators(target.current_version.document)).content.decode()
    assert str(target.current_version.total).rstrip("0").rstrip(".") in full
    lower = client.post(url, posted_indicators(target.current_version.document, **{"indicators[0].actual": "600个"}))
    page = lower.content.decode()
    assert lower.status_code == 200 and 'id="row-score-0"' in page and "hx-swap-oob" in page
    assert "600" in page  # the explanation names the new actual value
    assert world.fresh("draft_a").lock_version == target.lock_version  # nothing saved


def test_live_scoring_explains_an_invalid_value_instead_of_failing(world: World, client) -> None:
    target = world.fresh("draft_a")
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:live", kwargs={"pk": target.pk, "section": "indicators"}),
        posted_indicators(target.current_version.document, **{"indicators[0].weight": "十分"}),
    )
    page = response.content.decode()
    assert response.status_code == 200 and "暂时无法计分" in page and "分值" in page


def test_live_budget_shows_the_execution_rate_the_core_computes(world: World, client) -> None:
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:live", kwargs={"pk": world.evaluations["draft_a"].pk, "section": "budget"}),
        {"budget.adjusted": "200", "budget.executed": "150"},
    )
    page = response.content.decode()
    assert 'id="budget-rates"' in page and "150 ÷ 200 × 100% = 75%" in page


def test_row_buttons_change_the_form_but_save_nothing(world: World, client) -> None:
    target = world.fresh("draft_a")
    client.force_login(world.prep_a)
    url = reverse("evaluations:edit", kwargs={"pk": target.pk, "section": "indicators"})
    document = target.current_version.document
    first, second = document["indicators"][0]["name"], document["indicators"][1]["name"]
    post = posted_indicators(document, lock_version=str(target.lock_version), _row="indicators:down:0")
    page = client.post(url, post).content.decode()
    assert "尚未保存" in page and page.index(second) < page.index(first)
    assert world.fresh("draft_a").lock_version == target.lock_version


def test_adding_and_deleting_indicators_through_the_form(world: World, client) -> None:
    target = world.fresh("draft_a")
    client.force_login(world.prep_a)
    url = reverse("evaluations:edit", kwargs={"pk": target.pk, "section": "indicators"})
    document = target.current_version.document
    n = len(document["indicators"])
    post = posted_indicators(document, lock_version=str(target.lock_version))
    post |= {
        f"indicators[{n}].l1": "产出指标",
        f"indicators[{n}].l2": "时效指标",
        f"indicators[{n}].name": "资金拨付及时率",
        f"indicators[{n}].target": "=100%",
        f"indicators[{n}].actual": "100%",
        f"indicators[{n}].weight": "0",
    }
    response = client.post(url, post)
    assert response.status_code == 302
    saved = world.fresh("draft_a")
    assert saved.current_version.document["indicators"][-1]["name"] == "资金拨付及时率"
    assert saved.current_version.indicator_count == n + 1
    # Deleting: the row button, then save.
    post = posted_indicators(
        saved.current_version.document, lock_version=str(saved.lock_version), _row=f"indicators:delete:{n}"
    )
    page = client.post(url, post).content.decode()
    assert "资金拨付及时率" not in page
    client.post(url, posted_indicators(document, lock_version=str(saved.lock_version)))
    assert world.fresh("draft_a").current_version.indicator_count == n


def test_a_section_save_keeps_what_other_sections_hold(world: World, client) -> None:
    target = world.fresh("draft_a")
    before = target.current_version.document
    client.force_login(world.prep_a)
    client.post(
        reverse("evaluations:edit", kwargs={"pk": target.pk, "section": "narrative"}),
        {
            "lock_version": target.lock_version,
            "narrative.effects": "新的效果说明",
            "narrative.management": before["narrative"]["management"],
        },
    )
    after = world.fresh("draft_a").current_version.document
    assert after["narrative"]["effects"] == "新的效果说明"
    assert after["indicators"] == before["indicators"] and after["budget"] == before["budget"]
    assert after["narrative"]["problems"] == before["narrative"]["problems"]  # another section's list


def test_findings_link_to_the_field_they_concern(world: World, client) -> None:
    client.force_login(world.prep_a)
    pk = world.evaluations["p0_a"].pk
    page = client.get(reverse("evaluations:detail", kwargs={"pk": pk})).content.decode()
    path = "indicators[9].actual"
    assert f"/evaluations/{pk}/edit/indicators/#f-{path}" in page
    editor = client.get(reverse("evaluations:edit", kwargs={"pk": pk, "section": "indicators"})).content.decode()
    assert f'id="f-{path}"' in editor and f'href="#f-{path}"' in editor


def test_paths_have_chinese_labels_and_sections() -> None:
    assert label_for("indicators[3].target") == "绩效指标第 4 行 · 年度指标值"
    assert label_for("budget.by_nature[0].executed") == "按支出性质第 1 行 · 全年执行数"
    assert label_for("budget.adjusted") == "全年预算数（调整后）"
    assert section_for("indicators[3].target").slug == "indicators"
    assert section_for("narrative.problems[0].cause").slug == "problems"
    assert section_for("narrative.effects").slug == "narrative"
    assert section_for("stated.total").slug == "results"
    assert section_for("items.execution_rate").slug == "budget"


def test_creating_evaluations_through_the_form(world: World, client) -> None:
    from jixiao.web.evaluations.models import Evaluation, FrameworkRecord

    client.force_login(world.prep_b)
    project = FrameworkRecord.objects.get(framework_id="mof-2020-project")
    form = {
        "unit": world.unit_b.pk,
        "year": 2021,
        "kind": "project",
        "project": "老旧小区改造",
        "framework": project.pk,
    }
    response = client.post(reverse("evaluations:create"), form)
    created = Evaluation.objects.get(unit=world.unit_b, kind="project")
    assert response["Location"] == reverse("evaluations:edit", kwargs={"pk": created.pk, "section": "profile"})
    assert created.current_version.document["project"]["name"] == "老旧小区改造"
    assert "项目名称" in client.get(response["Location"]).content.decode()
    again = client.post(reverse("evaluations:create"), form).content.decode()
    assert "已有 2021 年度项目支出自评" in again
    wrong = dict(form, kind="department")  # a project standard for a department evaluation
    assert "不适用于部门整体支出评价" in client.post(reverse("evaluations:create"), wrong).content.decode()
    # Another unit's id in the form is not offered, so it is refused as an invalid choice.
    foreign = dict(form, unit=world.unit_a.pk, project="别人的项目")
    assert client.post(reverse("evaluations:create"), foreign).status_code == 200
    assert not Evaluation.objects.filter(project="别人的项目").exists()


def _new_evaluation(world: World, kind: EvaluationKind) -> Any:
    from jixiao.web.evaluations import services
    from jixiao.web.evaluations.models import FrameworkRecord

    framework = FrameworkRecord.objects.filter(kinds__contains=kind.value).order_by("framework_id").first()
    project = "校舍维修" if kind is EvaluationKind.PROJECT else ""
    return services.evaluation_create(
        unit=world.unit_a, year=2030, kind=kind, framework=framework, by=world.prep_a, project=project
    )


def test_every_section_of_a_new_evaluation_saves_as_first_shown(world: World, client) -> None:
    client.force_login(world.prep_a)
    for kind in EvaluationKind:
        created = _new_evaluation(world, kind)
        for section in SECTIONS:
            url = reverse("evaluations:edit", kwargs={"pk": created.pk, "section": section.slug})
            shown = form_fields(client.get(url).content.decode(), "editor-form")
            response = client.post(url, shown)
            assert response.status_code == 302, (kind, section.slug, response.content.decode()[:2000])
        document = Evaluation.objects.get(pk=created.pk).current_version.document
        # The prefilled rows (流动资产, 基本支出 …) were left empty: they are not stored as rows.
        assert "parts" not in document["unit"].get("assets", {}) and "by_nature" not in document.get("budget", {})


def test_the_profile_keeps_what_was_typed_and_needs_no_empty_asset_rows(world: World, client) -> None:
    created = _new_evaluation(world, EvaluationKind.DEPARTMENT)
    client.force_login(world.prep_a)
    url = reverse("evaluations:edit", kwargs={"pk": created.pk, "section": "profile"})
    typed = form_fields(client.get(url).content.decode(), "editor-form") | {
        "unit.duties": "负责全区教育事业发展规划",
        "unit.staffing.authorized": "42",
        "unit.assets.total": "1,250.5",
        "unit.assets.parts[0].amount": "300",  # 流动资产 filled, 非流动资产 left as shown
        "goals.annual_tasks": "校舍维修\n教师培训",
    }
    assert client.post(url, typed).status_code == 302
    unit = Evaluation.objects.get(pk=created.pk).current_version.document["unit"]
    assert unit["duties"] == "负责全区教育事业发展规划" and str(unit["staffing"]["authorized"]) == "42"
    assert str(unit["assets"]["total"]) == "1250.5"
    assert [(p["name"], str(p["amount"])) for p in unit["assets"]["parts"]] == [("流动资产", "300")]
    page = client.get(url).content.decode()
    assert "负责全区教育事业发展规划" in page and "教师培训" in page
    # A row the user named but left without an amount is still an error, and the page keeps it.
    named = form_fields(page, "editor-form") | {"unit.assets.parts[1].name": "在建工程"}
    refused = client.post(url, named).content.decode()
    assert "资产构成第 2 行 · 金额：缺少必填字段" in refused and 'value="在建工程"' in refused
