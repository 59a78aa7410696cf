# ruff: noqa: RUF012  (Django migration)
"""The bureau's default scoring standard for each kind, preselected by 新建自评 (docs/web.md)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("evaluations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bureau",
            name="department_framework",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kinds__contains": "department"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="evaluations.frameworkrecord",
                verbose_name="部门整体支出默认评分标准",
            ),
        ),
        migrations.AddField(
            model_name="bureau",
            name="project_framework",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kinds__contains": "project"},
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="evaluations.frameworkrecord",
                verbose_name="项目支出默认评分标准",
            ),
        ),
    ]
