"""``python -m jixiao.web worker``: run the background queue (docs/operations.md#tasks).

A loop around django-tasks' database worker: between batches it queues again the jobs whose
worker died (their lease passed) and, at start, the PDFs that published versions still lack.
Any number of workers may run against PostgreSQL, on any number of machines; on SQLite run one.
SIGTERM/SIGINT finish the current task and stop. While the database cannot be reached the worker
waits and tries again every few seconds instead of exiting (docs/operations.md#faults).
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker

from jixiao.web.jobs.services import enqueue_missing_reports, recover_lost_jobs

#: Tasks run between two looks for lost jobs.
TASKS_PER_ROUND = 20
#: Seconds between two tries while the database cannot be reached.
DATABASE_RETRY_SECONDS = 2


class Command(BaseCommand):
    help = "后台任务处理进程：生成 PDF 报告、批量审核、导出等；中断的任务会重新排队"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完队列中已有的任务后退出（测试、基准用）")
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔几秒查看一次，默认 1")
        parser.add_argument(
            "--no-missing-reports", action="store_true", help="启动时不为缺少 PDF 的已公开版本排队生成"
        )
        parser.add_argument("--parent", type=int, default=0, help="该进程结束时随之退出（演示命令用）")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=TASKS_PER_ROUND,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        worker.configure_signals()
        if not options["no_missing_reports"]:
            queued = enqueue_missing_reports()
            if queued:
                self.stdout.write(f"已为 {queued} 个已公开版本排队生成 PDF 报告")
        self.stdout.write(f"后台任务进程已启动（{worker.worker_id}）")
        database_down = False
        while True:
            close_old_connections()
            try:
                recovered = recover_lost_jobs()
                if recovered:
                    self.stdout.write(f"{recovered} 个中断的任务已重新排队或记为失败")
                worker._run_tasks = 0
                worker.run()
            except (OperationalError, InterfaceError) as error:
                # The database is out of reach (docs/operations.md#faults): wait for it, don't exit.
                # A task cut short stays "running" until its lease passes, then runs again.
                if not database_down:
                    self.stderr.write(f"数据库暂时无法连接，每 {DATABASE_RETRY_SECONDS} 秒重试一次：{error}")
                database_down = True
                for alias in connections:
                    connections[alias].close_if_unusable_or_obsolete()
                time.sleep(DATABASE_RETRY_SECONDS)
                continue
            if database_down:
                self.stdout.write("数据库已恢复连接，继续处理任务")
                database_down = False
            if not worker.running or (options["parent"] and os.getppid() != options["parent"]):
                break
            if worker._run_tasks == 0:
                if options["batch"] and not _waiting():
                    break
                time.sleep(options["interval"])


def _waiting() -> bool:
    """Jobs queued for later (a retry's delay) or running elsewhere: a batch run waits for them."""
    from jixiao.web.jobs.models import ACTIVE, Job

    return Job.objects.filter(state__in=ACTIVE).exists()
