"""Evidence files: type sniffed from the bytes, size limited, SHA-256, served only to those allowed."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from jixiao.web.evaluations import services
from jixiao.web.evaluations.editor import SECTION_BY_SLUG, apply_post
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.evidence import evidence_path
from jixiao.web.evaluations.models import Evidence
from tests.web.world import PDF_BYTES, PNG_BYTES, World, pdf_upload


def ooxml(kind: str) -> bytes:
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return out.getvalue()


def _stored_files() -> set[str]:
    root = evidence_path("0" * 64).parent.parent
    return {str(p) for p in root.rglob("*")} if root.exists() else set()


def _upload(world: World, upload: SimpleUploadedFile, index: int = 1) -> Evidence:
    target = world.fresh("draft_a")
    return services.evidence_add(
        evaluation=target,
        indicator_index=index,
        upload=upload,
        by=world.prep_a,
        expected_lock_version=target.lock_version,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("台账.pdf", PDF_BYTES, "application/pdf"),
        ("现场照片.PNG", PNG_BYTES, "image/png"),
        ("照片.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
        ("说明.docx", ooxml("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("明细.xlsx", ooxml("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32, "application/vnd.ms-excel"),
    ],
)
def test_accepted_files_are_stored_once_by_their_sha256(
    world: World, name: str, content: bytes, content_type: str
) -> None:
    item = _upload(world, SimpleUploadedFile(name, content))
    digest = hashlib.sha256(content).hexdigest()
    assert (item.sha256, item.size, item.content_type, item.filename) == (digest, len(content), content_type, name)
    assert evidence_path(digest).read_bytes() == content
    document = world.fresh("draft_a").current_version.document
    assert any(ref.endswith(f"（附件 {item.ref}）") for ref in document["indicators"][1]["evidence"])


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("伪装.pdf", PNG_BYTES, "扩展名是 .pdf，但内容实际是 PNG 图片；请上传真实的 PDF 文件$"),
        ("伪装.docx", ooxml("xlsx"), "但内容实际是 Excel 表格；请上传真实的 Word 文档$"),
        ("脚本.pdf", b"<script>alert(1)</script>", "但内容无法识别；请上传真实的 PDF 文件$"),
        ("病毒.exe", b"MZ\x90\x00", "不支持的文件类型"),
        ("无扩展名", PDF_BYTES, "不支持的文件类型"),
        ("空.pdf", b"", "空文件"),
        ("坏.xlsx", b"PK\x03\x04broken", "但内容无法识别；请上传真实的 Excel 表格$"),
    ],
)
def test_refused_files_leave_nothing_behind(world: World, name: str, content: bytes, reason: str) -> None:
    before = world.fresh("draft_a")
    rows, stored = Evidence.objects.count(), _stored_files()
    with pytest.raises(ServiceError, match=reason):
        _upload(world, SimpleUploadedFile(name, content))
    after = world.fresh("draft_a")
    now = _stored_files()
    assert Evidence.objects.count() == rows
    assert (now - stored, stored - now) == (set(), set())
    assert (after.lock_version, after.current_version.document) == (
        before.lock_version,
        before.current_version.document,
    )


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_files_above_the_limit_are_refused(world: World) -> None:
    with pytest.raises(ServiceError, match="超过上限"):
        _upload(world, pdf_upload(content=PDF_BYTES + b"0" * 2000))


def test_the_upload_page_reports_a_refusal_in_chinese(world: World, client) -> None:
    target = world.fresh("draft_a")
    client.force_login(world.prep_a)
    response = client.post(
        reverse("evaluations:evidence", kwargs={"pk": target.pk}),
        {"indicator": 0, "lock_version": target.lock_version, "file": SimpleUploadedFile("a.pdf", PNG_BYTES)},
        follow=True,
    )
    page = response.content.decode()
    assert "但内容实际是 PNG 图片；请上传真实的 PDF 文件" in page
    assert "图片 文件" not in page and "无法识别的内容" not in page


def test_download_is_an_attachment_with_the_stored_bytes(world: World, client) -> None:
    item = world.evidence["draft_a"]
    client.force_login(world.reviewer)
    response = client.get(
        reverse("evaluations:evidence_download", kwargs={"pk": item.version.evaluation_id, "evidence_pk": item.pk})
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_evidence_follows_its_indicator_when_indicators_are_reordered(world: World) -> None:
    target = world.fresh("draft_a")
    item = world.evidence["draft_a"]
    assert Evidence.objects.get(pk=item.pk).indicator_path == "indicators[0]"
    from tests.web.test_editor import posted_indicators

    post = posted_indicators(target.current_version.document)
    moved = apply_post(target.current_version.document, SECTION_BY_SLUG["indicators"], post)
    moved["indicators"] = moved["indicators"][1:] + moved["indicators"][:1]
    services.evaluation_save_document(
        evaluation=target, document=moved, by=world.prep_a, expected_lock_version=target.lock_version
    )
    last = len(moved["indicators"]) - 1
    assert Evidence.objects.get(pk=item.pk).indicator_path == f"indicators[{last}]"


def test_removing_evidence_is_recorded_and_the_unused_file_is_deleted(
    world: World, django_capture_on_commit_callbacks
) -> None:
    item = _upload(world, SimpleUploadedFile("单独.pdf", PDF_BYTES + b"unique"))
    path = evidence_path(item.sha256)
    target = world.fresh("draft_a")
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(
            evaluation=target, item=item, by=world.prep_a, expected_lock_version=target.lock_version
        )
    assert not Evidence.objects.filter(pk=item.pk).exists() and not path.exists()
    assert world.fresh("draft_a").audit_events.first().action == "evidence_remove"
