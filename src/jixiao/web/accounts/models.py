"""Finance bureaus, budget units and who works for which of them in which role."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jixiao.core.labels import Labelled
from jixiao.web.choices import choices


class Bureau(models.Model):
    """A finance bureau (财政局): sets the scoring standard, reviews and publishes."""

    name = models.CharField("名称", max_length=100, unique=True)
    region = models.CharField("行政区划", max_length=100, blank=True)
    # What 新建自评 preselects for each kind; unset, the preparer chooses (never the first by name).
    department_framework = models.ForeignKey(
        "evaluations.FrameworkRecord",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kinds__contains": "department"},
        verbose_name="部门整体支出默认评分标准",
    )
    project_framework = models.ForeignKey(
        "evaluations.FrameworkRecord",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kinds__contains": "project"},
        verbose_name="项目支出默认评分标准",
    )

    class Meta:
        verbose_name = verbose_name_plural = "财政局"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def default_framework_id(self, kind: str) -> int | None:
        """The record 新建自评 preselects for a kind's value (``department`` / ``project``)."""
        return self.project_framework_id if kind == "project" else self.department_framework_id


class Unit(models.Model):
    """A budget unit (预算单位) under one bureau; it fills in its self-evaluations."""

    bureau = models.ForeignKey(Bureau, models.PROTECT, related_name="units", verbose_name="财政局")
    name = models.CharField("单位名称", max_length=200)
    code = models.CharField("单位编码", max_length=50)
    superior = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="subordinates", verbose_name="主管部门"
    )
    #: 行业 from the bureau's list (its indicator library's sectors); the analytics filter by it
    sector = models.CharField("行业", max_length=50, blank=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "预算单位"
        ordering = ("code", "name")
        constraints = (
            models.UniqueConstraint(fields=["bureau", "code"], name="unit_code_unique_in_bureau"),
            models.UniqueConstraint(fields=["bureau", "name"], name="unit_name_unique_in_bureau"),
        )

    def __str__(self) -> str:
        return self.name


class Role(Labelled):
    PREPARER = "preparer", "填报人"
    HEAD = "head", "单位负责人"
    REVIEWER = "reviewer", "财政审核人"
    ADMIN = "admin", "管理员"


#: Roles held in a unit; the others are held in a bureau.
UNIT_ROLES = frozenset({Role.PREPARER, Role.HEAD})
BUREAU_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})


class Membership(models.Model):
    """A user's role in one unit (填报人, 单位负责人) or one bureau (财政审核人, 管理员)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=choices(Role))
    unit = models.ForeignKey(
        Unit, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="单位"
    )
    bureau = models.ForeignKey(
        Bureau, models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="财政局"
    )

    class Meta:
        verbose_name = verbose_name_plural = "角色分配"
        constraints = (
            # A unit role names a unit and no bureau; a bureau role names a bureau and no unit.
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in UNIT_ROLES), unit__isnull=False, bureau__isnull=True)
                    | Q(role__in=sorted(r.value for r in BUREAU_ROLES), unit__isnull=True, bureau__isnull=False)
                ),
                name="membership_scope_matches_role",
                violation_error_message="填报人、单位负责人须指定单位；财政审核人、管理员须指定财政局",
            ),
            models.UniqueConstraint(fields=["user", "role", "unit"], name="membership_unique_unit_role"),
            models.UniqueConstraint(fields=["user", "role", "bureau"], name="membership_unique_bureau_role"),
        )

    def __str__(self) -> str:
        return f"{self.user}：{self.get_role_display()}（{self.unit or self.bureau}）"

    def duty_conflict(self) -> str:
        """Why this role may not be given to this user (separation of duties, accounts/duties.py)."""
        from jixiao.web.accounts.duties import conflict

        if self.user_id is None or self.role not in {r.value for r in Role}:
            return ""
        return conflict(self.user, Role(self.role), unit=self.unit, bureau_id=self.bureau_id, exclude_pk=self.pk)

    def clean(self) -> None:
        super().clean()
        message = self.duty_conflict()
        if message:
            raise ValidationError(message)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Also here, not only in forms: no script or command grants conflicting roles.
        message = self.duty_conflict()
        if message:
            raise ValidationError(message)
        super().save(*args, **kwargs)


def default_token_expiry() -> datetime:
    """When a new key stops working: ``API_TOKEN_DAYS`` (90 by default) from now (docs/web.md#api-limits)."""
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A key for the JSON API. Only its SHA-256 is stored; the key is shown once, at creation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="用户")
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=12, help_text="密钥的前几位，便于辨认")
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField(
        "有效期至", default=default_token_expiry, help_text="过期后接口答复 401；管理员可以缩短或延长"
    )

    class Meta:
        verbose_name = verbose_name_plural = "接口密钥"
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.prefix}…（{self.user}）"
