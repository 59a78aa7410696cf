"""Every write to a survey: create from a template, design, open/close, invitations, the
public submission, and applying the result to the evaluation.

Management writes check the evaluation's roles again (the views already went through the
access helper). The public submission runs in one transaction: the throttle is counted from
the stored responses (so it holds across worker processes), and the database's unique
constraints decide a race between two submissions with the same token or device.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.core.numbers import fmt
from jixiao.web import timetext
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations.documents import clone
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.services import evaluation_save_document
from jixiao.web.evaluations.workflow import Action, allowed
from jixiao.web.surveys.blueprints import BLUEPRINTS
from jixiao.web.surveys.models import (
    COMMENT_MAX,
    DEFAULT_OPEN_DAYS,
    Answer,
    Invitation,
    Measure,
    Question,
    RespondentGroup,
    Response,
    Survey,
    SurveyState,
)
from jixiao.web.surveys.selectors import SurveyFigures, availability, survey_figures

MAX_GROUPS = 10
MAX_QUESTIONS = 30
MAX_INVITATIONS = 2000
ALREADY_ON_DEVICE = "您已在本设备上提交过本次问卷，感谢您的参与。"


class SurveyClosed(ServiceError):
    """The survey does not take answers now (not yet open, or over)."""


class AlreadyAnswered(ServiceError):
    """This token or device has already sent its questionnaire."""


class Throttled(ServiceError):
    """Too many questionnaires from one client in the window."""


def new_slug() -> str:
    return secrets.token_urlsafe(16)  # 128 bits: a link cannot be guessed


def _require_edit(user: Any, evaluation: Evaluation) -> None:
    roles = scope_of(user).roles_on(evaluation.unit_id, evaluation.unit.bureau_id)
    if not allowed(Action.EDIT, roles):
        raise PermissionDenied("只有本单位的填报人或单位负责人可以管理满意度调查")


# --- design ------------------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, evaluation: Evaluation, blueprint: str, by: Any) -> Survey:
    """A new survey in 设计中 from a template, without times: by default it opens when it is
    published and stays open for :data:`DEFAULT_OPEN_DAYS` days."""
    _require_edit(by, evaluation)
    plan = BLUEPRINTS.get(blueprint)
    if plan is None:
        raise ServiceError("请选择问卷模板")
    unit = evaluation.unit.name
    survey = Survey.objects.create(
        evaluation=evaluation,
        title=plan.title.format(unit=unit)[:200],
        intro=plan.intro.format(unit=unit),
        created_by=by,
    )
    _replace_parts(survey, list(plan.groups), list(plan.questions))
    return survey


def parse_groups(text: str) -> list[tuple[str, Decimal]]:
    """Lines "名称 权重" (权重 in percent; blank weight = equal shares)."""
    found: list[tuple[str, Decimal | None]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, _, weight = line.rpartition(" ") if " " in line else (line, "", "")
        name = name.strip()
        try:
            value = Decimal(weight.strip().rstrip("%")) if weight.strip() else None
        except InvalidOperation:
            raise ServiceError(f"调查对象第 {number} 行：权重“{weight}”不是数字，应写成“服务对象 30”") from None
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise ServiceError(f"调查对象第 {number} 行：权重应在 0–100 之间")
        if not name or len(name) > 50:
            raise ServiceError(f"调查对象第 {number} 行：名称不能为空，最多 50 个字")
        found.append((name, value))
    if not found or len(found) > MAX_GROUPS:
        raise ServiceError(f"请填写 1–{MAX_GROUPS} 个调查对象，每行一个，如“服务对象 30”")
    if len({name for name, _ in found}) != len(found):
        raise ServiceError("调查对象名称不能重复")
    equal = Decimal(100) / len(found)
    groups = [(name, equal.quantize(Decimal("0.01")) if weight is None else weight) for name, weight in found]
    if sum(weight for _, weight in groups) <= 0:
        raise ServiceError("调查对象的权重之和应大于 0")
    return groups


def parse_questions(text: str) -> list[str]:
    questions = [line.strip() for line in text.splitlines() if line.strip()]
    if not questions or len(questions) > MAX_QUESTIONS:
        raise ServiceError(f"请填写 1–{MAX_QUESTIONS} 道题目，每行一道；最后一道为总体满意度题")
    for number, question in enumerate(questions, start=1):
        if len(question) > 200:
            raise ServiceError(f"第 {number} 道题目超过 200 个字")
    return questions


def _replace_parts(survey: Survey, groups: list[tuple[str, Decimal]], questions: list[str]) -> None:
    kept = {group.name: group for group in survey.groups.all()}  # keep links already printed
    survey.groups.exclude(name__in=[name for name, _ in groups]).delete()
    for position, (name, weight) in enumerate(groups):
        group = kept.get(name) or RespondentGroup(survey=survey, name=name, slug=new_slug())
        group.weight, group.position = weight, position
        group.save()
    survey.questions.all().delete()
    Question.objects.bulk_create(
        Question(survey=survey, position=i, text=text, overall=i == len(questions) - 1)
        for i, text in enumerate(questions)
    )


@dataclass(frozen=True)
class Design:
    title: str
    intro: str
    opens_at: datetime | None  # None: when published
    closes_at: datetime | None  # None: DEFAULT_OPEN_DAYS after opening
    include_neutral: bool
    measure: Measure
    require_token: bool
    groups: str
    questions: str


@transaction.atomic
def survey_update(*, survey: Survey, design: Design, by: Any) -> None:
    """Change the design; questions and groups only while 设计中 (answers would lose their meaning)."""
    evaluation = survey.evaluation
    _require_edit(by, evaluation)
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if design.opens_at is not None and design.closes_at is not None and design.closes_at <= design.opens_at:
        raise ServiceError("截止时间应晚于开始时间")
    if not design.title.strip():
        raise ServiceError("请填写调查名称")
    if locked.state == SurveyState.DRAFT.value:
        _replace_parts(locked, parse_groups(design.groups), parse_questions(design.questions))
        locked.include_neutral = design.include_neutral
        locked.measure = design.measure.value
        locked.require_token = design.require_token
        locked.opens_at = design.opens_at
    elif design.opens_at is None or design.closes_at is None:
        raise ServiceError("调查已发布，请填写开始时间和截止时间")
    elif locked.opens_at != design.opens_at and locked.responses.exists():
        raise ServiceError("已有问卷提交，不能再修改开始时间")
    locked.title = design.title.strip()[:200]
    locked.intro = design.intro.strip()[:1000]
    locked.closes_at = design.closes_at
    locked.save()
    survey.refresh_from_db()


@transaction.atomic
def survey_open(*, survey: Survey, by: Any, now: datetime | None = None) -> None:
    """设计中 → 已发布. Times left empty are fixed now: it opens at once, and closes
    :data:`DEFAULT_OPEN_DAYS` days after it opens; a chosen start is kept."""
    _require_edit(by, survey.evaluation)
    if not survey.questions.filter(overall=True).exists() or not survey.groups.exists():
        raise ServiceError("问卷至少要有一个调查对象和一道总体满意度题，才能发布")
    now = now or timezone.now()
    opens = survey.opens_at or now
    closes = survey.closes_at or opens + timedelta(days=DEFAULT_OPEN_DAYS)
    if closes <= now:
        raise ServiceError(f"截止时间 {timetext.moment(closes)} 已过，请先修改截止时间，再发布")
    updated = Survey.objects.filter(pk=survey.pk, state=SurveyState.DRAFT.value).update(
        state=SurveyState.OPEN.value, opens_at=opens, closes_at=closes
    )
    if not updated:
        raise ServiceError("只有设计中的调查可以发布")
    survey.refresh_from_db()


@transaction.atomic
def survey_close(*, survey: Survey, by: Any) -> None:
    _require_edit(by, survey.evaluation)
    updated = Survey.objects.filter(pk=survey.pk, state=SurveyState.OPEN.value).update(state=SurveyState.CLOSED.value)
    if not updated:
        raise ServiceError("只有已发布的调查可以结束")
    survey.refresh_from_db()


@transaction.atomic
def invitations_create(*, group: RespondentGroup, count: int, by: Any) -> list[Invitation]:
    """``count`` one-use invitation codes for a group (每个邀请码只能提交一份问卷)."""
    _require_edit(by, group.survey.evaluation)
    existing = Invitation.objects.filter(group__survey=group.survey).count()
    if not count >= 1 or existing + count > MAX_INVITATIONS:
        raise ServiceError(f"一次调查最多 {MAX_INVITATIONS} 个邀请码（已有 {existing} 个）")
    return Invitation.objects.bulk_create(
        Invitation(group=group, token=secrets.token_urlsafe(12)) for _ in range(count)
    )


# --- answering ---------------------------------------------------------------------------------


def client_key(address: str) -> str:
    """A keyed hash of the client's address: enough to throttle, without storing the address."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _throttle(survey: Survey, client: str, now: datetime) -> None:
    """Two limits per address (docs/surveys.md#防止重复和刷票): per survey, high enough for a whole
    office behind one NAT address, and a far higher safety limit over all surveys of the site."""
    hours = settings.SURVEY_PER_SURVEY_HOURS
    sent = Response.objects.filter(survey=survey, client=client, submitted_at__gte=now - timedelta(hours=hours)).count()
    if sent >= settings.SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY:
        raise Throttled(
            f"您所在的网络在 {hours} 小时内已为本次调查提交了 {sent} 份问卷，已达上限，暂不接受更多问卷，"
            "请稍后再试。如同一单位多人集中填写，请联系调查单位获取邀请码。"
        )
    minutes = settings.SURVEY_THROTTLE_MINUTES
    sent = Response.objects.filter(client=client, submitted_at__gte=now - timedelta(minutes=minutes)).count()
    if sent >= settings.SURVEY_RESPONSES_PER_CLIENT:
        raise Throttled(f"您所在的网络在 {minutes} 分钟内已提交了 {sent} 份问卷，提交过于频繁，请稍后再试。")


