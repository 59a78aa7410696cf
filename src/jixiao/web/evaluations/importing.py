"""Reading an uploaded table or evaluation file into a document: the import service.

The file goes through the same importer as ``jixiao score`` (``jixiao.ingest.loader.load_any``)
from a temporary copy that is always removed. Nothing is saved here: the import page shows what
was read, and ``services.evaluation_save_document`` saves it once the user confirms.

A file whose unit is not the evaluation's (another unit's table, a neighbour's example) is not
taken silently: the preview says whose it is, saving needs an explicit confirmation, the saved
document carries the evaluation's registered unit name, and the audit note records what the
file said (docs/web.md, 导入自评表).
"""

from __future__ import annotations

import logging
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings

from jixiao.ingest.errors import InputError
from jixiao.ingest.limits import MiB
from jixiao.ingest.loader import SUFFIXES, TABLE_SUFFIXES, load_any
from jixiao.web.evaluations.engine import canonical
from jixiao.web.evaluations.errors import ServiceError

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


def _comparable(name: str) -> str:
    """A unit name as compared: full-width forms folded (（）→()), spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def unit_mismatch(unit: Any, document: dict[str, Any]) -> str:
    """Why the file looks like another unit's, in Chinese; ``""`` when it names this unit or none.

    The evaluation file and the tables name the unit, not its code, so the name is compared
    (ignoring spaces and full-/half-width forms); a code written as the name counts as this unit.
    """
    found = str((document.get("unit") or {}).get("name") or "").strip()
    if not found or _comparable(found) in {_comparable(unit.name), _comparable(unit.code)}:
        return ""
    return f"文件中的单位是“{found}”，本自评的单位是“{unit.name}”（单位编码 {unit.code}）"


def adopt_unit(unit: Any, document: dict[str, Any], *, confirmed: bool) -> tuple[dict[str, Any], str]:
    """The document to save under this unit's registered name, and the audit note's addition.

    :class:`ServiceError` when the file names another unit and the user has not confirmed.
    """
    mismatch = unit_mismatch(unit, document)
    if mismatch and not confirmed:
        raise ServiceError(f"{mismatch}。请确认这是本单位的自评表后再导入，文件未导入")
    adopted = {**document, "unit": {**(document.get("unit") or {}), "name": unit.name}}
    note = f"；{mismatch}，经导入人确认，按本单位名称保存" if mismatch else ""
    return adopted, note
