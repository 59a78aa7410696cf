"""The one door between the web layer and the core: read, score and check a document.

Views and services never score anything themselves: they hand a document (the plain data of
``to_data``) to :func:`read_document` and the framework record to :func:`framework_of`, and
get back what the core computed. Parsed frameworks are cached per process by the hash of
their YAML, so an edited record is never served stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jixiao.core.checks import check
from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation as CoreEvaluation
from jixiao.core.rectification import PriorItem
from jixiao.core.scoring import Scorecard, score
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import parse_evaluation, to_data
from jixiao.ingest.framework_file import builtin_framework_sources, parse_framework
from jixiao.ingest.textfile import parse_yaml
from jixiao.reports.context import adopted_score


class DocumentError(Exception):
    """A document the core refuses, with the Chinese message and the field path it names."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path}：{message}" if path else message)
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Assessment:
    """An evaluation with what the core computed for it."""

    evaluation: CoreEvaluation
    framework: Framework
    scorecard: Scorecard
    findings: tuple[Finding, ...]
    #: last year's rectification items of the unit (the checker and the report's problems section read them)
    prior: tuple[PriorItem, ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity, for templates: ``counts.P0``."""
        return {severity.value: self.count(severity) for severity in Severity}

    @property
    def adopted(self) -> tuple[Decimal, str]:
        """The total and grade the unit adopts: its stated ones if it records them, else the computed ones."""
        return adopted_score(self.evaluation, self.scorecard, self.framework)

    @property
    def blocking(self) -> tuple[Finding, ...]:
        """P0 findings: they block submission."""
        return tuple(f for f in self.findings if f.severity is Severity.P0)


def read_document(data: Any) -> CoreEvaluation:
    """The core evaluation of a document; :class:`DocumentError` in Chinese if it is invalid."""
    try:
        return parse_evaluation(data)
    except InputError as error:
        raise DocumentError(error.message, error.location) from None


def canonical(evaluation: CoreEvaluation) -> dict[str, Any]:
    """The stored form of a document: what ``to_data`` writes (it round-trips)."""
    return to_data(evaluation)


def assess(evaluation: CoreEvaluation, framework: Framework, prior: Sequence[PriorItem] = ()) -> Assessment:
    """Score and check; ``prior`` are last year's rectification items of the unit (docs/results.md#rectification)."""
    card = score(evaluation, framework)
    return Assessment(evaluation, framework, card, check(evaluation, framework, card, prior), tuple(prior))


def framework_of(yaml_text: str, name: str = "") -> Framework:
    """The framework a record's YAML describes; :class:`DocumentError` if it is invalid."""
    return _parse_framework(hashlib.sha256(yaml_text.encode("utf-8")).hexdigest(), yaml_text, name)


@lru_cache(maxsize=128)
def _parse_framework(digest: str, yaml_text: str, name: str) -> Framework:
    try:
        return parse_framework(parse_yaml(yaml_text, name), name)
    except InputError as error:
        raise DocumentError(error.message, error.location) from None


@dataclass(frozen=True)
class BuiltinFramework:
    framework: Framework
    yaml_text: str


def builtin_framework_texts() -> tuple[BuiltinFramework, ...]:
    """The frameworks shipped in the package, with their YAML text (to store as records)."""
    return tuple(BuiltinFramework(framework, text) for framework, text in builtin_framework_sources())
