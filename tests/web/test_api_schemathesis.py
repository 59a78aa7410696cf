"""Schemathesis against the API on a live test server: for every operation in /api/openapi.json,
generated requests (valid and invalid parameters and bodies) are sent over HTTP to the site that
pytest-django's ``live_server`` runs (the test database behind it) with real keys, and every answer
must be declared (status, media type, body schema) and not a server error (docs/web.md#api-contract).

Bounded: 25 examples per operation, derandomized (the same requests on every run), no deadline;
the examples are sent in turn as four personas (preparer, head, reviewer, another bureau's reviewer).
Generated numbers for ``pk`` and ``number`` are mapped onto the test data's evaluations,
declarations and versions (and one that does not exist), so that most requests reach real data.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from jixiao.web.wsgi import application
from tests.web import targets_world
from tests.web.world import World

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: A number no test object has: the operation answers 404.
MISSING = 987_654_321

#: Read when the module is collected (through the WSGI application: no server is needed for the
#: description), one test per operation; the requests themselves go to the live server over HTTP.
#: Not ``schemathesis.pytest.from_fixture``: its lazy loading reads a pytest attribute pytest 9 no longer has.
_served = schemathesis.openapi.from_wsgi("/api/openapi.json", application, headers={"Host": "testserver"})
schema = schemathesis.openapi.from_dict(_served.raw_schema)


@pytest.fixture
def live_api(live_server: Any, settings: Any) -> str:
    """The site on a live server; its address."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # One key sends a few hundred requests a minute here: the rate limit (its 429 is tested in
    # test_api_limits.py) would answer most of them before they reach the operation.
    settings.API_RATE_PER_MINUTE = 1_000_000
    return str(live_server.url)


@pytest.fixture
def known(world: World, live_api: str) -> dict[str, Any]:
    """The ids a generated number is mapped onto, by path, and the keys of the personas calling."""
    draft = targets_world.declaration(world, "draft")
    report = targets_world.report_of(world)
    evaluations = [world.evaluations[key].pk for key in ("draft_a", "submitted_a", "published_a", "p0_a", "draft_b")]
    return {
        # Taken in turn, example by example: the unit's preparer and head, the bureau's reviewer, and
        # a reviewer of another bureau (to whom this bureau's numbers are 404).
        "personas": [world.tokens[name] for name in ("prep_a", "reviewer", "head_a", "reviewer_other")],
        "calls": [0],
        "url": live_api,
        "evaluations": [*evaluations, MISSING],
        "declarations": [draft.pk, report.declaration_id, MISSING],
        "monitoring": [report.pk, MISSING],
        "numbers": [1, 2, MISSING],
    }


def _onto(value: Any, choices: list[int]) -> Any:
    """An integer (or its digits) becomes one of ``choices``, chosen by its value; anything else is left
    as generated (a negative test's ``true``, ``0.5`` or ``AAA`` must still be answered 422)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return choices[value % len(choices)]
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return str(choices[int(value) % len(choices)])
    return value


@schema.parametrize()
@settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_declared(case: Any, known: dict[str, Any]) -> None:
    parameters = case.path_parameters or {}
    if "pk" in parameters:
        kind = "evaluations"
        if case.path.startswith("/api/targets/"):
            kind = "monitoring" if "/monitoring/" in case.path else "declarations"
        parameters["pk"] = _onto(parameters["pk"], known[kind])
    if "number" in parameters:
        parameters["number"] = _onto(parameters["number"], known["numbers"])
    personas, calls = known["personas"], known["calls"]
    token = personas[calls[0] % len(personas)]
    calls[0] += 1
    case.call_and_validate(base_url=known["url"], headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
