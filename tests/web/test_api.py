"""The JSON API: keys, the same visibility as the pages, decimal strings, an OpenAPI description."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from jixiao.web.accounts.models import ApiToken
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


def test_the_openapi_description_lists_the_operations() -> None:
    paths = Client().get("/api/openapi.json").json()["paths"]
    assert {"/api/evaluations", "/api/evaluations/{pk}/score", "/api/evaluations/{pk}/check"} <= set(paths)


def test_the_key_command_prints_a_working_key_once(world: World) -> None:
    out = StringIO()
    call_command("api_token", "head_a", "--name", "对接测试", stdout=out)
    key = next(line for line in out.getvalue().splitlines() if line.startswith("jx_"))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/evaluations").status_code == 200
    stored = ApiToken.objects.get(user=world.head_a, name="对接测试")
    assert key not in (stored.key_hash, stored.prefix) and stored.last_used_at is not None
