"""The JSON API (django-ninja): read evaluations and their versions, score and check them
(stored, or a document posted for trial without saving), download their reports.

OpenAPI description at ``/api/openapi.json``, a Chinese documentation page at ``/api/docs``. Every call
needs ``Authorization: Bearer <key>`` (``python -m jixiao.web api_token USERNAME``); the key
acts as its user, with the same permissions as the pages: every operation fetches through the
pages' access helpers (``get_evaluation_for_user`` / ``get_version_for_user``), which answer
404 for an evaluation the user may not see and 403 for an action the role may not take.
Numbers are decimal strings ("97.75"), never floats, as in ``jixiao score --json``. Every
message a client receives is Chinese; a refused document names the field path
(``indicators[3].weight``), as the core does.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, Throttled, ValidationError
from ninja.security import HttpBearer

from jixiao.pipeline import number, scorecard_json
from jixiao.web import jsonbody, outage
from jixiao.web.accounts.services import TokenRefused, api_token_authenticate
from jixiao.web.apidocs import ChineseDocs
from jixiao.web.apirate import WINDOW_SECONDS, KeyRateThrottle
from jixiao.web.apischemas import (
    LISTED,
    ONE,
    REPORT_FILE,
    TRIAL,
    DocumentedApi,
    ErrorOut,
    EvaluationDocumentIn,
    PendingOut,
    request_body,
)
from jixiao.web.evaluations import selectors
from jixiao.web.evaluations.assessments import assess_document, assess_version
from jixiao.web.evaluations.editor import label_for
from jixiao.web.evaluations.engine import Assessment
from jixiao.web.evaluations.errors import DocumentInvalid
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.evaluations.presenters import report_response
from jixiao.web.evaluations.workflow import Action, State
from jixiao.web.jsonbody import JsonBodyError

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """The key's row becomes ``request.auth`` (the rate limit counts per key), its user ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(request, token)
        if found is not None:
            request.user = found.user
        return found


api = DocumentedApi(
    title="jixiao 预算绩效自评接口",
    version="1",
    description=(
        "读取自评及其各版本、评分（每项得分与计分说明）、审核问题和报告；也可提交一份评价文件试算评分和审核"
        "（不保存）。每个请求都要带请求头 `Authorization: Bearer <密钥>`（`python -m jixiao.web api_token 用户名` "
        "创建）。权限与该用户在网页上的权限相同：看不到的自评答复 404，角色不允许的操作答复 403。"
        '数字为十进制字符串（如 "97.75"）。'
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    # At most API_RATE_PER_MINUTE calls per key and minute (apirate.py, docs/web.md#api-limits).
    throttle=[KeyRateThrottle()],
    # A Chinese page without scripts instead of Swagger UI's English one (apidocs.py).
    docs=ChineseDocs(),
)


def _invalid(request: HttpRequest, detail: str, errors: list[dict[str, str]]) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


def _field_error(path: str, message: str) -> dict[str, str]:
    return {"path": path, "field": label_for(path) if path else "", "message": message}


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "无权操作"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    # The access helper's own words: "未找到该自评，或您无权查看" (existence is not revealed).
    return api.create_response(request, {"detail": str(error) or "未找到"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    detail = "缺少或无效的接口密钥：请在请求头中加 Authorization: Bearer <密钥>（密钥由管理员用 api_token 命令创建）"
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, error: TokenRefused) -> HttpResponse:
    """An expired key (401) or a locked-out user (403), docs/web.md#api-limits."""
    return api.create_response(request, {"detail": error.detail}, status=error.status)


@api.exception_handler(Throttled)
def _too_many(request: HttpRequest, error: Throttled) -> HttpResponse:
    """Over the key's calls per minute: 429 with ``Retry-After``, the seconds to the next minute."""
    wait = max(1, math.ceil(error.wait)) if error.wait is not None else WINDOW_SECONDS
    detail = (
        f"调用过于频繁：每个接口密钥每分钟最多调用 {settings.API_RATE_PER_MINUTE} 次，请 {wait} 秒后再试"
    )
    response = api.create_response(request, {"detail": detail}, status=429)
    response["Retry-After"] = str(wait)
    return response


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_down(request: HttpRequest, error: Exception) -> HttpResponse:
    """The database cannot be reached (docs/operations.md#faults): 503 with ``Retry-After``."""
    log.error("database unavailable: %s", error)
    return outage.database_down(request)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "请求内容太大，超过 5 MB 上限"}, status=413)


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """A bug: the traceback goes to the log, the client gets JSON in Chinese (DEBUG on or off)."""
    log.error("API error on %s %s", request.method, request.path, exc_info=error)
    return api.create_response(
        request, {"detail": "服务器内部错误，请求未完成；请稍后再试，如仍出错请联系管理员"}, status=500
    )


