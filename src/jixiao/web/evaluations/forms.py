"""Small forms: creating an evaluation, uploads, comments, the posted lock version.

The editor's sections are in editor.py.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.ingest.limits import MiB
from jixiao.ingest.loader import SUFFIXES
from jixiao.web.accounts.models import Unit
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import FrameworkRecord


class CreateForm(forms.Form):
    """新建自评. The standards offered are those for the chosen kind, the unit's bureau's default
    preselected; changing the unit or the kind refreshes the list (htmx, the same address)."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="单位", empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", choices=choices(EvaluationKind), initial=EvaluationKind.DEPARTMENT.value)
    project = forms.CharField(label="项目名称", max_length=200, required=False, help_text="项目支出自评填写")
    framework = forms.ModelChoiceField(
        queryset=FrameworkRecord.objects.none(), label="评分标准", empty_label="请选择评分标准"
    )

    def __init__(self, *args: Any, units: Any, refresh_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = timezone.localdate().year - 1
        kind = self._chosen("kind", EvaluationKind.DEPARTMENT.value)
        if kind not in {k.value for k in EvaluationKind}:
            kind = EvaluationKind.DEPARTMENT.value
        framework = self.fields["framework"]
        framework.queryset = FrameworkRecord.objects.for_kind(kind).defer("yaml_text")
        framework.error_messages["invalid_choice"] = f"所选评分标准不适用于{EvaluationKind(kind).label}评价，请重新选择"
        chosen_unit = self._chosen("unit", "")
        with_bureau = units.select_related("bureau")
        unit = with_bureau.filter(pk=chosen_unit).first() if chosen_unit.isdigit() else with_bureau.first()
        if unit is not None:
            framework.initial = unit.bureau.default_framework_id(kind)
        if refresh_url:
            refresh = {
                "hx-get": refresh_url,
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-target": "#field-framework",
                "hx-select": "#field-framework",
                "hx-swap": "outerHTML",
            }
            for name in ("unit", "kind"):
                self.fields[name].widget.attrs.update(refresh)

    def _chosen(self, name: str, default: str) -> str:
        """A field's value as posted, else as given initially (the refresh's query), else ``default``."""
        source = self.data if self.is_bound else self.initial
        value = source.get(name)
        return str(value) if value not in (None, "") else default


class ImportForm(forms.Form):
    file = forms.FileField(
        label="自评表或评价文件",
        help_text=f"可导入：{'、'.join(sorted(SUFFIXES))}；不超过 {settings.IMPORT_MAX_BYTES // MiB} MB",
    )


class EvidenceForm(forms.Form):
    indicator = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    file = forms.FileField(label="佐证材料")


class CommentForm(forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)


def posted_lock(request: HttpRequest) -> int | None:
    """The lock version the page was rendered with (``None`` if the form did not send one)."""
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdigit() else None
