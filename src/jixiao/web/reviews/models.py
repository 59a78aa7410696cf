"""Review comments (审核意见) on a submitted version."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao.core.labels import Labelled
from jixiao.web.accounts.models import Bureau
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


class ReportReading(models.Model):
    """A written self-evaluation report a reviewer uploaded, as read (docs/web.md#report-reading).

    ``data`` holds what the reader found: the values with their sources and the findings with the
    sentences they cite; ``corrections`` what the reviewer accepted or corrected, by whom and when.
    The file itself is not kept: its text is.
    """

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="report_readings", verbose_name="财政局")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    text = models.TextField("报告正文", blank=True)
    error = models.TextField("无法读取的原因", blank=True)
    data = models.JSONField("读取结果", default=dict)
    corrections = models.JSONField("审核人确认或更正", default=dict)
    evaluation = models.ForeignKey(
        Evaluation, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="生成的自评草稿"
    )

    class Meta:
        verbose_name = verbose_name_plural = "读取的自评报告"
        ordering = ("-uploaded_at", "-pk")

    def __str__(self) -> str:
        return self.filename
