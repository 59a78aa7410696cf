"""What several pages show of one evaluation, shared so that views never import each other.

The evaluation page, the review page, the portal and the API build the same context of a
version and hand out its report files the same way; both live here, between the services
(which compute) and the views (which answer requests).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.web.evaluations import selectors
from jixiao.web.evaluations.assessments import assess_version
from jixiao.web.evaluations.downloads import FORMATS, ReportRefused, ReportUnavailable, filename_for, render_report
from jixiao.web.evaluations.editor import SECTIONS, finding_links
from jixiao.web.evaluations.forms import CommentForm
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.evaluations.workflow import Action
from jixiao.web.jobs import services as jobs
from jixiao.web.jobs.models import Job, JobState, ReportCopy
from jixiao.web.responses import download
from jixiao.web.results.selectors import items_of_evaluation, prior_items_of, required_of, unit_coverage
from jixiao.web.reviews.selectors import comments_of


def page_context(request: HttpRequest, evaluation: Evaluation, version: EvaluationVersion) -> dict[str, Any]:
    """The evaluation page of ``version`` (also the review page's): scores, findings, actions, history."""
    view = assess_version(evaluation, version)
    actions = (
        selectors.available_actions(request.user, evaluation) if version.pk == evaluation.current_version_id else set()
    )
    editable = Action.EDIT in actions
    findings = finding_links(view.findings, editable=editable, scorecard=view.scorecard)
    return {
        "evaluation": evaluation,
        "version": version,
        "view": view,
        "assessment": view.assessment,
        "findings": findings,
        "actions": {action.value for action in actions},
        "sections": SECTIONS,
        "formats": FORMATS.values(),
        "versions": selectors.versions_of(evaluation),
        "comments": comments_of(evaluation),
        "comment_form": CommentForm(),
        "is_current": version.pk == evaluation.current_version_id,
        # last year's rectification items of the unit, and the items issued from this evaluation
        "prior_items": prior_items_of(evaluation.unit_id, evaluation.year),
        "own_items": items_of_evaluation(evaluation),
        "coverage": (
            unit_coverage(evaluation, required_of(evaluation.unit.bureau, evaluation.year))
            if evaluation.kind == EvaluationKind.DEPARTMENT.value
            else ()
        ),
    }


def report_response(
    evaluation: Evaluation,
    version: EvaluationVersion,
    fmt: str,
    *,
    review_copy: bool,
    request: HttpRequest | None = None,
    may_render: bool = True,
    as_json: bool = False,
) -> HttpResponse:
    """The version's report or table as a download; 409 or 503 with the reason when it cannot be made.

    The PDF of a frozen version is never rendered in the request: it is served from the store,
    or the answer says it is being made (202) or not yet made (503) — as a page, or as JSON for
    the API (``as_json``). ``may_render=False`` (the public portal) never queues a rendering.
    """
    if fmt == "pdf" and version.frozen:
        return _stored_pdf(
            evaluation, version, review_copy=review_copy, request=request, may_render=may_render, as_json=as_json
        )
    view = assess_version(evaluation, version)
    if view.assessment is None:
        return HttpResponse(f"无法生成：{view.error}", status=503, content_type="text/plain; charset=utf-8")
    try:
        data = render_report(view.assessment, fmt, review_copy=review_copy)
    except ReportRefused as error:  # not the server's fault: the document is not fit for publication
        return HttpResponse(str(error), status=409, content_type="text/plain; charset=utf-8")
    except ReportUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    name = filename_for(evaluation.unit.name, evaluation.year, fmt, review_copy=review_copy)
    return download(data, name, FORMATS[fmt].content_type)


#: How long a failed rendering is reported before a new request tries again.
FAILURE_SHOWN = timedelta(minutes=10)


def _stored_pdf(
    evaluation: Evaluation,
    version: EvaluationVersion,
    *,
    review_copy: bool,
    request: HttpRequest | None,
    may_render: bool,
    as_json: bool,
) -> HttpResponse:
    copy = ReportCopy.REVIEW if review_copy else ReportCopy.PUBLIC
    stored, current = jobs.stored_report(version, copy)
    if stored is not None:
        if not current and may_render:  # templates or fonts changed: renewed in the background
            jobs.render_pdf_enqueue(version, by=getattr(request, "user", None))
        name = filename_for(evaluation.unit.name, evaluation.year, "pdf", review_copy=review_copy)
        return download(jobs.report_file(stored.sha256).open("rb"), name, FORMATS["pdf"].content_type)
    if not review_copy and (refusal := jobs.publication_refusal(version)):
        return HttpResponse(refusal, status=409, content_type="text/plain; charset=utf-8")
    job = jobs.active_pdf_job(version)
    last = jobs.last_pdf_job(version)
    recent_failure = (
        last is not None
        and last.state == JobState.FAILED.value
        and last.finished_at is not None
        and timezone.now() - last.finished_at < FAILURE_SHOWN
    )
    if job is None and may_render and not recent_failure:
        job = jobs.render_pdf_enqueue(version, by=getattr(request, "user", None))
    if job is not None:
        state, status = job.state, 202
        progress = f"，已完成 {job.percent}%" if job.state == JobState.RUNNING.value else ""
        message = (
            f"{copy.label} PDF 报告正在后台生成（{job.get_state_display()}{progress}），通常一分钟内完成，"
            "请稍后刷新本页下载；也可以先下载 Word 版（.docx）。"
        )
    elif recent_failure and last is not None:
        state, status = "failed", 503
        message = (
            f"{copy.label} PDF 报告生成失败：{last.message}。"
            "请稍后再试，或先下载 Word 版（.docx）；问题持续时请联系管理员。"
        )
    else:
        state, status = "not_rendered", 503
        message = f"{copy.label} PDF 报告尚未生成，系统会在后台生成，请稍后再来下载；也可以先下载 Word 版（.docx）。"
    return _pending(request, evaluation, message, state=state, status=status, job=job, as_json=as_json)


def _pending(
    request: HttpRequest | None,
    evaluation: Evaluation,
    message: str,
    *,
    state: str,
    status: int,
    job: Job | None,
    as_json: bool,
) -> HttpResponse:
    """The answer while a PDF is not ready: a page (or JSON) that says so, and when to ask again."""
    response: HttpResponse
    if as_json:
        body = {"state": state, "detail": message, "percent": job.percent if job is not None else 0}
        response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    elif request is not None:
        context = {"evaluation": evaluation, "message": message, "state": state, "job": job}
        response = render(request, "jobs/pdf_pending.html", context, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = "5" if status == 202 else "60"
    return response
