# ruff: noqa: RUF012  (Django migration)
"""Account events (password changed, role granted or revoked) join the audit chain with no
evaluation (docs/operations.md#audit-chain)."""

import django.db.models.deletion
from django.db import migrations, models

ACTIONS = [
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
    ("password_change", "修改密码"),
    ("role_grant", "授予角色"),
    ("role_revoke", "撤销角色"),
]


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0005_audit_chain_milliseconds")]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=20, verbose_name="操作"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="evaluation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="audit_events",
                to="evaluations.evaluation",
                verbose_name="自评",
            ),
        ),
    ]
