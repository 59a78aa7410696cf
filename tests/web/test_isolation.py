"""The isolation matrix: every URL pattern, every persona, the exact answer.

The list of URL names comes from the URLconf itself: a new URL without an entry here fails
``test_every_url_pattern_has_a_matrix_entry``. Each case names the object it targets (an
evaluation of unit A in a given state, an evidence file …); each persona's request runs in a
savepoint that is rolled back, so one persona's successful action never changes what the
next one meets.

Answers: 200 page, 302 redirect (anonymous → the login page; an allowed action → back to
the page), 403 the role may not do this, 404 the object is not visible to this user at all
(its existence is not revealed), 503 the report module is not installed yet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.web.surveys_world import open_survey
from tests.web.targets_world import declaration, report_of
from tests.web.world import PERSONAS, YEAR, World, pdf_upload

ANON_LOGIN = "login"  # expected marker: 302 to the login page

REPORT = 200  # a report download the persona may make


@dataclass(frozen=True)
class Case:
    kwargs: Callable[[World], dict[str, Any]]
    expect: dict[str, int | str]  # persona → status (ANON_LOGIN for a redirect to login)
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    label: str = ""
    json: bool = False  # post ``data`` as a JSON body (the API's trial scoring)


def ev(key: str, **extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.evaluations[key].pk, **extra}


def evidence(key: str, of: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": w.evaluations[key].pk, "evidence_pk": w.evidence[of].pk}


def reading(w: World) -> dict[str, Any]:
    """A written report read by bureau 1's reviewer (docs/web.md#report-reading)."""
    from jixiao.web.reviews.models import ReportReading

    document = {"kind": "department", "year": 2016, "unit": {"name": "测试区乙单位"},
                "budget": {"adjusted": "120", "executed": "118"}}  # fmt: skip
    found, _ = ReportReading.objects.get_or_create(
        bureau=w.bureau, filename="报告.txt",
        defaults={"uploaded_by": w.reviewer, "text": "全年预算120万元，全年支出118万元。",
                  "data": {"document": document, "values": [], "findings": []}},
    )  # fmt: skip
    return {"pk": found.pk}


def none(w: World) -> dict[str, Any]:
    return {}


def row(
    anon: int | str, prep_a: int, head_a: int, prep_b: int, reviewer: int, reviewer_other: int, admin: int
) -> dict[str, int | str]:
    return dict(zip(PERSONAS, (anon, prep_a, head_a, prep_b, reviewer, reviewer_other, admin), strict=True))


L = ANON_LOGIN
#: Unit A's evaluation: readable by its unit, its bureau's reviewer and the administrator.
VIEW = row(L, 200, 200, 404, 200, 404, 200)
#: Changing unit A's evaluation: only its preparer and head.
EDIT = row(L, 200, 200, 404, 403, 404, 403)
EDIT_POST = row(L, 302, 302, 404, 403, 404, 403)
DOWNLOAD = row(L, REPORT, REPORT, 404, REPORT, 404, REPORT)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200)
GONE = row(404, 404, 404, 404, 404, 404, 404)
#: The API with each persona's key (anonymous: no key → 401).
API_VIEW = row(401, 200, 200, 404, 200, 404, 200)
API_EDIT = row(401, 200, 200, 404, 403, 404, 403)


def survey(key: str = "draft_a", state: str = "open", **extra: Any) -> Callable[[World], dict[str, Any]]:
    """A survey of the evaluation in ``state`` (made once per test, then reused)."""

    def kwargs(w: World) -> dict[str, Any]:
        made = w.__dict__.setdefault("surveys", {})
        if (key, state) not in made:
            made[(key, state)] = open_survey(w, key, state=state)
        found = made[(key, state)]
        group = found.groups.first()
        values = {"pk": w.evaluations[key].pk, "survey_pk": found.pk, **extra}
        return {k: (group.pk if v == "<group>" else v) for k, v in values.items()}

    return kwargs


def public_survey(state: str) -> Callable[[World], dict[str, Any]]:
    def kwargs(w: World) -> dict[str, Any]:
        made = w.__dict__.setdefault("surveys", {})
        if ("draft_a", state) not in made:
            made[("draft_a", state)] = open_survey(w, "draft_a", state=state)
        return {"slug": made[("draft_a", state)].groups.first().slug}

    return kwargs


