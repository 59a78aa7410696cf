"""Written reports in the reviewer's hands (docs/web.md#report-reading): upload, read, accept or correct
a value, turn the result into a draft evaluation of a unit.

Reading is jixiao.pipeline.evaluate_file on the uploaded file (the same reader and checks as
``jixiao check``). What the page needs is stored with the reading: the report's text, each value
the evaluation holds with the sentence it came from, each finding with the characters of the
sentence it cites (so the page can mark it). Up to ``REPORT_READ_AT_ONCE`` files are read while
the reviewer waits; a larger upload (up to ``REPORT_UPLOAD_MAX_FILES``, ``IMPORT_MAX_BYTES`` each)
is kept in the instance directory and read by a background job (jixiao.web.jobs), which deletes
the files once read.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.ingest.limits import MiB
from jixiao.ingest.loader import REPORT_SUFFIXES
from jixiao.pipeline import DEFAULT_FRAMEWORKS, evaluate_file
from jixiao.web.accounts.models import Bureau, Role, Unit
from jixiao.web.accounts.selectors import bureaus_for_user, scope_of
from jixiao.web.evaluations import engine
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import Evaluation, FrameworkRecord
from jixiao.web.evaluations.selectors import READ_FROM_REPORT
from jixiao.web.evaluations.services import evaluation_create_from_report
from jixiao.web.jobs.models import Job, JobKind
from jixiao.web.jobs.services import job_enqueue
from jixiao.web.reviews.models import ReportReading

#: Files one upload may carry (Django's DATA_UPLOAD_MAX_NUMBER_FILES is 100).
REPORT_UPLOAD_MAX_FILES = 100
#: Up to this many are read while the reviewer waits; more go to a background job.
REPORT_READ_AT_ONCE = 5
_QUOTED = re.compile(r"“(.*)”$", re.S)

#: The values a reviewer confirms, in page order: path in the evaluation document → label.
VALUES: tuple[tuple[str, str], ...] = (
    ("unit.name", "单位名称"),
    ("year", "评价年度"),
    ("budget.initial", "年初预算数"),
    ("budget.adjusted", "全年预算数（调整后）"),
    ("budget.executed", "全年执行数（决算支出）"),
    ("budget.carryover", "年末结转和结余"),
    ("budget.by_nature[0].adjusted", "基本支出预算"),
    ("budget.by_nature[0].executed", "基本支出执行数"),
    ("budget.by_nature[1].adjusted", "项目支出预算"),
    ("budget.by_nature[1].executed", "项目支出执行数"),
    ("stated.execution_rate", "填报的预算执行率（%）"),
    ("satisfaction.value", "满意度（%）"),
    ("stated.total", "自评得分"),
    ("stated.grade", "评价等级"),
    ("unit.staffing.authorized", "编制人数"),
    ("unit.staffing.hired", "聘用人员"),
    ("unit.assets.total", "资产总计"),
    ("sign_off.signed_on", "落款日期"),
)
_LABELS = dict(VALUES)


def reviewer_bureaus(user: Any) -> list[Bureau]:
    """Bureaus where ``user`` reviews (or a superuser): only they may upload and read reports."""
    scope = scope_of(user)
    if scope.superuser:
        return list(bureaus_for_user(user))
    return list(Bureau.objects.filter(pk__in=scope.bureau_ids(Role.REVIEWER)))


def reading_for_user(user: Any, pk: int) -> ReportReading:
    """A reading of one of the user's bureaus; anything else is refused as not found."""
    reading = ReportReading.objects.select_related("bureau", "evaluation").filter(pk=pk).first()
    if reading is None or reading.bureau_id not in {b.pk for b in reviewer_bureaus(user)}:
        raise PermissionDenied("只能查看本局审核人上传的自评报告")
    return reading


# --- reading uploads -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Uploaded:
    """What an upload became: readings made now, or the background job that will make them."""

    readings: list[ReportReading]
    job: Job | None = None


def read_uploads(files: list[Any], bureau: Bureau, by: Any) -> Uploaded:
    """Read each uploaded report and keep what was read; a bad file becomes a reading with its error."""
    if bureau.pk not in {b.pk for b in reviewer_bureaus(by)}:
        raise PermissionDenied("只有本局的财政审核人可以上传自评报告")
    if not files:
        raise ServiceError("请选择要上传的自评报告（.docx、.pdf、.txt）")
    if len(files) > REPORT_UPLOAD_MAX_FILES:
        raise ServiceError(f"一次最多上传 {REPORT_UPLOAD_MAX_FILES} 份报告（本次 {len(files)} 份），请分批上传")
    if len(files) <= REPORT_READ_AT_ONCE:
        return Uploaded([_read_one(upload, bureau, by) for upload in files])
    folder = Path(settings.INSTANCE_DIR) / "report-uploads" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    stored = []
    for i, upload in enumerate(files):
        name = Path(upload.name or "报告").name[:200]
        path = folder / f"{i:03d}{Path(name).suffix.lower()[:10]}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        stored.append({"path": str(path), "name": name, "size": upload.size})
    params = {"bureau": bureau.pk, "by": by.pk, "folder": str(folder), "files": stored}
    job = job_enqueue(JobKind.READ_REPORTS, params, by=by)
    Job.objects.filter(pk=job.pk).update(total=len(stored))
    job.total = len(stored)
    return Uploaded([], job)


