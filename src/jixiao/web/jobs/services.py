"""Background jobs and stored PDFs: queueing, running with bounded retries, writing files whole.

(docs/operations.md#tasks, docs/operations.md#stored-pdf)

- :func:`job_enqueue` records a :class:`Job` and puts one task on the queue in the same
  transaction (the database backend writes its row in our database), so a job is never queued
  without its record nor recorded without its task.
- :func:`job_run` (the task) claims the job with one conditional UPDATE, runs it, and on failure
  either puts it back on the queue with a delay (until ``max_attempts``) or marks it failed with
  the reason in Chinese. A job whose worker died keeps its ``running`` state until its lease
  passes; :func:`recover_lost_jobs` (run by every worker between batches) then queues it again.
- PDFs are written to a temporary file in the reports directory and renamed to
  ``<sha256>.pdf`` (an atomic rename on one file system) before their row is created: a reader
  finds either no stored report or a complete file. A killed run's temporary folder (named
  after the job that led the batch) is removed when its job is queued again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jixiao.web.evaluations import engine
from jixiao.web.evaluations.assessments import assess_version
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.evaluations.workflow import State
from jixiao.web.jobs.fingerprint import report_fingerprint
from jixiao.web.jobs.models import ACTIVE, Job, JobKind, JobState, ReportCopy, StoredReport

log = logging.getLogger(__name__)

#: The n-th retry waits this many times JIXIAO_TASK_RETRY_SECONDS (1st, 2nd, …); the last factor repeats.
RETRY_FACTORS = (1, 6, 24)
#: Render jobs one LibreOffice start may take together.
PDF_BATCH = 40


class JobFailed(Exception):
    """A failure worth no retry (the input is wrong, not the machine): the job fails at once."""


def reports_dir() -> Path:
    folder = Path(settings.REPORTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def report_file(sha256: str) -> Path:
    return Path(settings.REPORTS_DIR) / f"{sha256}.pdf"


# --- queueing -------------------------------------------------------------------------------------


def _put_on_queue(job: Job, delay: int = 0) -> None:
    from jixiao.web.jobs.tasks import run_job  # the task module imports this one

    task = run_job.using(run_after=timezone.now() + timedelta(seconds=delay)) if delay else run_job
    result = task.enqueue(job.pk)
    job.task_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def job_enqueue(kind: JobKind, params: dict[str, Any], *, by: Any = None, dedupe_key: str = "") -> Job:
    """Queue a job; with ``dedupe_key``, an active job of the same key is returned instead."""
    with transaction.atomic():
        if dedupe_key:
            active = Job.objects.filter(dedupe_key=dedupe_key, state__in=ACTIVE).first()
            if active is not None:
                return active
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind.value,
                    params=params,
                    owner=by if getattr(by, "is_authenticated", False) else None,
                    dedupe_key=dedupe_key,
                    max_attempts=settings.TASK_ATTEMPTS,
                )
        except IntegrityError:  # someone queued the same key a moment ago
            return Job.objects.get(dedupe_key=dedupe_key, state__in=ACTIVE)
        _put_on_queue(job)
    return job


def _claim(pks: Sequence[int]) -> list[int]:
    """Take queued jobs for this worker: one conditional UPDATE each, so two workers never share one."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.TASK_LEASE_SECONDS)
    return [
        pk
        for pk in pks
        if Job.objects.filter(pk=pk, state=JobState.QUEUED.value).update(
            state=JobState.RUNNING.value, started_at=now, lease_until=lease, attempts=F("attempts") + 1
        )
    ]


def _finish(job: Job, message: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE.value, finished_at=timezone.now(), lease_until=None, message=message, done=F("total")
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, JobFailed):
        return str(error)
    text = str(error)
    # The reports module's errors are Chinese already; anything else is named, not shown raw.
    if text and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return f"内部错误（{type(error).__name__}），详见服务器日志"


def _failed(job: Job, error: BaseException) -> None:
    """Back on the queue after a delay while attempts remain; else failed, with the reason."""
    job.refresh_from_db(fields=["attempts", "max_attempts"])
    reason = _reason(error)
    if isinstance(error, JobFailed) or job.attempts >= job.max_attempts:
        Job.objects.filter(pk=job.pk).update(
            state=JobState.FAILED.value,
            finished_at=timezone.now(),
            lease_until=None,
            message=f"已尝试 {job.attempts} 次，未能完成：{reason}",
        )
        return
    delay = settings.TASK_RETRY_SECONDS * RETRY_FACTORS[min(job.attempts, len(RETRY_FACTORS)) - 1]
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(
            state=JobState.QUEUED.value,
            lease_until=None,
            message=f"第 {job.attempts} 次尝试未能完成（{reason}），{delay} 秒后重试",
        )
        _put_on_queue(job, delay)


def job_run(job_id: int) -> str:
    """Run one job (the body of the queued task); returns what happened, for the task's record."""
    if not _claim([job_id]):
        return "skipped"  # done already (taken into another job's batch), or failed for good
    job = Job.objects.get(pk=job_id)
    runner = RUNNERS[JobKind(job.kind)]
    try:
        runner(job)
    except Exception as error:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _failed(job, error)
        raise
    return "done"


