"""The JSON API (django-ninja): read evaluations, their score, their findings, their reports.

OpenAPI description at ``/api/openapi.json``, interactive docs at ``/api/docs``. Every call
needs ``Authorization: Bearer <key>`` (``python -m jixiao.web api_token USERNAME``); the key
acts as its user, with the same permissions as the pages: the same access helper answers
404 for an evaluation the user may not see and 403 for an action the role may not take.
Numbers are decimal strings ("97.75"), never floats, as in ``jixiao score --json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from jixiao.pipeline import number, scorecard_json
from jixiao.web.accounts.services import api_token_user
from jixiao.web.evaluations import selectors
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.views import report_response
from jixiao.web.evaluations.workflow import Action, State


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="jixiao 预算绩效自评接口",
    version="1",
    description="读取自评、评分、审核问题和报告。权限与网页相同；数字为十进制字符串。",
    urls_namespace="api",
    auth=TokenAuth(),
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "无权操作"}, status=403)


class EvaluationOut(Schema):
    id: int
    unit: str
    unit_code: str
    year: int
    kind: str
    project: str
    state: str
    state_label: str
    version: int | None
    total: str | None
    grade: str
    execution_rate: str | None
    p0: int
    p1: int
    p2: int
    updated_at: datetime


class EvaluationDetailOut(EvaluationOut):
    framework: str
    framework_version: str
    lock_version: int
    document: dict[str, Any]


class BlockOut(Schema):
    id: str
    name: str
    weight: str | None
    score: str | None


class LineOut(Schema):
    path: str
    name: str
    weight: str | None
    score: str | None
    explanation: str


class ScoreOut(Schema):
    total: str | None
    grade: str
    execution_rate: str | None
    framework: str
    blocks: list[BlockOut]
    indicators: list[LineOut]


class FindingOut(Schema):
    code: str
    severity: Literal["P0", "P1", "P2"]
    message: str
    path: str
    source: str


class CheckOut(Schema):
    findings: list[FindingOut]


class ErrorOut(Schema):
    detail: str


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    version = evaluation.current_version
    return {
        "id": evaluation.pk,
        "unit": evaluation.unit.name,
        "unit_code": evaluation.unit.code,
        "year": evaluation.year,
        "kind": evaluation.kind,
        "project": evaluation.project,
        "state": evaluation.state,
        "state_label": State(evaluation.state).label,
        "version": version.number if version else None,
        "total": number(version.total) if version else None,
        "grade": version.grade if version else "",
        "execution_rate": number(version.execution_rate) if version else None,
        "p0": version.p0_count if version else 0,
        "p1": version.p1_count if version else 0,
        "p2": version.p2_count if version else 0,
        "updated_at": evaluation.updated_at,
    }


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@api.get("/evaluations", response=list[EvaluationOut], url_name="evaluations", summary="可查看的自评列表")
def evaluations(request: HttpRequest, year: int | None = None, state: str | None = None) -> list[dict[str, Any]]:
    found = selectors.evaluations_visible_to(request.user)
    if year is not None:
        found = found.filter(year=year)
    if state:
        found = found.filter(state=state)
    return [_summary(evaluation) for evaluation in found]


@api.get(
    "/evaluations/{pk}",
    response={200: EvaluationDetailOut} | ERRORS,
    url_name="evaluation",
    summary="一份自评及其当前版本",
)
def evaluation(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    assert found.current_version is not None
    return _summary(found) | {
        "framework": found.framework.framework_id,
        "framework_version": found.framework.version,
        "lock_version": found.lock_version,
        "document": found.current_version.document,
    }


def _assessed(request: HttpRequest, pk: int) -> Any:
    found = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    assert found.current_version is not None
    view = selectors.assess_version(found, found.current_version)
    if view.assessment is None:
        raise PermissionDenied(view.error)  # an unreadable stored document: said, not crashed
    return view.assessment


@api.get(
    "/evaluations/{pk}/score",
    response={200: ScoreOut} | ERRORS,
    url_name="score",
    summary="评分（每项的得分与计分说明）",
)
def score(request: HttpRequest, pk: int) -> dict[str, Any]:
    return scorecard_json(_assessed(request, pk).scorecard)


@api.get("/evaluations/{pk}/check", response={200: CheckOut} | ERRORS, url_name="check", summary="审核问题")
def check(request: HttpRequest, pk: int) -> dict[str, Any]:
    findings = _assessed(request, pk).findings
    return {"findings": [finding.as_dict() | {"source": finding.source} for finding in findings]}


@api.get(
    "/evaluations/{pk}/versions/{number}/report.{fmt}",
    response={404: ErrorOut, 403: ErrorOut, 401: ErrorOut, 503: ErrorOut},
    url_name="report",
    summary="下载某一版本的报告或自评表",
)
def report(request: HttpRequest, pk: int, number: int, fmt: Literal["docx", "pdf", "xlsx", "html"]) -> HttpResponse:
    found, version = selectors.get_version_for_user(request.user, pk, number)
    return report_response(found, version, fmt, review_copy=False)
