"""``python -m jixiao.web verify_audit``: check the audit hash chain (docs/operations.md#audit-chain).

Exit status 0 when every link holds, 1 with the first broken link named.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jixiao.web.evaluations.selectors import audit_chain_verdict


class Command(BaseCommand):
    help = "校验操作记录的哈希链：完整则退出码为 0；否则指出第一处断开的记录，退出码为 1"

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_chain_verdict()
        if verdict.broken is None:
            self.stdout.write(f"操作记录链完整：共 {verdict.count} 条记录，逐条核对哈希无误。")
            return
        self.stderr.write(verdict.broken.message())
        raise SystemExit(1)