@transaction.atomic
def response_submit(
    *,
    group: RespondentGroup,
    levels: dict[int, int],
    comment: str,
    device: str | None,
    client: str,
    token: str = "",
    now: datetime | None = None,
) -> Response:
    """Store one questionnaire, all or nothing. ``levels`` maps question id → 1–5 (skipped: absent).

    Refused with :class:`SurveyClosed`, :class:`AlreadyAnswered`, :class:`Throttled` or a
    plain :class:`ServiceError` (invalid answers). Invitation responses are not throttled
    by address: each code is good for one questionnaire only.
    """
    now = now or timezone.now()
    survey = group.survey
    reason = availability(survey, now)
    if reason:
        raise SurveyClosed(reason)
    questions = set(survey.questions.values_list("pk", flat=True))
    if not levels:
        raise ServiceError("请至少回答一道题目后再提交")
    if set(levels) - questions or any(level not in range(1, 6) for level in levels.values()):
        raise ServiceError("问卷内容无效，请刷新页面后重新填写")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(f"意见和建议最多 {COMMENT_MAX} 个字（现有 {len(comment)} 个字）")
    invitation = None
    if token:
        invitation = Invitation.objects.filter(token=token, group=group).first()
        if invitation is None:
            raise ServiceError("邀请码无效，请核对链接是否完整")
    elif survey.require_token:
        raise ServiceError("本次调查凭邀请码作答，请使用调查单位发给您的专属链接")
    else:
        if device and Response.objects.filter(survey=survey, device=device).exists():
            raise AlreadyAnswered(ALREADY_ON_DEVICE)  # before the throttle: say the true reason
        _throttle(survey, client, now)
    try:
        with transaction.atomic():
            response = Response(
                survey=survey,
                group=group,
                invitation=invitation,
                device=None if invitation else device,
                client=client,
                comment=comment,
                submitted_at=now,
            )
            response.save()
            Answer.objects.bulk_create(
                Answer(response=response, question_id=question, level=level) for question, level in levels.items()
            )
    except IntegrityError:
        raise AlreadyAnswered(
            "该邀请码已经提交过问卷，感谢您的参与。" if invitation else ALREADY_ON_DEVICE
        ) from None
    return response


