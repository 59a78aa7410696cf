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
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="单位", empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", choices=choices(EvaluationKind), initial=EvaluationKind.DEPARTMENT.value)
    project = forms.CharField(label="项目名称", max_length=200, required=False, help_text="项目支出自评填写")
    framework = forms.ModelChoiceField(
        queryset=FrameworkRecord.objects.defer("yaml_text"), label="评分标准", empty_label=None
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = timezone.localdate().year - 1


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
