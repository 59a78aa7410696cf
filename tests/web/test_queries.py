"""The number of SQL queries of a page does not grow with the number of units or indicators."""

from __future__ import annotations

import copy

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.web.accounts.models import Unit
from jixiao.web.evaluations import services
from tests.web.world import World, clean_document


def _count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def _add_units(world: World, n: int, start: int) -> None:
    from jixiao.web.accounts.models import Membership, Role

    for i in range(start, start + n):
        unit = Unit.objects.create(bureau=world.bureau, code=f"X{i:03d}", name=f"测试区第{i}单位")
        Membership.objects.create(user=world.prep_b, role=Role.PREPARER, unit=unit)
        world.prep_b.__dict__.pop("_jixiao_scope", None)
        world.create(unit, clean_document(unit.name), world.prep_b)


def test_overview_queries_do_not_grow_with_units(world: World, client) -> None:
    client.force_login(world.reviewer)
    url = reverse("reviews:overview")
    _add_units(world, 2, 0)
    few = _count(client, url, {"year": 2021})
    _add_units(world, 12, 10)
    many = _count(client, url, {"year": 2021})
    assert many == few


def test_export_queries_do_not_grow_with_units(world: World, client) -> None:
    client.force_login(world.reviewer)
    url = reverse("reviews:export")
    few = _count(client, url, {"year": 2021})
    _add_units(world, 10, 0)
    assert _count(client, url, {"year": 2021}) == few


def _with_indicators(world: World, n: int) -> None:
    target = world.fresh("draft_a")
    document = copy.deepcopy(target.current_version.document)
    template = document["indicators"][0]
    extra = [dict(template, name=f"追加指标{i}", weight="0") for i in range(n)]
    document["indicators"] = document["indicators"] + extra
    services.evaluation_save_document(
        evaluation=target, document=document, by=world.prep_a, expected_lock_version=target.lock_version
    )


def test_editor_and_evaluation_page_queries_do_not_grow_with_indicators(world: World, client) -> None:
    client.force_login(world.prep_a)
    pk = world.evaluations["draft_a"].pk
    pages = [
        reverse("evaluations:edit", kwargs={"pk": pk, "section": "indicators"}),
        reverse("evaluations:detail", kwargs={"pk": pk}),
        reverse("evaluations:evidence", kwargs={"pk": pk}),
    ]
    few = [_count(client, url) for url in pages]
    _with_indicators(world, 40)
    assert [_count(client, url) for url in pages] == few


def test_dashboard_queries_do_not_grow_with_evaluations(world: World, client) -> None:
    client.force_login(world.prep_a)
    url = reverse("evaluations:dashboard")
    few = _count(client, url)
    for year in (2010, 2011, 2012):
        world.create(world.unit_a, clean_document(world.unit_a.name, year), world.prep_a, year=year)
    assert _count(client, url) == few
