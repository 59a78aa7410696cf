"""Pages of one evaluation: dashboard, creation, the evaluation page, history, versions,
downloads and the workflow buttons. Every view fetches through ``get_evaluation_for_user``.
The editor, evidence and import pages are in :mod:`jixiao.web.evaluations.edit_views`; what
other pages share with these (the page context, report downloads) in :mod:`.presenters`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Role
from jixiao.web.accounts.selectors import scope_of, units_for_user
from jixiao.web.evaluations import selectors, services
from jixiao.web.evaluations.editor import label_for
from jixiao.web.evaluations.errors import ServiceError, SubmissionBlocked
from jixiao.web.evaluations.evidence import evidence_path
from jixiao.web.evaluations.forms import CommentForm, CreateForm, posted_lock
from jixiao.web.evaluations.presenters import page_context, report_response
from jixiao.web.evaluations.workflow import Action
from jixiao.web.responses import download


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.is_unit_user:
        if scope.is_bureau_user:
            return redirect("reviews:overview")
        return render(request, "evaluations/no_role.html", status=403)
    can_create = bool(scope.unit_ids(Role.PREPARER, Role.HEAD))
    evaluations = selectors.evaluations_for_user(request.user)
    return render(request, "evaluations/dashboard.html", {"evaluations": evaluations, "can_create": can_create})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    units = units_for_user(request.user, Role.PREPARER, Role.HEAD)
    if not units.exists():
        raise PermissionDenied("只有单位的填报人或单位负责人可以新建自评")
    # A GET carrying the form's fields is the htmx refresh of the standards offered (kind or unit changed).
    initial = {name: request.GET[name] for name in ("unit", "year", "kind", "project") if request.GET.get(name)}
    form = CreateForm(request.POST or None, units=units, initial=initial, refresh_url=reverse("evaluations:create"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluation_create(
                unit=data["unit"],
                year=data["year"],
                kind=EvaluationKind(data["kind"]),
                framework=data["framework"],
                project=data["project"],
                by=request.user,
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已新建自评，请从单位概况开始填报")
            return redirect("evaluations:edit", pk=evaluation.pk, section="profile")
    return render(request, "evaluations/create.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    assert evaluation.current_version is not None
    context = page_context(request, evaluation, evaluation.current_version)
    return render(request, "evaluations/detail.html", context)


@login_required
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    evaluation, version = selectors.get_version_for_user(request.user, pk, number)
    return render(request, "evaluations/detail.html", page_context(request, evaluation, version))


@login_required
def version_document(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The version's data in the file format (JSON): what `jixiao score` and `jixiao check` read."""
    evaluation, version = selectors.get_version_for_user(request.user, pk, number)
    body = json.dumps(version.document, ensure_ascii=False, indent=2).encode("utf-8")
    name = f"{evaluation.unit.name}{evaluation.year}年度自评-第{version.number}版.json"
    return download(body, name, "application/json; charset=utf-8")


@login_required
def version_report(request: HttpRequest, pk: int, number: int, fmt: str) -> HttpResponse:
    evaluation, version = selectors.get_version_for_user(request.user, pk, number)
    return report_response(evaluation, version, fmt, review_copy=request.GET.get("copy") == "review", request=request)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    events = [
        {
            "event": event,
            "changes": [
                {"path": path, "label": label_for(path), "before": pair[0], "after": pair[1]}
                for path, pair in event.changes.items()
            ],
        }
        for event in selectors.history_of(evaluation)
    ]
    return render(request, "evaluations/history.html", {"evaluation": evaluation, "events": events})


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    _, item = selectors.get_evidence_for_user(request.user, pk, evidence_pk)
    path = evidence_path(item.sha256)
    if not path.is_file():
        return HttpResponse("文件已丢失，请联系管理员", status=410, content_type="text/plain; charset=utf-8")
    # Always an attachment with the sniffed type: an uploaded file never renders in our origin.
    return download(path.open("rb"), item.filename, item.content_type)


# --- workflow buttons ----------------------------------------------------------------------------


def _transition_view(action: Action, run: Callable[..., Any], done: str) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        evaluation = selectors.get_evaluation_for_user(request.user, pk, action)
        form = CommentForm(request.POST)
        comment = form.data.get("comment", "")
        kwargs: dict[str, Any] = {
            "evaluation": evaluation,
            "by": request.user,
            "expected_lock_version": posted_lock(request),
        }
        if action in {Action.RETURN, Action.APPROVE, Action.WITHDRAW}:
            kwargs["comment"] = comment
        try:
            run(**kwargs)
        except SubmissionBlocked as error:
            messages.error(request, error.message)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        back = request.POST.get("next", "")
        if back == "review":
            return redirect("reviews:review", pk=pk)
        return redirect("evaluations:detail", pk=pk)

    view.__name__ = f"{action.value}_view"
    return view


submit = _transition_view(Action.SUBMIT, services.evaluation_submit, "已提交，等待单位负责人签批")
sign_off = _transition_view(Action.SIGN_OFF, services.evaluation_sign_off, "已签批，等待财政审核")
return_ = _transition_view(Action.RETURN, services.evaluation_return, "已退回，填报人可在新版本中修改")
approve = _transition_view(Action.APPROVE, services.evaluation_approve, "已审核通过")
publish = _transition_view(Action.PUBLISH, services.evaluation_publish, "已公开，公众可在公开栏目查看")
withdraw = _transition_view(
    Action.WITHDRAW, services.evaluation_withdraw, "已撤回，自评回到“已签批”待审核；再次公开时公开栏目注明更正日期"
)
