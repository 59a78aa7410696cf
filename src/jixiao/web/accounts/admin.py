from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from jixiao.web.accounts.duties import staff_conflict
from jixiao.web.accounts.models import ApiToken, Bureau, Membership, Unit
from jixiao.web.accounts.services import api_token_expiry_audit, api_token_revoke_audit, membership_audit


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    search_fields = ("name",)


class UnitForm(forms.ModelForm):
    """行业 is chosen from the bureau's list (docs/results.md#analytics), not typed freely."""

    class Meta:
        model = Unit
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        from jixiao.web.targets.selectors import unit_sectors  # targets depends on accounts, not back

        bureau, sector = data.get("bureau"), (data.get("sector") or "").strip()
        if bureau is not None and sector:
            allowed = unit_sectors(bureau.pk)
            if sector not in allowed:
                self.add_error("sector", f"“{sector}”不在{bureau.name}的行业列表中，可选：{'、'.join(allowed)}")
        data["sector"] = sector
        return data


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitForm
    list_display = ("code", "name", "bureau", "sector", "superior")
    list_filter = ("bureau", "sector")
    search_fields = ("name", "code")
    autocomplete_fields = ("superior",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("unit",)


def _audit_saved(request: HttpRequest, membership: Membership, before: Membership | None) -> None:
    """Audit a saved role: a new one is granted; a changed one is the old revoked and the new granted."""
    if before is not None:
        if (before.user_id, before.role, before.unit_id, before.bureau_id) == (
            membership.user_id,
            membership.role,
            membership.unit_id,
            membership.bureau_id,
        ):
            return
        membership_audit(by=request.user, membership=before, granted=False)
    membership_audit(by=request.user, membership=membership, granted=True)


def _before(membership: Membership) -> Membership | None:
    if membership.pk is None:
        return None
    return Membership.objects.select_related("user", "unit", "bureau").filter(pk=membership.pk).first()


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class JixiaoUserAdmin(UserAdmin):
    inlines = (MembershipInline,)
    list_display = (*UserAdmin.list_display, "login_failures")
    actions = ("unlock",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        message = staff_conflict(obj) if obj.is_staff or obj.is_superuser else ""
        if message:
            # Separation of duties (accounts/duties.py): a worker never enters 系统管理.
            obj.is_staff = obj.is_superuser = False
            self.message_user(request, message + "；已取消其“职员状态”和“超级用户状态”", level="error")
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {item.pk: _before(item) for item in formset.queryset}
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            membership_audit(by=request.user, membership=befores.get(removed.pk) or removed, granted=False)
            removed.delete()
        for item in instances:
            before = befores.get(item.pk)
            item.save()
            _audit_saved(request, item, before)
        formset.save_m2m()

    @admin.display(description="连续登录失败")
    def login_failures(self, user: Any) -> str:
        failures = sum(
            AccessAttempt.objects.filter(username=user.username).values_list("failures_since_start", flat=True)
        )
        if not failures:
            return "—"
        locked = failures >= settings.AXES_FAILURE_LIMIT
        return f"{failures} 次（已锁定）" if locked else f"{failures} 次"

    @admin.action(description="解除所选账号的登录锁定")
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        names = list(queryset.values_list("username", flat=True))
        for name in names:
            axes_reset(username=name)
        self.message_user(request, f"已解除 {len(names)} 个账号的登录锁定")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "bureau")
    list_filter = ("role", "bureau")
    search_fields = ("user__username", "unit__name")
    autocomplete_fields = ("unit", "user")

    # Every grant and revocation goes into the audit chain (docs/operations.md#audit-chain).
    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        before = _before(obj)
        super().save_model(request, obj, form, change)
        _audit_saved(request, obj, before)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_audit(by=request.user, membership=obj, granted=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for membership in queryset.select_related("user", "unit", "bureau"):
            membership_audit(by=request.user, membership=membership, granted=False)
        super().delete_queryset(request, queryset)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys are created with ``python -m jixiao.web api_token``; here they are listed and revoked."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")
    # The expiry is the one thing an administrator changes here (shorten, or extend a key in use).
    fields = ("user", "name", "prefix", "key_hash", "created_at", "expires_at", "last_used_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    # A moved expiry and a deleted key go into the audit chain (docs/operations.md#audit-chain).
    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        before = ApiToken.objects.filter(pk=obj.pk).values_list("expires_at", flat=True).first()
        super().save_model(request, obj, form, change)
        if before is not None:
            api_token_expiry_audit(by=request.user, token=obj, before=before)

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        api_token_revoke_audit(by=request.user, token=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset.select_related("user"):
            api_token_revoke_audit(by=request.user, token=token)
        super().delete_queryset(request, queryset)
