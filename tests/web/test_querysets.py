"""The named ways of fetching evaluations: what each loads, leaves out and orders by."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.web.evaluations import selectors
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.workflow import State
from jixiao.web.portal import selectors as portal
from tests.web.world import World


def test_a_listing_loads_unit_bureau_framework_and_summary_but_no_document(world: World) -> None:
    rows = list(Evaluation.objects.filter(unit=world.unit_a).listing())
    with CaptureQueriesContext(connection) as queries:
        seen = [(row.year, row.unit.code, row.unit.bureau.name, row.framework.framework_id) for row in rows]
        totals = [row.current_version.total for row in rows]
    assert len(queries) == 0
    assert [year for year, *_ in seen] == [2021, 2020, 2019, 2018, 2017, 2016]  # latest year first
    assert {bureau for _, _, bureau, _ in seen} == {"测试区财政局"}
    assert all(total is not None for total in totals)
    for row in rows:
        assert "document" in row.current_version.get_deferred_fields()
        assert "yaml_text" in row.framework.get_deferred_fields()


def test_a_listing_orders_by_year_then_unit_code(world: World) -> None:
    rows = Evaluation.objects.filter(year=2021).listing()
    assert [row.unit.code for row in rows] == ["A001", "B001", "C001"]


def test_one_evaluation_with_its_related_rows_reads_them_without_further_queries(world: World) -> None:
    found = Evaluation.objects.with_related().get(pk=world.evaluations["draft_a"].pk)
    with CaptureQueriesContext(connection) as queries:
        assert found.unit.bureau == world.bureau
        assert f"id: {found.framework.framework_id}" in found.framework.yaml_text
        assert found.current_version.document["unit"]["name"] == world.unit_a.name
    assert len(queries) == 0


def test_published_keeps_only_published_evaluations(world: World) -> None:
    assert [row.state for row in Evaluation.objects.published()] == [State.PUBLISHED.value]
    assert [row.pk for row in portal.published()] == [world.evaluations["published_a"].pk]


def test_the_selectors_list_through_the_listing(world: World) -> None:
    mine = selectors.evaluations_for_user(world.prep_a)
    assert list(mine) == list(Evaluation.objects.filter(unit=world.unit_a).listing())
    visible = selectors.evaluations_visible_to(world.reviewer)
    assert {row.unit.code for row in visible} == {"A001", "B001"}
    assert "document" in next(iter(visible)).current_version.get_deferred_fields()
