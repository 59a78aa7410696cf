"""部门评价 of a project evaluation: recorded, changed and removed by the unit or its bureau's reviewer
(docs/results.md#coverage)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.core.model import EvaluationKind
from jixiao.web.evaluations import selectors as evaluation_selectors
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.workflow import Action
from jixiao.web.results import selectors, services


def _project(request: HttpRequest, pk: int) -> Evaluation:
    evaluation = evaluation_selectors.get_evaluation_for_user(request.user, pk, Action.VIEW)
    if evaluation.kind != EvaluationKind.PROJECT.value:
        raise Http404("部门评价只登记在项目支出自评上")
    return evaluation


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@login_required
def department(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _project(request, pk)
    found = selectors.department_evaluation_of(evaluation)
    form = {
        "evaluator": found.evaluator if found else "",
        "completed": found.completed.isoformat() if found else "",
        "score": "" if found is None or found.score is None else f"{found.score.normalize():f}",
        "grade": found.grade if found else "",
        "report": found.report if found else "",
        "note": found.note if found else "",
    }
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        completed = _date(form["completed"])
        try:
            if form["completed"].strip() and completed is None:
                raise ServiceError("完成日期应写成“2025-03-31”的形式")
            services.department_record(
                by=request.user,
                evaluation=evaluation,
                evaluator=form["evaluator"],
                completed=completed,
                score=form["score"],
                grade=form["grade"],
                report=form["report"],
                note=form["note"],
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "部门评价已保存")
            return redirect("results:department", pk=evaluation.pk)
    context = {
        "evaluation": evaluation,
        "found": found,
        "form": form,
        "grades": selectors.GRADES,
        "may_record": services.may_record_department(request.user, evaluation),
        "events": selectors.department_events_of(evaluation),
    }
    return render(request, "results/department.html", context)


@login_required
@require_POST
def department_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _project(request, pk)
    try:
        services.department_remove(by=request.user, evaluation=evaluation, note=request.POST.get("note", ""))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "部门评价已删除")
    return redirect("results:department", pk=evaluation.pk)
