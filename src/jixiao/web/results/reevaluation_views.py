"""The bureau's re-evaluation of a sampled evaluation (重点评价 / 抽评, docs/results.md#re-evaluation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jixiao.web.evaluations import selectors as evaluation_selectors
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.workflow import Action
from jixiao.web.results import selectors, services


@login_required
def re_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_selectors.get_evaluation_for_user(request.user, pk, Action.APPROVE)
    found = selectors.re_evaluation_of(evaluation)
    if request.method == "POST":
        actuals = {
            int(key.split("-", 1)[1]): value
            for key, value in request.POST.items()
            if key.startswith("actual-") and key.split("-", 1)[1].isdigit()
        }
        try:
            services.re_evaluate(
                by=request.user,
                evaluation=evaluation,
                actuals=actuals,
                executed=request.POST.get("executed", ""),
                note=request.POST.get("note", ""),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "重点评价得分已保存")
            return redirect("results:re_evaluate", pk=evaluation.pk)
    version = evaluation.current_version
    assert version is not None
    own = (found.document if found else version.document) or {}
    unit_indicators = version.document.get("indicators") or []
    own_indicators = own.get("indicators") or []
    rows = [
        (index, item, (own_indicators[index] if index < len(own_indicators) else item).get("actual", ""))
        for index, item in enumerate(unit_indicators)
    ]
    context = {
        "evaluation": evaluation,
        "version": version,
        "found": found,
        "rows": rows,
        "executed": (own.get("budget") or {}).get("executed", ""),
        "unit_executed": (version.document.get("budget") or {}).get("executed", ""),
        "events": found.events.select_related("actor") if found else [],
    }
    return render(request, "results/re_evaluate.html", context)
