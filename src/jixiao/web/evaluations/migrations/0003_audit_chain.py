# ruff: noqa: RUF012  (Django migration)
"""The audit trail as a hash chain (docs/operations.md#audit-chain): existing events are chained in their order."""

from typing import Any

import django.utils.timezone
from django.db import migrations, models


def chain_existing(apps: Any, schema_editor: Any) -> None:
    from jixiao.web.evaluations import auditchain

    event_model = apps.get_model("evaluations", "AuditEvent")
    prev, count = auditchain.GENESIS, 0
    for event in event_model.objects.order_by("pk").iterator():
        event.prev_hash = prev
        event.hash = auditchain.digest(prev, auditchain.fields_of(event))
        event.save(update_fields=["prev_hash", "hash"])
        prev, count = event.hash, count + 1
    apps.get_model("evaluations", "AuditChainHead").objects.update_or_create(
        pk=1, defaults={"last_hash": prev, "count": count}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_adopted_score"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_hash", models.CharField(max_length=64, verbose_name="最后一条记录的哈希")),
                ("count", models.PositiveBigIntegerField(default=0, verbose_name="记录数")),
            ],
            options={
                "verbose_name": "操作记录链头",
                "verbose_name_plural": "操作记录链头",
            },
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="本条记录的哈希"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="上一条记录的哈希"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="时间"),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
