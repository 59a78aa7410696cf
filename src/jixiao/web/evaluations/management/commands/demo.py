"""``python -m jixiao.web demo``: migrate, load the demo district, print the accounts, serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.ingest.errors import InputError
from jixiao.web.accounts.models import Bureau
from jixiao.web.evaluations import demo
from jixiao.web.results.demo import load_results_demo


class Command(BaseCommand):
    help = "演示：建库、载入东湖区演示数据、打印演示账号，并在 http://127.0.0.1:8000 启动服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
        parser.add_argument("--reset", action="store_true", help="清空数据库后重新载入演示数据（仅演示模式）")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="服务地址，默认 127.0.0.1:8000")
        parser.add_argument("--example", type=Path, default=demo.SEED_EXAMPLE, help="种子单位的评价文件")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程（PDF 报告等将不会生成）")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError(
                "演示命令只在演示模式下运行：请设置 JIXIAO_DEMO=1（python -m jixiao.web demo 会自动设置）"
            )
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        if demo.demo_exists():
            self.stdout.write("演示数据已存在，直接使用（加 --reset 可重新生成）。")
        else:
            example: Path = options["example"]
            if not example.is_file():
                raise CommandError(f"找不到种子单位的评价文件 {example}；请在仓库根目录运行，或用 --example 指定")
            try:
                count = demo.load_demo(example)
                bureau = Bureau.objects.get(name=demo.BUREAU)
                load_results_demo(bureau, get_user_model().objects.get(username="shenhe"), demo.YEAR)
            except InputError as error:
                raise CommandError(f"种子单位的评价文件无法读取：{error}") from None
            self.stdout.write(f"已载入演示数据：{demo.BUREAU}，{count} 份自评。")
        self._print_accounts()
        if not options["no_serve"]:
            self.stdout.write(f"\n在浏览器中打开 http://{options['addr']}/ （按 Ctrl+C 停止）\n")
            _check_free(options["addr"])
            worker = None if options["no_worker"] else _start_worker()
            try:
                call_command("runserver", options["addr"], use_reloader=False)
            finally:
                if worker is not None:
                    worker.terminate()  # it finishes the task at hand, then stops
                    try:
                        worker.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        worker.kill()

    def _print_accounts(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {demo.PASSWORD}）：")
        for account in demo.ACCOUNTS:
            where = f"单位编码 {account.unit_code}" if account.unit_code else demo.BUREAU
            self.stdout.write(f"  {account.username:<10} {account.full_name:<6} {account.role.label}（{where}）")
        self.stdout.write(f"数据保存在 {settings.INSTANCE_DIR}；公众查询页无需登录：/public/")


def _start_worker() -> subprocess.Popen[bytes]:
    """One background worker beside the demo server (docs/operations.md#tasks), same environment.

    It stops by itself when this process ends, however it ends (runserver may leave by os._exit).
    """
    return subprocess.Popen([sys.executable, "-m", "jixiao.web", "worker", "--parent", str(os.getpid())])


def _check_free(addr: str) -> None:
    host, _, port = addr.rpartition(":")
    with socket.socket() as probe:
        try:
            probe.bind((host or "127.0.0.1", int(port)))
        except OSError:
            raise CommandError(f"地址 {addr} 已被占用：请先停止占用它的程序，或用 --addr 指定其他端口") from None
        except ValueError:
            raise CommandError(f"地址 {addr} 无效，应为 主机:端口，如 127.0.0.1:8000") from None
