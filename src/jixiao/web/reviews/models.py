"""Review comments (审核意见) on a submitted version."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao.core.labels import Labelled
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion


class ReviewComment(models.Model):
    class Decision(Labelled):
        RETURN = "return", "退回修改"
        APPROVE = "approve", "审核通过"
        WITHDRAW = "withdraw", "撤回"

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="review_comments", verbose_name="自评")
    version = models.ForeignKey(EvaluationVersion, models.PROTECT, related_name="review_comments", verbose_name="版本")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="审核人")
    at = models.DateTimeField("时间", auto_now_add=True)
    decision = models.CharField("结论", max_length=20, choices=choices(Decision))
    text = models.TextField("意见")

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}：{self.text[:30]}"
