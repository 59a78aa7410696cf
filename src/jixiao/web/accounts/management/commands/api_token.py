"""``python -m jixiao.web api_token USERNAME [--name 用途] [--days 天数]``: create a key for the JSON API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jixiao.web.accounts.services import api_token_create


class Command(BaseCommand):
    help = "为用户创建接口密钥（只显示这一次，请妥善保存）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="用途说明，如 “预算系统对接”")
        parser.add_argument(
            "--days", type=int, default=None, help=f"有效天数（默认 {settings.API_TOKEN_DAYS} 天，过期后答复 401）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在")
        days = options["days"]
        if days is not None and not 1 <= days <= 3660:
            raise CommandError("有效天数应在 1 到 3660 之间")
        expires_at = timezone.now() + timedelta(days=days) if days is not None else None
        token, key = api_token_create(user=user, name=options["name"], expires_at=expires_at)
        until = timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")
        self.stdout.write(
            f"已为 {user.get_username()} 创建接口密钥（{token.prefix}…，有效期至 {until}），只显示这一次：\n{key}"
        )
        self.stdout.write("调用时加请求头：Authorization: Bearer <密钥>；权限与该用户在网页上的权限相同。")
