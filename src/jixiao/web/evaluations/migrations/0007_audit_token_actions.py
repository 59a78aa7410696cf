# ruff: noqa: RUF012  (Django migration)
"""API keys created, their expiry moved, and keys deleted join the audit chain as account
events (docs/operations.md#audit-chain)."""

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
    ("token_create", "创建接口密钥"),
    ("token_expiry", "修改接口密钥有效期"),
    ("token_revoke", "删除接口密钥"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0006_audit_account_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=20, verbose_name="操作"),
        ),
    ]
