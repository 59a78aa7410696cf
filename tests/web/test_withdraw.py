"""撤回 and 更正: the bureau takes back an approved or published evaluation, with its reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from jixiao.web.evaluations import services
from jixiao.web.evaluations.errors import ServiceError, TransitionRefused
from jixiao.web.evaluations.models import AuditAction
from jixiao.web.evaluations.workflow import State
from jixiao.web.reviews.models import ReviewComment
from tests.web.world import World


@pytest.mark.parametrize("key", ["approved_a", "published_a"])
def test_withdrawing_returns_to_review_with_the_reason_audited(world: World, key: str) -> None:
    before = world.fresh(key)
    services.evaluation_withdraw(evaluation=world.fresh(key), by=world.reviewer, comment="  执行数与决算不符  ")
    after = world.fresh(key)
    assert (after.state, after.lock_version) == (State.SIGNED.value, before.lock_version + 1)
    event = after.audit_events.first()
    assert (event.action, event.actor, event.note) == (AuditAction.WITHDRAW, world.reviewer, "执行数与决算不符")
    assert event.changes == {"state": [before.state, "signed"]}
    comment = ReviewComment.objects.filter(evaluation=after).first()
    assert (comment.decision, comment.text) == (
        "withdraw",
        f"（撤回前为“{State(before.state).label}”）执行数与决算不符",
    )
    assert after.current_version_id == before.current_version_id  # the frozen version stays


def test_withdrawing_needs_a_reason_the_reviewer_and_a_decided_state(world: World) -> None:
    published = world.fresh("published_a")
    with pytest.raises(ServiceError, match="须填写撤回理由"):
        services.evaluation_withdraw(evaluation=published, by=world.reviewer, comment=" ")
    for persona in ("prep_a", "head_a", "admin"):
        with pytest.raises(PermissionDenied):
            services.evaluation_withdraw(evaluation=published, by=world.users[persona], comment="有误")
    with pytest.raises(TransitionRefused, match="当前状态为“已签批”，不能撤回"):
        services.evaluation_withdraw(evaluation=world.fresh("signed_a"), by=world.reviewer, comment="有误")
    assert world.fresh("published_a").state == "published"


def test_a_withdrawn_publication_leaves_the_portal_and_returns_as_a_dated_correction(world: World, client) -> None:
    published = world.fresh("published_a")
    first = published.published_at
    detail = reverse("portal:detail", kwargs={"pk": published.pk})
    assert "更正" not in client.get(detail).content.decode()
    services.evaluation_withdraw(evaluation=published, by=world.reviewer, comment="满意度口径有误")
    assert client.get(detail).status_code == 404
    # Returned to the unit, corrected, submitted, signed, approved and published again.
    services.evaluation_return(evaluation=world.fresh("published_a"), by=world.reviewer, comment="请更正满意度")
    services.evaluation_submit(evaluation=world.fresh("published_a"), by=world.prep_a)
    services.evaluation_sign_off(evaluation=world.fresh("published_a"), by=world.head_a)
    services.evaluation_approve(evaluation=world.fresh("published_a"), by=world.reviewer)
    services.evaluation_publish(evaluation=world.fresh("published_a"), by=world.reviewer)
    again = world.fresh("published_a")
    assert again.published_at == first and again.corrected_at is not None and again.corrected_at > first
    # Dates are shown in the site's time zone (Asia/Shanghai), a day ahead of UTC after 16:00 UTC.
    first, corrected = timezone.localtime(first), timezone.localtime(again.corrected_at)
    page = client.get(detail).content.decode()
    assert f"{first:%Y年%-m月%-d日}公开，" in page and f"{corrected:%Y年%-m月%-d日}更正</strong>" in page
    listing = client.get(reverse("portal:year", kwargs={"year": again.year})).content.decode()
    assert f"{corrected:%Y-%m-%d} 更正" in listing
    assert again.current_version.number == 2


def test_the_review_page_offers_withdrawal_to_the_reviewer_only(world: World, client) -> None:
    target = world.fresh("published_a")
    client.force_login(world.reviewer)
    page = client.get(reverse("reviews:review", kwargs={"pk": target.pk})).content.decode()
    assert reverse("evaluations:withdraw", kwargs={"pk": target.pk}) in page and "撤回理由（必填）" in page
    response = client.post(
        reverse("evaluations:withdraw", kwargs={"pk": target.pk}),
        {"comment": "数字有误", "lock_version": target.lock_version, "next": "review"},
        follow=True,
    )
    assert "已撤回" in response.content.decode() and world.fresh("published_a").state == "signed"
    client.force_login(world.admin)
    detail = client.get(reverse("evaluations:detail", kwargs={"pk": world.evaluations["approved_a"].pk}))
    assert (
        reverse("evaluations:withdraw", kwargs={"pk": world.evaluations["approved_a"].pk})
        not in detail.content.decode()
    )
