"""The API's contract: every answer an operation can give is declared in its OpenAPI description,
and the bodies a trial posts are described by a schema that real documents fit
(docs/web.md#api-contract).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pydantic import BaseModel

from jixiao.core.model import Evaluation as CoreEvaluation
from jixiao.core.model import EvaluationKind
from jixiao.core.targets.model import Declaration, DeclarationKind
from jixiao.core.targets.monitoring import MonitoringReport
from jixiao.ingest import evaluation_file, targets_file
from jixiao.web.apischemas import (
    DECLARATION_EXAMPLE,
    EVALUATION_EXAMPLE,
    MONITORING_EXAMPLE,
    DeclarationDocumentIn,
    EvaluationDocumentIn,
    MonitoringDocumentIn,
)
from jixiao.web.evaluations.downloads import FORMATS
from tests.web import targets_world
from tests.web.world import World

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def description() -> dict[str, Any]:
    return Client().get("/api/openapi.json").json()


def _operations(description: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, spec) for path, methods in description["paths"].items() for method, spec in methods.items()]


def test_every_operation_declares_every_answer_it_can_give(description: dict[str, Any]) -> None:
    operations = _operations(description)
    assert len(operations) == 15
    for path, method, spec in operations:
        answers = set(spec["responses"])
        where = f"{method.upper()} {path}"
        # a key, a locked-out account, the rate, a bug, the database: any operation; a parameter of the wrong type:
        # any with parameters (all of them have some)
        assert {"401", "403", "429", "500", "503", "422"} <= answers, where
        if "{pk}" in path:
            assert "404" in answers, where
        if method == "post":  # trials: a body over 5 MB; the body's schema is a named one, not a free-form object
            assert "413" in answers, where
            [body] = spec["requestBody"]["content"].values()
            name = body["schema"]["$ref"].rsplit("/", 1)[-1]
            declared = description["components"]["schemas"][name]
            assert declared["additionalProperties"] is False and declared["properties"], where
        for status, answer in spec["responses"].items():
            if status != "200" or "report" not in path:
                assert list(answer["content"]) == ["application/json"], f"{where} {status}"
    trial = description["paths"]["/api/evaluations/{pk}/score"]["post"]["requestBody"]["content"]["application/json"]
    assert trial["schema"]["$ref"].endswith("/EvaluationDocumentIn")
    document = description["components"]["schemas"]["EvaluationDocumentIn"]
    assert set(document["required"]) == {"kind", "year", "unit"}
    assert document["properties"]["year"]["type"] == "integer" and "$ref" in document["properties"]["unit"]


def test_a_locked_out_accounts_403_is_declared_on_every_operation(world: World, description: dict[str, Any]) -> None:
    """django-axes' lock stops the key on any operation, lists included (docs/web.md#api-limits)."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("accounts:login"), {"username": "prep_a", "password": "wrong"})
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['prep_a']}")
    ids = {"pk": world.evaluations["draft_a"].pk, "number": 1, "fmt": "docx"}
    for path, method, _ in _operations(description):
        if path.startswith("/api/targets/") and "{pk}" in path:
            continue  # the same authentication; no declaration in this test's data
        url = path.format(**ids)
        answer = client.post(url, {}, content_type="application/json") if method == "post" else client.get(url)
        assert answer.status_code == 403, url
        assert "403" in description["paths"][path][method]["responses"], url


def test_report_downloads_declare_their_file_types_and_refusals(description: dict[str, Any]) -> None:
    report = description["paths"]["/api/evaluations/{pk}/versions/{number}/report.{fmt}"]["get"]
    served = {fmt.content_type.split(";")[0] for fmt in FORMATS.values()}
    assert set(report["responses"]["200"]["content"]) == served
    assert {"202", "409", "422", "503"} <= set(report["responses"])
    pending = description["components"]["schemas"]["PendingOut"]
    assert {"state", "percent"} <= set(pending["required"])