#: pydantic's error types in words a Chinese client reads; anything else: "取值不合法".
_PYDANTIC_WORDS = {
    "missing": "缺少此项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "literal_error": "不是可接受的取值",
    "string_type": "应为文字",
    "bool_parsing": "应为 true 或 false",
}


@api.exception_handler(ValidationError)
def _bad_parameters(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Query and path parameters django-ninja refused: Chinese, naming the parameter."""
    errors = []
    for item in error.errors:
        where = ".".join(str(part) for part in item.get("loc", ()))
        words = _PYDANTIC_WORDS.get(str(item.get("type")), "取值不合法")
        expected = (item.get("ctx") or {}).get("expected")
        errors.append({"path": where, "field": "", "message": f"{words}（可用：{expected}）" if expected else words})
    return _invalid(request, "请求参数不正确", errors)


# --- schemas --------------------------------------------------------------------------------------


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
    adopted_total: str | None
    adopted_grade: str
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


class VersionOut(Schema):
    number: int
    current: bool
    frozen: bool
    frozen_at: datetime | None
    created_at: datetime
    created_by: str
    total: str | None
    grade: str
    adopted_total: str | None
    adopted_grade: str
    execution_rate: str | None
    p0: int
    p1: int
    p2: int


class VersionDetailOut(VersionOut):
    evaluation: int
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
    field: str
    source: str


class CheckOut(Schema):
    findings: list[FindingOut]


# --- shaping ---------------------------------------------------------------------------------------


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
        "adopted_total": number(version.adopted_total) if version else None,
        "adopted_grade": version.adopted_grade if version else "",
        "execution_rate": number(version.execution_rate) if version else None,
        "p0": version.p0_count if version else 0,
        "p1": version.p1_count if version else 0,
        "p2": version.p2_count if version else 0,
        "updated_at": evaluation.updated_at,
    }


def _version(evaluation: Evaluation, version: EvaluationVersion) -> dict[str, Any]:
    author = version.created_by
    return {
        "number": version.number,
        "current": version.pk == evaluation.current_version_id,
        "frozen": version.frozen,
        "frozen_at": version.frozen_at,
        "created_at": version.created_at,
        "created_by": (author.get_full_name() or author.get_username()) if author else "",
        "total": number(version.total),
        "grade": version.grade,
        "adopted_total": number(version.adopted_total),
        "adopted_grade": version.adopted_grade,
        "execution_rate": number(version.execution_rate),
        "p0": version.p0_count,
        "p1": version.p1_count,
        "p2": version.p2_count,
    }


def _check(assessment: Assessment) -> dict[str, Any]:
    return {
        "findings": [
            finding.as_dict() | {"field": label_for(finding.path) if finding.path else "", "source": finding.source}
            for finding in assessment.findings
        ]
    }


def _assessed(evaluation: Evaluation, version: EvaluationVersion) -> Assessment:
    view = assess_version(evaluation, version)
    if view.assessment is None:
        raise PermissionDenied(view.error)  # an unreadable stored document: said, not crashed
    return view.assessment


def _current(request: HttpRequest, pk: int) -> tuple[Evaluation, EvaluationVersion]:
    found = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    assert found.current_version is not None
    return found, found.current_version


#: A document for trial scoring: the evaluation file format (what document.json downloads).
DOCUMENT_BODY = request_body(
    EvaluationDocumentIn, "评价文件（JSON，与网页“数据文件（JSON）”及 `jixiao score` 读取的格式相同）"
)


# --- evaluations and versions ------------------------------------------------------------------------


@api.get(
    "/evaluations", response={200: list[EvaluationOut]} | LISTED, url_name="evaluations", summary="可查看的自评列表"
)
def evaluations(request: HttpRequest, year: int | None = None, state: State | None = None) -> list[dict[str, Any]]:
    found = selectors.evaluations_visible_to(request.user)
    if year is not None:
        found = found.filter(year=year)
    if state:
        found = found.filter(state=state)
    return [_summary(evaluation) for evaluation in found]


@api.get(
    "/evaluations/{pk}",
    response={200: EvaluationDetailOut} | ONE,
    url_name="evaluation",
    summary="一份自评及其当前版本的内容",
)
def evaluation(request: HttpRequest, pk: int) -> dict[str, Any]:
    found, version = _current(request, pk)
    return _summary(found) | {
        "framework": found.framework.framework_id,
        "framework_version": found.framework.version,
        "lock_version": found.lock_version,
        "document": version.document,
    }


@api.get(
    "/evaluations/{pk}/versions",
    response={200: list[VersionOut]} | ONE,
    url_name="versions",
    summary="一份自评的全部版本（新版本在前）",
)
def versions(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    found = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    return [_version(found, version) for version in selectors.versions_of(found)]


@api.get(
    "/evaluations/{pk}/versions/{number}",
    response={200: VersionDetailOut} | ONE,
    url_name="version",
    summary="某一版本及其内容（已提交的版本永不改变）",
)
def version(request: HttpRequest, pk: int, number: int) -> dict[str, Any]:
    found, chosen = selectors.get_version_for_user(request.user, pk, number)
    return _version(found, chosen) | {"evaluation": found.pk, "document": chosen.document}


# --- score and check: the current version, any version -------------------------------------------------


@api.get("/evaluations/{pk}/score", response={200: ScoreOut} | ONE, url_name="score", summary="当前版本的评分")
def score(request: HttpRequest, pk: int) -> dict[str, Any]:
    return scorecard_json(_assessed(*_current(request, pk)).scorecard)


@api.get("/evaluations/{pk}/check", response={200: CheckOut} | ONE, url_name="check", summary="当前版本的审核问题")
def check(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _check(_assessed(*_current(request, pk)))


@api.get(
    "/evaluations/{pk}/versions/{number}/score",
    response={200: ScoreOut} | ONE,
    url_name="version_score",
    summary="某一版本的评分（每项的得分与计分说明）",
)
def version_score(request: HttpRequest, pk: int, number: int) -> dict[str, Any]:
    return scorecard_json(_assessed(*selectors.get_version_for_user(request.user, pk, number)).scorecard)


@api.get(
    "/evaluations/{pk}/versions/{number}/check",
    response={200: CheckOut} | ONE,
    url_name="version_check",
    summary="某一版本的审核问题",
)
def version_check(request: HttpRequest, pk: int, number: int) -> dict[str, Any]:
    return _check(_assessed(*selectors.get_version_for_user(request.user, pk, number)))


# --- trial: score and check a posted document, saving nothing --------------------------------------------


def _trial(request: HttpRequest, pk: int) -> Assessment | HttpResponse:
    """The posted document assessed under the evaluation's framework, or a 422 naming the field.

    The same permission as the editor's live scoring (编辑: the unit's preparer and head),
    whatever the state: nothing is saved.
    """
    found = selectors.get_evaluation_for_user(request.user, pk, Action.EDIT)
    try:
        # Decimals, not floats: 0.1 stays 0.1 on its way to the core; nesting depth limited.
        document = jsonbody.loads(request.body)
    except JsonBodyError as error:
        return _invalid(request, error.message, [_field_error("", error.message)])
    if not isinstance(document, dict):
        return _invalid(request, "请求内容应为一个评价文件（JSON 对象）", [_field_error("", "应为 JSON 对象")])
    try:
        _, assessment = assess_document(found, document)
    except DocumentInvalid as error:
        return _invalid(request, f"评价文件无效：{error.message}", [_field_error(error.path, error.reason)])
    return assessment


@api.post(
    "/evaluations/{pk}/score",
    response={200: ScoreOut} | TRIAL,
    url_name="score_document",
    summary="试算：按本自评的评分标准为提交的评价文件评分（不保存）",
    openapi_extra=DOCUMENT_BODY,
)
def score_document(request: HttpRequest, pk: int) -> Any:
    result = _trial(request, pk)
    return result if isinstance(result, HttpResponse) else scorecard_json(result.scorecard)


@api.post(
    "/evaluations/{pk}/check",
    response={200: CheckOut} | TRIAL,
    url_name="check_document",
    summary="试算：审核提交的评价文件（不保存）",
    openapi_extra=DOCUMENT_BODY,
)
def check_document(request: HttpRequest, pk: int) -> Any:
    result = _trial(request, pk)
    return result if isinstance(result, HttpResponse) else _check(result)


# --- reports -------------------------------------------------------------------------------------------------


@api.get(
    "/evaluations/{pk}/versions/{number}/report.{fmt}",
    response={200: None, 202: PendingOut} | ONE | {409: ErrorOut, 503: PendingOut | ErrorOut},
    openapi_extra=REPORT_FILE,
    url_name="report",
    summary="下载某一版本的报告（docx、pdf、html）或自评表（xlsx）",
    description="`review_copy=true`：审核版报告，附审核问题（与网页“审核版报告”相同）。公开版不含审核问题。"
    "已提交版本的 PDF 只在后台生成一次：尚未生成时答 202（生成中，`state` 与 `percent`）或 503，稍后再取。",
)
def report(
    request: HttpRequest,
    pk: int,
    number: int,
    fmt: Literal["docx", "pdf", "xlsx", "html"],
    review_copy: bool = False,
) -> HttpResponse:
    found, chosen = selectors.get_version_for_user(request.user, pk, number)
    response = report_response(found, chosen, fmt, review_copy=review_copy, request=request, as_json=True)
    if response.status_code == 202 or response.get("Content-Type", "").startswith("application/json"):
        return response  # a PDF on its way: its state as JSON
    if response.status_code != 200:  # the pages' plain-text refusal, as JSON like every API answer
        return api.create_response(request, {"detail": response.content.decode("utf-8")}, status=response.status_code)
    return response
