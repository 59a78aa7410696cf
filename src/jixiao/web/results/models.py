"""After the self-evaluation (docs/results.md): rectification items, the bureau's re-evaluation,
its rule table and the results application list."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jixiao.core.rectification import ItemState, Source
from jixiao.core.results import Ranking
from jixiao.web.accounts.models import Bureau, Unit
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.targets.models import MonitoringDecision

USER = settings.AUTH_USER_MODEL


class RuleTableRecord(models.Model):
    """A bureau's results application rules for one evaluation year (docs/results.md#rule-table)."""

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="rule_tables", verbose_name="财政局")
    year = models.PositiveSmallIntegerField("评价年度")
    data = models.JSONField("规则")
    updated_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "结果应用规则表"
        constraints = (models.UniqueConstraint(fields=["bureau", "year"], name="rule_table_unique_year"),)

    def __str__(self) -> str:
        return f"{self.bureau} {self.year} 年度结果应用规则"


class ReEvaluation(models.Model):
    """The bureau's own score of a sampled evaluation (重点评价 / 抽评), with the same framework."""

    evaluation = models.OneToOneField(Evaluation, models.CASCADE, related_name="re_evaluation", verbose_name="自评")
    reviewer = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="评价人")
    document = models.JSONField("评价人采用的数据")
    total = models.DecimalField("重点评价得分", max_digits=9, decimal_places=2, null=True, blank=True)
    grade = models.CharField("重点评价等级", max_length=10, blank=True)
    self_total = models.DecimalField("单位自评得分", max_digits=9, decimal_places=2, null=True, blank=True)
    note = models.TextField("评价意见", blank=True)
    at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "财政重点评价"

    def __str__(self) -> str:
        return f"{self.evaluation} 重点评价 {self.total}"

    @property
    def difference(self) -> object:
        """Self-score minus the bureau's score: positive when the unit scored itself higher."""
        if self.total is None or self.self_total is None:
            return None
        return self.self_total - self.total


class RectificationItem(models.Model):
    """One problem followed up until the bureau closes it (docs/results.md#rectification)."""

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="rectification_items", verbose_name="财政局")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="rectification_items", verbose_name="单位")
    year = models.PositiveSmallIntegerField("评价年度", db_index=True)
    evaluation = models.ForeignKey(
        Evaluation, models.SET_NULL, null=True, blank=True, related_name="rectification_items", verbose_name="来源自评"
    )
    source = models.CharField("问题来源", max_length=20, choices=choices(Source))
    finding_code = models.CharField("审核意见代码", max_length=60, blank=True)
    monitoring_decision = models.OneToOneField(
        MonitoringDecision,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectification_item",
        verbose_name="来源监控处理决定",
    )
    problem = models.TextField("问题")
    measure = models.TextField("整改措施")
    owner = models.CharField("责任人", max_length=100, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=choices(ItemState), default=ItemState.ISSUED.value)
    feedback = models.TextField("整改情况说明", blank=True)
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="下发人")
    created_at = models.DateTimeField("下发时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改事项"
        ordering = ("-year", "unit__code", "pk")
        indexes = (models.Index(fields=["bureau", "year", "state"], name="rectification_bureau_year"),)

    def __str__(self) -> str:
        return f"{self.unit} {self.year}：{self.problem[:30]}"


class RectificationEvidence(models.Model):
    item = models.ForeignKey(RectificationItem, models.CASCADE, related_name="evidence", verbose_name="整改事项")
    filename = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改佐证材料"
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.filename


class RectificationEvent(models.Model):
    """Every change to an item: who, when, from which state to which, and the note."""

    item = models.ForeignKey(RectificationItem, models.CASCADE, related_name="events", verbose_name="整改事项")
    actor = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)
    action = models.CharField("操作", max_length=30)
    before = models.CharField("原状态", max_length=20, blank=True)
    after = models.CharField("新状态", max_length=20, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "整改记录"
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.action} {self.before}→{self.after}"


