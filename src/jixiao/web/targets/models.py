"""Indicator library, target declarations (绩效目标申报) and monitoring rounds (运行监控) of a bureau.

A declaration's ``document`` is the declaration in the file format of docs/targets.md#files (it
round-trips through ``parse_declaration``), so every figure keeps its ``sources``. A monitoring
report's lights, execution rate and priority are derived columns: the services recompute them
from the core on every save, so the bureau overview is one query and computes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao.core.labels import Labelled
from jixiao.core.targets.model import DeclarationKind, DeclarationStatus
from jixiao.core.targets.monitoring import Decision, Light
from jixiao.core.values import Direction
from jixiao.web.accounts.models import Bureau, Unit
from jixiao.web.choices import choices

USER = settings.AUTH_USER_MODEL


class LibraryIndicator(models.Model):
    """One indicator of a bureau's library (指标库, docs/targets.md#library)."""

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="library", verbose_name="财政局")
    code = models.CharField("指标编码", max_length=40)
    sector = models.CharField("行业", max_length=50, blank=True)
    project_type = models.CharField("项目类型", max_length=50, blank=True)
    l1 = models.CharField("一级指标", max_length=30)
    l2 = models.CharField("二级指标", max_length=30)
    name = models.CharField("三级指标", max_length=200)
    explanation = models.TextField("指标解释", blank=True)
    direction = models.CharField("指标性质", max_length=20, choices=choices(Direction), default=Direction.GE.value)
    unit = models.CharField("计量单位", max_length=30, blank=True)
    scoring = models.CharField("评分方法", max_length=50, blank=True)
    typical = models.CharField("常见指标值", max_length=100, blank=True)
    locked = models.BooleanField("必选", default=False)
    floor = models.DecimalField("标准值", max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标库"
        ordering = ("bureau", "code")
        constraints = (models.UniqueConstraint(fields=["bureau", "code"], name="library_code_unique_in_bureau"),)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Declaration(models.Model):
    """A unit's performance targets for a project (or its 部门整体) for a year."""

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="declarations", verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=20, choices=choices(DeclarationKind), default="project")
    project = models.CharField("项目名称", max_length=200, blank=True, default="")
    status = models.CharField(
        "状态", max_length=20, choices=choices(DeclarationStatus), default=DeclarationStatus.DRAFT.value, db_index=True
    )
    document = models.JSONField("内容")
    #: optimistic lock: every change increments it; a save naming an older value is refused
    lock_version = models.PositiveIntegerField("修改序号", default=0)
    request_amount = models.DecimalField(
        "本年度申请金额（万元）", max_digits=18, decimal_places=2, null=True, blank=True
    )
    p0_count = models.PositiveIntegerField("P0 问题数", default=0)
    p1_count = models.PositiveIntegerField("P1 问题数", default=0)
    p2_count = models.PositiveIntegerField("P2 问题数", default=0)
    approved_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "绩效目标申报"
        ordering = ("-year", "unit__code", "project")
        constraints = (
            models.UniqueConstraint(
                fields=["unit", "year", "kind", "project"], name="declaration_unique_per_unit_year"
            ),
        )

    def __str__(self) -> str:
        return f"{self.unit.name} {self.year} 年度绩效目标：{self.project or '部门整体'}"