# --- into the evaluation -------------------------------------------------------------------------


def _is_satisfaction(indicator: dict[str, Any]) -> bool:
    # The checker's rule (jixiao.core.checks.satisfaction): 满意 in the level-1/2 name or 满意度 in the name.
    return (
        "满意" in str(indicator.get("l1", ""))
        or "满意" in str(indicator.get("l2", ""))
        or "满意度" in str(indicator.get("name", ""))
    )


def _day(moment: datetime | None) -> str:
    return timetext.day(moment) if moment is not None else "（未定）"


def survey_method(figures: SurveyFigures) -> str:
    """How the figure was obtained, for the satisfaction block and the report."""
    survey = figures.survey
    overall = figures.overall
    assert overall is not None
    parts = []
    for part in overall.groups:
        share = part.result.satisfied_share
        shown = f"满意率{fmt(share, 2)}%" if share is not None else "无有效问卷"
        parts.append(f"{part.group.name}（权重{fmt(part.group.weight)}%，有效问卷{part.result.valid}份，{shown}）")
    neutral = "，“一般”计入满意" if survey.include_neutral else ""
    measure = (
        "满意率"
        if survey.measure == Measure.SHARE.value
        else "加权得分（很满意1、满意0.8、一般0.6、不满意0.4、很不满意0.2）"
    )
    return (
        f"网上问卷调查（{_day(survey.opens_at)}至{_day(survey.closes_at)}，扫码或链接匿名作答，"
        f"五级量表；调查对象：{'、'.join(parts)}；{'按权重合并' if len(parts) > 1 else ''}计算{measure}{neutral}）"
    )


