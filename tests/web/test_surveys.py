"""Satisfaction surveys: hand-computed results, one response per token/device, throttling,
closed surveys, immutability, escaping, the .xlsx export and applying the result."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jixiao.core.checks.codes import Code
from jixiao.web import timetext
from jixiao.web.evaluations.assessments import assess_version
from jixiao.web.evaluations.downloads import render_report
from jixiao.web.evaluations.errors import ServiceError
from jixiao.web.evaluations.models import AuditEvent
from jixiao.web.surveys import services
from jixiao.web.surveys.models import Answer, ImmutableError, Response, Survey
from jixiao.web.surveys.selectors import survey_figures
from tests.web.surveys_world import bulk_answer, open_survey
from tests.web.world import World

D = Decimal


def _post_answers(client: Client, survey: Survey, level: int, **extra: str) -> HttpResponse:
    group = survey.groups.first()
    data = {f"q{q.pk}": str(level) for q in survey.questions.all()} | extra
    return client.post(reverse("surveys:answer", kwargs={"slug": group.slug}), data)


# --- results by hand ----------------------------------------------------------------------------


def test_one_group_matches_the_hand_computation(world: World) -> None:
    """40 很满意, 35 满意, 15 一般, 7 不满意, 3 很不满意 (n = 100):
    satisfied share (40 + 35) / 100 = 75.00 %; weighted (40 + 35·0.8 + 15·0.6 + 7·0.4 + 3·0.2) / 100
    = 80.40 %; Wilson 95 %: centre (0.75 + 1.96²/200) / (1 + 1.96²/100) = 0.7409…, half-width
    1.96·√(0.75·0.25/100 + 1.96²/40000) / (1 + 1.96²/100) = 0.0838… → 65.70 %–82.45 %."""
    survey = open_survey(world, blueprint="service")
    bulk_answer(survey, "服务对象", {5: 40, 4: 35, 3: 15, 2: 7, 1: 3}, "hand")
    rate = survey_figures(survey).rate
    assert rate is not None and rate.interval is not None
    assert (rate.valid, rate.satisfied_share, rate.weighted_score) == (100, D("75.00"), D("80.40"))
    assert (rate.interval.low, rate.interval.high) == (D("65.70"), D("82.45"))


def test_neutral_counts_as_satisfied_when_the_survey_says_so(world: World) -> None:
    survey = open_survey(world, blueprint="service", include_neutral=True)
    bulk_answer(survey, "服务对象", {5: 40, 4: 35, 3: 15, 2: 7, 1: 3}, "neutral")
    rate = survey_figures(survey).rate
    assert rate is not None and rate.satisfied_share == D("90.00")


def test_three_groups_combine_by_weight_as_by_hand(world: World) -> None:
    """服务对象 30 %: 75/100 satisfied; 社会公众 30 %: 30/50; 协作部门 40 %: 20/20.
    Share 0.3·0.75 + 0.3·0.6 + 0.4·1 = 80.50 %; weighted 0.3·80.40 + 0.3·74.00 + 0.4·98.00 = 85.52 %;
    Var = 0.09·0.75·0.25/100 + 0.09·0.6·0.4/50 + 0 = 0.00060075, ±1.96·0.02451 = ±4.80 → 75.70–85.30 %."""
    survey = open_survey(world, blueprint="department")
    bulk_answer(survey, "服务对象", {5: 40, 4: 35, 3: 15, 2: 7, 1: 3}, "g1")
    bulk_answer(survey, "社会公众", {5: 20, 4: 10, 3: 10, 2: 5, 1: 5}, "g2")
    bulk_answer(survey, "协作部门", {5: 18, 4: 2}, "g3")
    figures = survey_figures(survey)
    rate = figures.rate
    assert rate is not None and rate.interval is not None
    assert (rate.valid, rate.satisfied_share, rate.weighted_score) == (170, D("80.50"), D("85.52"))
    assert (rate.interval.low, rate.interval.high) == (D("75.70"), D("85.30"))
    assert figures.overall is not None
    assert [part.result.satisfied_share for part in figures.overall.groups] == [D("75.00"), D("60.00"), D("100.00")]
    assert figures.responses == 170


def test_results_are_recomputed_from_the_answers_every_time(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    bulk_answer(survey, "服务对象", {5: 1}, "a")
    assert survey_figures(survey).rate.satisfied_share == D("100.00")  # type: ignore[union-attr]
    bulk_answer(survey, "服务对象", {1: 1}, "b")
    assert survey_figures(survey).rate.satisfied_share == D("50.00")  # type: ignore[union-attr]


# --- answering ------------------------------------------------------------------------------------


def test_an_anonymous_respondent_answers_once_per_device(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    client = Client()
    page = client.get(reverse("surveys:answer", kwargs={"slug": survey.groups.first().slug}))
    assert page.status_code == 200 and "很不满意" in page.content.decode()
    first = _post_answers(client, survey, 5, comment="很好")
    assert first.status_code == 302 and first["Location"].endswith("/thanks/")
    again = _post_answers(client, survey, 1)
    assert again.status_code == 200 and "已在本设备上提交过" in again.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    assert set(Answer.objects.filter(response__survey=survey).values_list("level", flat=True)) == {5}


def test_one_response_per_invitation_token(world: World) -> None:
    survey = open_survey(world, blueprint="service", require_token=True)
    group = survey.groups.first()
    (invitation,) = services.invitations_create(group=group, count=1, by=world.prep_a)
    assert _post_answers(Client(), survey, 4).status_code == 403  # no token: refused politely
    assert _post_answers(Client(), survey, 4, t=invitation.token).status_code == 302
    second = _post_answers(Client(), survey, 1, t=invitation.token)  # another device, same token
    assert "该邀请码已经提交过问卷" in second.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1
    assert _post_answers(Client(), survey, 4, t="not-a-token").status_code == 404


def test_the_same_device_key_cannot_be_counted_twice(world: World) -> None:
    """The unique constraint decides, not a check before the insert (which two requests could both pass)."""
    survey = open_survey(world, blueprint="service")
    group = survey.groups.first()
    levels = {q.pk: 5 for q in survey.questions.all()}
    services.response_submit(group=group, levels=levels, comment="", device="dev-1", client="x")
    with pytest.raises(services.AlreadyAnswered):
        services.response_submit(group=group, levels=levels, comment="", device="dev-1", client="x")
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.filter(response__survey=survey).count() == len(levels)


def test_an_office_behind_one_address_answers_one_survey_and_other_surveys_are_unaffected(
    world: World, settings: object
) -> None:
    """200 colleagues behind one NAT address (each phone its own cookie) all get through under the
    default limits; once the per-survey limit is reached, more are refused politely, in Chinese,
    and another survey from the same address still takes answers."""
    survey = open_survey(world, blueprint="service")
    group, levels = survey.groups.first(), {q.pk: 5 for q in survey.questions.all()}
    office = services.client_key("127.0.0.1")  # the test client's address
    for phone in range(190):  # through the service (fast), then the last ten through the page
        services.response_submit(group=group, levels=levels, comment="", device=f"phone-{phone}", client=office)
    statuses = [_post_answers(Client(), survey, 5).status_code for _ in range(10)]
    assert statuses == [302] * 10
    assert Response.objects.filter(survey=survey).count() == 200
    settings.SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY = 200  # type: ignore[attr-defined]
    refused = _post_answers(Client(), survey, 5)
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "您所在的网络在 24 小时内已为本次调查提交了 200 份问卷" in text and "邀请码" in text
    assert Response.objects.filter(survey=survey).count() == 200
    other = open_survey(world, "draft_b", blueprint="service")
    assert _post_answers(Client(), other, 4).status_code == 302
    assert _post_answers(Client(REMOTE_ADDR="10.0.0.9"), survey, 5).status_code == 302


def test_one_device_answers_a_survey_once_whatever_it_sends(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    phone = Client()
    statuses: list[int] = []
    for _ in range(31):
        response = _post_answers(phone, survey, 5)
        statuses.append(response.status_code)
    assert statuses == [302] + [200] * 30
    assert "您已在本设备上提交过本次问卷，感谢您的参与。" in response.content.decode()
    assert Response.objects.filter(survey=survey).count() == 1


def test_the_site_wide_safety_limit_counts_every_survey(world: World, settings: object) -> None:
    settings.SURVEY_RESPONSES_PER_CLIENT = 3  # type: ignore[attr-defined]
    first, second = open_survey(world, blueprint="service"), open_survey(world, "draft_b", blueprint="service")
    statuses = [_post_answers(Client(), survey, 5).status_code for survey in (first, first, second, second)]
    assert statuses == [302, 302, 302, 429]
    refused = _post_answers(Client(), first, 5)
    assert "您所在的网络在 10 分钟内已提交了 3 份问卷，提交过于频繁，请稍后再试。" in refused.content.decode()
    assert Response.objects.filter(survey__in=[first, second]).count() == 3
    assert _post_answers(Client(REMOTE_ADDR="10.0.0.9"), second, 5).status_code == 302


def test_the_defaults_let_an_office_through_and_keep_a_far_higher_site_limit() -> None:
    from django.conf import settings as defaults

    assert defaults.SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY >= 200
    assert defaults.SURVEY_RESPONSES_PER_CLIENT >= 3 * defaults.SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY


def test_closed_and_not_yet_open_surveys_say_so_and_take_nothing(world: World) -> None:
    now = timezone.now()
    closed = open_survey(
        world, blueprint="service", closes_at=now - timedelta(minutes=1), opens_at=now - timedelta(days=3)
    )
    page = Client().get(reverse("surveys:answer", kwargs={"slug": closed.groups.first().slug}))
    assert page.status_code == 200 and "本次调查已于" in page.content.decode() and "结束" in page.content.decode()
    assert "提交问卷" not in page.content.decode()
    assert _post_answers(Client(), closed, 5).status_code == 200
    later = open_survey(world, blueprint="service", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
    text = Client().get(reverse("surveys:answer", kwargs={"slug": later.groups.first().slug})).content.decode()
    assert "本次调查将于" in text and "开始" in text
    ended = open_survey(world, blueprint="service", state="closed")
    assert (
        "本次调查已于"
        in Client().get(reverse("surveys:answer", kwargs={"slug": ended.groups.first().slug})).content.decode()
    )
    assert Response.objects.filter(survey__in=[closed, later, ended]).count() == 0


def test_a_comment_over_500_characters_is_refused_and_nothing_stored(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    response = _post_answers(Client(), survey, 5, comment="长" * 501)
    assert response.status_code == 400 and "最多 500 个字" in response.content.decode()
    assert Response.objects.filter(survey=survey).count() == 0


def test_an_empty_questionnaire_is_refused(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    response = Client().post(reverse("surveys:answer", kwargs={"slug": survey.groups.first().slug}), {})
    assert response.status_code == 400 and "请至少回答一道题目" in response.content.decode()


def test_the_answer_form_requires_the_csrf_token(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    assert _post_answers(Client(enforce_csrf_checks=True), survey, 5).status_code == 403
    assert Response.objects.filter(survey=survey).count() == 0


def test_sent_answers_are_immutable(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    _post_answers(Client(), survey, 5, comment="原文")
    response = Response.objects.get(survey=survey)
    response.comment = "改过"
    with pytest.raises(ImmutableError):
        response.save()
    with pytest.raises(ImmutableError):
        response.delete()
    answer = Answer.objects.filter(response=response).first()
    assert answer is not None
    answer.level = 1
    with pytest.raises(ImmutableError):
        answer.save()
    with pytest.raises(ImmutableError):
        Response.objects.filter(pk=response.pk).update(comment="改过")
    with pytest.raises(ImmutableError):
        Answer.objects.filter(response=response).delete()
    assert Response.objects.get(pk=response.pk).comment == "原文"
    survey.delete()  # the survey itself may go (a cascade, as when its evaluation is deleted)
    assert not Response.objects.filter(pk=response.pk).exists()


# --- management pages -------------------------------------------------------------------------------


def test_comments_are_escaped_on_the_results_page(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    _post_answers(Client(), survey, 5, comment='<script>alert("x")</script>')
    client = Client()
    client.force_login(world.prep_a)
    page = client.get(reverse("surveys:detail", kwargs={"pk": survey.evaluation_id, "survey_pk": survey.pk}))
    text = page.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text and "<script>alert" not in text


def test_the_export_writes_comments_as_text_never_as_formulas(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    _post_answers(Client(), survey, 5, comment='=HYPERLINK("http://evil.example","点我")')
    _post_answers(Client(REMOTE_ADDR="10.0.0.2"), survey, 2, comment="+1")
    client = Client()
    client.force_login(world.reviewer)
    response = client.get(reverse("surveys:export", kwargs={"pk": survey.evaluation_id, "survey_pk": survey.pk}))
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    sheet = book["全部问卷"]
    column = next(cell.column_letter for cell in sheet[1] if cell.value == "意见和建议")
    comments = [cell.value for cell in sheet[column][1:]]
    assert comments == ['=HYPERLINK("http://evil.example","点我")', "+1"]
    assert book["全部问卷"]["E2"].value == "很满意"


def test_qr_codes_are_png_and_svg_of_the_public_link(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    group = survey.groups.first()
    client = Client()
    client.force_login(world.prep_a)
    kwargs = {"pk": survey.evaluation_id, "survey_pk": survey.pk, "group_pk": group.pk}
    png = client.get(reverse("surveys:qr", kwargs={**kwargs, "fmt": "png"}))
    svg = client.get(reverse("surveys:qr", kwargs={**kwargs, "fmt": "svg"}))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(reverse("surveys:qr", kwargs={**kwargs, "fmt": "gif"})).status_code == 404
    poster = client.get(reverse("surveys:poster", kwargs={"pk": survey.evaluation_id, "survey_pk": survey.pk}))
    assert group.slug in poster.content.decode() and "<svg" in poster.content.decode()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="需要 zbarimg（Debian 软件包 zbar-tools）来识读二维码")
def test_the_qr_code_reads_back_as_the_public_link_on_the_configured_host(
    world: World, tmp_path: Path, settings: object
) -> None:
    # A scanner (zbar, as phone apps do) must get exactly the answer page on JIXIAO_PUBLIC_URL's
    # host, whatever address the person printing used.
    settings.PUBLIC_URL = "https://jx.example.gov.cn"  # type: ignore[attr-defined]
    survey = open_survey(world, blueprint="service")
    group = survey.groups.first()
    client = Client()
    client.force_login(world.prep_a)
    kwargs = {"pk": survey.evaluation_id, "survey_pk": survey.pk, "group_pk": group.pk, "fmt": "png"}
    image = tmp_path / "qr.png"
    image.write_bytes(client.get(reverse("surveys:qr", kwargs=kwargs), HTTP_HOST="127.0.0.1").content)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    assert decoded == f"https://jx.example.gov.cn/s/{group.slug}/"
    poster = client.get(reverse("surveys:poster", kwargs={"pk": survey.evaluation_id, "survey_pk": survey.pk}))
    text = poster.content.decode()
    assert f"https://jx.example.gov.cn/s/{group.slug}/" in text and "JIXIAO_PUBLIC_URL" not in text


def test_without_a_public_url_the_links_use_the_printers_host_and_say_so(world: World, settings: object) -> None:
    settings.PUBLIC_URL = ""  # type: ignore[attr-defined]
    survey = open_survey(world, blueprint="service")
    group = survey.groups.first()
    client = Client()
    client.force_login(world.prep_a)
    kwargs = {"pk": survey.evaluation_id, "survey_pk": survey.pk}
    for name in ("surveys:poster", "surveys:detail"):
        text = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert f"http://testserver/s/{group.slug}/" in text
        assert "尚未设置受访者访问地址（JIXIAO_PUBLIC_URL）" in text and "“http://testserver”" in text


def test_the_public_link_is_unguessable_and_a_draft_has_none(world: World) -> None:
    evaluation = world.fresh("draft_a")
    survey = services.survey_create(evaluation=evaluation, blueprint="department", by=world.prep_a)
    slugs = list(survey.groups.values_list("slug", flat=True))
    assert len(set(slugs)) == 3 and all(len(slug) >= 22 for slug in slugs)
    assert Client().get(reverse("surveys:answer", kwargs={"slug": slugs[0]})).status_code == 404


def test_the_preparer_designs_and_publishes_a_survey(world: World) -> None:
    client = Client()
    client.force_login(world.prep_a)
    pk = world.evaluations["draft_a"].pk
    created = client.post(reverse("surveys:index", kwargs={"pk": pk}), {"blueprint": "department"})
    survey = Survey.objects.get(evaluation_id=pk)
    assert created["Location"] == reverse("surveys:edit", kwargs={"pk": pk, "survey_pk": survey.pk})
    edit = reverse("surveys:edit", kwargs={"pk": pk, "survey_pk": survey.pk})
    next_year = timezone.localtime().year + 1
    form = {
        "title": "测试调查",
        "intro": "",
        "opens_at": f"{next_year}-01-01T08:00",
        "closes_at": f"{next_year}-01-31T18:00",
        "groups": "服务对象 60\n社会公众 40",
        "questions": "服务态度\n总体满意度",
        "measure": "weighted",
    }
    assert client.post(edit, form).status_code == 302
    survey.refresh_from_db()
    assert [(g.name, g.weight) for g in survey.groups.all()] == [("服务对象", D("60")), ("社会公众", D("40"))]
    assert [(q.text, q.overall) for q in survey.questions.all()] == [("服务态度", False), ("总体满意度", True)]
    bad = client.post(edit, {**form, "groups": "服务对象 六十"})
    assert "不是数字" in bad.content.decode()
    client.post(reverse("surveys:open", kwargs={"pk": pk, "survey_pk": survey.pk}))
    survey.refresh_from_db()
    assert survey.state == "open"


_CLOCK = re.compile(r"\d+:\d\d:\d\d")  # how Python prints a timedelta (0:30:00) or a full time


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_a_survey_published_with_default_times_opens_at_once_and_says_until_when(world: World) -> None:
    client = Client()
    client.force_login(world.prep_a)
    pk = world.evaluations["draft_a"].pk
    client.post(reverse("surveys:index", kwargs={"pk": pk}), {"blueprint": "service"})
    survey = Survey.objects.get(evaluation_id=pk)
    assert survey.opens_at is None and survey.closes_at is None  # nothing chosen: 发布时开始
    detail = client.get(reverse("surveys:detail", kwargs={"pk": pk, "survey_pk": survey.pk})).content.decode()
    assert "尚未发布；发布时开始，开始后 30 天截止" in detail
    before = timezone.now()
    published = client.post(reverse("surveys:open", kwargs={"pk": pk, "survey_pk": survey.pk}), follow=True)
    survey.refresh_from_db()
    assert survey.state == "open" and before <= survey.opens_at <= timezone.now()
    assert survey.closes_at - survey.opens_at == timedelta(days=30)
    closes = timezone.localtime(survey.closes_at)
    said = _messages(published)
    assert said == [
        f"调查已发布，正在接受作答，{closes:%Y年%-m月%-d日 %H:%M} 截止（还有 30 天）。请张贴二维码或发送问卷链接。"
    ]
    assert not _CLOCK.search(published.content.decode())
    # The public link takes answers now, not tomorrow.
    assert _post_answers(Client(), survey, 5).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 1


def test_a_chosen_start_is_kept_and_the_publish_message_names_it(world: World) -> None:
    client = Client()
    client.force_login(world.prep_a)
    pk = world.evaluations["draft_a"].pk
    client.post(reverse("surveys:index", kwargs={"pk": pk}), {"blueprint": "service"})
    survey = Survey.objects.get(evaluation_id=pk)
    start = timezone.localtime() + timedelta(days=3)
    form = {
        "title": survey.title,
        "opens_at": f"{start:%Y-%m-%d}T08:00",
        "closes_at": "",  # left empty: 30 days after the start
        "groups": "服务对象",
        "questions": "总体满意度",
        "measure": "share",
    }
    assert client.post(reverse("surveys:edit", kwargs={"pk": pk, "survey_pk": survey.pk}), form).status_code == 302
    published = client.post(reverse("surveys:open", kwargs={"pk": pk, "survey_pk": survey.pk}), follow=True)
    survey.refresh_from_db()
    opens = timezone.localtime(survey.opens_at)
    assert (opens.day, opens.hour, opens.minute) == (start.day, 8, 0)
    assert survey.closes_at - survey.opens_at == timedelta(days=30)
    said = _messages(published)[-1]
    assert said.startswith(f"调查已发布，将于 {start:%Y年%-m月%-d日} 08:00 开始接受作答（")
    assert "天" in said and "后）" in said and "在此之前打开问卷链接，会看到开始时间" in said
    assert not _CLOCK.search(said)
    page = Client().get(reverse("surveys:answer", kwargs={"slug": survey.groups.first().slug})).content.decode()
    assert f"本次调查将于 {start:%Y年%-m月%-d日} 08:00 开始" in page and "提交问卷" not in page


def test_a_survey_whose_closing_time_has_passed_is_not_published(world: World) -> None:
    survey = services.survey_create(evaluation=world.fresh("draft_a"), blueprint="service", by=world.prep_a)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    survey.refresh_from_db()
    with pytest.raises(ServiceError, match=r"截止时间 .* 已过，请先修改截止时间，再发布"):
        services.survey_open(survey=survey, by=world.prep_a)
    survey.refresh_from_db()
    assert survey.state == "draft"


def test_times_and_durations_read_in_chinese() -> None:
    assert timetext.duration(timedelta(minutes=30)) == "30 分钟"
    assert timetext.duration(timedelta(seconds=10)) == "1 分钟"
    assert timetext.duration(timedelta(hours=2, minutes=15)) == "2 小时 15 分钟"
    assert timetext.duration(timedelta(days=4, hours=21, minutes=59)) == "4 天 21 小时"
    assert timetext.duration(timedelta(days=30)) == "30 天"
    moment = timezone.make_aware(datetime(2026, 12, 5, 8, 30))
    assert timetext.moment(moment) == "2026年12月5日 08:30" and timetext.day(moment) == "2026年12月5日"


# --- into the evaluation --------------------------------------------------------------------------


def test_applying_the_survey_fills_the_satisfaction_indicator_and_removes_no_survey(world: World) -> None:
    key = "p0_a"  # satisfaction "80%" claimed with source none: SATISFACTION_WITHOUT_SURVEY (P0)
    before = assess_version(world.fresh(key), world.fresh(key).current_version)
    assert Code.SATISFACTION_WITHOUT_SURVEY in {f.code for f in before.findings}
    survey = open_survey(world, key, blueprint="service")
    bulk_answer(survey, "服务对象", {5: 40, 4: 35, 3: 15, 2: 7, 1: 3}, "apply")
    client = Client()
    client.force_login(world.prep_a)
    evaluation = world.fresh(key)
    lock = evaluation.lock_version
    response = client.post(reverse("surveys:apply", kwargs={"pk": evaluation.pk, "survey_pk": survey.pk}))
    assert response.status_code == 302
    evaluation = world.fresh(key)
    assert evaluation.lock_version == lock + 1
    document = evaluation.current_version.document
    satisfaction = document["satisfaction"]
    assert (D(satisfaction["value"]), satisfaction["source"], satisfaction["sample_size"]) == (75, "survey", 100)
    assert "服务对象（权重100%，有效问卷100份，满意率75.00%）" in satisfaction["method"]
    indicator = document["indicators"][-1]
    assert indicator["actual"] == "75.00%"
    assert any("满意度调查" in item for item in indicator["evidence"])
    assert f"调查编号 {survey.pk}" in document["sources"]["satisfaction"]
    after = assess_version(evaluation, evaluation.current_version)
    codes = {f.code for f in after.findings}
    assert Code.SATISFACTION_WITHOUT_SURVEY not in codes
    assert Code.SATISFACTION_SAMPLE_SMALL in codes  # 100 answers: about ±8 points
    small = next(f for f in after.findings if f.code == Code.SATISFACTION_SAMPLE_SMALL)
    assert "65.7%–82.45%" in small.message or "65.70%–82.45%" in small.message
    event = AuditEvent.objects.filter(evaluation=evaluation).first()
    assert event is not None and "计入满意度调查结果 75.00%" in event.note
    assert "satisfaction.source" in event.changes
    assert Survey.objects.get(pk=survey.pk).applied_at is not None
    assert after.assessment is not None
    html = render_report(after.assessment, "html").decode()
    assert "有效样本100份，满意度为75" in html and "置信区间为65.7" in html


def test_applying_needs_an_editable_evaluation_and_the_edit_role(world: World) -> None:
    survey = open_survey(world, "submitted_a", blueprint="service")
    bulk_answer(survey, "服务对象", {5: 3}, "frozen")
    with pytest.raises(services.ServiceError):
        services.survey_apply_to_evaluation(survey=survey, by=world.prep_a)
    draft = open_survey(world, "draft_a", blueprint="service")
    bulk_answer(draft, "服务对象", {5: 3}, "draft")
    with pytest.raises(PermissionDenied):
        services.survey_apply_to_evaluation(survey=draft, by=world.reviewer)


def test_a_survey_without_answers_cannot_be_applied(world: World) -> None:
    survey = open_survey(world, blueprint="service")
    with pytest.raises(services.ServiceError, match="还没有有效回答"):
        services.survey_apply_to_evaluation(survey=survey, by=world.prep_a)
