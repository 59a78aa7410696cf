"""Bounded numbers and bounded JSON over the web (docs/file-formats.md#bounds, docs/web.md#api-errors).

Generated documents with extreme figures go to the API's trial scoring and checking and to the
editor's live scoring and saving: every answer is a Chinese refusal or a result, never a 5xx.
With DEBUG off every API error is JSON.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.web.evaluations.editor import INDICATOR_COLUMNS
from jixiao.web.evaluations.models import EvaluationVersion
from jixiao.web.jsonbody import MAX_DEPTH
from tests.web.world import World

#: What a tester types into a number: beyond every bound, not numbers at all, or just odd.
EXTREMES = [
    "1e308", "1e-999999", "1e999999", "-1e999999", "NaN", "Infinity", "-Infinity", "-0", "0.0000001",
    "1" + "0" * 400, "9" * 5000, "x" * 100_000, "1e12", "1000000000000.000001", "1.5e3", "", " ", "—",
]  # fmt: skip
#: The same as JSON values: strings, exact decimals, huge integers, nested lists.
JSON_EXTREMES = st.one_of(
    st.sampled_from(EXTREMES),
    st.sampled_from([Decimal("1E+308"), Decimal("1E-999999"), Decimal("-0"), 10**400, -(10**30), 0, None, True]),
    st.recursive(st.just(1), lambda inner: st.lists(inner, max_size=2), max_leaves=4),
)
FIELDS = [
    ("budget", "adjusted"), ("budget", "executed"), ("budget", "initial"), ("budget", "carryover"),
    ("indicators", "weight"), ("indicators", "actual"), ("indicators", "target"), ("indicators", "stated_score"),
    ("satisfaction", "value"), ("satisfaction", "sample_size"), ("stated", "total"), ("stated", "execution_rate"),
    ("unit", "staffing"), ("metrics", "three_public_control_rate"), ("year", ""),
]  # fmt: skip


def _api(world: World, persona: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[persona]}", raise_request_exception=False)


def _put(document: dict[str, Any], where: tuple[str, str], value: Any) -> None:
    block, name = where
    if block == "indicators":
        document["indicators"][0][name] = value
    elif block == "year":
        document["year"] = value
    elif block == "unit":
        document.setdefault("unit", {})["staffing"] = {"actual": value}
    else:
        section = document.get(block)
        document[block] = dict(section if isinstance(section, dict) else {}, **{name: value})


def _body(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, default=str).encode("utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(FIELDS), JSON_EXTREMES), min_size=1, max_size=3))
def test_trial_scoring_and_checking_never_fail_on_extreme_figures(
    world: World, changes: list[tuple[tuple[str, str], Any]]
) -> None:
    evaluation = world.fresh("draft_a")
    document = copy.deepcopy(evaluation.current_version.document)
    for where, value in changes:
        _put(document, where, value)
    client = _api(world, "prep_a")
    for verb in ("score", "check"):
        response = client.post(
            f"/api/evaluations/{evaluation.pk}/{verb}", _body(document), content_type="application/json"
        )
        assert response.status_code in (200, 422), (verb, response.content[:300])
        body = response.json()
        if response.status_code == 422:
            assert body["detail"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, f"嵌套层数过多（最多 {MAX_DEPTH} 层）"),
        (b'{"a":' * 200 + b"1" + b"}" * 200, f"嵌套层数过多（最多 {MAX_DEPTH} 层）"),
        (b'{"budget": {"adjusted": NaN}}', "“NaN”不是合法的 JSON 数字"),
        (b'{"budget": {"adjusted": -Infinity}}', "“-Infinity”不是合法的 JSON 数字"),
        (b'{"year": ' + b"9" * 5000 + b"}", "数字位数过多"),
        (b"\xff\xfe{", "不是 UTF-8"),
    ],
)
def test_bodies_too_deep_or_not_json_numbers_are_422_in_chinese(world: World, raw: bytes, words: str) -> None:
    pk = world.evaluations["draft_a"].pk
    for url in (f"/api/evaluations/{pk}/score", f"/api/evaluations/{pk}/check"):
        response = _api(world, "prep_a").post(url, raw, content_type="application/json")
        assert response.status_code == 422 and words in response.json()["detail"], response.content[:300]


def test_a_weight_beyond_its_bound_names_the_field_and_the_bound(world: World) -> None:
    evaluation = world.fresh("draft_a")
    document = copy.deepcopy(evaluation.current_version.document)
    document["budget"]["executed"] = "1e999999"
    response = _api(world, "prep_a").post(
        f"/api/evaluations/{evaluation.pk}/score", _body(document), content_type="application/json"
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["path"] == "budget.executed" and error["field"]
    assert error["message"] == "数值超出允许范围（最大 1 000 000 000 000 万元，最多 6 位小数）"


def _indicator_form(document: dict[str, Any], lock: int, field: str, value: str) -> dict[str, str]:
    post = {"indicators.__present": "1", "lock_version": str(lock)}
    for i, row in enumerate(document["indicators"]):
        for column in INDICATOR_COLUMNS:
            post[f"indicators[{i}].{column.path}"] = str(row.get(column.path, ""))
    post[f"indicators[0].{field}"] = value
    return post


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    section=st.sampled_from(["indicators", "budget"]),
    field=st.sampled_from(["weight", "actual", "target", "stated_score"]),
    value=st.sampled_from(EXTREMES),
    extra=st.sampled_from(["", "[" * 50_000, '{"judged_score": "1e999999"}', '{"tier": {"a": [[[]]]}}']),
)
def test_editor_live_scoring_and_saving_never_fail_on_extreme_figures(
    world: World, section: str, field: str, value: str, extra: str
) -> None:
    evaluation = world.fresh("draft_a")
    client = Client(raise_request_exception=False)
    client.force_login(world.prep_a)
    if section == "budget":
        post = {"budget.adjusted": value, "budget.executed": value, "lock_version": str(evaluation.lock_version)}
    else:
        post = _indicator_form(evaluation.current_version.document, evaluation.lock_version, field, value)
        if extra:
            post["indicators[0].__extra"] = extra
    live = client.post(reverse("evaluations:live", kwargs={"pk": evaluation.pk, "section": section}), post)
    assert live.status_code == 200, live.content[:300]
    saved = client.post(reverse("evaluations:edit", kwargs={"pk": evaluation.pk, "section": section}), post)
    assert saved.status_code in (200, 302), saved.content[:300]
    if saved.status_code == 200 and value.startswith("1e"):  # refused: the page says why, at the field
        assert "数值超出允许范围" in saved.content.decode() or "应为数字" in saved.content.decode()


def test_a_stored_figure_beyond_its_bound_refuses_reports_in_chinese(world: World) -> None:
    """A document saved before the bounds existed: the downloads say which field to correct."""
    evaluation = world.fresh("draft_a")
    version = evaluation.current_version
    document = copy.deepcopy(version.document)
    document["indicators"][0]["weight"] = "1e999999"
    EvaluationVersion.objects.filter(pk=version.pk).update(document=document)
    client = Client(raise_request_exception=False)
    client.force_login(world.prep_a)
    for fmt in ("docx", "xlsx"):
        url = reverse("evaluations:version_report", kwargs={"pk": evaluation.pk, "number": version.number, "fmt": fmt})
        response = client.get(url)
        assert response.status_code == 503 and "数值超出允许范围" in response.content.decode(), fmt
        api = _api(world, "prep_a").get(f"/api/evaluations/{evaluation.pk}/versions/{version.number}/report.{fmt}")
        assert api.status_code == 503 and "数值超出允许范围（最大 1 000 分" in api.json()["detail"]
    assert client.get(reverse("evaluations:detail", kwargs={"pk": evaluation.pk})).status_code == 200


@override_settings(DEBUG=False)
def test_every_api_error_is_json_in_production(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _api(world, "prep_a")
    pk = world.evaluations["draft_a"].pk
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404 and missing.json()["detail"].startswith("接口中没有这个地址：/api/no-such-thing")
    not_allowed = client.delete("/api/evaluations")
    assert not_allowed.status_code == 405 and "GET" in not_allowed["Allow"]
    assert not_allowed.json()["detail"].startswith("此地址不接受 DELETE 请求")
    invalid = client.get("/api/evaluations", {"year": "abc"})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["message"] == "应为整数"
    unknown = client.get(f"/api/evaluations/{pk + 10_000}")
    assert unknown.status_code == 404 and unknown.json()["detail"] == "未找到该自评，或您无权查看"

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("jixiao.web.api.scorecard_json", broken)
    failed = client.get(f"/api/evaluations/{pk}/score")
    assert failed.status_code == 500 and failed["Content-Type"].startswith("application/json")
    assert failed.json()["detail"].startswith("服务器内部错误")


@override_settings(DEBUG=False)
def test_pages_outside_the_api_keep_their_html_errors(world: World) -> None:
    client = Client()
    client.force_login(world.prep_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")
