"""The unit's own score in the web app: recorded with a reason, audited, stated by the publication copy
and the portal; a difference from the computed score shows only in the review copy. Assumed values
refuse a publication copy (docs/web.md, 单位采用的自评得分)."""

from __future__ import annotations

import copy
import io
from decimal import Decimal
from importlib import import_module
from typing import Any

import docx
import pytest
from django.apps import apps
from django.urls import reverse

from jixiao.web.evaluations import services
from jixiao.web.evaluations.errors import TransitionRefused
from jixiao.web.evaluations.models import AuditEvent, EvaluationVersion
from tests.web.world import World

REASON = "按本区财政局评分标准（测财〔2022〕3号）对预算调整另行扣分"


def _adopt(world: World, key: str, total: str, grade: str, reason: str = REASON) -> None:
    target = world.fresh(key)
    document = copy.deepcopy(target.current_version.document)
    document["stated"] = {"total": total, "grade": grade, "reason": reason}
    services.evaluation_save_document(
        evaluation=target, document=document, by=world.prep_a, expected_lock_version=target.lock_version
    )


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def _report(client: Any, world: World, key: str, review: bool) -> Any:
    evaluation = world.fresh(key)
    url = reverse(
        "evaluations:version_report",
        kwargs={"pk": evaluation.pk, "number": evaluation.current_version.number, "fmt": "docx"},
    )
    return client.get(url, {"copy": "review"} if review else {})


def test_without_a_stated_score_the_unit_adopts_the_computed_one(world: World) -> None:
    version = world.fresh("draft_a").current_version
    assert version.total is not None
    assert (version.adopted_total, version.adopted_grade) == (version.total, version.grade)


def test_a_recorded_score_with_reason_is_adopted_and_audited(world: World, client: Any) -> None:
    target = world.fresh("draft_a")
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:edit", kwargs={"pk": target.pk, "section": "results"}),
        {"lock_version": target.lock_version, "stated.total": "80.5", "stated.grade": "良", "stated.reason": REASON},
    )
    assert response.status_code in (200, 302)
    version = world.fresh("draft_a").current_version
    assert version.adopted_total == Decimal("80.5") and version.adopted_grade == "良"
    assert version.total != version.adopted_total  # the computed score is kept beside it
    event = AuditEvent.objects.filter(evaluation=target).first()
    assert event.actor == world.prep_a and event.changes["stated.reason"] == [None, REASON]


def test_the_editor_asks_for_the_reason(world: World, client: Any) -> None:
    client.force_login(world.prep_a)
    page = client.get(reverse("evaluations:edit", kwargs={"pk": world.evaluations["draft_a"].pk, "section": "results"}))
    text = page.content.decode()
    assert "单位采用的自评得分" in text and "采用此得分的理由" in text and 'name="stated.reason"' in text


def test_the_difference_appears_in_the_review_copy_only(world: World, client: Any) -> None:
    _adopt(world, "draft_a", "80.5", "良")
    computed = world.fresh("draft_a").current_version.total
    client.force_login(world.prep_a)
    publication = _text(_report(client, world, "draft_a", review=False).content)
    assert "自评得分80.5分，评价等级为“良”。" in publication
    assert "审核提示" not in publication and REASON not in publication and f"{computed}" not in publication
    review = _text(_report(client, world, "draft_a", review=True).content)
    assert "自评得分80.5分，评价等级为“良”。" in review
    assert f"得分为{computed}分" in review and REASON in review
    assert "填报自评总分 80.5 分" in review  # the checker's finding (TOTAL_MISMATCH) in the appendix


def test_the_unit_sees_both_scores_on_its_page(world: World, client: Any) -> None:
    client.force_login(world.prep_a)
    url = reverse("evaluations:detail", kwargs={"pk": world.evaluations["draft_a"].pk})
    assert "单位采用的得分" not in client.get(url).content.decode()
    _adopt(world, "draft_a", "80.5", "良")
    page = client.get(url).content.decode()
    assert "总分（计算）" in page and "单位采用的得分" in page and "单位采用的等级" in page and "80.5" in page


def test_the_portal_shows_the_adopted_score(world: World, client: Any) -> None:
    published = world.fresh("published_a")
    version = published.current_version
    EvaluationVersion.objects.filter(pk=version.pk).update(adopted_total=Decimal("80.5"), adopted_grade="良")
    page = client.get(reverse("portal:year", kwargs={"year": published.year})).content.decode()
    assert "80.50" in page and f"{version.total}" not in page


def test_the_api_gives_both_scores(world: World, client: Any) -> None:
    _adopt(world, "draft_a", "80.5", "良")
    version = world.fresh("draft_a").current_version
    token = world.tokens["prep_a"]
    found = client.get(
        f"/api/evaluations/{world.evaluations['draft_a'].pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert (found["total"], found["grade"]) == (format(version.total, "f"), version.grade)
    assert (found["adopted_total"], found["adopted_grade"]) == ("80.50", "良")


def test_a_publication_copy_with_assumed_values_is_refused_in_chinese(world: World, client: Any) -> None:
    target = world.fresh("draft_a")
    document = copy.deepcopy(target.current_version.document)
    document["indicators"][0]["assumed"] = ["target", "weight"]
    services.evaluation_save_document(
        evaluation=target, document=document, by=world.prep_a, expected_lock_version=target.lock_version
    )
    name = document["indicators"][0]["name"]
    client.force_login(world.prep_a)
    refused = _report(client, world, "draft_a", review=False)
    assert refused.status_code == 409
    message = refused.content.decode()
    assert message.startswith("不能生成公开版：") and f"“{name}”的年度指标值、分值是假设值" in message
    review = _report(client, world, "draft_a", review=True)
    assert review.status_code == 200 and "（假设值）" in _text(review.content)


def test_an_evaluation_with_assumed_values_cannot_be_published(world: World) -> None:
    approved = world.fresh("approved_a")
    version = approved.current_version
    document = copy.deepcopy(version.document)
    document["indicators"][0]["assumed"] = ["weight"]
    EvaluationVersion.objects.filter(pk=version.pk).update(document=document)
    with pytest.raises(TransitionRefused) as refused:
        services.evaluation_publish(evaluation=world.fresh("approved_a"), by=world.reviewer)
    assert refused.value.message.startswith("不能公开：") and "分值是假设值" in refused.value.message
    assert world.fresh("approved_a").state == approved.state


def test_the_migration_fills_the_adopted_score_of_existing_versions(world: World) -> None:
    migration = import_module("jixiao.web.evaluations.migrations.0002_adopted_score")
    version = world.fresh("draft_a").current_version
    document = copy.deepcopy(version.document)
    document["stated"] = {"total": "77", "grade": "中"}
    EvaluationVersion.objects.filter(pk=version.pk).update(document=document, adopted_total=None, adopted_grade="")
    other = world.fresh("draft_b").current_version
    EvaluationVersion.objects.filter(pk=other.pk).update(adopted_total=None, adopted_grade="")
    migration.fill_adopted(apps, None)
    version.refresh_from_db()
    other.refresh_from_db()
    assert (version.adopted_total, version.adopted_grade) == (Decimal("77"), "中")
    assert (other.adopted_total, other.adopted_grade) == (other.total, other.grade)
