"""Reads: the access helper for survey pages, the public group lookup, and the results.

Results are recomputed from the stored answers on every call (``Answer`` rows counted per
question, group and level) and handed to :mod:`jixiao.core.survey`; nothing is cached.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from jixiao.core.survey import Group, Result, Tally, combine, result
from jixiao.web import timetext
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.selectors import get_evaluation_for_user
from jixiao.web.evaluations.workflow import Action
from jixiao.web.surveys.models import (
    DEFAULT_OPEN_DAYS,
    Answer,
    Question,
    RespondentGroup,
    Response,
    Survey,
    SurveyState,
)


def get_survey_for_user(user: Any, pk: int, survey_pk: int, action: Action) -> tuple[Evaluation, Survey]:
    """The evaluation (through the evaluation pages' access helper) and its survey."""
    evaluation = get_evaluation_for_user(user, pk, action)
    survey = Survey.objects.filter(pk=survey_pk, evaluation=evaluation).first()
    if survey is None:
        raise Http404("该调查不存在")
    return evaluation, survey


def get_group_for_user(user: Any, pk: int, survey_pk: int, group_pk: int) -> tuple[Evaluation, Survey, RespondentGroup]:
    evaluation, survey = get_survey_for_user(user, pk, survey_pk, Action.VIEW)
    group = RespondentGroup.objects.filter(pk=group_pk, survey=survey).first()
    if group is None:
        raise Http404("该调查对象不存在")
    return evaluation, survey, group


def surveys_of(evaluation: Evaluation) -> QuerySet[Survey]:
    return evaluation.surveys.annotate(response_count=Count("responses")).order_by("-pk")


def public_group(slug: str) -> RespondentGroup:
    """The group behind a public link; 404 for anything else (a survey still being designed too)."""
    group = (
        RespondentGroup.objects.select_related("survey__evaluation__unit")
        .filter(slug=slug)
        .exclude(survey__state=SurveyState.DRAFT.value)
        .first()
    )
    if group is None:
        raise Http404("问卷链接无效")
    return group


def availability(survey: Survey, now: datetime | None = None) -> str:
    """``""`` when the survey takes answers now, else the polite reason why not."""
    now = now or timezone.now()
    opens, closes = survey.opens_at, survey.closes_at
    if survey.state == SurveyState.CLOSED.value or (closes is not None and now >= closes):
        return f"本次调查已于 {timetext.moment(min(now, closes or now))} 结束，感谢您的关注。"
    if survey.state != SurveyState.OPEN.value or opens is None:
        return "本次调查尚未开始，欢迎届时参与。"
    if now < opens:
        return f"本次调查将于 {timetext.moment(opens)} 开始，欢迎届时参与。"
    return ""


def schedule(survey: Survey, now: datetime | None = None) -> str:
    """When the survey takes answers, in one Chinese sentence (survey pages, publish message)."""
    now = now or timezone.now()
    opens, closes = survey.opens_at, survey.closes_at
    if survey.state == SurveyState.DRAFT.value:
        start = f"{timetext.moment(opens)} 开始" if opens else "发布时开始"
        end = f"{timetext.moment(closes)} 截止" if closes else f"开始后 {DEFAULT_OPEN_DAYS} 天截止"
        return f"尚未发布；{start}，{end}"
    assert opens is not None and closes is not None  # publishing fixed both
    if survey.state == SurveyState.CLOSED.value or now >= closes:
        return f"{timetext.moment(opens)} 开始，已于 {timetext.moment(min(now, closes))} 结束"
    if now < opens:
        wait = timetext.duration(opens - now)
        return f"将于 {timetext.moment(opens)} 开始接受作答（{wait}后），{timetext.moment(closes)} 截止"
    return f"正在接受作答，{timetext.moment(closes)} 截止（还有 {timetext.duration(closes - now)}）"


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupFigures:
    group: RespondentGroup
    tally: Tally
    result: Result


@dataclass(frozen=True)
class QuestionFigures:
    question: Question
    groups: tuple[GroupFigures, ...]
    combined: Result
    tally: Tally  # all groups together (for the bar chart)


@dataclass(frozen=True)
class SurveyFigures:
    survey: Survey
    questions: tuple[QuestionFigures, ...]
    overall: QuestionFigures | None
    responses: int  # questionnaires received
    per_group: dict[int, int]  # questionnaires per group

    @property
    def rate(self) -> Result | None:
        return self.overall.combined if self.overall else None


def survey_figures(survey: Survey) -> SurveyFigures:
    """Per question: each group's figures and the weighted combination, from the stored answers."""
    groups = list(survey.groups.all())
    questions = list(survey.questions.all())
    counts: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(response__survey=survey)
        .values_list("question_id", "response__group_id", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for question_id, group_id, level, n in rows:
        counts[(question_id, group_id)][level] = n
    per_group = dict(Response.objects.filter(survey=survey).values_list("group_id").annotate(n=Count("pk")).order_by())
    neutral = survey.include_neutral
    figures = []
    for question in questions:
        parts = []
        for group in groups:
            tally = _tally(counts.get((question.pk, group.pk), {}))
            parts.append(GroupFigures(group, tally, result(tally, neutral)))
        combined = _combined(parts, neutral)
        everything = _tally(
            {level: sum(_tally_count(counts, question.pk, g.pk, level) for g in groups) for level in range(1, 6)}
        )
        figures.append(QuestionFigures(question, tuple(parts), combined, everything))
    overall = next((f for f in figures if f.question.overall), None)
    return SurveyFigures(survey, tuple(figures), overall, sum(per_group.values()), per_group)


def _combined(parts: list[GroupFigures], neutral: bool) -> Result:
    """The groups by weight (a single answering group is that group, with its Wilson interval)."""
    return combine([Group(p.group.name, p.group.weight, p.tally) for p in parts], neutral)


def _tally_count(counts: dict[tuple[int, int], dict[int, int]], question: int, group: int, level: int) -> int:
    return counts.get((question, group), {}).get(level, 0)


def _tally(by_level: dict[int, int]) -> Tally:
    return Tally(*(by_level.get(level, 0) for level in (5, 4, 3, 2, 1)))


def responses_for_export(survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey)
        .select_related("group", "invitation")
        .prefetch_related("answers")
        .order_by("pk")
    )


def invitations_of(survey: Survey) -> QuerySet[Any]:
    from jixiao.web.surveys.models import Invitation

    return Invitation.objects.filter(group__survey=survey).select_related("group", "response").order_by("group", "pk")


def comments_of(survey: Survey, limit: int = 200) -> QuerySet[Response]:
    """The latest comments (意见和建议), newest first; shown escaped, exported as text."""
    return Response.objects.filter(survey=survey).exclude(comment="").select_related("group").order_by("-pk")[:limit]
