"""Targets objects for the web tests: unit A's declarations (draft, submitted, approved) and a round."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from jixiao.core.targets.model import DeclarationKind
from jixiao.web.targets import services
from jixiao.web.targets.models import Declaration, MonitoringReport, MonitoringRound
from tests.web.world import World

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "targets" / "declaration.yaml"
YEAR = 2025


def example_document(unit_name: str, project: str = "城区道路清扫保洁") -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    data.pop("library", None)
    data.update(unit=unit_name, project=project, year=YEAR)
    return data


def declaration(world: World, key: str, status: str = "draft", unit: str = "a") -> Declaration:
    """Unit A's (or B's) declaration brought to ``status``; made once per test, then reused."""
    made = world.__dict__.setdefault("declarations", {})
    if key in made:
        return Declaration.objects.select_related("unit__bureau").get(pk=made[key].pk)
    owner = world.unit_a if unit == "a" else world.unit_b
    by = world.prep_a if unit == "a" else world.prep_b
    project = f"项目{key}"
    found = services.declaration_create(
        unit=owner, year=YEAR, kind=DeclarationKind.PROJECT, project=project, by=by,
        document=example_document(owner.name, project),
    )  # fmt: skip
    if status in ("submitted", "approved"):
        services.declaration_submit(declaration=found, by=by, expected_lock_version=found.lock_version)
        found.refresh_from_db()
    if status == "approved":
        services.declaration_approve(declaration=found, by=world.reviewer, expected_lock_version=found.lock_version)
        found.refresh_from_db()
    made[key] = found
    return found


def monitoring_round(world: World) -> MonitoringRound:
    made = world.__dict__.setdefault("rounds", {})
    if "r" not in made:
        declaration(world, "approved", "approved")
        made["r"] = services.round_open(bureau=world.bureau, year=YEAR, month=7, name="2025年1—7月", deadline=None,
                                        by=world.reviewer)  # fmt: skip
    return made["r"]


def report_of(world: World) -> MonitoringReport:
    found = monitoring_round(world).reports.select_related("unit__bureau", "declaration", "round").first()
    assert found is not None
    return found
