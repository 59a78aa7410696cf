"""Login, logout and changing one's own password (Django's views with our templates), and the
CSRF failure page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from jixiao.web.accounts.forms import ChangePasswordForm, LoginForm
from jixiao.web.accounts.services import account_audit
from jixiao.web.evaluations.models import AuditAction


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in user changes their own password; the session stays signed in
    (Django's view calls ``update_session_auth_hash``) and the change is audited."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:password_change")

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The event names the account, never the password.
        account_audit(
            by=self.request.user,
            action=AuditAction.PASSWORD_CHANGE,
            changes={"账号": self.request.user.get_username()},
            note="本人修改密码",
        )
        messages.success(self.request, "密码已修改。下次登录请使用新密码。")
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "csrf_failure.html", status=403)
