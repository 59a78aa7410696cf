# ruff: noqa: RUF012  (Django migration)
"""撤回 (withdrawal by the bureau) and 更正 (a corrected publication), docs/web.md."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewcomment",
            name="decision",
            field=models.CharField(
                choices=[("return", "退回修改"), ("approve", "审核通过"), ("withdraw", "撤回")],
                max_length=20,
                verbose_name="结论",
            ),
        ),
    ]
