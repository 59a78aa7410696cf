"""No lost work: optimistic locking, all-or-nothing saves, and who/when/what in the history."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse
from django.utils import timezone

from jixiao.web.evaluations import services
from jixiao.web.evaluations.errors import DocumentInvalid, EditConflict
from jixiao.web.evaluations.models import AuditAction, AuditEvent
from tests.web.world import World


def _doc(world: World, key: str = "draft_a") -> dict:
    return copy.deepcopy(world.fresh(key).current_version.document)


def _state(world: World, key: str = "draft_a") -> tuple:
    fresh = world.fresh(key)
    return fresh.lock_version, fresh.current_version.document, fresh.audit_events.count(), fresh.current_version.total


def test_a_stale_save_is_refused_naming_who_changed_it_and_when(world: World) -> None:
    seen = world.fresh("draft_a").lock_version
    mine, theirs = _doc(world), _doc(world)
    theirs["budget"]["executed"] = "30000.00"
    services.evaluation_save_document(
        evaluation=world.fresh("draft_a"), document=theirs, by=world.head_a, expected_lock_version=seen
    )
    mine["budget"]["initial"] = "1.00"
    with pytest.raises(EditConflict) as conflict:
        services.evaluation_save_document(
            evaluation=world.fresh("draft_a"), document=mine, by=world.prep_a, expected_lock_version=seen
        )
    message = conflict.value.message
    event = world.fresh("draft_a").audit_events.first()
    assert "甲负责" in message and f"{timezone.localtime(event.at):%Y-%m-%d}" in message and "没有保存" in message
    saved = world.fresh("draft_a").current_version.document
    assert saved["budget"]["executed"] == "30000.00" and saved["budget"]["initial"] != "1.00"


def test_the_editor_shows_the_conflict_and_keeps_the_typed_values(world: World, client) -> None:
    pk = world.evaluations["draft_a"].pk
    seen = world.fresh("draft_a").lock_version
    other = _doc(world)
    other["budget"]["carryover"] = "1.00"
    services.evaluation_save_document(
        evaluation=world.fresh("draft_a"), document=other, by=world.head_a, expected_lock_version=seen
    )
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:edit", kwargs={"pk": pk, "section": "budget"}),
        {"lock_version": seen, "budget.initial": "12345.67"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "甲负责" in page and "12345.67" in page
    assert world.fresh("draft_a").current_version.document["budget"]["initial"] != "12345.67"


def test_an_invalid_document_changes_nothing(world: World) -> None:
    before = _state(world)
    bad = _doc(world)
    bad["budget"]["executed"] = "-5"
    with pytest.raises(DocumentInvalid) as refused:
        services.evaluation_save_document(
            evaluation=world.fresh("draft_a"), document=bad, by=world.prep_a, expected_lock_version=before[0]
        )
    assert refused.value.path == "budget.executed" and "负数" in refused.value.message
    assert _state(world) == before


def test_an_invalid_form_shows_the_field_and_saves_nothing(world: World, client) -> None:
    before = _state(world)
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:edit", kwargs={"pk": world.evaluations["draft_a"].pk, "section": "budget"}),
        {"lock_version": before[0], "budget.adjusted": "一千万"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "应为数字" in page and 'id="f-budget.adjusted"' in page
    assert "全年预算数（调整后）" in page
    assert _state(world) == before


def test_a_save_records_who_when_and_the_field_level_diff(world: World, client) -> None:
    target = world.fresh("draft_a")
    old_executed = target.current_version.document["budget"]["executed"]
    client.force_login(world.prep_a)
    client.post(
        reverse("evaluations:edit", kwargs={"pk": target.pk, "section": "budget"}),
        {"lock_version": target.lock_version, "budget.executed": "30000.5"},
    )
    event = AuditEvent.objects.filter(evaluation=target).first()
    assert event.action == AuditAction.SAVE and event.actor == world.prep_a
    assert event.changes == {"budget.executed": [old_executed, "30000.5"]}
    after = world.fresh("draft_a")
    assert after.lock_version == target.lock_version + 1
    assert after.current_version.execution_rate is not None  # summary recomputed
    page = client.get(reverse("evaluations:history", kwargs={"pk": target.pk})).content.decode()
    assert "全年执行数（决算支出）" in page and old_executed in page and "30000.5" in page and "甲填报" in page


def test_saving_the_same_document_again_records_nothing(world: World) -> None:
    before = _state(world)
    changed = services.evaluation_save_document(
        evaluation=world.fresh("draft_a"), document=_doc(world), by=world.prep_a, expected_lock_version=before[0]
    )
    assert changed is False and _state(world) == before


def test_the_summary_columns_follow_the_document(world: World) -> None:
    target = world.fresh("draft_a")
    document = _doc(world)
    document["budget"]["executed"] = document["budget"]["adjusted"]
    services.evaluation_save_document(
        evaluation=target, document=document, by=world.prep_a, expected_lock_version=target.lock_version
    )
    assert world.fresh("draft_a").current_version.execution_rate == 100


def _open(client, pk: int, section: str) -> tuple[int, str]:
    """(lock version, section digest) as the editor page hands them to its form."""
    page = client.get(reverse("evaluations:edit", kwargs={"pk": pk, "section": section}))
    return page.context["lock_version"], page.context["section_digest"]


def test_saves_of_different_sections_merge_and_the_merge_is_recorded(world: World, client) -> None:
    pk = world.evaluations["draft_a"].pk
    client.force_login(world.prep_a)
    lock, digest = _open(client, pk, "budget")
    # Meanwhile the head saves another section (分析).
    other = _doc(world)
    other["narrative"]["effects"] = "负责人补写的成效"
    services.evaluation_save_document(
        evaluation=world.fresh("draft_a"), document=other, by=world.head_a, expected_lock_version=lock
    )
    response = client.post(
        reverse("evaluations:edit", kwargs={"pk": pk, "section": "budget"}),
        {"lock_version": lock, "section_digest": digest, "budget.initial": "12345.67", **_budget_rest(world)},
    )
    assert response.status_code == 302
    saved = world.fresh("draft_a")
    assert saved.current_version.document["budget"]["initial"] == "12345.67"
    assert saved.current_version.document["narrative"]["effects"] == "负责人补写的成效"
    event = saved.audit_events.first()
    assert (event.actor, event.action) == (world.prep_a, AuditAction.SAVE)
    assert event.note == "打开页面后他人修改了其他部分；本次只保存“预算执行”，他人的修改已保留（合并）"
    assert set(event.changes) == {"budget.initial"}


def test_saves_of_the_same_section_still_conflict(world: World, client) -> None:
    pk = world.evaluations["draft_a"].pk
    client.force_login(world.prep_a)
    lock, digest = _open(client, pk, "budget")
    other = _doc(world)
    other["budget"]["carryover"] = "1.00"
    services.evaluation_save_document(
        evaluation=world.fresh("draft_a"), document=other, by=world.head_a, expected_lock_version=lock
    )
    response = client.post(
        reverse("evaluations:edit", kwargs={"pk": pk, "section": "budget"}),
        {"lock_version": lock, "section_digest": digest, "budget.initial": "12345.67", **_budget_rest(world)},
    )
    assert response.status_code == 409 and "甲负责" in response.content.decode()
    saved = world.fresh("draft_a").current_version.document["budget"]
    assert saved["carryover"] == "1.00" and saved["initial"] != "12345.67"


def _budget_rest(world: World) -> dict[str, str]:
    """The budget form's other fields as saved (the form posts the whole section)."""
    budget = world.fresh("draft_a").current_version.document["budget"]
    return {
        f"budget.{name}": str(value) for name, value in budget.items() if isinstance(value, str) and name != "initial"
    }
