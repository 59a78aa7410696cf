"""Satisfaction surveys (满意度调查): design, respondent groups, invitations, responses, answers.

Results are never stored: every figure is recomputed from the :class:`Answer` rows by
:mod:`jixiao.core.survey`. Responses and answers are write-once: ``save()`` refuses to update
an existing row and ``delete()`` refuses outside a cascade, so the only way to change an
answer is not to have sent it. The database holds the rest of the integrity: one response per
invitation token (one-to-one) and one per device and survey (unique constraint), one answer
per question, levels 1–5 and comments of at most 500 characters.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from jixiao.core.labels import Labelled
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import Evaluation

USER = settings.AUTH_USER_MODEL
COMMENT_MAX = 500
#: How long a survey stays open when no closing time is chosen.
DEFAULT_OPEN_DAYS = 30


class SurveyState(Labelled):
    DRAFT = "draft", "设计中"
    OPEN = "open", "已发布"
    CLOSED = "closed", "已结束"


class Measure(Labelled):
    """Which figure becomes the satisfaction indicator's actual value."""

    SHARE = "share", "满意率（满意人数 ÷ 有效问卷）"
    WEIGHTED = "weighted", "加权得分（1 / 0.8 / 0.6 / 0.4 / 0.2）"


class Survey(models.Model):
    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="surveys", verbose_name="自评")
    title = models.CharField("调查名称", max_length=200)
    intro = models.TextField("致受访者", max_length=1000, blank=True)
    #: Empty while being designed: “发布时开始” / “开始后 DEFAULT_OPEN_DAYS 天截止”; publishing
    #: fills in both, so a published survey always has its times.
    opens_at = models.DateTimeField("开始时间", null=True, blank=True)
    closes_at = models.DateTimeField("截止时间", null=True, blank=True)
    include_neutral = models.BooleanField("“一般”计入满意", default=False)
    measure = models.CharField("满意度取值", max_length=10, choices=choices(Measure), default=Measure.SHARE.value)
    require_token = models.BooleanField("仅限邀请码作答", default=False)
    state = models.CharField("状态", max_length=10, choices=choices(SurveyState), default=SurveyState.DRAFT.value)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    applied_at = models.DateTimeField("计入自评时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度调查"
        ordering = ("evaluation", "pk")
        constraints = (
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"),
        )

    def __str__(self) -> str:
        return self.title


class RespondentGroup(models.Model):
    """服务对象, 社会公众, 协作部门 …: each with its own public link (``slug``) and weight."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="groups", verbose_name="调查")
    name = models.CharField("调查对象", max_length=50)
    weight = models.DecimalField("权重（%）", max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField("顺序", default=0)
    slug = models.CharField("链接编号", max_length=32, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "调查对象"
        ordering = ("survey", "position", "pk")
        constraints = (models.CheckConstraint(condition=Q(weight__gte=0), name="group_weight_not_negative"),)

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One statement answered on the 5-point scale; ``overall`` is the one the rate comes from."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="questions", verbose_name="调查")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    text = models.CharField("题目", max_length=200)
    overall = models.BooleanField("总体满意度题", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "题目"
        ordering = ("survey", "position", "pk")
        constraints = (
            models.UniqueConstraint(fields=["survey"], condition=Q(overall=True), name="one_overall_question"),
        )

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """An invitation code (邀请码): good for exactly one response (the response is one-to-one)."""

    group = models.ForeignKey(RespondentGroup, models.CASCADE, related_name="invitations", verbose_name="调查对象")
    token = models.CharField("邀请码", max_length=32, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "邀请码"
        ordering = ("group", "pk")

    def __str__(self) -> str:
        return self.token


class ImmutableError(Exception):
    """A sent response or answer cannot be changed."""


class WriteOnceQuerySet(models.QuerySet[Any]):
    """No bulk update or delete either (a cascade from the survey still deletes: Django's
    collector does not go through these methods)."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("已提交的问卷不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("已提交的问卷不能删除")


class WriteOnce(models.Model):
    objects = WriteOnceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A respondent's answer is evidence: once stored it never changes (the admin is read-only too).
        if not self._state.adding:
            raise ImmutableError("已提交的问卷不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("已提交的问卷不能删除")


class Response(WriteOnce):
    """One questionnaire as sent. ``device`` is the signed-cookie device key (one response per
    device and survey); ``client`` a keyed hash of the address, for throttling."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="responses", verbose_name="调查")
    group = models.ForeignKey(RespondentGroup, models.CASCADE, related_name="responses", verbose_name="调查对象")
    invitation = models.OneToOneField(
        Invitation, models.CASCADE, null=True, blank=True, related_name="response", verbose_name="邀请码"
    )
    device = models.CharField("设备标识", max_length=64, null=True, blank=True)
    client = models.CharField("来源标识", max_length=64, db_index=False)
    comment = models.TextField("意见和建议", max_length=COMMENT_MAX, blank=True)
    submitted_at = models.DateTimeField("提交时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "问卷"
        ordering = ("survey", "pk")
        constraints = (
            models.UniqueConstraint(fields=["survey", "device"], name="one_response_per_device"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX), name="response_comment_bounded"
            ),
        )
        indexes = (models.Index(fields=["client", "submitted_at"]),)

    def __str__(self) -> str:
        return f"问卷 {self.pk}"


class Answer(WriteOnce):
    response = models.ForeignKey(Response, models.CASCADE, related_name="answers", verbose_name="问卷")
    question = models.ForeignKey(Question, models.CASCADE, related_name="answers", verbose_name="题目")
    level = models.PositiveSmallIntegerField("回答")  # jixiao.core.survey.Level: 5 很满意 … 1 很不满意

    class Meta:
        verbose_name = verbose_name_plural = "回答"
        ordering = ("response", "question")
        constraints = (
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="answer_level_1_to_5"),
        )
