# ruff: noqa: RUF012  (Django migration)
"""Audit events keep their time to the millisecond, and the chain hashes it so
(docs/operations.md#audit-chain): backups carry times to the millisecond, and a restored
chain must verify. Existing events are truncated and the chain is computed again."""

from typing import Any

from django.db import migrations


def rechain(apps: Any, schema_editor: Any) -> None:
    from jixiao.web.evaluations import auditchain

    event_model = apps.get_model("evaluations", "AuditEvent")
    prev, count = auditchain.GENESIS, 0
    for event in event_model.objects.order_by("pk").iterator():
        event.at = auditchain.to_millisecond(event.at)
        event.prev_hash = prev
        event.hash = auditchain.digest(prev, auditchain.fields_of(event))
        event.save(update_fields=["at", "prev_hash", "hash"])
        prev, count = event.hash, count + 1
    apps.get_model("evaluations", "AuditChainHead").objects.update_or_create(
        pk=1, defaults={"last_hash": prev, "count": count}
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0004_withdraw_and_correction")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
