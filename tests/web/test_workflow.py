"""草稿 → 已提交 → 已签批 → 审核通过 → 已公开, returns, and frozen versions that never change."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jixiao.web.evaluations import services
from jixiao.web.evaluations.errors import ServiceError, SubmissionBlocked, TransitionRefused
from jixiao.web.evaluations.models import AuditAction, EvaluationVersion, Evidence
from jixiao.web.evaluations.workflow import State
from jixiao.web.reviews.models import ReviewComment
from tests.web.world import World


def test_submission_is_refused_with_the_p0_findings_listed(world: World) -> None:
    target = world.fresh("p0_a")
    before = (target.state, target.lock_version, target.audit_events.count())
    with pytest.raises(SubmissionBlocked) as refused:
        services.evaluation_submit(evaluation=target, by=world.prep_a)
    assert [f.code for f in refused.value.findings] == ["SATISFACTION_WITHOUT_SURVEY"]
    assert "P0" in refused.value.message and "满意度" in refused.value.message
    after = world.fresh("p0_a")
    assert (after.state, after.lock_version, after.audit_events.count()) == before
    assert not after.current_version.frozen


def test_the_submit_button_shows_why_submission_was_refused(world: World, client) -> None:
    client.force_login(world.prep_a)
    response = client.post(reverse("evaluations:submit", kwargs={"pk": world.evaluations["p0_a"].pk}), follow=True)
    page = response.content.decode()
    assert "不能提交" in page and "满意度无调查依据" in page
    assert world.fresh("p0_a").state == State.DRAFT


def test_submit_freezes_the_version_and_records_the_transition(world: World) -> None:
    target = world.fresh("draft_a")
    services.evaluation_submit(evaluation=target, by=world.prep_a, expected_lock_version=target.lock_version)
    after = world.fresh("draft_a")
    assert after.state == State.SUBMITTED
    assert after.current_version.frozen and after.current_version.frozen_at is not None
    event = after.audit_events.first()
    assert (event.action, event.actor, event.changes) == (
        AuditAction.SUBMIT,
        world.prep_a,
        {"state": ["draft", "submitted"]},
    )


def test_a_submitted_version_is_immutable(world: World) -> None:
    target = world.fresh("submitted_a")
    frozen = EvaluationVersion.objects.get(pk=target.current_version_id)
    document = dict(frozen.document, goals={"overall": "提交后偷偷改"})
    with pytest.raises(TransitionRefused):
        services.evaluation_save_document(
            evaluation=target, document=document, by=world.prep_a, expected_lock_version=target.lock_version
        )
    with pytest.raises(ServiceError):
        services.evidence_add(
            evaluation=target,
            indicator_index=0,
            upload=None,
            by=world.prep_a,
            expected_lock_version=target.lock_version,
        )
    assert EvaluationVersion.objects.get(pk=frozen.pk).document == frozen.document


def test_only_the_unit_head_signs_off(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.evaluation_sign_off(evaluation=world.fresh("submitted_a"), by=world.prep_a)
    services.evaluation_sign_off(evaluation=world.fresh("submitted_a"), by=world.head_a)
    assert world.fresh("submitted_a").state == State.SIGNED


def test_return_needs_a_comment_and_opens_a_new_editable_version(world: World) -> None:
    target = world.fresh("signed_a")
    with pytest.raises(ServiceError, match="退回意见"):
        services.evaluation_return(evaluation=target, by=world.reviewer, comment="  ")
    frozen = target.current_version
    services.evaluation_return(evaluation=world.fresh("signed_a"), by=world.reviewer, comment="请补充偏差原因")
    after = world.fresh("signed_a")
    assert after.state == State.RETURNED
    assert after.current_version.number == frozen.number + 1 and not after.current_version.frozen
    assert after.current_version.document == frozen.document
    assert EvaluationVersion.objects.get(pk=frozen.pk).frozen
    comment = ReviewComment.objects.get(evaluation=after)
    assert (comment.text, comment.author, comment.version_id) == ("请补充偏差原因", world.reviewer, frozen.pk)


def test_a_returned_evaluation_is_edited_in_its_new_version_and_submitted_again(world: World) -> None:
    services.evaluation_return(evaluation=world.fresh("signed_a"), by=world.reviewer, comment="请修改")
    target = world.fresh("signed_a")
    document = dict(target.current_version.document)
    document["narrative"] = dict(document["narrative"], effects="补充了效果说明")
    services.evaluation_save_document(
        evaluation=target, document=document, by=world.prep_a, expected_lock_version=target.lock_version
    )
    target = world.fresh("signed_a")
    services.evaluation_submit(evaluation=target, by=world.prep_a)
    after = world.fresh("signed_a")
    versions = list(after.versions.order_by("number"))
    assert [v.frozen for v in versions] == [True, True]
    assert versions[0].document["narrative"]["effects"] != "补充了效果说明"
    assert versions[1].document["narrative"]["effects"] == "补充了效果说明"
    assert after.state == State.SUBMITTED


def test_return_copies_the_evidence_rows_to_the_new_version(world: World) -> None:
    target = world.fresh("draft_a")
    services.evaluation_submit(evaluation=target, by=world.prep_a)
    services.evaluation_return(evaluation=world.fresh("draft_a"), by=world.head_a, comment="再看看")
    after = world.fresh("draft_a")
    old, new = after.versions.order_by("number")
    assert Evidence.objects.filter(version=old).count() == Evidence.objects.filter(version=new).count() == 1
    assert Evidence.objects.get(version=old).sha256 == Evidence.objects.get(version=new).sha256


def test_the_head_returns_before_signing_the_reviewer_after(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.evaluation_return(evaluation=world.fresh("signed_a"), by=world.head_a, comment="x")
    with pytest.raises(TransitionRefused):
        services.evaluation_return(evaluation=world.fresh("approved_a"), by=world.reviewer, comment="x")
    services.evaluation_return(evaluation=world.fresh("submitted_a"), by=world.head_a, comment="数字再核对")
    assert world.fresh("submitted_a").state == State.RETURNED


def test_approve_then_publish_puts_it_on_the_portal(world: World, client) -> None:
    services.evaluation_approve(evaluation=world.fresh("signed_a"), by=world.reviewer, comment="同意")
    assert world.fresh("signed_a").state == State.APPROVED
    pk = world.evaluations["signed_a"].pk
    assert client.get(reverse("portal:detail", kwargs={"pk": pk})).status_code == 404
    services.evaluation_publish(evaluation=world.fresh("signed_a"), by=world.reviewer)
    after = world.fresh("signed_a")
    assert after.state == State.PUBLISHED and after.published_at is not None
    assert client.get(reverse("portal:detail", kwargs={"pk": pk})).status_code == 200


def test_transitions_out_of_order_are_refused_in_chinese(world: World) -> None:
    with pytest.raises(TransitionRefused, match="草稿"):
        services.evaluation_approve(evaluation=world.fresh("draft_a"), by=world.reviewer)
    with pytest.raises(TransitionRefused):
        services.evaluation_publish(evaluation=world.fresh("signed_a"), by=world.reviewer)
    with pytest.raises(TransitionRefused):
        services.evaluation_submit(evaluation=world.fresh("submitted_a"), by=world.prep_a)


def test_two_reviewers_cannot_both_approve(world: World) -> None:
    stale = world.fresh("signed_a")
    services.evaluation_approve(evaluation=world.fresh("signed_a"), by=world.reviewer)
    with pytest.raises(TransitionRefused):
        services.evaluation_approve(evaluation=stale, by=world.reviewer)
    assert ReviewComment.objects.filter(evaluation=stale).count() == 1


def test_the_whole_flow_through_the_pages(world: World, client) -> None:
    pk = world.evaluations["draft_a"].pk
    lock = world.fresh("draft_a").lock_version
    client.force_login(world.prep_a)
    client.post(reverse("evaluations:submit", kwargs={"pk": pk}), {"lock_version": lock})
    client.force_login(world.head_a)
    client.post(reverse("evaluations:sign_off", kwargs={"pk": pk}))
    client.force_login(world.reviewer)
    client.post(reverse("evaluations:return", kwargs={"pk": pk}), {"comment": "满意度样本偏少", "next": "review"})
    assert world.fresh("draft_a").state == State.RETURNED
    client.force_login(world.prep_a)
    client.post(reverse("evaluations:submit", kwargs={"pk": pk}))
    client.force_login(world.head_a)
    client.post(reverse("evaluations:sign_off", kwargs={"pk": pk}))
    client.force_login(world.reviewer)
    client.post(reverse("evaluations:approve", kwargs={"pk": pk}))
    client.post(reverse("evaluations:publish", kwargs={"pk": pk}))
    after = world.fresh("draft_a")
    assert after.state == State.PUBLISHED and after.current_version.number == 2
    actions = list(after.audit_events.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-7:] == ["submit", "sign_off", "return", "submit", "sign_off", "approve", "publish"]
    page = client.get(reverse("evaluations:history", kwargs={"pk": pk})).content.decode()
    assert "满意度样本偏少" in page and "本区审核" in page and "已公开" in page


def test_the_portal_year_lists_its_published_evaluations_a_page_at_a_time(world: World, client, monkeypatch) -> None:
    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.portal import views

    published = world.evaluations["published_a"]
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    other = world.evaluations["draft_b"]
    Evaluation.objects.filter(pk=other.pk).update(state="published", year=published.year)
    url = reverse("portal:year", kwargs={"year": published.year})
    first = client.get(url)
    page = first.context["page"]
    assert (page.paginator.count, page.number, len(page.object_list)) == (2, 1, 1)
    assert "第 1 / 2 页" in first.content.decode() and "page=2" in first.content.decode()
    second = client.get(url, {"page": "2"}).context["page"]
    assert {page.object_list[0].pk, second.object_list[0].pk} == {published.pk, other.pk}
    assert client.get(url, {"page": "abc"}).context["page"].number == 1
    assert client.get(url, {"page": "99"}).context["page"].number == 2
