"""Background work and the reports it stores (docs/operations.md#tasks).

A :class:`Job` is what a person (or the system) asked to be done in the background, with its
progress and outcome; the queue under it is Django's task API (django-tasks with its database
backend), whose row only says which job to run. A :class:`StoredReport` is a version's PDF
rendered once and kept on disk, keyed by the fingerprint of what shapes it (report templates,
report code, fonts), so it is rendered again only when one of those changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jixiao.core.labels import Labelled
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import EvaluationVersion


class JobKind(Labelled):
    RENDER_PDF = "render_pdf", "生成 PDF 报告"
    CHECK_UNITS = "check_units", "批量审核"
    EXPORT_OVERVIEW = "export_overview", "导出汇总表"
    READ_REPORTS = "read_reports", "读取自评报告"


class JobState(Labelled):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


ACTIVE = (JobState.QUEUED.value, JobState.RUNNING.value)


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=30, choices=choices(JobKind))
    params = models.JSONField("参数", default=dict)
    state = models.CharField("状态", max_length=10, choices=choices(JobState), default=JobState.QUEUED.value)
    #: One active job per key (e.g. the PDF of one version): asking twice joins the first.
    dedupe_key = models.CharField("去重键", max_length=100, blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="发起人"
    )
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    max_attempts = models.PositiveSmallIntegerField("最多尝试次数", default=3)
    done = models.PositiveIntegerField("已完成数", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.TextField("说明", blank=True)
    #: A file the job produced, relative to the instance directory, and the name it is downloaded as.
    result_path = models.CharField("结果文件", max_length=300, blank=True)
    result_name = models.CharField("结果文件名", max_length=200, blank=True)
    task_id = models.CharField("队列任务编号", max_length=64, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    #: A running job whose lease has passed is taken to be lost (its worker died) and is run again.
    lease_until = models.DateTimeField("租约到期", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ("-created_at", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(state__in=ACTIVE) & ~Q(dedupe_key=""),
                name="job_one_active_per_key",
            ),
        )
        indexes = (models.Index(fields=["state", "lease_until"]),)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.get_state_display()}）"

    @property
    def percent(self) -> int:
        return 100 if self.state == JobState.DONE.value else (100 * self.done // self.total if self.total else 0)


class ReportCopy(Labelled):
    PUBLIC = "public", "公开版"
    REVIEW = "review", "审核版"


class StoredReport(models.Model):
    """A version's PDF, rendered once (docs/operations.md#stored-pdf)."""

    version = models.ForeignKey(EvaluationVersion, models.CASCADE, related_name="stored_reports", verbose_name="版本")
    copy = models.CharField("版本类别", max_length=10, choices=choices(ReportCopy))
    fingerprint = models.CharField("模板与字体指纹", max_length=64)
    #: The file is ``reports/<sha256>.pdf`` in the instance directory.
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已生成的 PDF 报告"
        ordering = ("version", "copy", "-created_at")
        constraints = (
            models.UniqueConstraint(fields=["version", "copy", "fingerprint"], name="stored_report_unique"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="stored_report_sha256_hex"),
        )

    def __str__(self) -> str:
        return f"{self.version} {self.get_copy_display()} PDF"
