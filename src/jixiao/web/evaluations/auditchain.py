"""The audit trail as a hash chain (docs/operations.md#audit-chain).

Every :class:`~jixiao.web.evaluations.models.AuditEvent` stores the SHA-256 of the event before
it (``prev_hash``) and its own (``hash``), computed over its fields and ``prev_hash``. Changing,
inserting or deleting a row in the database afterwards breaks the chain at that row (or, for
the last rows, at the head record that remembers the last hash and the count), and
:func:`verify` names the first broken link. Appends are serialized by locking the single
:class:`~jixiao.web.evaluations.models.AuditChainHead` row inside the writing transaction, so
two saves at once can never both claim the same predecessor.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The hash before the first event.
GENESIS = "0" * 64


def _instant(value: datetime) -> str:
    """The time in UTC to the millisecond (truncated): what every database and Django's JSON
    serialization (backups, docs/operations.md#backup) keep exactly."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def to_millisecond(value: datetime) -> datetime:
    """An event's time as it is stored: whole milliseconds, so the stored time is the hashed one."""
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def digest(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of one event: its fields and the previous hash, as canonical JSON."""
    payload = {
        "prev": prev_hash,
        "evaluation": fields["evaluation_id"],
        "version": fields["version_number"],
        "actor": fields["actor_id"],
        "at": _instant(fields["at"]),
        "action": fields["action"],
        "changes": fields["changes"],
        "note": fields["note"],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fields_of(event: Any) -> dict[str, Any]:
    return {
        "evaluation_id": event.evaluation_id,
        "version_number": event.version_number,
        "actor_id": event.actor_id,
        "at": event.at,
        "action": event.action,
        "changes": event.changes,
        "note": event.note,
    }


@dataclass(frozen=True)
class Break:
    """The first link that does not hold: which event (``pk`` None = the head record) and why."""

    position: int
    pk: int | None
    at: datetime | None
    reason: str

    def message(self) -> str:
        if self.pk is None:
            return f"操作记录链在末尾断开：{self.reason}"
        when = f"，时间 {_instant(self.at)}" if self.at is not None else ""
        return f"操作记录链在第 {self.position} 条（编号 {self.pk}{when}）处断开：{self.reason}"


@dataclass(frozen=True)
class Verdict:
    count: int
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(events: Any, head_hash: str, head_count: int) -> Verdict:
    """Walk ``events`` (in chain order) and compare every stored hash with the recomputed one."""
    prev = GENESIS
    position = 0
    for event in events:
        position += 1
        if event.prev_hash != prev:
            reason = "记录的上一条哈希与上一条记录不符（其前有记录被删除、插入或改动）"
            return Verdict(position, Break(position, event.pk, event.at, reason))
        expected = digest(prev, fields_of(event))
        if event.hash != expected:
            return Verdict(position, Break(position, event.pk, event.at, "记录内容与其哈希不符（记录被改动）"))
        prev = event.hash
    if position != head_count or prev != head_hash:
        reason = f"链头记载 {head_count} 条，实有 {position} 条；最后的记录被删除或链头被改动"
        return Verdict(position, Break(position + 1, None, None, reason))
    return Verdict(position, None)
