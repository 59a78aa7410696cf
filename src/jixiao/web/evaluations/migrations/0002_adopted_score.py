# ruff: noqa: RUF012  (Django migration)
"""The score the unit adopts, beside the computed one (docs/web.md, 单位采用的自评得分)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import migrations, models


def fill_adopted(apps: Any, schema_editor: Any) -> None:
    """Existing versions: the unit's stated total and grade where the document has them, else the computed ones.
    (A stated total without a grade keeps the computed grade until the next save recomputes it.)"""
    version_model = apps.get_model("evaluations", "EvaluationVersion")
    for version in version_model.objects.all().iterator():
        stated = version.document.get("stated") if isinstance(version.document, dict) else None
        stated = stated if isinstance(stated, dict) else {}
        try:
            total = Decimal(str(stated["total"])) if stated.get("total") not in (None, "") else None
        except (InvalidOperation, ValueError):
            total = None
        version.adopted_total = total if total is not None else version.total
        version.adopted_grade = str(stated.get("grade") or version.grade or "")[:10]
        version.save(update_fields=["adopted_total", "adopted_grade"])


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="evaluationversion",
            name="adopted_total",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=9, null=True, verbose_name="单位采用的自评得分"
            ),
        ),
        migrations.AddField(
            model_name="evaluationversion",
            name="adopted_grade",
            field=models.CharField(blank=True, max_length=10, verbose_name="单位采用的评价等级"),
        ),
        migrations.RunPython(fill_adopted, migrations.RunPython.noop),
    ]