def recover_lost_jobs() -> int:
    """Jobs left ``running`` past their lease (their worker was killed): queued again, or failed.

    A job that lost its worker counts the lost run as an attempt, so a job that kills its worker
    every time still ends, as failed, after ``max_attempts``.
    """
    lost = list(Job.objects.filter(state=JobState.RUNNING.value, lease_until__lt=timezone.now()))
    for job in lost:
        _clear_render_folders(job)  # what the killed run had half written
        with transaction.atomic():
            # Only if it is still the lost run (not finished meanwhile).
            changed = Job.objects.filter(pk=job.pk, state=JobState.RUNNING.value, lease_until=job.lease_until)
            if job.attempts >= job.max_attempts:
                changed.update(
                    state=JobState.FAILED.value,
                    finished_at=timezone.now(),
                    lease_until=None,
                    message=f"已尝试 {job.attempts} 次，每次都未能完成（处理进程中断）",
                )
            elif changed.update(
                state=JobState.QUEUED.value, lease_until=None, message="上次处理进程中断，已重新排队"
            ):
                _put_on_queue(job)
    _forget_lost_tasks()
    return len(lost)


def _render_prefix(job: Job) -> str:
    return f"render-{job.pk}-"


def _clear_render_folders(job: Job) -> None:
    """The temporary folders of a lost run led by ``job`` (never served: files move out only when whole)."""
    folder = Path(settings.REPORTS_DIR) / "tmp"
    for leftover in folder.glob(f"{_render_prefix(job)}*") if folder.is_dir() else []:
        shutil.rmtree(leftover, ignore_errors=True)


