"""Evaluations, their versions, their history and their evidence files.

The document of a version is the evaluation in the file format of
:func:`jixiao.ingest.evaluation_file.to_data` (it round-trips through ``parse_evaluation``), so
every figure keeps its ``sources``. The summary columns of a version (total, grade, rate,
finding counts) are derived: the services recompute them from the core on every save, so
that the bureau overview is a single query and never scores anything itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jixiao.core.labels import Labelled
from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Unit
from jixiao.web.choices import choices
from jixiao.web.evaluations.workflow import State

USER = settings.AUTH_USER_MODEL


class FrameworkQuerySet(models.QuerySet["FrameworkRecord"]):
    def for_kind(self, kind: str) -> FrameworkQuerySet:
        """The standards that apply to a kind's value (``kinds`` lists values: department,project)."""
        return self.filter(kinds__contains=kind)


class FrameworkRecord(models.Model):
    """A scoring standard (评分标准) as YAML, validated by ``parse_framework`` when saved.

    Evaluations point at one record, so a bureau's later change is a new version and never
    re-scores an evaluation already made under the old one.
    """

    objects = FrameworkQuerySet.as_manager()

    framework_id = models.CharField("评分标准编号", max_length=100)
    version = models.CharField("版本", max_length=50)
    title = models.CharField("名称", max_length=200, blank=True)
    kinds = models.CharField("适用类型", max_length=100, blank=True, help_text="由 YAML 的 applies_to 得出")
    yaml_text = models.TextField("YAML 文本")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分标准"
        ordering = ("framework_id", "version")
        constraints = (models.UniqueConstraint(fields=["framework_id", "version"], name="framework_version_unique"),)

    def __str__(self) -> str:
        # What users read (forms, history notes, admin lists): the Chinese title and the version;
        # the identifier is a column of its own in the admin.
        return f"{self.title or self.framework_id}（{self.version} 版）"


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    """The ways evaluations are fetched, each named once (``Evaluation.objects.listing()``)."""

    def with_summary(self) -> EvaluationQuerySet:
        """With the current version's summary columns (total, grade, rate…), not its document."""
        return self.select_related("current_version").defer("current_version__document")

    def listing(self) -> EvaluationQuerySet:
        """Rows of a list: unit, bureau, framework and summary, latest year first, by unit code."""
        return (
            self.with_summary()
            .select_related("unit__bureau", "framework")
            .defer("framework__yaml_text")
            .order_by("-year", "unit__code", "kind", "project")
        )

    def with_related(self) -> EvaluationQuerySet:
        """One evaluation with what its pages read: unit, bureau, framework and current version in full."""
        return self.select_related("unit__bureau", "framework", "current_version")

    def published(self) -> EvaluationQuerySet:
        return self.filter(state=State.PUBLISHED)


