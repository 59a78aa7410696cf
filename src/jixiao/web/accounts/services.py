"""Writes for accounts: API keys, and the audit events of account changes."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from jixiao.web.accounts.models import ApiToken

#: Keys start with this, so that a leaked key is easy to recognise (and to search for).
KEY_PREFIX = "jx_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(*, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """A new key for ``user``: the row, and the key itself (never stored, shown once)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=key_hash(key))
    return token, key


def api_token_user(key: str) -> Any | None:
    """The active user a key belongs to, or None; records when the key was last used."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # At most one write a minute per key: the API is read-heavy.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def account_audit(*, by: Any, action: Any, changes: dict[str, Any], note: str = "") -> Any:
    """An account event (password changed, role granted or revoked) in the audit chain
    (docs/operations.md#audit-chain): who (``by``), when, and what (``changes``)."""
    # Imported here: the evaluations app imports this one's models.
    from jixiao.web.evaluations.models import AuditEvent
    from jixiao.web.evaluations.services import append_audit

    return append_audit(AuditEvent(evaluation=None, actor=by, action=action, changes=changes, note=note))


def membership_changes(membership: Any) -> dict[str, Any]:
    """What a role event records: the account, the role and where it is held."""
    return {
        "账号": membership.user.get_username(),
        "角色": membership.get_role_display(),
        "单位" if membership.unit_id else "财政局": str(membership.unit or membership.bureau),
    }


def membership_audit(*, by: Any, membership: Any, granted: bool) -> Any:
    """A role granted or revoked, in the audit chain (who, when, what)."""
    from jixiao.web.evaluations.models import AuditAction

    action = AuditAction.ROLE_GRANT if granted else AuditAction.ROLE_REVOKE
    return account_audit(by=by, action=action, changes=membership_changes(membership))