def draft_a_document(w: World) -> dict[str, Any]:
    return dict(w.fresh("draft_a").current_version.document)


def draft_b_document(w: World) -> dict[str, Any]:
    return dict(w.fresh("draft_b").current_version.document)


def rect_item(w: World) -> Any:
    """Unit A's rectification item (issued by the reviewer, one evidence file), made once per test."""
    from jixiao.core.rectification import Source
    from jixiao.web.results import services as results_services

    if "rect_item" not in w.__dict__:
        item = results_services.item_create(
            by=w.reviewer, unit=w.unit_a, year=YEAR - 1, source=Source.BUREAU, problem="台账不全", measure="补齐台账"
        )
        w.__dict__["rect_evidence"] = results_services.item_attach(by=w.prep_a, item=item, upload=pdf_upload())
        w.__dict__["rect_item"] = item
    return w.__dict__["rect_item"]


def item(**extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": rect_item(w).pk, **extra}


def project_a(w: World) -> dict[str, Any]:
    """A project evaluation of unit A (部门评价 is recorded on projects), made once per test."""
    from jixiao.web.evaluations.models import Evaluation

    if "project_a" not in w.__dict__:
        w.__dict__["project_a"] = Evaluation.objects.create(
            unit=w.unit_a, year=YEAR, kind="project", project="校舍维修", framework=w.framework
        )
    return {"pk": w.__dict__["project_a"].pk}


def department_data(w: World) -> dict[str, Any]:
    return {"evaluator": "区教育局", "completed": f"{YEAR + 1}-03-31", "score": "88", "grade": "良"}


def item_evidence(w: World) -> dict[str, Any]:
    rect_item(w)
    return {"pk": w.__dict__["rect_item"].pk, "evidence_pk": w.__dict__["rect_evidence"].pk}


def application(w: World) -> Any:
    """Bureau 1's results application for the approved evaluation's year, made once per test."""
    from jixiao.web.results import services as results_services

    if "application" not in w.__dict__:
        year = w.evaluations["approved_a"].year
        w.__dict__["application"] = results_services.application_build(by=w.reviewer, bureau=w.bureau, year=year)
    return w.__dict__["application"]


def application_year(w: World) -> dict[str, Any]:
    return {"year": application(w).year, "bureau": w.bureau.pk}


def with_application(w: World) -> dict[str, Any]:
    """No URL arguments; builds the list before the persona's savepoint (so no persona undoes it)."""
    application(w)
    return {}


def application_line(w: World) -> dict[str, Any]:
    return {"pk": application(w).lines.first().pk}
SIGNED_IN = row(L, 200, 200, 200, 200, 200, 200)
#: Reviewing unit A's declaration (or a report of it): only its bureau's reviewer.
REVIEW_POST = row(L, 403, 403, 404, 302, 404, 403)
#: A bureau-1 monitoring round's overview: its bureau's staff; the units see their own reports only.
ROUND_STAFF = row(L, 403, 403, 403, 200, 404, 200)


def decl(status: str, **extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": declaration(w, status, status).pk, **extra}


def decl_lock(status: str, **extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"lock_version": declaration(w, status, status).lock_version, "rows": "0", **extra}


def new_declaration(w: World) -> dict[str, Any]:
    return {"unit": w.unit_a.pk, "year": "2026", "kind": "project", "project": "新项目"}


def pending_adjustment(w: World) -> dict[str, Any]:
    from jixiao.web.targets import services

    approved = declaration(w, "approved", "approved")
    made = w.__dict__.setdefault("adjustments", {})
    if "a" not in made:
        made["a"] = services.adjustment_request(declaration=approved, indicator="道路清扫保洁面积", new="≥300万平方米",
                                                reason="道路移交", by=w.prep_a)  # fmt: skip
    return {"pk": approved.pk, "adjustment_pk": made["a"].pk}


def round_of(w: World) -> dict[str, Any]:
    return {"pk": report_of(w).round_id}


def report_pk(w: World) -> dict[str, Any]:
    return {"pk": report_of(w).pk}


def monitoring_decision(w: World) -> dict[str, Any]:
    """A fresh decision each time: an issued one refuses a second item (and still redirects)."""
    from jixiao.core.targets.monitoring import Decision
    from jixiao.web.targets import services

    made = services.decision_record(report=report_of(w), decision=Decision.SUSPEND, reason="滞后", by=w.reviewer)
    return {"pk": made.pk}


MATRIX: dict[str, list[Case]] = {
    "home": [Case(none, row(302, 302, 302, 302, 302, 302, 302))],
    "healthz": [Case(none, row(*[200] * 7))],
    "accounts:login": [Case(none, row(200, 302, 302, 302, 302, 302, 302))],
    "accounts:logout": [Case(none, row(302, 302, 302, 302, 302, 302, 302), method="post")],
    "accounts:password_change": [Case(none, row(L, 200, 200, 200, 200, 200, 200))],
    "evaluations:dashboard": [Case(none, row(L, 200, 200, 200, 302, 302, 302))],
    "evaluations:create": [Case(none, row(L, 200, 200, 200, 403, 403, 403))],
    "evaluations:detail": [
        Case(ev("draft_a"), VIEW),
        Case(ev("draft_c"), row(L, 404, 404, 404, 404, 200, 200), label="another bureau's unit"),
    ],
    "evaluations:history": [Case(ev("draft_a"), VIEW)],
    "evaluations:version": [Case(ev("draft_a", number=1), VIEW)],
    "evaluations:version_document": [Case(ev("draft_a", number=1), VIEW)],
    "evaluations:version_report": [Case(ev("submitted_a", number=1, fmt="docx"), DOWNLOAD)],
    "evaluations:edit": [
        Case(ev("draft_a", section="indicators"), EDIT),
        Case(ev("draft_b", section="budget"), row(L, 404, 404, 200, 403, 404, 403), label="unit B"),
    ],
    "evaluations:live": [
        Case(ev("draft_a", section="indicators"), EDIT, method="post", data=lambda w: {"indicators.__present": "1"})
    ],
    "evaluations:evidence": [Case(ev("draft_a"), VIEW)],
    "evaluations:evidence_download": [
        Case(evidence("draft_a", "draft_a"), VIEW),
        # Unit B's file named through unit A's evaluation: never served.
        Case(evidence("draft_a", "draft_b"), row(L, 404, 404, 404, 404, 404, 404), label="foreign file"),
        Case(evidence("draft_b", "draft_b"), row(L, 404, 404, 200, 200, 404, 200), label="unit B's file"),
    ],
    "evaluations:evidence_delete": [Case(evidence("draft_a", "draft_a"), EDIT_POST, method="post")],
    "evaluations:import": [Case(ev("draft_a"), EDIT)],
    "evaluations:import_confirm": [Case(ev("draft_a"), EDIT_POST, method="post")],
    "evaluations:submit": [Case(ev("draft_a"), EDIT_POST, method="post")],
    "evaluations:sign_off": [Case(ev("submitted_a"), row(L, 403, 302, 404, 403, 404, 403), method="post")],
    "evaluations:return": [
        Case(ev("signed_a"), row(L, 403, 403, 404, 302, 404, 403), method="post", data=lambda w: {"comment": "请补充"}),
        Case(
            ev("submitted_a"), row(L, 403, 302, 404, 403, 404, 403), method="post", data=lambda w: {"comment": "请补充"}
        ),
    ],
    "evaluations:approve": [Case(ev("signed_a"), row(L, 403, 403, 404, 302, 404, 403), method="post")],
    "evaluations:publish": [Case(ev("approved_a"), row(L, 403, 403, 404, 302, 404, 403), method="post")],
    "evaluations:withdraw": [
        Case(ev(key), row(L, 403, 403, 404, 302, 404, 403), method="post", data=lambda w: {"comment": "数字有误"})
        for key in ("approved_a", "published_a")
    ],
    "reviews:overview": [Case(none, row(L, 403, 403, 403, 200, 200, 200))],
    "reviews:export": [Case(none, row(L, 403, 403, 403, 200, 200, 200))],
    "reviews:review": [Case(ev("signed_a"), row(L, 403, 403, 404, 200, 404, 403))],
    # Written reports: the bureau's reviewers (and a superuser); the other bureau's reviewer sees none of them.
    "reviews:reports": [Case(none, row(L, 403, 403, 403, 200, 200, 200))],
    "reviews:report": [Case(reading, row(L, 403, 403, 403, 200, 403, 200))],
    "reviews:report_value": [
        Case(reading, row(L, 403, 403, 403, 302, 403, 302), method="post",
             data=lambda w: {"path": "budget.adjusted", "do": "accept"})
    ],
    "reviews:report_draft": [
        Case(reading, row(L, 403, 403, 403, 302, 403, 302), method="post", data=lambda w: {"unit": w.unit_b.pk})
    ],
    # The bureau's analytics: its reviewers and administrators (each sees its own bureau).
    "results:analytics": [Case(none, row(L, 403, 403, 403, 200, 200, 200))],
    "results:analytics_export": [Case(lambda w: {"chart": "grades"}, row(L, 403, 403, 403, 200, 200, 200))],
    # Rectification: the unit's people and its bureau see an item; the unit moves it first, the reviewer issues.
    "results:rectification": [Case(none, row(L, 200, 200, 200, 200, 200, 200))],
    "results:item_create": [
        Case(
            none,
            row(L, 403, 403, 403, 302, 403, 403),
            method="post",
            data=lambda w: {"unit": w.unit_a.pk, "year": YEAR, "problem": "问题", "measure": "措施"},
        )
    ],
    "results:item": [Case(item(), VIEW)],
    "results:item_move": [
        Case(item(action="start"), EDIT_POST, method="post"),
        Case(item(action="approve"), row(L, 403, 403, 404, 302, 404, 403), method="post", label="not yet fed back"),
    ],
    "results:item_upload": [Case(item(), EDIT_POST, method="post", data=lambda w: {"file": pdf_upload()})],
    "results:item_evidence": [Case(item_evidence, VIEW)],
    "results:re_evaluate": [
        Case(ev("signed_a"), row(L, 403, 403, 404, 200, 404, 403)),
        Case(ev("signed_a"), row(L, 403, 403, 404, 302, 404, 403), method="post", label="score"),
    ],
    # 部门评价: recorded by unit A's preparer or head or bureau 1's reviewer; read by whoever sees unit A.
    "results:department": [
        Case(project_a, VIEW),
        Case(ev("draft_a"), row(L, 404, 404, 404, 404, 404, 404), label="not a project"),
        Case(project_a, row(L, 302, 302, 404, 302, 404, 403), method="post", data=department_data, label="record"),
    ],
    "results:department_remove": [Case(project_a, row(L, 302, 302, 404, 302, 404, 403), method="post")],
    "results:from_evaluation": [Case(ev("signed_a"), row(L, 403, 403, 404, 302, 404, 403), method="post")],
    # Results application: the bureau's reviewer builds, adjusts and confirms; a unit sees its own lines.
    "results:application": [Case(none, row(L, 200, 200, 200, 200, 200, 200))],
    "results:application_build": [
        Case(none, row(L, 403, 403, 403, 302, 302, 403), method="post", data=lambda w: {"year": YEAR})
    ],
    "results:application_confirm": [
        Case(with_application, row(L, 403, 403, 403, 302, 404, 403), method="post", data=application_year)
    ],
    "results:application_export": [
        Case(with_application, row(L, 403, 403, 403, 200, 404, 200), data=application_year, label="bureau 1's list")
    ],
    "results:application_adjust": [
        Case(
            application_line,
            row(L, 404, 404, 404, 302, 404, 403),
            method="post",
            data=lambda w: {"adjusted": "10", "note": "按会议决定"},
        )
    ],
    "results:rules": [Case(none, row(L, 403, 403, 403, 200, 200, 200))],
    "results:coverage": [Case(none, row(L, 403, 403, 403, 200, 200, 200))],
    "portal:index": [Case(none, row(302, 302, 302, 302, 302, 302, 302))],
    "portal:year": [Case(lambda w: {"year": w.evaluations["published_a"].year}, PUBLIC)],
    "portal:detail": [
        Case(ev("published_a"), PUBLIC),
        *(Case(ev(key), GONE, label=f"unpublished {key}") for key in ("draft_a", "approved_a", "signed_a")),
    ],
    "portal:download": [
        Case(ev("published_a", fmt="xlsx"), row(*[REPORT] * 7)),
        Case(ev("approved_a", fmt="docx"), GONE, label="approved, not yet published"),
    ],
    # Satisfaction surveys: managed like the evaluation (read: VIEW; change: its preparer and head).
    "surveys:index": [
        Case(ev("draft_a"), VIEW),
        Case(ev("draft_a"), EDIT_POST, method="post", data=lambda w: {"blueprint": "service"}, label="create"),
        Case(ev("draft_c"), row(L, 404, 404, 404, 404, 200, 200), label="another bureau's unit"),
    ],
    "surveys:detail": [
        Case(survey(), VIEW),
        Case(survey("draft_b"), row(L, 404, 404, 200, 200, 404, 200), label="unit B's survey"),
    ],
    "surveys:edit": [Case(survey(state="draft"), EDIT)],
    "surveys:open": [Case(survey(state="draft"), EDIT_POST, method="post")],
    "surveys:close": [Case(survey(), EDIT_POST, method="post")],
    "surveys:apply": [Case(survey(), EDIT_POST, method="post")],
    "surveys:invitations": [Case(survey(), EDIT)],
    "surveys:export": [Case(survey(), VIEW)],
    "surveys:poster": [Case(survey(), VIEW)],
    "surveys:qr": [
        Case(survey(group_pk="<group>", fmt="png"), VIEW),
        Case(survey(group_pk="<group>", fmt="svg"), VIEW, label="svg"),
    ],
    # The respondent's pages: no login; a survey still being designed has no public page.
    "surveys:answer": [
        Case(public_survey("open"), PUBLIC),
        Case(public_survey("closed"), PUBLIC, label="closed: says so politely"),
        Case(public_survey("draft"), GONE, label="still being designed"),
    ],
    "surveys:thanks": [Case(public_survey("open"), PUBLIC)],
    "admin:index": [Case(none, row(302, 302, 302, 302, 302, 302, 200))],
    # The JSON API: the same answers as the pages, with the persona's key (anonymous: no key → 401).
    "api:api-root": [Case(none, row(*[404] * 7))],  # nothing there: see /api/docs
    "api:openapi-json": [Case(none, row(*[200] * 7))],
    "api:openapi-view": [Case(none, row(*[200] * 7))],
    "api:evaluations": [Case(none, row(401, 200, 200, 200, 200, 200, 200))],
    "api:evaluation": [
        Case(ev("draft_a"), row(401, 200, 200, 404, 200, 404, 200)),
        Case(ev("draft_c"), row(401, 404, 404, 404, 404, 200, 200), label="another bureau's unit"),
    ],
    "api:versions": [Case(ev("draft_a"), API_VIEW)],
    "api:version": [
        Case(ev("submitted_a", number=1), API_VIEW),
        Case(ev("draft_a", number=9), row(401, 404, 404, 404, 404, 404, 404), label="no such version"),
    ],
    "api:score": [Case(ev("draft_a"), API_VIEW)],
    "api:check": [Case(ev("draft_a"), API_VIEW)],
    "api:version_score": [Case(ev("submitted_a", number=1), API_VIEW)],
    "api:version_check": [
        Case(ev("submitted_a", number=1), API_VIEW),
        Case(ev("draft_c", number=1), row(401, 404, 404, 404, 404, 200, 200), label="another bureau's unit"),
    ],
    # Trial scoring of a posted document: the editor's permission (its unit's preparer and head).
    "api:score_document": [Case(ev("draft_a"), API_EDIT, method="post", data=draft_a_document, json=True)],
    "api:check_document": [
        Case(ev("draft_a"), API_EDIT, method="post", data=draft_a_document, json=True),
        Case(ev("draft_b"), row(401, 404, 404, 200, 403, 404, 403), method="post", data=draft_b_document, json=True),
    ],
    "api:report": [Case(ev("submitted_a", number=1, fmt="xlsx"), row(401, REPORT, REPORT, 404, REPORT, 404, REPORT))],
    # --- targets and monitoring (docs/targets.md) ---
    "api:target_declarations": [Case(none, row(401, 200, 200, 200, 200, 200, 200))],
    "api:target_declaration": [Case(decl("draft"), API_VIEW)],
    "api:target_check_declaration": [
        Case(decl("draft"), API_EDIT, method="post", json=True,
             data=lambda w: dict(declaration(w, "draft", "draft").document)),
    ],
    "api:target_check_monitoring": [
        Case(report_pk, API_EDIT, method="post", json=True, data=lambda w: {"budget": {"initial": "1", "spent": "1"}}),
    ],
    "targets:index": [Case(none, SIGNED_IN)],
    "targets:create": [
        Case(none, row(L, 302, 302, 403, 403, 403, 403), method="post", data=new_declaration),
    ],
    "targets:declaration": [
        Case(decl("draft"), VIEW),
        Case(decl("draft"), row(L, 302, 302, 404, 403, 404, 403), method="post", data=decl_lock("draft"),
             label="save"),
    ],
    "targets:review": [
        Case(decl("submitted"), REVIEW_POST, method="post", data=decl_lock("submitted", do="approve")),
    ],
    "targets:download": [Case(decl("draft", fmt="xlsx"), VIEW), Case(decl("draft", fmt="docx"), VIEW)],
    "targets:adjust": [
        Case(decl("approved"), row(L, 302, 302, 404, 403, 404, 403), method="post",
             data=lambda w: {"indicator": "道路清扫保洁面积", "new": "≥300万平方米", "reason": "移交"}),
    ],
    "targets:adjust_decide": [Case(pending_adjustment, REVIEW_POST, method="post", data=lambda w: {"do": "approve"})],
    "targets:library": [Case(none, SIGNED_IN)],
    "targets:library_suggest": [Case(none, SIGNED_IN, data=lambda w: {"q": "率"})],
    "targets:library_export": [Case(none, SIGNED_IN)],
    "targets:library_import": [
        Case(none, row(L, 403, 403, 403, 302, 302, 302), method="post", data=lambda w: {"do": "seed"}),
    ],
    "targets:rounds": [
        Case(none, SIGNED_IN),
        Case(none, row(L, 403, 403, 403, 302, 302, 403), method="post",
             data=lambda w: {"year": "2025", "month": "6"}, label="open a round"),
    ],
    "targets:round": [Case(round_of, ROUND_STAFF)],
    "targets:round_export": [Case(round_of, ROUND_STAFF)],
    "targets:report": [Case(report_pk, VIEW)],
    "targets:decision": [
        Case(report_pk, REVIEW_POST, method="post", data=lambda w: {"decision": "continue", "reason": "按计划推进"}),
    ],
    "results:from_decision": [
        Case(monitoring_decision, REVIEW_POST, method="post", data=lambda w: {"measure": "按月通报执行进度"}),
    ],
}


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> set[str]:
    """Every named URL of the URLconf, as "namespace:name"."""
    found: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            found |= url_names(entry.url_patterns, inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            found.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return found


def _ours(name: str) -> bool:
    # Django admin's own pages (one per model) are guarded by Django itself: its index stands for them.
    return not name.startswith("admin:") or name == "admin:index"


def test_every_url_pattern_has_a_matrix_entry() -> None:
    ours = {name for name in url_names() if _ours(name)}
    assert ours - set(MATRIX) == set(), "new URL without an isolation matrix entry"
    assert set(MATRIX) - ours == set(), "matrix entry for a URL that no longer exists"


def _client(world: World, persona: str, name: str = "") -> Client:
    if name.startswith("api:"):  # the API knows keys, not sessions
        token = world.tokens.get(persona)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}") if token else Client()
    client = Client()
    if persona != "anon":
        client.force_login(world.users[persona])
    return client


def _request(client: Client, case: Case, url: str, world: World) -> Any:
    data = case.data(world) if case.data else {}
    if case.method == "post" and case.json:
        return client.post(url, data, content_type="application/json")
    if case.method == "post":
        return client.post(url, data)
    return client.get(url, data)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_isolation_matrix(world: World, name: str) -> None:
    wrong = []
    for case in MATRIX[name]:
        url = reverse(name, kwargs=case.kwargs(world))
        for persona in PERSONAS:
            client = _client(world, persona, name)
            with transaction.atomic():
                response = _request(client, case, url, world)
                transaction.set_rollback(True)
            expected = case.expect[persona]
            got: int | str = response.status_code
            if expected == ANON_LOGIN:
                location = response.get("Location", "")
                got = (
                    ANON_LOGIN
                    if response.status_code == 302 and location.startswith(reverse("accounts:login"))
                    else got
                )
            if got != expected:
                wrong.append(f"{case.method.upper()} {url} {case.label} as {persona}: expected {expected}, got {got}")
    assert wrong == []


def test_a_denied_action_changes_nothing(world: World) -> None:
    """403/404 answers are refusals, not partial work: state, lock and history stay as they were."""
    target = world.fresh("signed_a")
    events = target.audit_events.count()
    for persona in ("prep_a", "prep_b", "reviewer_other", "admin"):
        _client(world, persona).post(reverse("evaluations:approve", kwargs={"pk": target.pk}))
    after = world.fresh("signed_a")
    assert (after.state, after.lock_version, after.audit_events.count()) == (target.state, target.lock_version, events)


def test_unpublished_evaluations_cannot_be_reached_on_the_portal_by_guessing(world: World) -> None:
    client = Client()
    published = {world.evaluations["published_a"].pk}
    for evaluation in world.evaluations.values():
        for url in (
            reverse("portal:detail", kwargs={"pk": evaluation.pk}),
            reverse("portal:download", kwargs={"pk": evaluation.pk, "fmt": "xlsx"}),
        ):
            status = client.get(url).status_code
            assert (status != 404) == (evaluation.pk in published), url
    assert client.get("/public/evaluations/999999/").status_code == 404
    listing = client.get(reverse("portal:year", kwargs={"year": world.evaluations["draft_a"].year})).content.decode()
    assert world.unit_b.name not in listing  # only a draft there


# --- the matrix's view of links: what a page offers, the persona may open -----------------------

#: Not opened by the crawl: report renderings (slow; their answers are in the matrix above) and
#: the admin's own pages (Django guards them; only its index is opened), static files.
_NOT_CRAWLED = {"evaluations:version_report", "portal:download", "api:report"}
_HREF = re.compile(r'href="(/[^"#]*)')


def _crawled(url: str) -> bool:
    path = urlsplit(url).path
    if path.startswith(("/static/", "/admin/")) and path != "/admin/":
        return False
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a link to nowhere is opened, and answers 404
    return match.view_name not in _NOT_CRAWLED and not match.view_name.startswith("api:")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_a_page_shows_answers(world: World, persona: str) -> None:
    """Follow every internal link each persona's pages show (every year of the overview, every
    evaluation and page reached from there): none answers 403 or 404 — a page offers only what
    the role may do (the administrator reads; 审核 is the reviewer's)."""
    client = _client(world, persona)
    years = sorted({e.year for e in world.evaluations.values()})
    choices = [f"?bureau={b.pk}&year={year}" for b in (world.bureau, world.other_bureau) for year in years]
    queue = [("/", "start")]
    seen, broken = {"/"}, []
    while queue:
        url, source = queue.pop(0)
        response = client.get(url, follow=True)
        if response.status_code != 200:
            broken.append(f"{url} (linked from {source}) answers {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in _HREF.findall(response.content.decode()):
            link = html.unescape(href)
            # The overview's bureau and year are choices in a form: every one is opened as if chosen.
            found = [f"{link}{choice}" for choice in choices] if link == "/review/" else [link]
            for target in found:
                if target not in seen and _crawled(target):
                    seen.add(target)
                    queue.append((target, url))
    assert broken == []
    assert len(seen) >= (5 if persona == "anon" else 10)
