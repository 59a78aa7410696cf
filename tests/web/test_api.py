"""The JSON API: keys, the same visibility as the pages, decimal strings, an OpenAPI description.

Which persona gets which answer on every operation is in tests/web/test_isolation.py; here are
the contents of the answers and the trial scoring of posted documents.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from io import StringIO
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client

from jixiao.web.accounts.models import ApiToken
from jixiao.web.evaluations import services
from tests.web.world import World


def _api(world: World, persona: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[persona]}")


def test_the_list_holds_exactly_what_the_user_may_see(world: World) -> None:
    ids = {e.pk for key, e in world.evaluations.items() if key.endswith("_a")}
    listed = {row["id"] for row in _api(world, "prep_a").get("/api/evaluations").json()}
    assert listed == ids
    reviewer = {row["id"] for row in _api(world, "reviewer").get("/api/evaluations").json()}
    assert reviewer == ids | {world.evaluations["draft_b"].pk}
    other = [row["unit"] for row in _api(world, "reviewer_other").get("/api/evaluations").json()]
    assert other == ["另一区丙单位"]
    published = _api(world, "prep_a").get("/api/evaluations", {"state": "published"}).json()
    assert [row["state_label"] for row in published] == ["已公开"]


def test_score_and_check_are_the_cores_figures_as_decimal_strings(world: World) -> None:
    client = _api(world, "reviewer")
    pk = world.evaluations["p0_a"].pk
    score = client.get(f"/api/evaluations/{pk}/score").json()
    version = world.fresh("p0_a").current_version
    assert score["total"] == format(version.total, "f") and score["grade"] == version.grade
    assert all(isinstance(line["score"], str) and line["explanation"] for line in score["indicators"])
    findings = client.get(f"/api/evaluations/{pk}/check").json()["findings"]
    assert {"code": "SATISFACTION_WITHOUT_SURVEY", "severity": "P0"}.items() <= findings[0].items()
    detail = client.get(f"/api/evaluations/{pk}").json()
    assert detail["document"]["satisfaction"]["source"] == "none" and detail["p0"] == 1


def test_a_wrong_or_deleted_key_is_refused(world: World) -> None:
    assert Client(HTTP_AUTHORIZATION="Bearer jx_not-a-key").get("/api/evaluations").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Token whatever").get("/api/evaluations").status_code == 401
    ApiToken.objects.filter(user=world.prep_a).delete()
    assert _api(world, "prep_a").get("/api/evaluations").status_code == 401


def test_a_session_alone_does_not_open_the_api(world: World, client) -> None:
    client.force_login(world.prep_a)
    assert client.get("/api/evaluations").status_code == 401


def test_the_openapi_description_lists_every_operation() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    operations = {(path, method) for path, methods in paths.items() for method in methods}
    assert operations == {
        ("/api/evaluations", "get"),
        ("/api/evaluations/{pk}", "get"),
        ("/api/evaluations/{pk}/versions", "get"),
        ("/api/evaluations/{pk}/versions/{number}", "get"),
        ("/api/evaluations/{pk}/score", "get"),
        ("/api/evaluations/{pk}/score", "post"),
        ("/api/evaluations/{pk}/check", "get"),
        ("/api/evaluations/{pk}/check", "post"),
        ("/api/evaluations/{pk}/versions/{number}/score", "get"),
        ("/api/evaluations/{pk}/versions/{number}/check", "get"),
        ("/api/evaluations/{pk}/versions/{number}/report.{fmt}", "get"),
        ("/api/targets/declarations", "get"),
        ("/api/targets/declarations/{pk}", "get"),
        ("/api/targets/declarations/{pk}/check", "post"),
        ("/api/targets/monitoring/{pk}/check", "post"),
    }
    trial = paths["/api/evaluations/{pk}/score"]["post"]
    assert "application/json" in trial["requestBody"]["content"] and "422" in trial["responses"]
    assert all(operation.get("security") for methods in paths.values() for operation in methods.values())


# --- versions ------------------------------------------------------------------------------------


def _returned(world: World) -> Any:
    """Unit A's signed evaluation, returned by the reviewer: version 1 frozen, version 2 editable."""
    services.evaluation_return(evaluation=world.fresh("signed_a"), by=world.reviewer, comment="请补充佐证材料")
    return world.fresh("signed_a")


