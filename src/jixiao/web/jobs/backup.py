"""Backup and restore of an instance: database, evidence files, stored reports (docs/operations.md#backup).

A backup is one tar file:

- ``manifest.json`` — format, time, database vendor, jixiao version, applied migrations, the
  number of rows of every model, the audit chain's head, and the SHA-256 and size of every
  other member;
- ``database.jsonl.gz`` — every row of every model (Django's JSON-lines serialization, natural
  keys for content types and permissions), independent of the database: a SQLite backup
  restores into PostgreSQL and back;
- ``evidence/<sha256>`` and ``reports/<sha256>.pdf`` — the files, named by their content.

The rows are read in one transaction (a consistent snapshot: REPEATABLE READ on PostgreSQL, a
deferred read transaction on SQLite, which does not block writers in WAL mode). The archive is
written to a temporary file and renamed when complete. Restore checks every checksum before it
touches anything, refuses an instance that already holds data, migrates, puts the files in place,
loads all rows in one transaction and then compares row counts and verifies the audit chain.
Queue rows and job records (transient) and sessions are not backed up.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from jixiao.web.portal.cache import publication_changed

FORMAT = "jixiao-backup"
FORMAT_VERSION = 1
#: Not backed up: derived at migrate (content types, permissions are matched by natural key),
#: or transient (sessions, the queue and its job records).
SKIPPED = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "sessions.session",
        "django_tasks_db.dbtaskresult",
        "jobs.job",
        "portal.publicationgeneration",  # derived: the restore starts a new generation
    }
)
#: Models whose rows must be absent for an instance to count as empty.
DATA_MODELS = ("auth.user", "accounts.bureau", "evaluations.evaluation", "surveys.survey")
CHUNK = 1 << 20
BATCH = 2000

Say = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot proceed; the message says why, in Chinese."""


@dataclass(frozen=True)
class Summary:
    path: Path
    rows: int
    files: int
    size: int


def _models() -> list[type[models.Model]]:
    """Every concrete model to back up, in an order where references mostly come first."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in SKIPPED and not model._meta.proxy and model._meta.managed
    ]
    app_list: dict[Any, list[type[models.Model]]] = {}
    for model in chosen:
        app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(list(app_list.items()), allow_cycles=True)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for every query inside."""
    if connection.vendor == "sqlite":
        # A deferred transaction takes no write lock: saves go on (WAL) while the backup reads.
        connection.ensure_connection()
        previous = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = previous
        return
    outermost = not connection.in_atomic_block  # inside a transaction already (tests): its snapshot
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@contextmanager
def _timestamps_as_stored() -> Iterator[None]:
    """Restored rows keep their times: auto_now/auto_now_add are off while they are inserted."""
    switched = []
    for model in _models():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _evidence_file(sha256: str) -> Path:
    return Path(settings.EVIDENCE_DIR) / sha256[:2] / sha256


def _report_file(sha256: str) -> Path:
    return Path(settings.REPORTS_DIR) / f"{sha256}.pdf"


