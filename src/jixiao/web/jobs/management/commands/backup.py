"""``python -m jixiao.web backup FILE``: database, evidence files and stored reports in one file
(docs/operations.md#backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.web.jobs.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份：数据库、佐证材料和已生成的 PDF 报告写入一个文件，附 SHA-256 清单"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径，如 /srv/backup/jixiao-2026-12-05.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            backup(options["file"], say=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from None