def read_stored_uploads(params: dict[str, Any], progress: Any) -> int:
    """The background job's work: read the stored files one by one, then delete them; returns how many failed."""
    bureau = Bureau.objects.get(pk=params["bureau"])
    by = get_user_model().objects.get(pk=params["by"])
    failed = 0
    for done, item in enumerate(params["files"], start=1):
        path = Path(item["path"])
        if path.is_file():
            reading = _read_path(path, item["name"], int(item["size"]), bureau, by)
            path.unlink()
        else:  # read in an earlier attempt of this job
            reading = None
        failed += bool(reading is not None and reading.error)
        progress(done)
    shutil.rmtree(params["folder"], ignore_errors=True)
    return failed


def _read_one(upload: Any, bureau: Bureau, by: Any) -> ReportReading:
    name = Path(upload.name or "报告").name[:200]
    suffix = Path(name).suffix.lower()
    if suffix not in REPORT_SUFFIXES or upload.size > settings.IMPORT_MAX_BYTES:
        return _read_path(None, name, upload.size, bureau, by)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return _read_path(path, name, upload.size, bureau, by)


def _read_path(path: Path | None, name: str, size: int, bureau: Bureau, by: Any) -> ReportReading:
    suffix = Path(name).suffix.lower()
    reading = ReportReading(bureau=bureau, uploaded_by=by, filename=name, sha256="")
    if suffix not in REPORT_SUFFIXES:
        reading.error = f"不支持的文件类型“{suffix or '无扩展名'}”，可上传 .docx、.pdf、.txt"
    elif size > settings.IMPORT_MAX_BYTES or path is None:
        reading.error = f"文件大小 {size / MiB:.1f} MB 超过上限 {settings.IMPORT_MAX_BYTES // MiB} MB"
    else:
        reading.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        result = evaluate_file(path)
        if not result.ok or result.report is None or result.evaluation is None:
            message = result.error or "无法读取"
            reading.error = message.replace(str(path), name)
        else:
            reading.text = result.report.text
            reading.data = _data(result)
    reading.save()
    return reading


def _data(result: Any) -> dict[str, Any]:
    """What the page shows: values with their sources, findings with the characters they cite."""
    text = result.report.text
    document = engine.canonical(result.evaluation)
    sources = dict(result.evaluation.sources)
    values = []
    for path, label in VALUES:
        value = _get(document, path)
        if value is None:
            continue
        values.append({"path": path, "label": label, "value": str(value), "source": sources.get(path, "")})
    findings = [
        {
            "code": f.code,
            "severity": f.severity.value,
            "message": f.message,
            "source": f.source,
            "span": _span_of(text, f.source),
        }
        for f in result.findings
    ]
    return {
        "document": document,
        "values": values,
        "findings": findings,
        "kind": result.evaluation.kind.value,
        "unit": result.evaluation.unit.name,
        "year": result.evaluation.year,
        "unread": list(result.report.document.unread),
    }


def _span_of(text: str, source: str) -> list[int] | None:
    """The characters of the sentence a source quotes ("报告… 第N段：“…”"), if found in the text."""
    found = _QUOTED.search(source)
    if found is None:
        return None
    quoted = found.group(1).strip("…")
    start = text.find(quoted)
    return [start, start + len(quoted)] if quoted and start >= 0 else None


def segments(reading: ReportReading) -> list[dict[str, Any]]:
    """The text cut where findings start and end: each piece with the findings that cite it."""
    text = reading.text
    marks = [(i, f) for i, f in enumerate(reading.data.get("findings", [])) if f.get("span")]
    cuts = sorted({0, len(text), *(f["span"][0] for _, f in marks), *(f["span"][1] for _, f in marks)})
    pieces = []
    for start, end in pairwise(cuts):
        cited = [i for i, f in marks if f["span"][0] <= start and end <= f["span"][1]]
        worst = min((reading.data["findings"][i]["severity"] for i in cited), default="")
        pieces.append({"text": text[start:end], "findings": [i + 1 for i in cited], "severity": worst})
    return pieces


# --- accepting and correcting values ------------------------------------------------------------


def _get(document: dict[str, Any], path: str) -> Any:
    node: Any = document
    for key, index in _steps(path):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
        if index is not None:
            if not isinstance(node, list) or index >= len(node):
                return None
            node = node[index]
    return node


def _set(document: dict[str, Any], path: str, value: Any) -> None:
    steps = _steps(path)
    node: Any = document
    for key, index in steps[:-1]:
        node = node.setdefault(key, [] if index is not None else {})
        if index is not None:
            while len(node) <= index:
                node.append({})
            node = node[index]
    key, index = steps[-1]
    if index is None:
        node[key] = value
    else:
        items = node.setdefault(key, [])
        while len(items) <= index:
            items.append(None)
        items[index] = value


