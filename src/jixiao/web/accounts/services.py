"""Writes for accounts: API keys, and the audit events of account changes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jixiao.web.accounts.models import ApiToken

#: Keys start with this, so that a leaked key is easy to recognise (and to search for).
KEY_PREFIX = "jx_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: Any, name: str = "", expires_at: datetime | None = None, by: Any = None
) -> tuple[ApiToken, str]:
    """A new key for ``user``: the row, and the key itself (never stored, shown once). Without
    ``expires_at`` it works for ``API_TOKEN_DAYS`` days. Recorded in the audit chain, made
    ``by`` an administrator or (``None``) on the command line."""
    from jixiao.web.evaluations.models import AuditAction  # here: evaluations imports these models

    key = KEY_PREFIX + secrets.token_urlsafe(32)
    fields: dict[str, Any] = {"expires_at": expires_at} if expires_at is not None else {}
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:10], key_hash=key_hash(key), **fields)
    changes = {**token_changes(token), "有效期至": [None, _moment(token.expires_at)]}
    account_audit(by=by, action=AuditAction.TOKEN_CREATE, changes=changes, note="" if by else "命令行创建")
    return token, key


def api_token_expiry_audit(*, by: Any, token: ApiToken, before: datetime) -> None:
    """An administrator moved a key's expiry (shortened it, or extended a key in use)."""
    from jixiao.web.evaluations.models import AuditAction

    if before != token.expires_at:
        changes = {**token_changes(token), "有效期至": [_moment(before), _moment(token.expires_at)]}
        account_audit(by=by, action=AuditAction.TOKEN_EXPIRY, changes=changes)


def api_token_revoke_audit(*, by: Any, token: ApiToken) -> None:
    """An administrator deleted a key: it stops working at once."""
    from jixiao.web.evaluations.models import AuditAction

    account_audit(by=by, action=AuditAction.TOKEN_REVOKE, changes=token_changes(token))


def token_changes(token: ApiToken) -> dict[str, Any]:
    """What a key's events record: whose key, which (its public prefix, never the key) and its use."""
    return {"账号": token.user.get_username(), "密钥": f"{token.prefix}…", "用途": token.name}


def _moment(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class TokenRefused(Exception):
    """A known key that may not be used now: expired, or its user locked out (the API answers
    ``status`` with ``detail``, docs/web.md#api-limits)."""

    def __init__(self, detail: str, status: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _locked_out(request: HttpRequest, user: Any) -> bool:
    """Whether django-axes has locked the account after failed logins (the lock is per user
    name, AXES_LOCKOUT_PARAMETERS): its key stops working for as long as the password does."""
    if not settings.AXES_ENABLED:
        return False
    return bool(AxesProxyHandler.is_locked(request, {"username": user.get_username()}))


def api_token_authenticate(request: HttpRequest, key: str) -> ApiToken | None:
    """The key's row if it may be used now, None for an unknown key or an inactive user;
    :class:`TokenRefused` for an expired key or a locked-out user. Records when it was last used."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at <= now:
        when = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        raise TokenRefused(f"接口密钥已过期（有效期至 {when}）：请管理员重新创建密钥，或在管理页面延长有效期", 401)
    if _locked_out(request, token.user):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise TokenRefused(
            f"账号“{token.user.get_username()}”因多次输错密码已被暂时锁定，锁定期间接口密钥也不能使用；"
            f"请约 {minutes} 分钟后再试，或请管理员解除锁定",
            403,
        )
    # At most one write a minute per key: the API is read-heavy.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


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
