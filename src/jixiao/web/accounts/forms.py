from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class LoginForm(AuthenticationForm):
    error_messages: ClassVar[dict[str, str]] = {
        "invalid_login": "用户名或密码不正确。连续输错多次后账号将被暂时锁定。",
        "inactive": "此账号已停用，请联系管理员。",
    }


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (current password, new password twice, AUTH_PASSWORD_VALIDATORS) in our words."""

    error_messages: ClassVar[dict[str, str]] = {
        "password_mismatch": "两次输入的新密码不一致。",
        "password_incorrect": "当前密码不正确。",
    }

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        new = cleaned.get("new_password1")
        if new and new == cleaned.get("old_password"):
            self.add_error(
                "new_password1", forms.ValidationError("新密码不能与当前密码相同。", code="password_unchanged")
            )
        return cleaned