def test_versions_list_the_frozen_and_the_editable_version(world: World) -> None:
    evaluation = _returned(world)
    rows = _api(world, "head_a").get(f"/api/evaluations/{evaluation.pk}/versions").json()
    assert [(r["number"], r["current"], r["frozen"]) for r in rows] == [(2, True, False), (1, False, True)]
    assert rows[1]["created_by"] == "甲填报" and rows[1]["frozen_at"] is not None
    first = _api(world, "head_a").get(f"/api/evaluations/{evaluation.pk}/versions/1").json()
    assert first["evaluation"] == evaluation.pk and first["document"]["unit"]["name"] == "测试区甲单位"


def test_a_versions_score_and_check_are_that_versions(world: World) -> None:
    evaluation = _returned(world)
    document = copy.deepcopy(evaluation.current_version.document)
    document["indicators"][0]["actual"] = "0个"  # the new version scores lower than the frozen one
    services.evaluation_save_document(
        evaluation=evaluation, document=document, by=world.prep_a, expected_lock_version=evaluation.lock_version
    )
    client = _api(world, "reviewer")
    old = client.get(f"/api/evaluations/{evaluation.pk}/versions/1/score").json()
    new = client.get(f"/api/evaluations/{evaluation.pk}/versions/2/score").json()
    current = client.get(f"/api/evaluations/{evaluation.pk}/score").json()
    assert new == current and old["total"] != new["total"]
    frozen = world.fresh("signed_a").versions.get(number=1)
    assert old["total"] == format(frozen.total, "f")
    findings = client.get(f"/api/evaluations/{evaluation.pk}/versions/1/check").json()["findings"]
    assert all(f["severity"] != "P0" for f in findings)
    assert client.get(f"/api/evaluations/{evaluation.pk}/versions/3/score").json() == {"detail": "该版本不存在"}


# --- trial scoring of a posted document ----------------------------------------------------------------


def _draft(world: World) -> tuple[int, dict[str, Any]]:
    evaluation = world.fresh("draft_a")
    return evaluation.pk, copy.deepcopy(evaluation.current_version.document)


def test_a_posted_document_is_scored_and_checked_without_saving(world: World) -> None:
    pk, document = _draft(world)
    before = world.fresh("draft_a")
    client = _api(world, "prep_a")
    stored = client.get(f"/api/evaluations/{pk}/score").json()
    document["indicators"][0]["actual"] = "0个"
    trial = client.post(f"/api/evaluations/{pk}/score", document, content_type="application/json").json()
    assert Decimal(trial["total"]) < Decimal(stored["total"])
    tried = {row["path"]: Decimal(row["score"]) for row in trial["indicators"]}
    assert (
        tried["indicators[0]"] < {row["path"]: Decimal(row["score"]) for row in stored["indicators"]}["indicators[0]"]
    )
    document["satisfaction"] = {"value": "80", "source": "none", "method": "未开展调查，估计"}
    checked = client.post(f"/api/evaluations/{pk}/check", document, content_type="application/json").json()
    p0 = [f for f in checked["findings"] if f["severity"] == "P0"]
    assert p0 and p0[0]["code"] == "SATISFACTION_WITHOUT_SURVEY" and p0[0]["field"]
    after = world.fresh("draft_a")
    assert after.lock_version == before.lock_version
    assert after.current_version.document == before.current_version.document


