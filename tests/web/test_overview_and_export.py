"""The bureau overview: every unit, filters and sorting, .xlsx export where user text stays text."""

from __future__ import annotations

import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jixiao.web.accounts.models import Unit
from tests.web.world import World, clean_document, p0_document


def test_every_unit_of_the_bureau_is_listed_with_its_figures(world: World, client) -> None:
    Unit.objects.create(bureau=world.bureau, code="D001", name="测试区丁单位（未填报）")
    client.force_login(world.reviewer)
    response = client.get(reverse("reviews:overview"), {"year": 2021})
    rows = response.context["data"].rows
    names = [row.name for row in rows]
    assert names == ["测试区甲单位", "测试区乙单位", "测试区丁单位（未填报）"]
    assert "另一区丙单位" not in response.content.decode()  # another bureau's unit
    a = rows[0]
    assert a.state == "draft" and a.version.total == world.fresh("draft_a").current_version.total
    assert rows[2].state_label == "未填报"


def test_filters_and_sorting(world: World, client) -> None:
    world.create(world.unit_b, p0_document(world.unit_b.name, 2016), world.prep_b, year=2016)
    client.force_login(world.reviewer)
    overview = reverse("reviews:overview")
    p0 = client.get(overview, {"year": 2016, "p0": "1"}).context["data"].rows
    assert [(r.code, r.version.p0_count) for r in p0] == [("A001", 1), ("B001", 1)]
    published = client.get(overview, {"year": 2017, "state": "published"}).context["data"].rows
    assert [r.code for r in published] == ["A001"]
    none = client.get(overview, {"year": 2017, "state": "none"}).context["data"].rows
    assert [r.code for r in none] == ["B001"]
    by_name = client.get(overview, {"year": 2021, "q": "乙"}).context["data"].rows
    assert [r.code for r in by_name] == ["B001"]
    ranked = client.get(overview, {"year": 2021, "sort": "-total"}).context["data"].rows
    totals = [r.version.total for r in ranked]
    assert totals == sorted(totals, reverse=True)


def test_the_export_never_turns_user_text_into_a_formula(world: World, client) -> None:
    hostile = "=cmd|' /C calc'!A0"
    unit = Unit.objects.create(bureau=world.bureau, code="=1+1", name=hostile)
    member = world.prep_b
    from jixiao.web.accounts.models import Membership, Role

    Membership.objects.create(user=member, role=Role.PREPARER, unit=unit)
    member.__dict__.pop("_jixiao_scope", None)
    world.create(unit, clean_document(hostile), member)
    client.force_login(world.reviewer)
    response = client.get(reverse("reviews:export"), {"year": 2021})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert hostile in values and "=1+1" in values
    totals = [cell.value for cell in cells if cell.column == 5 and cell.row > 2]
    assert all(isinstance(value, (int, float)) for value in totals)  # figures stay numbers


def test_the_reviewer_of_another_bureau_sees_only_its_own_units(world: World, client) -> None:
    client.force_login(world.reviewer_other)
    rows = client.get(reverse("reviews:overview"), {"year": 2021}).context["data"].rows
    assert [r.code for r in rows] == ["C001"]
    # Naming the other bureau in the query string does not help.
    rows = client.get(reverse("reviews:overview"), {"year": 2021, "bureau": world.bureau.pk}).context["data"].rows
    assert [r.code for r in rows] == ["C001"]


def test_rows_link_to_the_evaluation_and_to_the_review_while_it_awaits_a_decision(world: World, client) -> None:
    client.force_login(world.reviewer)
    overview = reverse("reviews:overview")
    signed = world.fresh("signed_a")
    page = client.get(overview, {"year": signed.year}).content.decode()
    assert f'href="{reverse("evaluations:detail", args=[signed.pk])}"' in page
    assert f'href="{reverse("reviews:review", args=[signed.pk])}"' in page
    draft = world.fresh("draft_a")
    response = client.get(overview, {"year": draft.year})
    page = response.content.decode()
    assert f'href="{reverse("evaluations:detail", args=[draft.pk])}"' in page
    assert reverse("reviews:review", args=[draft.pk]) not in page
    assert f"{timezone.localtime(draft.updated_at):%Y-%m-%d %H:%M}" in page
    # Each year of the bureau once, latest first (not one entry per evaluation).
    years = sorted({e.year for e in world.evaluations.values() if e.unit.bureau_id == world.bureau.pk}, reverse=True)
    assert response.context["years"] == years


def test_the_overview_pages_and_the_export_has_every_row(world: World, client, monkeypatch) -> None:
    from jixiao.web.reviews import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for i in range(3):
        Unit.objects.create(bureau=world.bureau, code=f"E00{i}", name=f"测试区未填报单位{i}")
    client.force_login(world.reviewer)
    overview = reverse("reviews:overview")
    first = client.get(overview, {"year": 2021, "sort": "code"})
    data = first.context["data"]
    assert (data.matching, data.pages, data.page, data.first, data.last) == (5, 3, 1, 1, 2)
    assert [r.code for r in data.rows] == ["A001", "B001"]
    page = first.content.decode()
    assert "共 5 行，本页第 1–2 行" in page and "第 1 / 3 页" in page
    assert "sort=code&amp;year=2021&amp;page=2" in page or "year=2021&amp;sort=code&amp;page=2" in page
    second = client.get(overview, {"year": 2021, "sort": "code", "page": "2"}).context["data"]
    third = client.get(overview, {"year": 2021, "sort": "code", "page": "3"}).context["data"]
    assert [r.code for r in second.rows] == ["E000", "E001"] and [r.code for r in third.rows] == ["E002"]
    assert client.get(overview, {"year": 2021, "page": "99"}).context["data"].page == 3  # the last page
    assert client.get(overview, {"year": 2021, "page": "x"}).context["data"].page == 1
    # The counts by state cover every page, not the one shown.
    assert data.counts["none"] == 3
    export = client.get(reverse("reviews:export"), {"year": 2021, "sort": "code", "page": "2"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [sheet.cell(row=r, column=1).value for r in range(3, 8)] == ["A001", "B001", "E000", "E001", "E002"]
