"""``python -m jixiao.web api_token USERNAME [--name 用途]``: create a key for the JSON API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.web.accounts.services import api_token_create


class Command(BaseCommand):
    help = "为用户创建接口密钥（只显示这一次，请妥善保存）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--name", default="", help="用途说明，如 “预算系统对接”")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户“{options['username']}”不存在")
        token, key = api_token_create(user=user, name=options["name"])
        self.stdout.write(f"已为 {user.get_username()} 创建接口密钥（{token.prefix}…），只显示这一次：\n{key}")
        self.stdout.write("调用时加请求头：Authorization: Bearer <密钥>；权限与该用户在网页上的权限相同。")
