"""Evidence files (佐证材料): type sniffing, limits and content-addressed storage.

A file's type is read from its first bytes, not trusted from its name or the browser's
Content-Type: a PDF must start with ``%PDF-``, an .xlsx must be a ZIP holding
``xl/workbook.xml``, and the name's extension must agree with what the bytes are. Files are
stored once under ``EVIDENCE_DIR/ab/abcdef…`` by their SHA-256 (a returned evaluation's new
version shares its files with the frozen one) and are always served as attachments.
A file is written to a temporary name, synced, then renamed into place; when the disk is full
the partial file is removed and the upload refused in Chinese (docs/operations.md#faults).
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

from django.conf import settings

from jixiao.ingest.limits import MiB

log = logging.getLogger(__name__)

#: A write refused for want of space: the disk is full, or the service account's quota is used up.
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
ZIP = b"PK\x03\x04"

#: extension → (content type, label)
TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF 文件"),
    "png": ("image/png", "PNG 图片"),
    "jpg": ("image/jpeg", "JPEG 图片"),
    "jpeg": ("image/jpeg", "JPEG 图片"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
    "doc": ("application/msword", "Word 97-2003 文档"),
    "xls": ("application/vnd.ms-excel", "Excel 97-2003 表格"),
}
ACCEPTED = "、".join(sorted({ext for ext in TYPES if ext != "jpeg"}))
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class EvidenceRejected(Exception):
    """A file refused as evidence, with the reason in Chinese."""


@dataclass(frozen=True)
class StoredFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def safe_filename(name: str) -> str:
    """The uploaded name without any directory part or control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (cleaned or "附件")[-200:]


def extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def sniff(head: bytes, file: IO[bytes], ext: str) -> str | None:
    """What the bytes are (an extension of :data:`TYPES`), or ``None`` if none of them."""
    if head.startswith(PDF):
        return "pdf"
    if head.startswith(PNG):
        return "png"
    if head.startswith(JPEG):
        return "jpg"
    if head.startswith(OLE2):
        # Telling .doc from .xls needs the compound file's directory; the name decides.
        return ext if ext in {"doc", "xls"} else "doc"
    if head.startswith(ZIP):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())  # reads only the central directory
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        for kind, part in _OOXML_PART.items():
            if part in names:
                return kind
    return None


def check_upload(upload: Any, limit: int | None = None) -> tuple[str, str]:
    """(safe file name, extension) of an acceptable upload; :class:`EvidenceRejected` otherwise."""
    limit = settings.EVIDENCE_MAX_BYTES if limit is None else limit
    name = safe_filename(upload.name or "")
    if upload.size > limit:
        raise EvidenceRejected(f"文件“{name}”大小 {upload.size / MiB:.1f} MB，超过上限 {limit // MiB} MB")
    if upload.size == 0:
        raise EvidenceRejected(f"文件“{name}”是空文件")
    ext = extension(name)
    if ext not in TYPES:
        raise EvidenceRejected(f"不支持的文件类型“{ext or '无扩展名'}”，可上传：{ACCEPTED}")
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head, upload, ext)
    upload.seek(0)
    same = kind == ext or {kind, ext} <= {"jpg", "jpeg"}
    if kind is None or not same:
        found = f"内容实际是 {TYPES[kind][1]}" if kind else "内容无法识别"
        raise EvidenceRejected(f"文件“{name}”的扩展名是 .{ext}，但{found}；请上传真实的 {TYPES[ext][1]}")
    return name, ext


def evidence_path(sha256: str) -> Path:
    return Path(settings.EVIDENCE_DIR) / sha256[:2] / sha256


def store(upload: Any, limit: int | None = None) -> StoredFile:
    """Check and store an uploaded file; returns what the database row needs."""
    name, ext = check_upload(upload, limit)
    root = Path(settings.EVIDENCE_DIR)
    digest = hashlib.sha256()
    size = 0
    temp = ""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=root, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())  # a full disk shows here, not after the row is written
        sha = digest.hexdigest()
        target = evidence_path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, target)  # same content, same name: replacing is harmless
        target.chmod(0o640)
    except BaseException as error:
        if temp:
            Path(temp).unlink(missing_ok=True)  # no partial file left behind
        if isinstance(error, OSError) and error.errno in DISK_FULL:
            log.error("evidence directory %s is full: %s not stored (%s)", root, name, error)
            raise EvidenceRejected(
                f"存储空间不足，佐证材料“{name}”未保存。请联系系统管理员清理或扩充存储空间后重新上传"
            ) from None
        raise
    return StoredFile(filename=name, content_type=TYPES[ext][0], size=size, sha256=sha)


def discard_if_unused(sha256: str) -> None:
    """Remove a stored file that no evidence row refers to any more (a rectification item's included)."""
    from jixiao.web.evaluations.models import Evidence
    from jixiao.web.results.models import RectificationEvidence

    if not Evidence.objects.filter(sha256=sha256).exists() and not RectificationEvidence.objects.filter(
        sha256=sha256
    ).exists():
        evidence_path(sha256).unlink(missing_ok=True)