def _forget_lost_tasks() -> None:
    """The queue rows of runs that will never report (their worker died) are marked failed too."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(), exception_class_path="jixiao.WorkerLost"
    )


# --- stored PDFs -----------------------------------------------------------------------------------


def stored_report(version: EvaluationVersion, copy: ReportCopy) -> tuple[StoredReport | None, bool]:
    """The stored PDF to serve and whether it is current (rendered with today's templates and fonts).

    An older rendering is served while a new one is made.
    """
    rows = [
        row for row in StoredReport.objects.filter(version=version, copy=copy.value).order_by("-created_at")
        if report_file(row.sha256).is_file()
    ]  # fmt: skip
    fingerprint = report_fingerprint()
    current = next((row for row in rows if row.fingerprint == fingerprint), None)
    if current is not None:
        return current, True
    return (rows[0] if rows else None), False


def pdf_dedupe_key(version: EvaluationVersion) -> str:
    return f"pdf:{version.pk}:{report_fingerprint()[:16]}"


def render_pdf_enqueue(version: EvaluationVersion, *, by: Any = None) -> Job:
    """Queue the rendering of both copies of a frozen version (done copies are skipped when run)."""
    copies = [ReportCopy.PUBLIC.value, ReportCopy.REVIEW.value]
    return job_enqueue(
        JobKind.RENDER_PDF, {"version": version.pk, "copies": copies}, by=by, dedupe_key=pdf_dedupe_key(version)
    )


def active_pdf_job(version: EvaluationVersion) -> Job | None:
    return Job.objects.filter(dedupe_key=pdf_dedupe_key(version), state__in=ACTIVE).first()


def last_pdf_job(version: EvaluationVersion) -> Job | None:
    return Job.objects.filter(dedupe_key=pdf_dedupe_key(version)).order_by("-pk").first()


@dataclass
class _Pending:
    job: Job
    version: EvaluationVersion
    copy: ReportCopy
    content: Any


def _contents(jobs: Sequence[Job]) -> tuple[list[_Pending], dict[int, list[str]]]:
    """What each job still needs rendered, and the notes of copies that cannot be made."""
    from jixiao.reports.content import AssumedValuesError, build_content

    fingerprint = report_fingerprint()
    pending: list[_Pending] = []
    notes: dict[int, list[str]] = {job.pk: [] for job in jobs}
    for job in jobs:
        version = EvaluationVersion.objects.select_related("evaluation__framework", "evaluation__unit").get(
            pk=job.params["version"]
        )
        view = assess_version(version.evaluation, version)
        for value in job.params.get("copies", []):
            copy = ReportCopy(value)
            exists = StoredReport.objects.filter(version=version, copy=copy.value, fingerprint=fingerprint)
            if any(report_file(row.sha256).is_file() for row in exists):
                continue
            if view.assessment is None:
                notes[job.pk].append(f"{copy.label}无法生成：{view.error}")
                continue
            review = copy is ReportCopy.REVIEW
            a = view.assessment
            try:
                content = build_content(
                    a.evaluation, a.scorecard, framework=a.framework,
                    findings=a.findings if review else None, review_copy=review, prior=a.prior,
                )  # fmt: skip
            except AssumedValuesError as error:  # the unit has to confirm its values first
                notes[job.pk].append(f"{copy.label}：{error}")
                continue
            pending.append(_Pending(job, version, copy, content))
    return pending, notes


def _store(pending: _Pending, pdf: Path, fingerprint: str) -> None:
    """Move a finished PDF into place under its SHA-256 and record it (file first, then the row)."""
    data_hash = hashlib.sha256(pdf.read_bytes()).hexdigest()
    final = report_file(data_hash)
    if not final.is_file():
        os.chmod(pdf, 0o640)
        os.replace(pdf, final)  # same directory tree, one file system: atomic
    with transaction.atomic():
        StoredReport.objects.update_or_create(
            version=pending.version,
            copy=pending.copy.value,
            fingerprint=fingerprint,
            defaults={"sha256": data_hash, "size": final.stat().st_size},
        )


def render_pdfs(jobs: Sequence[Job], progress: Callable[[int, int], None] | None = None) -> dict[int, list[str]]:
    """Render what ``jobs`` ask for with one LibreOffice start; returns notes by job."""
    from jixiao.reports.docx_writer import write_docx
    from jixiao.reports.pdf import convert_to_pdf

    fingerprint = report_fingerprint()
    pending, notes = _contents(jobs)
    if not pending:
        return notes
    folder = reports_dir() / "tmp"
    folder.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=_render_prefix(jobs[0])) as work:
        sources = [Path(work) / f"{i:05d}.docx" for i in range(len(pending))]
        for done, (item, source) in enumerate(zip(pending, sources, strict=True), start=1):
            write_docx(item.content, source)
            if progress is not None:
                progress(done, len(pending) * 2)
        pdfs = convert_to_pdf(sources, Path(work) / "pdf")
        for done, (item, pdf) in enumerate(zip(pending, pdfs, strict=True), start=1):
            _store(item, pdf, fingerprint)
            if progress is not None:
                progress(len(pending) + done, len(pending) * 2)
    return notes


def _run_render(job: Job) -> None:
    """One render job, with up to PDF_BATCH - 1 other queued ones taken along (one LibreOffice start)."""
    others = (
        Job.objects.filter(kind=JobKind.RENDER_PDF.value, state=JobState.QUEUED.value)
        .exclude(pk=job.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[: PDF_BATCH - 1]
    )
    batch = [job, *Job.objects.filter(pk__in=_claim(list(others)))]
    total = sum(len(item.params.get("copies", [])) for item in batch)
    Job.objects.filter(pk__in=[item.pk for item in batch]).update(total=total, done=0)

    def progress(done: int, steps: int) -> None:
        Job.objects.filter(pk__in=[item.pk for item in batch]).update(done=done * total // max(steps, 1))

    try:
        notes = render_pdfs(batch, progress)
    except Exception as error:
        for item in batch[1:]:  # the batch's other jobs share the outcome
            _failed(item, error)
        raise
    for item in batch:
        _finish(item, "；".join(notes.get(item.pk, [])))


def _run_read_reports(job: Job) -> None:
    """Written reports a reviewer uploaded in a batch (docs/web.md#report-reading), one at a time."""
    from jixiao.web.reviews.services import read_stored_uploads  # the reviews services import this module

    files = job.params.get("files", [])
    Job.objects.filter(pk=job.pk).update(total=len(files))

    def progress(done: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done)

    failed = read_stored_uploads(job.params, progress)
    _finish(job, f"已读取 {len(files) - failed} 份报告" + (f"，{failed} 份无法读取" if failed else ""))


RUNNERS: dict[JobKind, Callable[[Job], None]] = {
    JobKind.RENDER_PDF: _run_render,
    JobKind.READ_REPORTS: _run_read_reports,
}


# --- after freezing, and at worker start -----------------------------------------------------------


def render_after_freeze(version: EvaluationVersion, by: Any = None) -> None:
    """Called by the workflow when a version is frozen: its PDFs are made in the background."""
    transaction.on_commit(lambda: render_pdf_enqueue(version, by=by))


def enqueue_missing_reports(limit: int = 10_000) -> int:
    """Published versions whose PDFs are missing or from other templates/fonts: queued for rendering.

    The portal never starts a render itself; the worker calls this when it starts.
    """
    fingerprint = report_fingerprint()
    queued = 0
    versions = (
        EvaluationVersion.objects.filter(
            frozen=True, pk__in=Evaluation.objects.filter(state=State.PUBLISHED.value).values("current_version")
        )
        .exclude(pk__in=StoredReport.objects.filter(fingerprint=fingerprint, copy=ReportCopy.PUBLIC.value).values(
            "version"
        ))
        .only("pk")[:limit]
    )  # fmt: skip
    for version in versions:
        last = last_pdf_job(version)
        # Skip what is on its way, and what was done as far as it could be (a refused public copy).
        if last is not None and last.state != JobState.FAILED.value:
            continue
        render_pdf_enqueue(version)
        queued += 1
    return queued


def publication_refusal(version: EvaluationVersion) -> str:
    """Why the publication copy of ``version`` cannot be made, or ''."""
    from jixiao.reports.content import assumed_message
    from jixiao.reports.context import assumed_fields

    try:
        core = engine.read_document(version.document)
    except engine.DocumentError as error:
        return f"无法生成：{error.message}"
    return assumed_message(core) if assumed_fields(core) else ""
