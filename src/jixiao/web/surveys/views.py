"""Survey management pages (login): list and create, design, results, downloads, apply.

Every view fetches through ``get_survey_for_user`` (the evaluation pages' access helper):
reading for whoever may read the evaluation, changes for its preparer and head only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.core.survey import Level, margin_for
from jixiao.web.choices import choices, values
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.selectors import available_actions, get_evaluation_for_user, may
from jixiao.web.evaluations.workflow import Action
from jixiao.web.responses import XLSX, download
from jixiao.web.surveys import selectors, services
from jixiao.web.surveys.blueprints import BLUEPRINTS
from jixiao.web.surveys.export import answers_xlsx, qr_code
from jixiao.web.surveys.models import DEFAULT_OPEN_DAYS, Measure, SurveyState

QR_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
NO_QR = "二维码模块（segno）未安装，暂时无法生成二维码；问卷链接仍可使用。请联系管理员安装 segno==1.6.6"


def public_url(request: HttpRequest, slug: str) -> str:
    """The answer page's address as respondents reach it: on ``JIXIAO_PUBLIC_URL``'s host, else
    (not configured) on the host this request came to, which :func:`host_warning` points out."""
    path = reverse("surveys:answer", kwargs={"slug": slug})
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def host_warning(request: HttpRequest) -> str:
    """Shown to whoever prints links or posters while ``JIXIAO_PUBLIC_URL`` is not set."""
    if settings.PUBLIC_URL:
        return ""
    host = request.build_absolute_uri("/").rstrip("/")
    return (
        f"系统管理员尚未设置受访者访问地址（JIXIAO_PUBLIC_URL），链接和二维码暂用您当前访问本系统的地址"
        f"“{host}”。如果这是内网或本机地址，受访者扫码将无法打开；请先请管理员设置后再打印或发送。"
    )


@login_required
def index(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation_for_user(request.user, pk, Action.VIEW)
    can_edit = Action.EDIT in selectors_may_edit(request, evaluation)
    if request.method == "POST":
        evaluation = get_evaluation_for_user(request.user, pk, Action.EDIT)
        try:
            survey = services.survey_create(
                evaluation=evaluation, blueprint=request.POST.get("blueprint", ""), by=request.user
            )
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("surveys:index", pk=pk)
        messages.success(request, "已按模板新建调查：请核对题目和调查对象；起止时间可以不填（发布后立即开始）")
        return redirect("surveys:edit", pk=pk, survey_pk=survey.pk)
    context = {
        "evaluation": evaluation,
        "surveys": selectors.surveys_of(evaluation),
        "blueprints": BLUEPRINTS.values(),
        "can_edit": can_edit,
        "default_days": DEFAULT_OPEN_DAYS,
    }
    return render(request, "surveys/index.html", context)


def selectors_may_edit(request: HttpRequest, evaluation: Any) -> set[Action]:
    # Survey management does not depend on the evaluation's state (only applying the result
    # does), so the role decides: the same rule as the access helper's EDIT.
    return {Action.EDIT} if may(request.user, evaluation, Action.EDIT) else set()


def _bars(figure: Any) -> list[dict[str, Any]]:
    total = figure.tally.valid or 1
    return [
        {
            "label": level.label,
            "count": figure.tally.count(level),
            "width": round(figure.tally.count(level) * 100 / total, 1),
            "level": int(level),
        }
        for level in sorted(Level, reverse=True)
    ]


@login_required
def detail(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    evaluation, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.VIEW)
    figures = selectors.survey_figures(survey)
    rate = figures.rate
    context = {
        "evaluation": evaluation,
        "survey": survey,
        "figures": figures,
        "questions": [{"figure": f, "bars": _bars(f)} for f in figures.questions],
        "rate": rate,
        "links": [(group, public_url(request, group.slug)) for group in survey.groups.all()],
        "host_warning": host_warning(request),
        "can_edit": Action.EDIT in selectors_may_edit(request, evaluation),
        "can_apply": Action.EDIT in available_actions(request.user, evaluation),
        "availability": selectors.availability(survey),
        "schedule": selectors.schedule(survey),
        "margin_385": margin_for(385),
        "comments": selectors.comments_of(survey),
        "small": rate is not None and rate.margin is not None and rate.margin > 5,
    }
    return render(request, "surveys/detail.html", context)


def _when(value: str) -> datetime | None:
    """A posted ``datetime-local`` value in local time; None when empty or unreadable."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def edit(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    evaluation, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.EDIT)
    error = ""
    if request.method == "POST":
        post = request.POST
        opens, closes = _when(post.get("opens_at", "")), _when(post.get("closes_at", ""))
        unreadable = [
            label
            for label, name, value in (("开始时间", "opens_at", opens), ("截止时间", "closes_at", closes))
            if value is None and post.get(name, "").strip()
        ]
        if unreadable:
            error = f"{'和'.join(unreadable)}无法识别，请用日期选择框选择，或写成 2026-12-05T08:30"
        else:
            design = services.Design(
                title=post.get("title", ""),
                intro=post.get("intro", ""),
                opens_at=opens,
                closes_at=closes,
                include_neutral=post.get("include_neutral") == "on",
                measure=Measure(post.get("measure")) if post.get("measure") in values(Measure) else Measure.SHARE,
                require_token=post.get("require_token") == "on",
                groups=post.get("groups", ""),
                questions=post.get("questions", ""),
            )
            try:
                services.survey_update(survey=survey, design=design, by=request.user)
            except ServiceError as failure:
                error = failure.message
            else:
                messages.success(request, "已保存调查设计")
                return redirect("surveys:detail", pk=pk, survey_pk=survey.pk)
    groups = "\n".join(f"{g.name} {g.weight.normalize():f}" for g in survey.groups.all())
    questions = "\n".join(q.text for q in survey.questions.all())
    context = {
        "evaluation": evaluation,
        "survey": survey,
        "error": error,
        "groups_text": request.POST.get("groups", groups) if error else groups,
        "questions_text": request.POST.get("questions", questions) if error else questions,
        "opens": _local_input(survey.opens_at),
        "closes": _local_input(survey.closes_at),
        "default_days": DEFAULT_OPEN_DAYS,
        "measures": choices(Measure),
        "designing": survey.state == SurveyState.DRAFT.value,
    }
    return render(request, "surveys/edit.html", context)


