"""Faults (docs/operations.md#faults), in this process: the database out of reach answers 503 in
Chinese (JSON for the API), and a full evidence disk refuses the upload leaving nothing behind.

The same faults with real processes (killed web and task workers, a PostgreSQL cluster stopped
and started again) are in tests/web/test_fault_processes.py.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from jixiao.web.evaluations.evidence import evidence_path
from jixiao.web.evaluations.models import AuditEvent, Evidence
from jixiao.web.evaluations.selectors import audit_chain_verdict
from tests.web.world import World, pdf_upload


@contextmanager
def _database_down(error: Exception) -> Iterator[None]:
    """Every query fails as it does when PostgreSQL is stopped."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise error

    with mock.patch.object(CursorWrapper, "execute", refuse), mock.patch.object(CursorWrapper, "executemany", refuse):
        yield


DOWN = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.mark.parametrize("error", [DOWN, InterfaceError("connection already closed")])
def test_pages_answer_503_in_chinese_while_the_database_is_down(world: World, error: Exception) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.prep_a)
    with _database_down(error):
        response = client.get(reverse("evaluations:dashboard"))
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "数据库暂时无法连接，请稍后再试" in page and "刚才的操作没有保存" in page
    assert client.get(reverse("evaluations:dashboard")).status_code == 200  # back: no restart


def test_other_errors_still_get_the_500_page(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.prep_a)
    with mock.patch("jixiao.web.evaluations.views.selectors.evaluations_for_user", side_effect=ValueError("bug")):
        response = client.get(reverse("evaluations:dashboard"))
    assert response.status_code == 500 and "系统错误" in response.content.decode()


def test_the_api_answers_503_as_json_while_the_database_is_down(world: World) -> None:
    client = Client(raise_request_exception=False)
    with _database_down(DOWN):
        response = client.get("/api/evaluations", HTTP_AUTHORIZATION=f"Bearer {world.tokens['prep_a']}")
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": "数据库暂时无法连接，请稍后再试（未做任何修改）"}
    assert response["Retry-After"] == "30"


# --- a full evidence disk ---------------------------------------------------------------------------


def _evidence_files() -> set[Path]:
    root = evidence_path("0" * 64).parent.parent
    return set(root.rglob("*")) if root.exists() else set()


@contextmanager
def _full_disk() -> Iterator[list[str]]:
    """Uploads' temporary files are created as usual, but writing to them fails like a full disk
    (they write to /dev/full). Yields the temporary files' names."""
    if not Path("/dev/full").exists():
        pytest.skip("/dev/full 不存在：无法模拟磁盘已满")
    real = tempfile.mkstemp
    made: list[str] = []

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        handle, name = real(*args, **kwargs)
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, handle)
        os.close(full)
        made.append(name)
        return handle, name

    with mock.patch("jixiao.web.evaluations.evidence.tempfile.mkstemp", mkstemp):
        yield made


def _state(target: Any) -> tuple[Any, ...]:
    return target.lock_version, target.current_version.document, Evidence.objects.count(), AuditEvent.objects.count()


def test_an_upload_to_a_full_disk_is_refused_leaving_no_file_and_no_record(world: World, client) -> None:
    target = world.fresh("draft_a")
    before = _state(target)
    files = _evidence_files()
    client.force_login(world.prep_a)
    content = b"%PDF-1.4\n" + b"x" * 300_000  # more than one buffer: the write itself fails
    with _full_disk() as temporary:
        response = client.post(
            reverse("evaluations:evidence", kwargs={"pk": target.pk}),
            {"indicator": 1, "lock_version": target.lock_version, "file": pdf_upload("台账.pdf", content)},
            follow=True,
        )
    assert response.status_code == 200
    assert "存储空间不足，佐证材料“台账.pdf”未保存" in response.content.decode()
    assert len(temporary) == 1 and not Path(temporary[0]).exists()  # the partial file is gone
    assert _evidence_files() == files
    target = world.fresh("draft_a")
    assert _state(target) == before
    assert audit_chain_verdict().broken is None
