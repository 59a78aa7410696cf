"""Backup and restore: everything comes back in an empty instance (docs/operations.md#backup)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from jixiao.web.evaluations.evidence import evidence_path
from jixiao.web.evaluations.models import AuditEvent, Evaluation, EvaluationVersion, Evidence
from jixiao.web.jobs import services as jobs
from jixiao.web.jobs.models import ReportCopy, StoredReport
from jixiao.web.surveys.models import Answer
from tests.web.surveys_world import answer, open_survey
from tests.web.world import World

ROOT = Path(__file__).resolve().parents[2]

#: What the restored instance holds, printed as JSON by its own process.
INVENTORY = """
import hashlib, json
from django.conf import settings
from jixiao.web.evaluations.models import AuditEvent, Evaluation, EvaluationVersion, Evidence
from jixiao.web.evaluations.evidence import evidence_path
from jixiao.web.evaluations.selectors import audit_chain_verdict
from jixiao.web.jobs.models import StoredReport
from jixiao.web.jobs.services import report_file
from jixiao.web.surveys.models import Answer

def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None

print(json.dumps({
    "evaluations": sorted([e.pk, e.state, e.lock_version, e.current_version_id] for e in Evaluation.objects.all()),
    "versions": sorted([v.pk, v.number, v.frozen, str(v.total), v.document] for v in EvaluationVersion.objects.all()),
    "audit": sorted([a.pk, a.hash, a.note, a.at.isoformat()] for a in AuditEvent.objects.all()),
    "evidence": sorted([e.pk, e.sha256, sha(evidence_path(e.sha256))] for e in Evidence.objects.all()),
    "reports": sorted([r.version_id, r.copy, r.sha256, sha(report_file(r.sha256))] for r in StoredReport.objects.all()),
    "answers": sorted([a.response_id, a.question_id, a.level] for a in Answer.objects.all()),
    "chain": audit_chain_verdict().intact,
}, ensure_ascii=False, default=str))
"""


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _inventory_here() -> dict[str, Any]:
    data = {
        "evaluations": sorted([e.pk, e.state, e.lock_version, e.current_version_id] for e in Evaluation.objects.all()),
        "versions": sorted(
            [v.pk, v.number, v.frozen, str(v.total), v.document] for v in EvaluationVersion.objects.all()
        ),
        "audit": sorted([a.pk, a.hash, a.note, a.at.isoformat()] for a in AuditEvent.objects.all()),
        "evidence": sorted([e.pk, e.sha256, _sha(evidence_path(e.sha256))] for e in Evidence.objects.all()),
        "reports": sorted(
            [r.version_id, r.copy, r.sha256, _sha(jobs.report_file(r.sha256))] for r in StoredReport.objects.all()
        ),
        "answers": sorted([a.response_id, a.question_id, a.level] for a in Answer.objects.all()),
        "chain": True,
    }
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def _environment(instance: Path, database_url: str = "") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        SECRET_KEY="jixiao-restore-tests-" + "r" * 40,
        JIXIAO_INSTANCE_DIR=str(instance),
        JIXIAO_DEMO="0",
        PYTHONPATH=str(ROOT / "src"),
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _web(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao.web", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def full_world(world: World, settings, tmp_path: Path) -> World:
    """The world with survey answers and a stored PDF beside its evaluations, history and evidence."""
    settings.REPORTS_DIR = tmp_path / "reports"
    survey = open_survey(world)
    group = survey.groups.first()
    for n in range(3):
        answer(survey, group.name, [5, 4, 3][n:] + [5, 4, 3][:n], device=f"device-{n}", client=f"10.0.0.{n}")
    version = world.fresh("published_a").current_version
    data = b"%PDF-1.4 stored for the backup test"
    jobs.reports_dir()
    sha = hashlib.sha256(data).hexdigest()
    jobs.report_file(sha).write_bytes(data)
    StoredReport.objects.create(
        version=version, copy=ReportCopy.PUBLIC.value, fingerprint="a" * 64, sha256=sha, size=len(data)
    )
    return world


def _postgres_target() -> str:
    """A fresh PostgreSQL database beside the tests' one (CI's PostgreSQL run), or '' on SQLite."""
    if connection.vendor != "postgresql":
        return ""
    params = connection.settings_dict
    name = f"jixiao_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], password=params["PASSWORD"],
        dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}"


def _drop(url: str) -> None:
    if not url:
        return
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"], password=params["PASSWORD"],
        dbname="postgres", autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_a_restored_instance_has_every_evaluation_version_event_file_and_answer(
    full_world: World, tmp_path: Path
) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    before = _inventory_here()
    assert len(before["evaluations"]) >= 8 and len(before["audit"]) >= 10
    assert len(before["evidence"]) == 2 and len(before["answers"]) >= 3 * 5 and len(before["reports"]) == 1
    assert all(row[1] == row[2] for row in before["evidence"])  # every evidence file is on disk here

    target = _postgres_target()
    try:
        env = _environment(tmp_path / "restored", target)
        restored = _web(env, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr
        assert "SHA-256 与清单一致" in restored.stdout and "操作记录链完整" in restored.stdout
        shown = _web(env, "shell", "-c", INVENTORY)
        assert shown.returncode == 0, shown.stderr
        after = json.loads(shown.stdout.strip().splitlines()[-1])  # after the shell's own notice
        assert after == before  # the same rows, and every file with the same SHA-256
        again = _web(env, "restore", str(archive))  # never over data
        assert again.returncode != 0 and "目标实例已有数据" in again.stderr
    finally:
        _drop(target)


def test_the_manifest_lists_every_file_with_its_checksum(full_world: World, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = {member.name for member in tar.getmembers()}
        for name, listed in manifest["files"].items():
            data = tar.extractfile(name).read()
            assert hashlib.sha256(data).hexdigest() == listed["sha256"] and len(data) == listed["size"]
    evidence = {f"evidence/{sha}" for sha in Evidence.objects.values_list("sha256", flat=True)}
    assert evidence <= names and names == {"manifest.json", *manifest["files"]}
    assert manifest["counts"]["evaluations.auditevent"] == AuditEvent.objects.count()
    assert manifest["audit_head"]["count"] == AuditEvent.objects.count()
    assert manifest["database"] == connection.vendor


def test_a_damaged_backup_is_refused_before_anything_is_restored(full_world: World, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("evidence/"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit of one evidence file
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    env = _environment(tmp_path / "restored-damaged")
    result = _web(env, "restore", str(damaged))
    assert result.returncode != 0 and "已损坏" in result.stderr and "校验值与清单不符" in result.stderr
    assert not (tmp_path / "restored-damaged" / "jixiao.sqlite3").exists()  # nothing touched


def test_restore_refuses_an_instance_that_has_data(full_world: World, tmp_path: Path) -> None:
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="目标实例已有数据"):
        call_command("restore", str(archive), verbosity=0)
    assert Path(settings.EVIDENCE_DIR).exists()


def test_a_chain_broken_before_the_backup_is_recorded_as_such(full_world: World, tmp_path: Path) -> None:
    victim = AuditEvent.objects.order_by("pk")[3]
    AuditEvent.objects.filter(pk=victim.pk).update(note="事后改写")
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), verbosity=0)
    with tarfile.open(archive) as tar:
        chain = json.loads(tar.extractfile("manifest.json").read())["audit_chain"]
    assert chain["count"] == 4 and f"编号 {victim.pk}" in chain["broken"]
