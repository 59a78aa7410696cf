"""Admin: frameworks are edited here (validated by the core); evaluations are read-only here,
because every change to them must go through the services (lock, audit, workflow)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from jixiao.web.evaluations.errors import DocumentInvalid
from jixiao.web.evaluations.models import AuditEvent, Evaluation, FrameworkRecord
from jixiao.web.evaluations.services import framework_record_fields


class FrameworkRecordForm(forms.ModelForm):
    class Meta:
        model = FrameworkRecord
        fields = ("yaml_text",)
        widgets: ClassVar[dict[str, Any]] = {
            "yaml_text": forms.Textarea(attrs={"rows": 30, "cols": 100, "style": "font-family: monospace"})
        }

    def clean_yaml_text(self) -> str:
        text: str = self.cleaned_data["yaml_text"]
        try:
            self.derived = framework_record_fields(text)
        except DocumentInvalid as error:
            raise forms.ValidationError(f"评分标准无效：{error.message}") from None
        others = FrameworkRecord.objects.filter(
            framework_id=self.derived["framework_id"], version=self.derived["version"]
        ).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("已有相同编号和版本的评分标准；修改标准请在 YAML 中提高 version")
        return text

    def save(self, commit: bool = True) -> FrameworkRecord:
        # Read-only YAML (a standard already in use) is not cleaned: nothing to derive then.
        for name, value in getattr(self, "derived", {}).items():
            setattr(self.instance, name, value)
        return super().save(commit)


@admin.register(FrameworkRecord)
class FrameworkRecordAdmin(admin.ModelAdmin):
    form = FrameworkRecordForm
    list_display = ("framework_id", "version", "title", "kinds", "created_at")
    search_fields = ("framework_id", "title")

    def get_readonly_fields(self, request: HttpRequest, obj: FrameworkRecord | None = None) -> Any:
        # A standard already used by evaluations is frozen: changing it would re-score them.
        if obj is not None and obj.evaluations.exists():
            return ["yaml_text"]
        return []


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("unit", "year", "kind", "project", "state", "lock_version", "updated_at")
    list_filter = ("state", "year", "kind", "unit__bureau")
    search_fields = ("unit__name", "project")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "evaluation", "actor", "action", "version_number")
    list_filter = ("action",)
