"""Scoring and checking an evaluation's document with its framework: a service, never a selector.

Every page, the API and the services that save go through these two functions, so a figure is
computed one way wherever it is shown. Selectors only read; what the core computes is here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from jixiao.core.findings import Finding
from jixiao.core.model import EvaluationKind
from jixiao.core.rectification import ItemState, PriorItem
from jixiao.core.scoring import Scorecard
from jixiao.web.evaluations import engine
from jixiao.web.evaluations.editor import label_for
from jixiao.web.evaluations.engine import Assessment, DocumentError
from jixiao.web.evaluations.errors import DocumentInvalid
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.results.models import RectificationItem
from jixiao.web.targets.services import followup_findings

_ORDER = {"P0": 0, "P1": 1, "P2": 2}


def prior_items(evaluation: Evaluation) -> tuple[PriorItem, ...]:
    """Last year's rectification items of the evaluation's unit, as the checker reads them."""
    if evaluation.unit_id is None:
        return ()
    found = RectificationItem.objects.filter(unit_id=evaluation.unit_id, year=evaluation.year - 1).values_list(
        "problem", "measure", "state", "deadline"
    )
    return tuple(PriorItem(problem, measure, ItemState(state), deadline) for problem, measure, state, deadline in found)


def with_targets(evaluation: Evaluation, assessment: Assessment) -> Assessment:
    """With the findings against the year's approved targets and monitoring (docs/targets.md#followup)."""
    if evaluation.unit_id is None:
        return assessment
    found = followup_findings(
        evaluation.unit_id, evaluation.year, evaluation.project, assessment.evaluation, assessment.scorecard
    )
    if not found:
        return assessment
    merged = sorted((*assessment.findings, *found), key=lambda f: _ORDER[f.severity.value])
    return dataclasses.replace(assessment, findings=tuple(merged))


def invalid(reason: str, path: str = "") -> DocumentInvalid:
    """The refusal of a document, its field named in Chinese."""
    return DocumentInvalid(reason, path, field=label_for(path) if path else "")


def assess_document(evaluation: Evaluation, document: Any) -> tuple[dict[str, Any], Assessment]:
    """The canonical document and its assessment under the evaluation's framework.

    :class:`DocumentInvalid` if the core refuses the document, or if its kind or year is not
    the evaluation's. The evaluation's framework record decides the scoring standard,
    whatever the document's own ``framework`` says.
    """
    try:
        core = engine.read_document(document)
    except DocumentError as error:
        raise invalid(error.message, error.path) from None
    if core.kind.value != evaluation.kind:
        wanted = EvaluationKind(evaluation.kind).label
        raise invalid(f"评价类型为“{core.kind.label}”，与本自评的“{wanted}”不一致", "kind")
    if core.year is not None and core.year != evaluation.year:
        raise invalid(f"年度为 {core.year}，与本自评的 {evaluation.year} 年度不一致", "year")
    core = dataclasses.replace(core, framework=evaluation.framework.framework_id)
    try:
        framework = engine.framework_of(evaluation.framework.yaml_text, str(evaluation.framework))
    except DocumentError as error:
        raise DocumentInvalid(f"评分标准“{evaluation.framework}”无效：{error}") from None
    return engine.canonical(core), with_targets(evaluation, engine.assess(core, framework, prior_items(evaluation)))


@dataclass(frozen=True)
class VersionView:
    """A version as the evaluation page shows it: the core's assessment, or why there is none."""

    version: EvaluationVersion
    assessment: Assessment | None
    error: str = ""

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.assessment.findings if self.assessment else ()

    @property
    def scorecard(self) -> Scorecard | None:
        return self.assessment.scorecard if self.assessment else None


def assess_version(evaluation: Evaluation, version: EvaluationVersion, document: Any = None) -> VersionView:
    """Score and check a version (or a document as posted) with the evaluation's framework."""
    try:
        framework = engine.framework_of(evaluation.framework.yaml_text, str(evaluation.framework))
        core = engine.read_document(version.document if document is None else document)
    except DocumentError as error:
        where = f"{label_for(error.path)}：" if error.path else ""
        return VersionView(version, None, f"{where}{error.message}")
    assessment = engine.assess(core, framework, prior_items(evaluation))
    return VersionView(version, with_targets(evaluation, assessment))
