"""The editor: section pages, live scoring (htmx), evidence files and table import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.core import metrics
from jixiao.core.model import EvaluationKind
from jixiao.ingest.errors import InputError
from jixiao.ingest.limits import MiB
from jixiao.web.evaluations import selectors, services
from jixiao.web.evaluations.assessments import VersionView, assess_document, assess_version
from jixiao.web.evaluations.documents import diff, get_path
from jixiao.web.evaluations.editor import (
    SECTION_BY_SLUG,
    SECTIONS,
    RowAction,
    Section,
    apply_post,
    bind,
    finding_links,
    label_for,
)
from jixiao.web.evaluations.errors import DocumentInvalid, EditConflict, ServiceError
from jixiao.web.evaluations.evidence import ACCEPTED
from jixiao.web.evaluations.forms import EvidenceForm, ImportForm, posted_lock
from jixiao.web.evaluations.importing import adopt_unit, read_upload, unit_mismatch
from jixiao.web.evaluations.models import AuditAction, Evaluation, Evidence
from jixiao.web.evaluations.workflow import EDITABLE, Action, State


def _expected(request: HttpRequest) -> int:
    """The lock version the form was rendered with; a form without one can never win the lock."""
    value = posted_lock(request)
    return -1 if value is None else value


def _section(slug: str) -> Section:
    section = SECTION_BY_SLUG.get(slug)
    if section is None:
        raise Http404("没有这一部分")
    return section


def _not_editable(request: HttpRequest, evaluation: Evaluation) -> HttpResponse | None:
    if evaluation.state in EDITABLE:
        return None
    messages.info(request, f"此自评当前状态为“{State(evaluation.state).label}”，不能修改")
    return redirect("evaluations:detail", pk=evaluation.pk)


def _rates(view: VersionView) -> list[tuple[str, str]]:
    """The budget rates the core computes, for the budget page (执行率 and by nature)."""
    if view.assessment is None:
        return []
    evaluation = view.assessment.evaluation
    shown = []
    for name in ("execution_rate", "basic_execution_rate", "project_execution_rate"):
        metric = metrics.BUILTIN[name]
        value = metric.compute(evaluation)
        shown.append((metric.label, str(value.formula)))
    return shown


def _editor_context(
    request: HttpRequest,
    evaluation: Evaluation,
    section: Section,
    document: dict[str, Any],
    *,
    error: ServiceError | None = None,
    unsaved: bool = False,
) -> dict[str, Any]:
    version = evaluation.current_version
    assert version is not None
    view = assess_version(evaluation, version, document)
    path = error.path if isinstance(error, DocumentInvalid) else ""
    # The section as the page first showed it: kept through row buttons and refused saves.
    digest = request.POST.get("section_digest") or section.digest(document)
    reason = error.reason if isinstance(error, DocumentInvalid) else ""
    bound = bind(section, document, project=evaluation.kind == EvaluationKind.PROJECT, error_path=path, error=reason)
    lines = {}
    if view.assessment is not None:
        lines = {item.path: item for item in view.assessment.scorecard.items if item.indicator_index is not None}
    evidence_counts: dict[str, int] = {}
    if section.slug == "indicators":
        for path in Evidence.objects.filter(version=version).values_list("indicator_path", flat=True):
            evidence_counts[path] = evidence_counts.get(path, 0) + 1
    return {
        "evaluation": evaluation,
        "section": section,
        "sections": SECTIONS,
        "bound": bound,
        "view": view,
        "assessment": view.assessment,
        "lines": lines,
        "rates": _rates(view) if section.slug == "budget" else [],
        "evidence_counts": evidence_counts,
        "findings": finding_links(view.findings, editable=True, scorecard=view.scorecard),
        "error": error,
        "unsaved": unsaved,
        "lock_version": evaluation.lock_version,
        "section_digest": digest,
    }


@login_required
def edit(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.EDIT)
    part = _section(section)
    refused = _not_editable(request, evaluation)
    if refused:
        return refused
    assert evaluation.current_version is not None
    document: dict[str, Any] = evaluation.current_version.document
    if request.method != "POST":
        return render(request, "evaluations/edit.html", _editor_context(request, evaluation, part, document))
    row_action = RowAction.parse(request.POST.get("_row"))
    posted = apply_post(document, part, request.POST, row_action)
    if row_action is not None:
        context = _editor_context(request, evaluation, part, posted, unsaved=True)
        return render(request, "evaluations/edit.html", context)
    expected, note = _expected(request), ""
    if expected != evaluation.lock_version and request.POST.get("section_digest") == part.digest(document):
        # Someone saved since this page was opened, but not this section: their changes are in
        # ``document`` already, this section's replace only its own fields (docs/web.md, 乐观锁).
        expected = evaluation.lock_version
        note = f"打开页面后他人修改了其他部分；本次只保存“{part.title}”，他人的修改已保留（合并）"
    try:
        changed = services.evaluation_save_document(
            evaluation=evaluation, document=posted, by=request.user, expected_lock_version=expected, note=note
        )
    except (DocumentInvalid, EditConflict) as error:
        context = _editor_context(request, evaluation, part, posted, error=error, unsaved=True)
        return render(request, "evaluations/edit.html", context, status=409 if isinstance(error, EditConflict) else 200)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("evaluations:detail", pk=pk)
    messages.success(request, f"{part.title}已保存" if changed else "没有需要保存的修改")
    return redirect("evaluations:edit", pk=pk, section=part.slug)


@login_required
@require_POST
def live(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """htmx: score the posted form without saving; the score panel and per-row scores."""
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.EDIT)
    part = _section(section)
    assert evaluation.current_version is not None
    posted = apply_post(evaluation.current_version.document, part, request.POST)
    context = _editor_context(request, evaluation, part, posted)
    return render(request, "evaluations/_live.html", context)


# --- evidence ----------------------------------------------------------------------------------------


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The evidence of each indicator of the current version, with upload forms while editable."""
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    version = evaluation.current_version
    assert version is not None
    if request.method == "POST":
        evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.EDIT)
        refused = _not_editable(request, evaluation)
        if refused:
            return refused
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                item = services.evidence_add(
                    evaluation=evaluation,
                    indicator_index=form.cleaned_data["indicator"],
                    upload=form.cleaned_data["file"],
                    by=request.user,
                    expected_lock_version=_expected(request),
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"已上传“{item.filename}”（SHA-256 {item.sha256[:12]}…）")
        else:
            messages.error(request, "请选择要上传的文件")
        return redirect("evaluations:evidence", pk=pk)
    files = list(selectors.evidence_of(version))
    indicators = []
    for index, indicator in enumerate(version.document.get("indicators") or []):
        path = f"indicators[{index}]"
        indicators.append(
            {"index": index, "path": path, "data": indicator, "files": [f for f in files if f.indicator_path == path]}
        )
    orphans = [f for f in files if not f.indicator_path]
    context = {
        "evaluation": evaluation,
        "indicators": indicators,
        "orphans": orphans,
        "editable": evaluation.state in EDITABLE and selectors.may(request.user, evaluation, Action.EDIT),
        "accepted": ACCEPTED,
        "max_mb": settings.EVIDENCE_MAX_BYTES // MiB,
        "lock_version": evaluation.lock_version,
    }
    return render(request, "evaluations/evidence.html", context)


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evaluation, item = selectors.get_evidence_for_user(request.user, pk, evidence_pk, Action.EDIT)
    try:
        services.evidence_remove(
            evaluation=evaluation, item=item, by=request.user, expected_lock_version=_expected(request)
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已删除“{item.filename}”")
    return redirect("evaluations:evidence", pk=pk)


# --- import --------------------------------------------------------------------------------------------

_IMPORT_SALT = "jixiao.web.import"


@login_required
def import_table(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled table (or an evaluation file): show what was read; nothing is saved yet."""
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.EDIT)
    refused = _not_editable(request, evaluation)
    if refused:
        return refused
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"evaluation": evaluation, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = read_upload(upload)
            document, assessment = assess_document(evaluation, document)
        except InputError as error:
            form.add_error("file", str(error))
        except DocumentInvalid as error:
            form.add_error("file", f"{Path(upload.name).name}：{error.message}")
        else:
            assert evaluation.current_version is not None
            changes = diff(evaluation.current_version.document, document)
            context |= {
                "preview": True,
                "filename": Path(upload.name).name,
                "document": document,
                "assessment": assessment,
                "changes": len(changes),
                "budget": document.get("budget", {}),
                "indicators": document.get("indicators", []),
                "sources": [
                    {"path": p, "label": label_for(p), "where": w}
                    for p, w in sorted((document.get("sources") or {}).items())
                ],
                "notes": [
                    {"path": p, "label": label_for(p), "message": m} for p, m in document.get("import_notes", [])
                ],
                "payload": signing.dumps(
                    {"document": document, "filename": Path(upload.name).name},
                    salt=f"{_IMPORT_SALT}.{pk}",
                    compress=True,
                ),
                "lock_version": evaluation.lock_version,
                "unit_name": get_path(document, "unit.name", ""),
                "unit_mismatch": unit_mismatch(evaluation.unit, document),
            }
    return render(request, "evaluations/import.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.EDIT)
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=f"{_IMPORT_SALT}.{pk}", max_age=3600)
    except signing.BadSignature:
        messages.error(request, "导入内容已过期或不完整，请重新上传文件")
        return redirect("evaluations:import", pk=pk)
    try:
        document, unit_note = adopt_unit(
            evaluation.unit, data["document"], confirmed=request.POST.get("confirm_unit") == "1"
        )
        services.evaluation_save_document(
            evaluation=evaluation,
            document=document,
            by=request.user,
            expected_lock_version=_expected(request),
            action=AuditAction.IMPORT,
            note=f"导入文件：{data['filename']}{unit_note}",
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("evaluations:import", pk=pk)
    messages.success(request, f"已导入“{data['filename']}”")
    return redirect("evaluations:detail", pk=pk)
