"""``python -m jixiao.web restore FILE``: a backup into an empty instance (docs/operations.md#backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.web.jobs.backup import BackupError, restore


class Command(BaseCommand):
    help = "恢复：先核对备份文件的全部校验值，再恢复到空实例（新的实例目录和空数据库）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="backup 命令写出的备份文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restore(options["file"], say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
