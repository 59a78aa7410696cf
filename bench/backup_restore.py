"""Backup and restore of a city-sized instance (docs/operations.md#backup).

Builds (or reuses) the database of bench/web_load.py — one bureau, ``--units`` units,
``--per-unit`` evaluations each (1 000 × 20 = 20 000 by default) with their versions and audit
events — in ``--dir``, chains its audit events (the generator inserts them in bulk, without
hashes), then times, each in its own process as an operator would run them:
``python -m jixiao.web backup FILE`` and ``python -m jixiao.web restore FILE`` into a new, empty
instance. With ``DATABASE_URL`` pointing at PostgreSQL both sides use PostgreSQL (the restore
into a fresh database next to it, dropped at the end).

    .venv/bin/python bench/backup_restore.py [--units 1000] [--per-unit 20]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent


def rechain() -> int:
    """Hash every audit event in order, as the product does when it writes them."""
    from django.db import transaction

    from jixiao.web.evaluations import auditchain
    from jixiao.web.evaluations.models import AuditChainHead, AuditEvent

    prev, count, batch = auditchain.GENESIS, 0, []
    with transaction.atomic():
        for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=5000):
            event.at = auditchain.to_millisecond(event.at)
            event.prev_hash = prev
            event.hash = auditchain.digest(prev, auditchain.fields_of(event))
            prev, count = event.hash, count + 1
            batch.append(event)
            if len(batch) == 5000:
                AuditEvent.objects.bulk_update(batch, ["at", "prev_hash", "hash"])
                batch = []
        AuditEvent.objects.bulk_update(batch, ["at", "prev_hash", "hash"])
        AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "count": count})
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description="备份与恢复的用时")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--per-unit", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-bench-backup")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH_DIR))
    import web_load

    postgres = web_load.postgres_from_env()
    instance = args.dir.resolve() / ("postgres" if postgres else "sqlite") / f"{args.units}x{args.per_unit}"
    instance.mkdir(parents=True, exist_ok=True)
    env = web_load.server_env(instance, postgres.url if postgres else "", secrets.token_urlsafe(50))
    env["DJANGO_SETTINGS_MODULE"] = "jixiao.web.settings"
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connections

    from jixiao.web.evaluations.models import Evaluation, EvaluationVersion

    rebuilt, seconds = web_load.prepare_database(args, postgres)
    kind = "PostgreSQL" if postgres else "SQLite"
    print(f"数据：{'已生成' if rebuilt else '沿用'}（{seconds:.0f} s，不计入）；{kind}")
    events = rechain()
    print(
        f"规模：{args.units} 个单位，{Evaluation.objects.count()} 份自评，{EvaluationVersion.objects.count()} 个版本，"
        f"{events} 条操作记录"
    )
    connections.close_all()
    timed(env, postgres, web_load)


def timed(env: dict[str, str], postgres: Any, web_load: Any) -> None:
    work = Path(tempfile.mkdtemp(prefix="jixiao-bench-restore-"))
    archive = work / "backup.tar"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "jixiao.web", "backup", str(archive)], env=env, check=False)
    backup_seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit("备份失败")
    print(f"备份：{backup_seconds:.1f} s，文件 {archive.stat().st_size / 2**20:.1f} MiB")

    target_env = dict(env, JIXIAO_INSTANCE_DIR=str(work / "restored"))
    target_env.pop("DATABASE_URL", None)
    target = None
    if postgres is not None:
        target = web_load.Postgres(postgres.url.rsplit("/", 1)[0] + f"/{postgres.name}_restore")
        target.drop()
        target.create()
        target_env["DATABASE_URL"] = target.url
    try:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "jixiao.web", "restore", str(archive)], env=target_env, check=False
        )
        restore_seconds = time.perf_counter() - started
        if done.returncode:
            sys.exit("恢复失败")
        print(f"恢复（含核对校验值、迁移、行数与操作记录链）：{restore_seconds:.1f} s")
    finally:
        if target is not None:
            target.drop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"机器负载（1 分钟）：{os.getloadavg()[0]:.2f}，CPU {os.cpu_count()} 核")


if __name__ == "__main__":
    main()