class Evaluation(models.Model):
    """One self-evaluation of a unit for a year (部门整体, or one project)."""

    objects = EvaluationQuerySet.as_manager()

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="evaluations", verbose_name="单位")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField(
        "类型", max_length=20, choices=choices(EvaluationKind), default=EvaluationKind.DEPARTMENT.value
    )
    #: the project's name for 项目支出 evaluations; empty for 部门整体 (one per unit and year)
    project = models.CharField("项目名称", max_length=200, blank=True, default="")
    framework = models.ForeignKey(FrameworkRecord, models.PROTECT, related_name="evaluations", verbose_name="评分标准")
    state = models.CharField("状态", max_length=20, choices=choices(State), default=State.DRAFT.value, db_index=True)
    current_version = models.ForeignKey(
        "EvaluationVersion", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="当前版本"
    )
    #: optimistic lock: every change increments it; a save naming an older value is refused
    lock_version = models.PositiveIntegerField("修改序号", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("最后修改", auto_now=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    #: set when an evaluation withdrawn after publication is published again (更正); the first
    #: publication's date stays in ``published_at``
    corrected_at = models.DateTimeField("更正时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自评"
        ordering = ("-year", "unit__code")
        constraints = (
            models.UniqueConstraint(fields=["unit", "year", "kind", "project"], name="evaluation_unique_per_unit_year"),
        )
        indexes = (models.Index(fields=["year", "kind"]),)

    def __str__(self) -> str:
        title = f"{self.year} 年度{self.get_kind_display()}绩效自评"
        return f"{self.unit.name} {title}{'：' + self.project if self.project else ''}"


class EvaluationVersion(models.Model):
    """A version of the document: editable while it is current and the state allows it,
    frozen for good once submitted."""

    evaluation = models.ForeignKey(Evaluation, models.CASCADE, related_name="versions", verbose_name="自评")
    number = models.PositiveIntegerField("版本号")
    document = models.JSONField("内容")
    frozen = models.BooleanField("已冻结", default=False)
    created_by = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)
    # Derived from the document by the services (jixiao.core scoring and checks).
    total = models.DecimalField("总分", max_digits=9, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等级", max_length=10, blank=True)
    execution_rate = models.DecimalField("预算执行率（%）", max_digits=12, decimal_places=2, null=True, blank=True)
    p0_count = models.PositiveIntegerField("P0 问题数", default=0)
    p1_count = models.PositiveIntegerField("P1 问题数", default=0)
    p2_count = models.PositiveIntegerField("P2 问题数", default=0)
    indicator_count = models.PositiveIntegerField("指标数", default=0)
    #: The score the unit adopts (what its report states): its own ``stated.total`` when the document
    #: records one (with ``stated.reason``), else the computed total. The portal shows these.
    adopted_total = models.DecimalField("单位采用的自评得分", max_digits=9, decimal_places=2, null=True, blank=True)
    adopted_grade = models.CharField("单位采用的评价等级", max_length=10, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "自评版本"
        ordering = ("evaluation", "number")
        constraints = (models.UniqueConstraint(fields=["evaluation", "number"], name="version_number_unique"),)

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class AuditAction(Labelled):
    CREATE = "create", "创建"
    SAVE = "save", "保存"
    IMPORT = "import", "导入"
    EVIDENCE_ADD = "evidence_add", "上传佐证材料"
    EVIDENCE_REMOVE = "evidence_remove", "删除佐证材料"
    SUBMIT = "submit", "提交"
    SIGN_OFF = "sign_off", "签批"
    RETURN = "return", "退回"
    APPROVE = "approve", "审核通过"
    PUBLISH = "publish", "公开"
    WITHDRAW = "withdraw", "撤回"
    # Account events (no evaluation): docs/operations.md#audit-chain
    PASSWORD_CHANGE = "password_change", "修改密码"
    ROLE_GRANT = "role_grant", "授予角色"
    ROLE_REVOKE = "role_revoke", "撤销角色"
    TOKEN_CREATE = "token_create", "创建接口密钥"
    TOKEN_EXPIRY = "token_expiry", "修改接口密钥有效期"
    TOKEN_REVOKE = "token_revoke", "删除接口密钥"



class AuditEvent(models.Model):
    """Who did what when; ``changes`` maps each changed field path to [before, after].

    ``prev_hash`` and ``hash`` chain the events (docs/operations.md#audit-chain): only
    ``services._audit`` writes them, and ``python -m jixiao.web verify_audit`` checks them.
    """

    #: None for an account event (password change, role granted or revoked).
    evaluation = models.ForeignKey(
        Evaluation, models.CASCADE, null=True, blank=True, related_name="audit_events", verbose_name="自评"
    )
    version_number = models.PositiveIntegerField("版本号", null=True, blank=True)
    actor = models.ForeignKey(USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    action = models.CharField("操作", max_length=20, choices=choices(AuditAction))
    changes = models.JSONField("修改内容", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    prev_hash = models.CharField("上一条记录的哈希", max_length=64, default="", editable=False)
    hash = models.CharField("本条记录的哈希", max_length=64, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ("-at", "-pk")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()}"


class AuditChainHead(models.Model):
    """The end of the audit chain: the last event's hash and the number of events (one row).

    Locked by every append, so the chain never forks; a deleted last event shows here.
    """

    last_hash = models.CharField("最后一条记录的哈希", max_length=64)
    count = models.PositiveBigIntegerField("记录数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "操作记录链头"

    def __str__(self) -> str:
        return f"{self.count} 条，最后 {self.last_hash[:12]}…"


class Evidence(models.Model):
    """A file supporting one indicator (佐证材料), stored once by its SHA-256.

    ``ref`` is stable across versions (a return copies the rows) and is written into the
    indicator's ``evidence`` list in the document, so reordering indicators keeps each file
    with its indicator; ``indicator_path`` is re-derived from the document on every save.
    """

    version = models.ForeignKey(EvaluationVersion, models.CASCADE, related_name="evidence", verbose_name="版本")
    ref = models.CharField("编号", max_length=16)
    indicator_path = models.CharField("所属指标", max_length=64, blank=True)
    filename = models.CharField("文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"
        ordering = ("version", "indicator_path", "uploaded_at", "pk")
        constraints = (
            models.UniqueConstraint(fields=["version", "ref"], name="evidence_ref_unique_in_version"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
        )

    def __str__(self) -> str:
        return self.filename