def test_an_invalid_document_is_refused_with_422_naming_the_field_in_chinese(world: World) -> None:
    pk, document = _draft(world)
    document["indicators"][2]["weight"] = "八分"
    response = _api(world, "head_a").post(f"/api/evaluations/{pk}/score", document, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    [error] = body["errors"]
    assert error["path"] == "indicators[2].weight" and "应为数字" in error["message"]
    assert error["field"].startswith("绩效指标") and "评价文件无效" in body["detail"]


@pytest.mark.parametrize(
    ("body", "path", "words"),
    [
        (b"{not json", "", "不是合法的 JSON"),
        (b"[1, 2]", "", "JSON 对象"),
        (None, "year", "年度为 2020"),
    ],
)
def test_malformed_or_foreign_documents_are_422(world: World, body: bytes | None, path: str, words: str) -> None:
    pk, document = _draft(world)
    if body is None:  # a valid document of another year: not this evaluation's
        document["year"] = 2020
        response = _api(world, "prep_a").post(f"/api/evaluations/{pk}/check", document, content_type="application/json")
    else:
        response = _api(world, "prep_a").post(f"/api/evaluations/{pk}/check", body, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["path"] == path and words in body["detail"] + body["errors"][0]["message"]


def test_trial_scoring_is_refused_before_the_body_is_read(world: World) -> None:
    """A forbidden user learns nothing from the body's errors: 403/404 come first."""
    pk = world.evaluations["draft_a"].pk
    for persona, status in (("reviewer", 403), ("prep_b", 404), ("admin", 403)):
        response = _api(world, persona).post(f"/api/evaluations/{pk}/score", b"{", content_type="application/json")
        assert response.status_code == status, persona
    assert _api(world, "prep_b").post(f"/api/evaluations/{pk}/score").json()["detail"] == "未找到该自评，或您无权查看"


# --- messages and downloads ---------------------------------------------------------------------------


def test_refusals_are_explained_in_chinese(world: World) -> None:
    assert "Authorization: Bearer" in Client().get("/api/evaluations").json()["detail"]
    forbidden = _api(world, "reviewer").post(f"/api/evaluations/{world.evaluations['draft_a'].pk}/score")
    assert forbidden.json()["detail"] == "您的角色不能编辑此自评"
    bad = _api(world, "prep_a").get("/api/evaluations", {"year": "去年", "state": "gone"})
    assert bad.status_code == 422
    assert {(e["path"], e["message"]) for e in bad.json()["errors"]} >= {("query.year", "应为整数")}
    assert any(e["path"] == "query.state" and "draft" in e["message"] for e in bad.json()["errors"])


def test_reports_download_as_files_of_the_asked_format(world: World) -> None:
    pk = world.evaluations["submitted_a"].pk
    client = _api(world, "reviewer")
    docx = client.get(f"/api/evaluations/{pk}/versions/1/report.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    xlsx = client.get(f"/api/evaluations/{pk}/versions/1/report.xlsx")
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet") and xlsx.content[:2] == b"PK"
    review = client.get(f"/api/evaluations/{pk}/versions/1/report.html", {"review_copy": "true"})
    assert review.status_code == 200 and quote("（审核版）") in review["Content-Disposition"]
    exe = client.get(f"/api/evaluations/{pk}/versions/1/report.exe")
    assert exe.status_code == 422 and exe.json()["errors"][0]["path"] == "path.fmt"
    assert _api(world, "prep_b").get(f"/api/evaluations/{pk}/versions/1/report.docx").status_code == 404


def test_the_key_command_prints_a_working_key_once(world: World) -> None:
    out = StringIO()
    call_command("api_token", "head_a", "--name", "对接测试", stdout=out)
    key = next(line for line in out.getvalue().splitlines() if line.startswith("jx_"))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/evaluations").status_code == 200
    stored = ApiToken.objects.get(user=world.head_a, name="对接测试")
    assert key not in (stored.key_hash, stored.prefix) and stored.last_used_at is not None