def _keys(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


@pytest.mark.parametrize(
    ("model", "core", "ignored"),
    [
        (EvaluationDocumentIn, CoreEvaluation, {"schema"}),
        (DeclarationDocumentIn, Declaration, {"schema", "library"}),
        (MonitoringDocumentIn, MonitoringReport, {"schema", "declaration", "rules"}),
    ],
)
def test_the_declared_top_level_is_the_cores(model: type[BaseModel], core: type, ignored: set[str]) -> None:
    """The keys the schema allows are exactly those the core reads (and the tags it drops)."""
    assert _keys(model) == {field.name for field in dataclasses.fields(core)} | ignored


def test_the_declared_kinds_are_those_the_core_reads(description: dict[str, Any]) -> None:
    schemas = description["components"]["schemas"]
    evaluation = set(schemas["EvaluationDocumentIn"]["properties"]["kind"]["enum"])
    assert evaluation == {kind.value for kind in EvaluationKind} | set(evaluation_file.KIND_ALIASES)
    declaration = set(schemas["DeclarationDocumentIn"]["properties"]["kind"]["enum"])
    assert declaration == {kind.value for kind in DeclarationKind} | set(targets_file.KIND_ALIASES)


def test_the_described_examples_are_accepted(world: World) -> None:
    """The description's example bodies score and check: a client copying them gets 200, not 422."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['prep_a']}")
    draft = world.evaluations["draft_a"].pk
    declaration = targets_world.declaration(world, "draft").pk
    report = targets_world.report_of(world).pk
    for url, body in (
        (f"/api/evaluations/{draft}/score", EVALUATION_EXAMPLE),
        (f"/api/evaluations/{draft}/check", EVALUATION_EXAMPLE),
        (f"/api/targets/declarations/{declaration}/check", DECLARATION_EXAMPLE),
        (f"/api/targets/monitoring/{report}/check", MONITORING_EXAMPLE),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, (url, response.json())


@pytest.mark.parametrize(
    ("model", "example"),
    [
        (EvaluationDocumentIn, "donghu-2021.yaml"),
        (DeclarationDocumentIn, "targets/declaration.yaml"),
        (DeclarationDocumentIn, "targets/declaration-flawed.yaml"),
        (MonitoringDocumentIn, "targets/monitoring.yaml"),
    ],
)
def test_the_example_files_fit_the_declared_schema(model: type[BaseModel], example: str) -> None:
    model.model_validate(yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8")))


def test_what_the_api_serves_fits_what_a_trial_posts(world: World) -> None:
    """A document read from the API can be posted back as it is: the declared body accepts it."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['prep_a']}")
    document = client.get(f"/api/evaluations/{world.evaluations['draft_a'].pk}").json()["document"]
    EvaluationDocumentIn.model_validate(document)
    with pytest.raises(ValueError, match="adjustd"):  # the declaration refuses what the core refuses
        EvaluationDocumentIn.model_validate(document | {"adjustd": 1})


def test_an_undeclared_top_level_key_is_refused_in_chinese(world: World) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['prep_a']}")
    pk = world.evaluations["draft_a"].pk
    document = client.get(f"/api/evaluations/{pk}").json()["document"]
    response = client.post(f"/api/evaluations/{pk}/score", document | {"adjustd": 1}, content_type="application/json")
    assert response.status_code == 422
    assert re.search(r"[\u4e00-\u9fff]", response.json()["detail"]) and response.json()["errors"][0]["path"]


def _nested_pairs() -> list[tuple[type[BaseModel], type]]:
    from jixiao.core import model as core
    from jixiao.web import apischemas as declared

    names = ("UnitProfile", "Staffing", "Assets", "AssetPart", "ProjectInfo", "Goals", "Budget", "BudgetLine",
             "Indicator", "IndicatorPart", "Satisfaction", "Narrative", "Problem", "Stated", "Judgement",
             "SignOff")  # fmt: skip
    from jixiao.core.targets import model as targets
    from jixiao.core.targets import monitoring

    pairs = [(getattr(declared, f"{name}In"), getattr(core, name)) for name in names]
    pairs += [(declared.FundsIn, targets.Funds), (declared.TargetIndicatorIn, targets.TargetIndicator)]
    return [*pairs, (declared.MonitoringBudgetIn, monitoring.MonitoringBudget),
            (declared.IndicatorReportIn, monitoring.IndicatorReport)]  # fmt: skip


@pytest.mark.parametrize(("model", "core"), _nested_pairs(), ids=lambda item: item.__name__)
def test_every_declared_part_has_the_cores_keys_and_refuses_others(model: type[BaseModel], core: type) -> None:
    """Below the top level too, the schema's keys are the core's, and an unknown key is refused
    (as the core refuses it, "未知字段")."""
    assert _keys(model) == {field.name for field in dataclasses.fields(core)}
    assert model.model_json_schema()["additionalProperties"] is False


def _documents() -> list[tuple[str, dict[str, Any]]]:
    """Every evaluation the repository writes down: the examples and the golden cases' inline ones,
    as JSON carries them (dates as text)."""
    import json

    golden = Path(__file__).resolve().parents[1] / "golden"
    found = [(path.name, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in sorted(EXAMPLES.glob("*.yaml"))]
    for path in sorted(golden.glob("*/*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(case.get("evaluation"), dict):
            found.append((f"{path.parent.name}/{path.name}", case["evaluation"]))
    return [(name, json.loads(json.dumps(document, default=str))) for name, document in found]


def test_every_evaluation_the_repository_writes_fits_the_declared_schema() -> None:
    documents = _documents()
    assert len(documents) > 20
    for name, document in documents:
        evaluation_file.parse_evaluation(document, name)  # the core reads it …
        EvaluationDocumentIn.model_validate(document)  # … and the declaration describes it


def test_a_typo_below_the_top_level_is_refused_by_the_declaration_as_by_the_core() -> None:
    document = {"kind": "department", "year": 2021, "unit": {"name": "示例单位"}, "budget": {"adjustd": 100}}
    with pytest.raises(ValueError, match="adjustd"):
        EvaluationDocumentIn.model_validate(document)
    with pytest.raises(evaluation_file.InputError, match="未知字段"):
        evaluation_file.parse_evaluation(document)