def backup(target: Path, say: Say = print) -> Summary:
    """Write a backup of this instance to ``target`` (replaced only when the new one is complete)."""
    from jixiao.web.evaluations.models import AuditChainHead, Evidence
    from jixiao.web.evaluations.selectors import audit_chain_verdict
    from jixiao.web.jobs.models import StoredReport

    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".jixiao-backup-") as work:
        dump = Path(work) / "database.jsonl.gz"
        with _snapshot():
            with gzip.open(dump, "wt", encoding="utf-8", compresslevel=3) as out:
                for model in _models():
                    rows = model._default_manager.order_by("pk")
                    count, page = 0, list(rows[:BATCH])
                    while page:  # pages by primary key: bounded memory, no growing OFFSET
                        out.write(
                            serializers.serialize(
                                "jsonl", page, use_natural_foreign_keys=True, use_natural_primary_keys=False
                            )
                        )
                        count += len(page)
                        page = list(rows.filter(pk__gt=page[-1].pk)[:BATCH]) if len(page) == BATCH else []
                    counts[model._meta.label_lower] = count
            evidence = sorted(set(Evidence.objects.values_list("sha256", flat=True)))
            reports = sorted(set(StoredReport.objects.values_list("sha256", flat=True)))
            head = AuditChainHead.objects.filter(pk=1).values("last_hash", "count").first()
            chain = audit_chain_verdict()
            migrations = sorted(MigrationRecorder(connection).applied_migrations())
        members: list[tuple[str, Path]] = [("database.jsonl.gz", dump)]
        for sha in evidence:
            members.append((f"evidence/{sha}", _evidence_file(sha)))
        for sha in reports:
            members.append((f"reports/{sha}.pdf", _report_file(sha)))
        missing = [name for name, path in members if not path.is_file()]
        if missing:
            raise BackupError(f"备份未完成：{len(missing)} 个文件缺失（如 {missing[0]}），请检查实例目录后重试")
        files = {}
        for name, path in members:
            files[name] = {"sha256": _sha256_file(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "jixiao": _jixiao_version(),
            "migrations": [f"{app}.{name}" for app, name in migrations],
            "counts": counts,
            "audit_head": head,
            # Restore compares its own verdict with this one: a chain broken before the backup
            # restores as it was (and says so), one broken by the restore is refused.
            "audit_chain": {"count": chain.count, "broken": chain.broken.message() if chain.broken else None},
            "files": files,
        }
        partial = Path(work) / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
        os.replace(partial, target)
    rows = sum(counts.values())
    say(f"已备份到 {target}：{rows} 行数据，{len(evidence)} 个佐证材料，{len(reports)} 份 PDF 报告")
    return Summary(target, rows, len(evidence) + len(reports), target.stat().st_size)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def _jixiao_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jixiao")
    except PackageNotFoundError:
        return "?"


# --- restore ----------------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        raise BackupError("不是 jixiao 备份文件：缺少 manifest.json") from None
    if member is None:
        raise BackupError("不是 jixiao 备份文件：manifest.json 无法读取")
    manifest = json.loads(member.read().decode("utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError("不是本版本 jixiao 能读取的备份文件（格式或版本不符）")
    return dict(manifest)


def _check_members(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with its SHA-256 and size; nothing else is."""
    listed: dict[str, dict[str, Any]] = manifest["files"]
    present = {member.name for member in archive.getmembers() if member.isfile()} - {"manifest.json"}
    if present != set(listed):
        extra = sorted(present - set(listed))
        lost = sorted(set(listed) - present)
        raise BackupError(f"备份文件不完整或被改动：缺少 {lost[:3]}，多出 {extra[:3]}")
    for name, expected in listed.items():
        handle = archive.extractfile(name)
        assert handle is not None
        digest, size = hashlib.sha256(), 0
        while block := handle.read(CHUNK):
            digest.update(block)
            size += len(block)
        if digest.hexdigest() != expected["sha256"] or size != expected["size"]:
            raise BackupError(f"备份文件已损坏：{name} 的校验值与清单不符，未做任何恢复")


def _check_empty() -> None:
    for label in DATA_MODELS:
        if apps.get_model(label)._default_manager.exists():
            raise BackupError(
                "目标实例已有数据，为避免覆盖，恢复只能在空实例上进行：请使用新的实例目录"
                "（JIXIAO_INSTANCE_DIR）和空数据库（DATABASE_URL）"
            )


def _place(archive: tarfile.TarFile, name: str, final: Path) -> None:
    """Copy one member to ``final`` through a temporary file and an atomic rename."""
    if final.is_file() and _sha256_file(final) == final.name.removesuffix(".pdf"):
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    handle = archive.extractfile(name)
    assert handle is not None
    with tempfile.NamedTemporaryFile(dir=final.parent, prefix=".restore-", delete=False) as out:
        _copy(handle, out)
    os.chmod(out.name, 0o640)
    os.replace(out.name, final)


def _copy(source: IO[bytes], target: IO[bytes]) -> None:
    while block := source.read(CHUNK):
        target.write(block)


def restore(source: Path, say: Say = print) -> dict[str, int]:
    """Restore a backup into this (empty) instance; returns the rows restored per model."""
    from jixiao.web.evaluations.selectors import audit_chain_verdict

    if not source.is_file():
        raise BackupError(f"找不到备份文件 {source}")
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115  (closed by the with below)
    except tarfile.TarError:
        raise BackupError(f"{source} 不是 jixiao 备份文件（无法按 tar 读取）") from None
    with archive:
        manifest = _read_manifest(archive)
        _check_members(archive, manifest)
        say(f"备份文件完整：{len(manifest['files'])} 个文件的 SHA-256 与清单一致")
        call_command("migrate", interactive=False, verbosity=0)
        _check_empty()
        for name in manifest["files"]:
            if name.startswith("evidence/"):
                sha = name.removeprefix("evidence/")
                _place(archive, name, _evidence_file(sha))
            elif name.startswith("reports/"):
                _place(archive, name, Path(settings.REPORTS_DIR) / name.removeprefix("reports/"))
        dump = archive.extractfile("database.jsonl.gz")
        assert dump is not None
        with transaction.atomic():
            # Rows that migrate made by itself (the shipped scoring standards, the audit chain's
            # head) give way to the backup's own.
            for model in reversed(_models()):
                if model._base_manager.exists():
                    model._base_manager.all()._raw_delete(connection.alias)
            with _timestamps_as_stored(), gzip.open(dump, "rt", encoding="utf-8") as rows:
                loaded = _load(rows)
            _reset_sequences()
            expected = {label: count for label, count in manifest["counts"].items() if count}
            if loaded != expected:
                raise BackupError(f"恢复的行数与备份清单不符（{_difference(expected, loaded)}），已全部撤销")
            publication_changed()  # no copy of the empty portal survives the restore
            verdict = audit_chain_verdict()
            broken = verdict.broken.message() if verdict.broken else None
            recorded = manifest["audit_chain"]
            if (verdict.count, broken) != (recorded["count"], recorded["broken"]):
                raise BackupError(f"恢复后的操作记录链与备份时不同：{broken or '完整'}，已全部撤销")
    if broken:
        say(f"已恢复：{sum(loaded.values())} 行数据；注意：备份时操作记录链就已断开——{broken}")
    else:
        say(f"已恢复：{sum(loaded.values())} 行数据；操作记录链完整（{verdict.count} 条）")
    return loaded


def _load(stream: IO[str]) -> dict[str, int]:
    """Insert every row, a model's rows in batches; many-to-many links after their rows."""
    loaded: dict[str, int] = {}
    pending: list[Any] = []

    def flush() -> None:
        if not pending:
            return
        model = type(pending[0].object)
        model._default_manager.bulk_create([item.object for item in pending], batch_size=500)
        for item in pending:
            for field, values in (item.m2m_data or {}).items():
                if values:
                    getattr(item.object, field).set(values)
        loaded[model._meta.label_lower] = loaded.get(model._meta.label_lower, 0) + len(pending)
        pending.clear()

    for item in serializers.deserialize("jsonl", stream, handle_forward_references=True):
        if pending and type(item.object) is not type(pending[0].object):
            flush()
        pending.append(item)
        if len(pending) >= BATCH:
            flush()
    flush()
    return loaded


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), _models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _difference(expected: dict[str, int], loaded: dict[str, int]) -> str:
    labels = sorted(set(expected) | set(loaded))
    return "；".join(
        f"{label} 应为 {expected.get(label, 0)} 行，实为 {loaded.get(label, 0)} 行"
        for label in labels
        if expected.get(label, 0) != loaded.get(label, 0)
    )
