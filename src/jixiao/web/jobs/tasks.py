"""The one task on Django's task queue: run a :class:`~jixiao.web.jobs.models.Job` (docs/operations.md#tasks).

Everything a job needs is in its database row; the task carries only the job's number, so a
task row can be retried, inspected or dropped without losing what was asked.
"""

from __future__ import annotations

from django_tasks import task

from jixiao.web.jobs.services import job_run


@task()
def run_job(job_id: int) -> str:
    return job_run(job_id)
