"""What several pages show of one evaluation, shared so that views never import each other.

The evaluation page, the review page, the portal and the API build the same context of a
version and hand out its report files the same way; both live here, between the services
(which compute) and the views (which answer requests).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from jixiao.web.evaluations import selectors
from jixiao.web.evaluations.assessments import assess_version
from jixiao.web.evaluations.downloads import FORMATS, ReportRefused, ReportUnavailable, filename_for, render_report
from jixiao.web.evaluations.editor import SECTIONS, finding_links
from jixiao.web.evaluations.forms import CommentForm
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.evaluations.workflow import Action
from jixiao.web.responses import download
from jixiao.web.reviews.selectors import comments_of


def page_context(request: HttpRequest, evaluation: Evaluation, version: EvaluationVersion) -> dict[str, Any]:
    """The evaluation page of ``version`` (also the review page's): scores, findings, actions, history."""
    view = assess_version(evaluation, version)
    actions = (
        selectors.available_actions(request.user, evaluation) if version.pk == evaluation.current_version_id else set()
    )
    editable = Action.EDIT in actions
    findings = finding_links(view.findings, editable=editable)
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
    }


def report_response(evaluation: Evaluation, version: EvaluationVersion, fmt: str, *, review_copy: bool) -> HttpResponse:
    """The version's report or table as a download; 409 or 503 with the reason when it cannot be made."""
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
