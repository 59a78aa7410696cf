"""Surveys for the web tests: one open survey on unit A's draft, answered on demand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from jixiao.web.surveys import services
from jixiao.web.surveys.models import Survey
from tests.web.world import World


def open_survey(world: World, key: str = "draft_a", blueprint: str = "department", **changes: Any) -> Survey:
    """A published survey of the evaluation, open from an hour ago for a week."""
    evaluation = world.fresh(key)
    by = world.prep_a if evaluation.unit_id == world.unit_a.pk else world.prep_b
    survey = services.survey_create(evaluation=evaluation, blueprint=blueprint, by=by)
    now = timezone.now()
    fields = {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=7), "state": "open", **changes}
    Survey.objects.filter(pk=survey.pk).update(**fields)
    survey.refresh_from_db()
    return survey


def answer(survey: Survey, group_name: str, levels: list[int], *, device: str, client: str = "c") -> None:
    """One questionnaire giving each question the next level of ``levels`` (cycled)."""
    group = survey.groups.get(name=group_name)
    questions = list(survey.questions.all())
    chosen = {q.pk: levels[i % len(levels)] for i, q in enumerate(questions)}
    services.response_submit(group=group, levels=chosen, comment="", device=device, client=client)


def bulk_answer(survey: Survey, group_name: str, counts: dict[int, int], prefix: str) -> None:
    """``counts`` maps level → number of questionnaires giving that level to every question
    (written directly: the service's path is tested elsewhere, and this keeps tests quick)."""
    from jixiao.web.surveys.models import Answer, Response

    group = survey.groups.get(name=group_name)
    questions = list(survey.questions.all())
    now = timezone.now()
    n = 0
    for level, count in counts.items():
        for _ in range(count):
            n += 1
            response = Response(survey=survey, group=group, device=f"{prefix}-{n}", client=prefix, submitted_at=now)
            response.save()
            Answer.objects.bulk_create(Answer(response=response, question=q, level=level) for q in questions)
