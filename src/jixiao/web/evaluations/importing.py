"""Reading an uploaded table or evaluation file into a document: the import service.

The file goes through the same importer as ``jixiao score`` (``jixiao.ingest.loader.load_any``)
from a temporary copy that is always removed. Nothing is saved here: the import page shows what
was read, and ``services.evaluation_save_document`` saves it once the user confirms.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from jixiao.ingest.errors import InputError
from jixiao.ingest.limits import MiB
from jixiao.ingest.loader import SUFFIXES, TABLE_SUFFIXES, load_any
from jixiao.web.evaluations.engine import canonical

logger = logging.getLogger(__name__)


def read_upload(upload: Any) -> dict[str, Any]:
    """The evaluation in an uploaded file, read by the core's importer; InputError in Chinese."""
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"不支持的文件类型“{suffix or '无扩展名'}”，可导入：{'、'.join(sorted(SUFFIXES))}", file=name)
    if upload.size > settings.IMPORT_MAX_BYTES:
        limit = settings.IMPORT_MAX_BYTES // MiB
        raise InputError(f"文件大小 {upload.size / MiB:.1f} MB 超过上限 {limit} MB", file=name)
    handle, temp = tempfile.mkstemp(suffix=suffix, prefix="jixiao-import-")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            document = canonical(load_any(temp))
        except InputError as error:
            # Name the file as the user knows it, not the temporary copy.
            raise InputError(error.message, file=name, location=error.location) from None
        except Exception as error:  # a bug in the importer: the user gets a message, the log the traceback
            logger.exception("import failed for %s", name)
            raise InputError(
                f"读取时出现内部错误（{type(error).__name__}），文件未导入；请把文件发给管理员", file=name
            ) from None
    finally:
        Path(temp).unlink(missing_ok=True)
    if suffix in TABLE_SUFFIXES and document.get("sources"):
        # Every figure keeps its source: "自评表.xlsx:Sheet1!E5", not just the cell.
        document["sources"] = {path: f"{name}:{where}" for path, where in document["sources"].items()}
    return document