@transaction.atomic
def survey_apply_to_evaluation(*, survey: Survey, by: Any) -> Decimal:
    """Write the combined rate into the satisfaction indicator(s) and the satisfaction block.

    Goes through ``evaluation_save_document`` (editable state, optimistic lock, audit with the
    field diff); the survey is named in ``sources`` and in each indicator's evidence list.
    Returns the value written.
    """
    evaluation = Evaluation.objects.with_related().get(pk=survey.evaluation_id)
    _require_edit(by, evaluation)
    figures = survey_figures(survey)
    rate = figures.rate
    if rate is None or rate.valid == 0:
        raise ServiceError("总体满意度题还没有有效回答，不能计入自评")
    value = rate.satisfied_share if survey.measure == Measure.SHARE.value else rate.weighted_score
    assert value is not None and evaluation.current_version is not None
    document = clone(evaluation.current_version.document)
    source = (
        f"满意度调查“{survey.title}”（jixiao 调查编号 {survey.pk}，{_day(survey.opens_at)}至{_day(survey.closes_at)}）"
    )
    sources = document.setdefault("sources", {})
    found = 0
    for index, indicator in enumerate(document.get("indicators") or []):
        if _is_satisfaction(indicator):
            found += 1
            indicator["actual"] = f"{fmt(value, 2)}%"
            marker = f"满意度调查：{survey.title}（调查编号 {survey.pk}）"
            indicator["evidence"] = [e for e in indicator.get("evidence") or [] if e != marker] + [marker]
            sources[f"indicators[{index}].actual"] = source
    document["satisfaction"] = {
        "value": fmt(value, 2),
        "source": "survey",
        "sample_size": rate.valid,
        "method": survey_method(figures),
    }
    sources["satisfaction"] = source
    evaluation_save_document(
        evaluation=evaluation,
        document=document,
        by=by,
        expected_lock_version=evaluation.lock_version,
        note=f"计入满意度调查结果 {fmt(value, 2)}%（有效问卷 {rate.valid} 份，满意度指标 {found} 项）",
    )
    Survey.objects.filter(pk=survey.pk).update(applied_at=timezone.now())
    return value
