"""Stored PDFs (docs/operations.md#stored-pdf): rendering in the background, serving from the store.

1. **Background rendering.** A fresh instance (SQLite in a temporary directory) with the demo
   district; ``--count`` reports are asked for: ``--count / 2`` frozen versions (copies of a
   published one, each under another unit name so every file differs), each a render job for
   its publication and review copy. Then one ``python -m jixiao.web worker --batch`` process
   renders them all, as in production (it takes up to 40 queued jobs per LibreOffice start).
   Printed: wall time, reports per second, LibreOffice starts, reports per second per
   LibreOffice process (one worker runs one LibreOffice at a time). Target ≥ 2.5.
2. **Serving.** ``--requests`` anonymous portal downloads of a stored PDF through Django's
   test client in this process (every middleware, the view, the queries, the file opened;
   the client reads the whole body). Printed: p50/p95/max. Target p95 ≤ 20 ms.

    .venv/bin/python bench/stored_pdf.py [--count 200] [--requests 300]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description="PDF 报告：后台生成与从存储发送")
    parser.add_argument("--count", type=int, default=200, help="后台生成的报告份数（公开版 + 审核版）")
    parser.add_argument("--requests", type=int, default=300, help="计时的下载请求数")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="jixiao-bench-stored-"))
    env = {
        **os.environ,
        "JIXIAO_INSTANCE_DIR": str(instance),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JIXIAO_DEMO": "0",
        "DJANGO_SETTINGS_MODULE": "jixiao.web.settings",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DATABASE_URL", None)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from jixiao.reports.pdf import find_soffice
    from jixiao.web.evaluations import demo
    from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
    from jixiao.web.evaluations.workflow import State
    from jixiao.web.jobs import services as jobs
    from jixiao.web.jobs.models import Job

    if find_soffice() is None:
        sys.exit("未找到 LibreOffice（apt-get install libreoffice-writer-nogui fonts-noto-cjk），无法运行本基准")
    call_command("migrate", verbosity=0, interactive=False)
    demo.load_demo()
    # Loading the demo froze versions, which queued their PDFs: this bench counts its own only.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    Job.objects.all().delete()
    published = Evaluation.objects.with_related().filter(state=State.PUBLISHED.value).first()
    assert published is not None and published.current_version is not None
    source = published.current_version
    versions = []
    for i in range(args.count // 2):
        document = dict(source.document)
        document["unit"] = {**document["unit"], "name": f"{document['unit']['name']}（样本{i + 1:03d}）"}
        versions.append(
            EvaluationVersion.objects.create(
                evaluation=published, number=1000 + i, document=document, frozen=True, total=source.total
            )
        )
    for version in versions:
        jobs.render_pdf_enqueue(version)
    connections.close_all()

    print(f"实例：{instance}（SQLite）；{len(versions)} 个冻结版本 × 2 份（公开版、审核版）")
    background(env, versions)
    serve(published, source, args.requests)
    print(f"机器负载（1 分钟）：{os.getloadavg()[0]:.2f}，CPU {os.cpu_count()} 核")


def background(env: dict[str, str], versions: list[Any]) -> None:
    from jixiao.web.jobs import services as jobs
    from jixiao.web.jobs.models import Job, JobState, StoredReport

    started = time.perf_counter()
    worker = subprocess.run(
        [sys.executable, "-m", "jixiao.web", "worker", "--batch", "--no-missing-reports", "--interval", "0.2"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    children = os.times()
    worker_cpu = children.children_user + children.children_system
    if worker.returncode != 0:
        sys.exit(f"worker 失败：{worker.stderr[-2000:]}")
    done = Job.objects.filter(state=JobState.DONE.value).count()
    reports = StoredReport.objects.filter(version__in=versions).count()
    # Each run of the render job that found work started LibreOffice once (it takes the queued ones along).
    starts = -(-len(versions) // jobs.PDF_BATCH)
    print(f"后台生成：{reports} 份 PDF（{done} 个任务完成），用时 {wall:.1f} s，{reports / wall:.2f} 份/s")
    print(f"  worker 进程 CPU 时间（含 LibreOffice 子进程）：{worker_cpu:.1f} s")
    print(f"LibreOffice 启动 {starts} 次（每次最多 {jobs.PDF_BATCH} 个任务 × 2 份），同一时刻 1 个进程：")
    print(f"  每个 LibreOffice 进程 {reports / wall:.2f} 份/s（目标 ≥ 2.5）")



def serve(published: Any, source: Any, requests: int) -> None:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from jixiao.web.jobs import services as jobs

    client = Client()
    url = reverse("portal:download", kwargs={"pk": published.pk, "fmt": "pdf"})
    # The published version itself: rendered once, then served.
    jobs.render_pdf_enqueue(source)
    call_command("worker", batch=True, no_missing_reports=True, interval=0.2, verbosity=0)
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    size = len(b"".join(first.streaming_content))
    times, cpu = [], []
    for _ in range(10 + requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = b"".join(response.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200 and len(body) == size
    times, cpu = times[10:], cpu[10:]
    print(
        f"发送已存储的 PDF（{size / 1024:.0f} KiB，匿名公开下载，进程内 {requests} 次）：墙钟 "
        f"p50 {statistics.median(times):.2f} ms，p95 {percentile(times, 0.95):.2f} ms，"
        f"最大 {max(times):.2f} ms（目标 p95 ≤ 20 ms）；CPU 时间 p50 {statistics.median(cpu):.2f} ms，"
        f"p95 {percentile(cpu, 0.95):.2f} ms"
    )


if __name__ == "__main__":
    main()
