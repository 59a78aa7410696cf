# ruff: noqa: RUF012  (Django migration)
"""撤回 (withdrawal by the bureau) and 更正 (a corrected publication), docs/web.md."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0003_audit_chain"),
    ]

    operations = [
        migrations.AddField(
            model_name="evaluation",
            name="corrected_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="更正时间"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "创建"),
                    ("save", "保存"),
                    ("import", "导入"),
                    ("evidence_add", "上传佐证材料"),
                    ("evidence_remove", "删除佐证材料"),
                    ("submit", "提交"),
                    ("sign_off", "签批"),
                    ("return", "退回"),
                    ("approve", "审核通过"),
                    ("publish", "公开"),
                    ("withdraw", "撤回"),
                ],
                max_length=20,
                verbose_name="操作",
            ),
        ),
    ]
