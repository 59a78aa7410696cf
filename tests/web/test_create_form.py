"""新建自评: the standards offered follow the kind, and the bureau's default is preselected."""

from __future__ import annotations

import re

from django.urls import reverse

from jixiao.web.evaluations.models import Evaluation, FrameworkRecord

from .world import World


def _options(page: str) -> tuple[list[str], list[str]]:
    """(labels of every standard offered, labels of the selected ones) in the 评分标准 select."""
    select = re.search(r'<select name="framework".*?</select>', page, re.S)
    assert select is not None
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', select.group(0))
    return [label for value, _, label in options if value], [
        label for value, chosen, label in options if chosen and value
    ]


def _label(framework_id: str) -> str:
    record = FrameworkRecord.objects.get(framework_id=framework_id)
    return f"{record.title}（{record.version} 版）"


def test_department_standards_only_and_none_preselected_without_a_default(world: World, client) -> None:
    client.force_login(world.prep_a)
    page = client.get(reverse("evaluations:create")).content.decode()
    offered, selected = _options(page)
    department = {f"{r.title}（{r.version} 版）" for r in FrameworkRecord.objects.for_kind("department")}
    assert set(offered) == department and _label("mof-2020-project") not in offered
    # No default: the preparer chooses; the first by name (达州) is not taken for them.
    assert selected == [] and '<option value="" selected>请选择评分标准</option>' in page


def test_the_bureaus_default_is_preselected_for_each_kind(world: World, client) -> None:
    world.bureau.department_framework = FrameworkRecord.objects.get(framework_id="dept-generic-2020")
    world.bureau.project_framework = FrameworkRecord.objects.get(framework_id="mof-2020-project")
    world.bureau.save()
    client.force_login(world.prep_a)
    page = client.get(reverse("evaluations:create")).content.decode()
    assert _options(page)[1] == [_label("dept-generic-2020")]
    assert 'hx-get="/evaluations/new/"' in page and 'hx-select="#field-framework"' in page
    # What the htmx refresh asks for when the kind changes to 项目支出.
    refreshed = client.get(
        reverse("evaluations:create"), {"unit": world.unit_a.pk, "kind": "project"}, HTTP_HX_REQUEST="true"
    )
    offered, selected = _options(refreshed.content.decode())
    project = {f"{r.title}（{r.version} 版）" for r in FrameworkRecord.objects.for_kind("project")}
    assert set(offered) == project and _label("dept-generic-2020") not in offered
    assert selected == [_label("mof-2020-project")]


def test_a_standard_of_the_other_kind_is_refused(world: World, client) -> None:
    client.force_login(world.prep_a)
    department = FrameworkRecord.objects.get(framework_id="dept-generic-2020")
    response = client.post(
        reverse("evaluations:create"),
        {
            "unit": world.unit_a.pk,
            "year": 2030,
            "kind": "project",
            "project": "老旧小区改造",
            "framework": department.pk,
        },
    )
    assert response.status_code == 200
    assert not Evaluation.objects.filter(year=2030).exists()
    assert "所选评分标准不适用于项目支出评价，请重新选择" in response.content.decode()
