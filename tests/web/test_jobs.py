"""Background work: a frozen version's PDF is rendered once, in the worker, and stored
(docs/operations.md#tasks, docs/operations.md#stored-pdf)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jixiao.reports.pdf import libreoffice_available
from jixiao.web.evaluations import services
from jixiao.web.jobs import services as jobs
from jixiao.web.jobs.models import Job, JobKind, JobState, ReportCopy, StoredReport
from tests.web.world import World

needs_libreoffice = pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装，无法生成 PDF")


@pytest.fixture(autouse=True)
def _own_reports_dir(settings, tmp_path: Path) -> None:
    """Each test its own reports directory: files outlive the rolled-back rows of other tests."""
    settings.REPORTS_DIR = tmp_path / "reports"


@pytest.fixture(autouse=True)
def _keep_the_test_transaction(run_worker) -> None:
    """Every test here may run the worker in this process (see ``run_worker`` in conftest)."""


def _work() -> None:
    """One worker, in this process, until the queue is empty."""
    call_command("worker", batch=True, no_missing_reports=True, interval=0, verbosity=0)


def _pdf_url(world: World, key: str, *, review: bool = False) -> str:
    evaluation = world.fresh(key)
    url = reverse(
        "evaluations:version_report",
        kwargs={"pk": evaluation.pk, "number": evaluation.current_version.number, "fmt": "pdf"},
    )
    return url + ("?copy=review" if review else "")


def _portal_pdf(world: World, key: str = "published_a") -> str:
    return reverse("portal:download", kwargs={"pk": world.evaluations[key].pk, "fmt": "pdf"})


def _stored_files() -> list[Path]:
    folder = Path(settings.REPORTS_DIR)
    return sorted(folder.rglob("*.pdf")) if folder.exists() else []


def test_freezing_a_version_queues_its_pdfs(world: World, django_capture_on_commit_callbacks) -> None:
    evaluation = world.fresh("draft_a")
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_submit(evaluation=evaluation, by=world.prep_a)
    job = Job.objects.get()
    assert job.kind == JobKind.RENDER_PDF and job.state == JobState.QUEUED
    assert job.params == {"version": evaluation.current_version_id, "copies": ["public", "review"]}
    assert job.owner == world.prep_a
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == TaskResultStatus.READY and task.args_kwargs["args"] == [job.pk]


def test_a_pdf_not_rendered_yet_is_said_to_be_on_its_way_without_blocking(world: World, client) -> None:
    client.force_login(world.prep_a)
    first = client.get(_pdf_url(world, "submitted_a"))
    assert first.status_code == 202 and first["Retry-After"] == "5"
    assert "正在后台生成" in first.content.decode() and "排队中" in first.content.decode()
    assert first["Content-Type"].startswith("text/html")
    again = client.get(_pdf_url(world, "submitted_a", review=True))
    assert again.status_code == 202
    assert Job.objects.count() == 1  # one job for the version, both copies
    assert StoredReport.objects.count() == 0 and _stored_files() == []


def test_anonymous_portal_downloads_never_start_a_render(world: World, client) -> None:
    response = client.get(_portal_pdf(world))
    assert response.status_code == 503 and "尚未生成" in response.content.decode()
    assert Job.objects.count() == 0 and DBTaskResult.objects.count() == 0


def test_the_api_answers_the_state_as_json(world: World, client) -> None:
    evaluation = world.fresh("signed_a")
    url = f"/api/evaluations/{evaluation.pk}/versions/{evaluation.current_version.number}/report.pdf"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens['prep_a']}")
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued" and "正在后台生成" in body["detail"] and body["percent"] == 0


@needs_libreoffice
def test_the_worker_renders_once_and_the_stored_file_is_served(world: World, client) -> None:
    version = world.fresh("published_a").current_version
    jobs.render_pdf_enqueue(version)
    _work()
    job = Job.objects.get()
    assert job.state == JobState.DONE and job.attempts == 1 and job.done == job.total == 2
    rows = {row.copy: row for row in StoredReport.objects.filter(version=version)}
    assert set(rows) == {ReportCopy.PUBLIC.value, ReportCopy.REVIEW.value}
    for row in rows.values():
        data = jobs.report_file(row.sha256).read_bytes()
        assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size
    assert not list((Path(settings.REPORTS_DIR) / "tmp").iterdir())  # nothing half-written left behind

    public = client.get(_portal_pdf(world))
    assert public.status_code == 200 and public["Content-Type"] == "application/pdf"
    assert b"".join(public.streaming_content) == jobs.report_file(rows["public"].sha256).read_bytes()
    client.force_login(world.reviewer)
    review = client.get(_pdf_url(world, "published_a", review=True))
    assert b"".join(review.streaming_content) == jobs.report_file(rows["review"].sha256).read_bytes()

    # Asked again: nothing is rendered twice.
    jobs.render_pdf_enqueue(version)
    _work()
    assert StoredReport.objects.count() == 2 and Job.objects.filter(state=JobState.DONE).count() == 2


def test_new_templates_or_fonts_render_again_while_the_old_file_is_served(
    world: World, client, monkeypatch: pytest.MonkeyPatch
) -> None:
    version = world.fresh("published_a").current_version
    old = _store_fake(version, ReportCopy.PUBLIC, jobs.report_fingerprint())
    monkeypatch.setattr(jobs, "report_fingerprint", lambda: "f" * 64)
    anonymous = client.get(_portal_pdf(world))
    assert anonymous.status_code == 200 and b"".join(anonymous.streaming_content) == old
    assert Job.objects.count() == 0  # the public never starts one
    client.force_login(world.reviewer)
    assert client.get(_pdf_url(world, "published_a")).status_code == 200
    job = Job.objects.get()
    assert job.state == JobState.QUEUED and job.dedupe_key == f"pdf:{version.pk}:{'f' * 16}"


def _store_fake(version, copy: ReportCopy, fingerprint: str) -> bytes:
    data = b"%PDF-1.4 stored " + copy.value.encode()
    sha = hashlib.sha256(data).hexdigest()
    jobs.reports_dir()
    jobs.report_file(sha).write_bytes(data)
    StoredReport.objects.create(version=version, copy=copy.value, fingerprint=fingerprint, sha256=sha, size=len(data))
    return data


def test_a_failing_render_is_retried_a_bounded_number_of_times_then_reported(
    world: World, client, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    settings.TASK_RETRY_SECONDS = 0
    settings.TASK_ATTEMPTS = 3
    calls = []

    def broken(batch, progress=None):
        calls.append([job.pk for job in batch])
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "render_pdfs", broken)
    version = world.fresh("approved_a").current_version
    jobs.render_pdf_enqueue(version)
    _work()
    job = Job.objects.get()
    assert len(calls) == 3 and job.state == JobState.FAILED and job.attempts == 3
    assert job.message.startswith("已尝试 3 次，未能完成：内部错误（RuntimeError）")
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert StoredReport.objects.count() == 0 and _stored_files() == []

    client.force_login(world.reviewer)
    page = client.get(_pdf_url(world, "approved_a"))
    assert page.status_code == 503 and "生成失败" in page.content.decode() and "已尝试 3 次" in page.content.decode()
    assert Job.objects.count() == 1  # a recent failure is reported, not retried by every request


def test_a_job_whose_worker_died_is_run_again_and_counted(world: World, settings) -> None:
    settings.TASK_ATTEMPTS = 2
    version = world.fresh("signed_a").current_version
    job = jobs.render_pdf_enqueue(version)
    # A worker claimed it and was killed: the row says running, its lease has passed.
    assert jobs._claim([job.pk]) == [job.pk]
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert jobs.recover_lost_jobs() == 1
    job.refresh_from_db()
    assert job.state == JobState.QUEUED and job.attempts == 1 and "中断" in job.message
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2  # the old row and the new one

    # Killed again: attempts are used up, the job is failed, not run forever.
    assert jobs._claim([job.pk]) == [job.pk]
    Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    jobs.recover_lost_jobs()
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == 2 and "处理进程中断" in job.message


def test_queued_render_jobs_share_one_libreoffice_start(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = []

    def fake(batch, progress=None):
        batches.append(sorted(job.params["version"] for job in batch))
        return {}

    monkeypatch.setattr(jobs, "render_pdfs", fake)
    versions = [world.fresh(key).current_version for key in ("submitted_a", "signed_a", "approved_a", "published_a")]
    for version in versions:
        jobs.render_pdf_enqueue(version)
    _work()
    assert batches == [sorted(version.pk for version in versions)]
    assert set(Job.objects.values_list("state", flat=True)) == {JobState.DONE.value}


def test_the_worker_queues_published_versions_without_a_current_pdf(world: World) -> None:
    assert jobs.enqueue_missing_reports() == 1  # published_a only
    job = Job.objects.get()
    assert job.params["version"] == world.fresh("published_a").current_version_id
    assert jobs.enqueue_missing_reports() == 0  # already on its way