def _steps(path: str) -> list[tuple[str, int | None]]:
    steps: list[tuple[str, int | None]] = []
    for part in path.split("."):
        found = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", part)
        if found is None:
            raise ServiceError(f"无法识别的字段“{path}”")
        steps.append((found[1], int(found[2]) if found[2] is not None else None))
    return steps


def _typed(path: str, text: str) -> Any:
    """A corrected value in the document's type: years and counts whole numbers, dates ISO, amounts decimal."""
    text = text.strip()
    if path in ("unit.name", "stated.grade"):
        if not text:
            raise ServiceError(f"“{_LABELS[path]}”不能为空")
        return text[:200]
    if path == "sign_off.signed_on":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ServiceError("落款日期请写成 2022-05-18 的格式") from None
    if path in ("year", "unit.staffing.authorized", "unit.staffing.hired"):
        if not text.isdigit():
            raise ServiceError(f"“{_LABELS[path]}”应为整数")
        return int(text)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ServiceError(f"“{_LABELS[path]}”应为数字，收到“{text}”") from None
    if not number.is_finite() or number < 0:
        raise ServiceError(f"“{_LABELS[path]}”应为非负数")
    return str(number)


@transaction.atomic
def value_confirm(reading: ReportReading, path: str, by: Any, *, corrected: str | None = None) -> None:
    """The reviewer accepts the value read at ``path``, or corrects it; recorded with who and when."""
    reading = ReportReading.objects.select_for_update().get(pk=reading.pk)
    if reading.evaluation_id is not None:
        raise ServiceError("已生成自评草稿，读取结果不能再修改；请在草稿中修改")
    if path not in _LABELS:
        raise ServiceError(f"无法识别的字段“{path}”")
    read = _get(reading.data.get("document", {}), path)
    entry: dict[str, Any] = {"by": by.get_username(), "at": timezone.now().isoformat(timespec="seconds"),
                             "read": None if read is None else str(read)}  # fmt: skip
    if corrected is None:
        if read is None:
            raise ServiceError(f"报告中没有读到“{_LABELS[path]}”，无可确认的值；请填写更正值")
        entry["status"] = "accepted"
    else:
        entry["status"] = "corrected"
        entry["value"] = _typed(path, corrected)
    reading.corrections = {**reading.corrections, path: entry}
    reading.save(update_fields=["corrections"])


# --- a draft evaluation -----------------------------------------------------------------------


def draft_document(reading: ReportReading) -> dict[str, Any]:
    """The evaluation document with the reviewer's corrections, every value's source kept."""
    document = _copy(reading.data.get("document") or {})
    sources = dict(document.get("sources") or {})
    for path, entry in reading.corrections.items():
        if entry.get("status") == "corrected":
            _set(document, path, entry["value"])
            was = entry.get("read")
            said = f"原读作 {was}" if was is not None else "报告中未读到"
            corrected = f"审核人 {entry['by']} 于 {entry['at'][:10]} 更正（{said}）"
            sources[path] = f"{corrected}；{sources[path]}" if sources.get(path) else corrected
    sources.setdefault("report", f"自评报告《{reading.filename}》（SHA-256 {reading.sha256[:12]}…）")
    document["sources"] = sources
    return document


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@transaction.atomic
def draft_create(reading: ReportReading, unit: Unit, by: Any) -> Evaluation:
    """A 草稿 evaluation of ``unit`` from the reading, every value's source kept; audited."""
    reading = ReportReading.objects.select_for_update().get(pk=reading.pk)
    if reading.bureau_id not in {b.pk for b in reviewer_bureaus(by)} or unit.bureau_id != reading.bureau_id:
        raise PermissionDenied("只能为本局的单位生成自评草稿")
    if reading.evaluation_id is not None:
        raise ServiceError("这份报告已生成过自评草稿")
    if reading.error or not reading.data.get("document"):
        raise ServiceError("这份报告没有读出内容，不能生成自评草稿")
    document = draft_document(reading)
    document["unit"] = {**(document.get("unit") or {}), "name": unit.name}
    kind = EvaluationKind(document.get("kind", EvaluationKind.DEPARTMENT.value))
    framework_id = DEFAULT_FRAMEWORKS[kind]
    framework = FrameworkRecord.objects.filter(framework_id=framework_id).first()
    if framework is None:
        raise ServiceError(f"没有评分标准“{framework_id}”，请管理员先同步内置评分标准")
    document["framework"] = framework_id
    corrected = sum(1 for entry in reading.corrections.values() if entry.get("status") == "corrected")
    accepted = sum(1 for entry in reading.corrections.values() if entry.get("status") == "accepted")
    evaluation = evaluation_create_from_report(
        unit=unit, framework=framework, document=document, by=by,
        note=f"{READ_FROM_REPORT}《{reading.filename}》读取生成草稿：确认 {accepted} 项、更正 {corrected} 项",
        changes={"corrections": reading.corrections},
    )  # fmt: skip
    reading.evaluation = evaluation
    reading.save(update_fields=["evaluation"])
    return evaluation