class Application(models.Model):
    """A bureau's results application list for one evaluation year (next year's budget)."""

    bureau = models.ForeignKey(Bureau, models.CASCADE, related_name="applications", verbose_name="财政局")
    year = models.PositiveSmallIntegerField("评价年度")
    rules = models.JSONField("所用规则")
    created_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="生成人")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结果应用清单"
        constraints = (models.UniqueConstraint(fields=["bureau", "year"], name="application_unique_year"),)

    def __str__(self) -> str:
        return f"{self.bureau} {self.year} 年度评价结果应用"


class ApplicationLine(models.Model):
    application = models.ForeignKey(Application, models.CASCADE, related_name="lines", verbose_name="结果应用清单")
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name="单位")
    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="+", verbose_name="自评")
    kind = models.CharField("评价类型", max_length=20)
    name = models.CharField("名称", max_length=300)
    score = models.DecimalField("所用得分", max_digits=9, decimal_places=2, null=True, blank=True)
    score_source = models.CharField("得分来源", max_length=30)
    grade = models.CharField("等级", max_length=10, blank=True)
    suggestion = models.CharField("处理意见", max_length=50)
    budget = models.DecimalField("本年预算（万元）", max_digits=16, decimal_places=2)
    suggested = models.DecimalField("建议下年预算（万元）", max_digits=16, decimal_places=2)
    ranking = models.CharField("排名结果", max_length=20, choices=choices(Ranking), default=Ranking.NONE.value)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    reasons = models.JSONField("理由", default=list)
    adjusted = models.DecimalField("财政调整后（万元）", max_digits=16, decimal_places=2, null=True, blank=True)
    adjust_note = models.TextField("调整理由", blank=True)
    adjusted_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="调整人"
    )
    adjusted_at = models.DateTimeField("调整时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结果应用明细"
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name

    @property
    def final(self) -> object:
        return self.adjusted if self.adjusted is not None else self.suggested


class FindingTally(models.Model):
    """How many findings of one code a version has: the analytics count findings by code in the database."""

    version = models.ForeignKey(
        "evaluations.EvaluationVersion", models.CASCADE, related_name="finding_tallies", verbose_name="版本"
    )
    code = models.CharField("代码", max_length=60)
    severity = models.CharField("严重程度", max_length=2)
    count = models.PositiveIntegerField("个数")

    class Meta:
        verbose_name = verbose_name_plural = "审核问题统计"
        constraints = (models.UniqueConstraint(fields=["version", "code", "severity"], name="tally_unique_code"),)

    def __str__(self) -> str:
        return f"{self.code} × {self.count}"


class ReEvaluationEvent(models.Model):
    """Every score the bureau's reviewer saved for a re-evaluation: who, when, what changed."""

    re_evaluation = models.ForeignKey(ReEvaluation, models.CASCADE, related_name="events", verbose_name="重点评价")
    actor = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="评价人")
    at = models.DateTimeField("时间", auto_now_add=True)
    total = models.DecimalField("重点评价得分", max_digits=9, decimal_places=2, null=True, blank=True)
    grade = models.CharField("重点评价等级", max_length=10, blank=True)
    changes = models.JSONField("认定的数据（与单位填报不同的）", default=dict)
    note = models.TextField("评价意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点评价记录"
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.re_evaluation} {self.total}"


class DepartmentEvaluation(models.Model):
    """A project evaluated by its 主管部门 (部门评价): counted in coverage (docs/results.md#coverage)."""

    evaluation = models.OneToOneField(
        Evaluation, models.CASCADE, related_name="department_evaluation", verbose_name="项目支出自评"
    )
    evaluator = models.CharField("评价部门", max_length=200)
    completed = models.DateField("完成日期")
    score = models.DecimalField("部门评价得分", max_digits=8, decimal_places=4, null=True, blank=True)
    grade = models.CharField("部门评价等级", max_length=10, blank=True)
    report = models.CharField("评价报告（文号或标题）", max_length=300, blank=True)
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门评价"

    def __str__(self) -> str:
        return f"{self.evaluation} 部门评价（{self.evaluator}）"


class DepartmentEvaluationEvent(models.Model):
    """Every record, change and removal of a 部门评价; kept on the project evaluation, so a removal
    keeps its history."""

    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, related_name="department_evaluation_events", verbose_name="项目支出自评"
    )
    actor = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)
    action = models.CharField("操作", max_length=20)
    changes = models.JSONField("修改内容", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "部门评价记录"
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.evaluation} {self.action}"
