"""The targets part of the JSON API: read declarations, trial-check a declaration or a monitoring report.

Mounted under ``/api/targets/`` by :mod:`jixiao.web.api` (same key, same permissions as the pages:
404 for what the user may not see, 403 for what the role may not do). A trial check saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status

from jixiao.core.findings import Finding
from jixiao.core.targets import check_declaration, check_monitoring, lights_for
from jixiao.core.targets.monitoring import with_targets
from jixiao.pipeline import number
from jixiao.web import jsonbody
from jixiao.web.apischemas import (
    LISTED,
    ONE,
    TRIAL,
    DeclarationDocumentIn,
    MonitoringDocumentIn,
    RefusedOut,
    request_body,
)
from jixiao.web.jsonbody import JsonBodyError
from jixiao.web.targets import selectors, services
from jixiao.web.targets.errors import TargetsError

router = Router(tags=["绩效目标与运行监控"])


class FindingOut(Schema):
    code: str
    severity: str
    message: str
    path: str


class DeclarationOut(Schema):
    id: int
    unit: str
    year: int
    kind: str
    project: str
    status: str
    status_label: str
    request_amount: str | None
    p0_count: int
    p1_count: int


class DeclarationDetailOut(DeclarationOut):
    document: dict[str, Any]
    findings: list[FindingOut]


class TrialOut(Schema):
    findings: list[FindingOut]
    lights: dict[str, str | None] | None = None


#: A declaration by number, or a trial check whose content the core refuses (422: its message).
ERRORS: dict[int, Any] = ONE | {422: RefusedOut}
TRIAL_ERRORS: dict[int, Any] = TRIAL | {422: RefusedOut}


def _summary(found: Any) -> dict[str, Any]:
    return {
        "id": found.pk, "unit": found.unit.name, "year": found.year, "kind": found.kind, "project": found.project,
        "status": found.status, "status_label": found.get_status_display(),
        "request_amount": number(found.request_amount), "p0_count": found.p0_count, "p1_count": found.p1_count,
    }  # fmt: skip


def _findings(findings: tuple[Finding, ...]) -> list[dict[str, str]]:
    return [finding.as_dict() for finding in findings]


def _posted(request: HttpRequest) -> dict[str, Any]:
    try:
        data = jsonbody.loads(request.body)  # Decimals, depth limited (jixiao.web.jsonbody)
    except JsonBodyError as error:
        raise TargetsError(error.message) from None
    if not isinstance(data, dict):
        raise TargetsError("请求内容应为一个 JSON 对象")
    return data


@router.get(
    "/declarations",
    response={200: list[DeclarationOut]} | LISTED,
    url_name="target_declarations",
    summary="可查看的绩效目标申报",
)
def declarations(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    query = selectors.declarations_for_user(request.user)
    if year is not None:
        query = query.filter(year=year)
    return [_summary(found) for found in query[:1000]]


@router.get("/declarations/{pk}", response={200: DeclarationDetailOut} | ERRORS, url_name="target_declaration",
            summary="一份绩效目标申报：内容与审核意见")  # fmt: skip
def declaration(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.get_declaration(request.user, pk)
    core = services.read_declaration(found.document)
    findings = check_declaration(core, services.library_of(found.unit.bureau_id))
    return {**_summary(found), "document": found.document, "findings": _findings(findings)}


@router.post("/declarations/{pk}/check", response={200: TrialOut} | TRIAL_ERRORS, url_name="target_check_declaration",
             summary="试算：按本局指标库审核提交的申报内容（不保存）",
             openapi_extra=request_body(DeclarationDocumentIn, "申报内容（JSON，申报文件格式）"))  # fmt: skip
def check_declaration_document(request: HttpRequest, pk: int) -> Any:
    found = selectors.get_declaration(request.user, pk)
    if not services.roles_on(request.user, found.unit) & services.UNIT_EDITORS:
        raise PermissionDenied("只有本单位的填报人或单位负责人可以试算")
    try:
        _, _, findings = services.assess(found, _posted(request))
    except TargetsError as error:
        return Status(422, {"detail": error.message})
    return {"findings": _findings(findings)}


@router.post("/monitoring/{pk}/check", response={200: TrialOut} | TRIAL_ERRORS, url_name="target_check_monitoring",
             summary="试算：按批复的目标和本局亮灯规则审核提交的监控填报（不保存）",
             openapi_extra=request_body(MonitoringDocumentIn, "监控填报（JSON，监控文件格式）"))  # fmt: skip
def check_monitoring_document(request: HttpRequest, pk: int) -> Any:
    found = selectors.get_report(request.user, pk)
    if not services.roles_on(request.user, found.unit) & services.UNIT_EDITORS:
        raise PermissionDenied("只有本单位的填报人或单位负责人可以试算")
    try:
        posted = _posted(request)
        posted.update(year=found.round.year, month=found.round.month, unit=found.unit.name)
        report = services.read_report(posted)
        approved = services.read_declaration(found.declaration.document)
    except TargetsError as error:
        return Status(422, {"detail": error.message})
    rules = services.rules_of(found.unit.bureau_id)
    lights = lights_for(with_targets(report, approved), rules)
    shown = {"budget": lights.budget.value, "target": lights.target.value, "overall": lights.overall.value,
             "execution_rate": number(lights.execution_rate), "pace": number(lights.pace)}  # fmt: skip
    return {"findings": _findings(check_monitoring(report, approved, rules)), "lights": shown}