def _local_input(moment: datetime | None) -> str:
    """The value of a ``datetime-local`` input; empty for a time not chosen yet."""
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}" if moment is not None else ""


@login_required
@require_POST
def open_(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    """Publish, and say when the questionnaire takes answers: at once, or from the chosen start."""
    _, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.EDIT)
    try:
        services.survey_open(survey=survey, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        later = selectors.availability(survey) != ""  # a start chosen later than now
        then = "在此之前打开问卷链接，会看到开始时间" if later else "请张贴二维码或发送问卷链接"
        messages.success(request, f"调查已发布，{selectors.schedule(survey)}。{then}。")
    return redirect("surveys:detail", pk=pk, survey_pk=survey_pk)


def _action(run: Any, done: str) -> Any:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
        _, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.EDIT)
        try:
            run(survey=survey, by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
        return redirect("surveys:detail", pk=pk, survey_pk=survey_pk)

    return view


close = _action(services.survey_close, "调查已结束，不再接受新的问卷")
apply = _action(services.survey_apply_to_evaluation, "已将调查结果计入自评的满意度指标，并记入修改记录")


@login_required
def invitations(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    evaluation, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.EDIT)
    if request.method == "POST":
        group = survey.groups.filter(pk=request.POST.get("group") or 0).first()
        count = request.POST.get("count", "")
        try:
            if group is None or not count.isdigit():
                raise ServiceError("请选择调查对象并填写邀请码个数")
            services.invitations_create(group=group, count=int(count), by=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已为“{group.name}”生成 {count} 个邀请码")
        return redirect("surveys:invitations", pk=pk, survey_pk=survey_pk)
    rows = [
        {
            "group": invitation.group,
            "url": public_url(request, invitation.group.slug) + f"?t={invitation.token}",
            "used": hasattr(invitation, "response"),
        }
        for invitation in selectors.invitations_of(survey)
    ]
    context = {"evaluation": evaluation, "survey": survey, "rows": rows, "groups": survey.groups.all()}
    return render(request, "surveys/invitations.html", context)


@login_required
def export(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    _, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.VIEW)
    data = answers_xlsx(survey, selectors.survey_figures(survey))
    return download(data, f"{survey.title}-全部问卷.xlsx", XLSX)


@login_required
def qr(request: HttpRequest, pk: int, survey_pk: int, group_pk: int, fmt: str) -> HttpResponse:
    if fmt not in QR_TYPES:
        raise Http404("不支持的格式")
    _, survey, group = selectors.get_group_for_user(request.user, pk, survey_pk, group_pk)
    try:
        image = qr_code(public_url(request, group.slug), fmt)
    except ImportError:
        return HttpResponse(NO_QR, status=503, content_type="text/plain; charset=utf-8")
    return download(image, f"{survey.title}-{group.name}.{fmt}", QR_TYPES[fmt], inline=True)


@login_required
def poster(request: HttpRequest, pk: int, survey_pk: int) -> HttpResponse:
    evaluation, survey = selectors.get_survey_for_user(request.user, pk, survey_pk, Action.VIEW)
    try:
        import segno  # noqa: F401
    except ImportError:
        return HttpResponse(NO_QR, status=503, content_type="text/plain; charset=utf-8")
    posters = [
        {
            "group": group,
            "url": public_url(request, group.slug),
            "svg": qr_code(public_url(request, group.slug), "svg", scalable=True).decode(),
        }
        for group in survey.groups.all()
    ]
    context = {"evaluation": evaluation, "survey": survey, "posters": posters, "host_warning": host_warning(request)}
    return render(request, "surveys/poster.html", context)