class TargetValue(models.Model):
    """A target value a unit declared for a library indicator (type-ahead shows other units' values)."""

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="+", verbose_name="财政局")
    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="values", verbose_name="申报")
    unit_name = models.CharField("单位", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    code = models.CharField("指标编码", max_length=40, blank=True, db_index=True)
    name = models.CharField("三级指标", max_length=200, db_index=True)
    target = models.CharField("指标值", max_length=200)
    last_year = models.CharField("上年实际完成值", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "已用指标值"
        ordering = ("-year", "unit_name")


class DeclarationAction(Labelled):
    CREATE = "create", "创建"
    SAVE = "save", "保存"
    SUBMIT = "submit", "提交"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    ADJUST_REQUEST = "adjust_request", "申请目标调整"
    ADJUST_APPROVE = "adjust_approve", "同意目标调整"
    ADJUST_REFUSE = "adjust_refuse", "不同意目标调整"


class DeclarationEvent(models.Model):
    """Who did what to a declaration; ``changes`` maps each changed field path to [before, after]."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="events", verbose_name="申报")
    actor = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    action = models.CharField("操作", max_length=20, choices=choices(DeclarationAction))
    changes = models.JSONField("修改内容", default=dict, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报操作记录"
        ordering = ("-at", "-pk")


class AdjustmentStatus(Labelled):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "同意"
    REFUSED = "refused", "不同意"


class TargetAdjustment(models.Model):
    """目标调整: the only way to change an approved target (docs/targets.md#followup)."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="adjustments", verbose_name="申报")
    indicator = models.CharField("指标", max_length=200)
    old = models.CharField("原指标值", max_length=200)
    new = models.CharField("调整后指标值", max_length=200)
    reason = models.TextField("调整理由")
    status = models.CharField(
        "状态", max_length=20, choices=choices(AdjustmentStatus), default=AdjustmentStatus.PENDING.value
    )
    requested_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    reviewer = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "目标调整"
        ordering = ("-requested_at",)


class LightRuleSet(models.Model):
    """A bureau's light thresholds (docs/targets.md#lights); a bureau without one uses the defaults."""

    bureau = models.OneToOneField(Bureau, models.CASCADE, related_name="light_rules", verbose_name="财政局")
    red_lag = models.DecimalField("红灯：落后超过（百分点）", max_digits=6, decimal_places=2, default=0)
    yellow_lag = models.DecimalField("黄灯：落后超过（百分点）", max_digits=6, decimal_places=2, null=True, blank=True)
    blue_ahead = models.DecimalField(
        "蓝灯：超前不少于（百分点）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    possible_counts_as_achievable = models.BooleanField("“有可能”视为能完成", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "亮灯规则"


class MonitoringRound(models.Model):
    """A monitoring round the bureau opens (e.g. 2025 年 1—7 月), with its deadline."""

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="monitoring_rounds", verbose_name="财政局")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("截止月份")
    name = models.CharField("名称", max_length=100)
    deadline = models.DateField("填报截止日期", null=True, blank=True)
    closed = models.BooleanField("已关闭", default=False)
    opened_by = models.ForeignKey(USER, models.PROTECT, null=True, related_name="+", verbose_name="开启人")
    opened_at = models.DateTimeField("开启时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "监控轮次"
        ordering = ("-year", "-month")
        constraints = (models.UniqueConstraint(fields=["bureau", "year", "month"], name="round_unique_per_month"),)

    def __str__(self) -> str:
        return self.name


class MonitoringReport(models.Model):
    """One approved declaration's report in one round; the derived columns feed the overview."""

    round = models.ForeignKey(MonitoringRound, models.CASCADE, related_name="reports", verbose_name="监控轮次")
    declaration = models.ForeignKey(Declaration, models.PROTECT, related_name="monitoring", verbose_name="绩效目标")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name="单位")
    document = models.JSONField("内容", default=dict)
    submitted = models.BooleanField("已填报", default=False)
    updated_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="填报人")
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    # Derived by the services from the document (jixiao.core.targets.monitoring).
    available = models.DecimalField("可用预算（万元）", max_digits=18, decimal_places=2, null=True, blank=True)
    execution_rate = models.DecimalField("预算执行率（%）", max_digits=12, decimal_places=2, null=True, blank=True)
    lag = models.DecimalField("落后序时进度（百分点）", max_digits=12, decimal_places=2, null=True, blank=True)
    budget_light = models.CharField("预算执行灯", max_length=10, choices=choices(Light), default=Light.RED.value)
    target_light = models.CharField("目标灯", max_length=10, choices=choices(Light), default=Light.GREEN.value)
    overall_light = models.CharField(
        "综合灯", max_length=10, choices=choices(Light), default=Light.RED.value, db_index=True
    )
    priority = models.DecimalField("重点监控排序值", max_digits=22, decimal_places=4, default=0, db_index=True)
    red_indicators = models.JSONField("红灯指标", default=list, blank=True)
    p0_count = models.PositiveIntegerField("P0 问题数", default=0)
    p1_count = models.PositiveIntegerField("P1 问题数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "监控填报"
        ordering = ("round", "unit__code")
        constraints = (models.UniqueConstraint(fields=["round", "declaration"], name="report_unique_in_round"),)


class MonitoringDecision(models.Model):
    """The bureau's decision on a project after a round (继续 / 调整目标 / 暂缓拨款 / 停止拨款 / 收回)."""

    report = models.ForeignKey(MonitoringReport, models.CASCADE, related_name="decisions", verbose_name="监控填报")
    decision = models.CharField("处理决定", max_length=20, choices=choices(Decision))
    reason = models.TextField("理由")
    by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="决定人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "监控处理决定"
        ordering = ("-at",)
