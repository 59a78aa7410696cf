"""Demo data after the self-evaluation (docs/results.md): last year's rectification items in
several states, a bureau re-evaluation, and this year's results application list."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.core.rectification import Action, Source
from jixiao.web.accounts.models import Bureau, Membership, Role
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.results import services

#: a one-page PDF as evidence of the demo's closed item
_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _unit_user(evaluation: Evaluation) -> object:
    member = Membership.objects.filter(unit=evaluation.unit, role=Role.PREPARER).select_related("user").first()
    assert member is not None
    return member.user


def load_results_demo(bureau: Bureau, reviewer: object, year: int) -> None:
    """Items issued from last year's published evaluations; one re-evaluation; the year's list."""
    earlier = Evaluation.objects.filter(unit__bureau=bureau, year=year - 1, state="published").select_related("unit")
    for index, evaluation in enumerate(earlier.order_by("unit__code")):
        services.items_from_evaluation(by=reviewer, evaluation=evaluation, deadline=date(year, 6, 30))
        unit_user = _unit_user(evaluation)
        items = list(evaluation.rectification_items.order_by("pk"))
        if not items:
            continue
        first = items[0]
        services.item_move(by=unit_user, item=first, action=Action.START)
        if index == 0:  # the first unit finished: fed back with a file, approved, closed
            upload = SimpleUploadedFile("整改情况报告.pdf", _PDF, content_type="application/pdf")
            services.item_attach(by=unit_user, item=first, upload=upload)
            services.item_move(by=unit_user, item=first, action=Action.FEED_BACK, feedback="已按措施完成并报送台账。")
            services.item_move(by=reviewer, item=first, action=Action.APPROVE)
            services.item_move(by=reviewer, item=first, action=Action.CLOSE)
    services.item_create(
        by=reviewer,
        unit=earlier.order_by("unit__code").first().unit if earlier.exists() else bureau.units.first(),
        year=year - 1,
        source=Source.MONITORING,
        problem="1—7 月预算执行进度低于序时进度 20 个百分点",
        measure="按月通报执行进度，9 月底前完成政府采购",
        deadline=date(year - 1, 9, 30),
    )
    sampled = Evaluation.objects.filter(unit__bureau=bureau, year=year, state__in=["approved", "published"])
    target = sampled.order_by("unit__code").first()
    if target is not None:
        services.re_evaluate(
            by=reviewer,
            evaluation=target,
            actuals={0: "0"},
            note="抽查台账：第一项指标未见完成记录，按未完成计分。",
        )
    services.application_build(by=reviewer, bureau=bureau, year=year)
