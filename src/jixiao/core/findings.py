"""Findings (审核意见): what the checker reports."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """P0 blocks submission, P1 must be explained, P2 is advice (domain.md §5)."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"

    @property
    def label(self) -> str:
        return {"P0": "阻断", "P1": "须说明", "P2": "提示"}[self.value]


@dataclass(frozen=True)
class Finding:
    code: str  # stable identifier, e.g. "BUDGET_OVERSPENT" (docs/checks.md lists them)
    severity: Severity
    message: str  # Chinese, with the figures involved
    path: str = ""  # the field it concerns: "budget.executed", "indicators[3].weight"
    source: str = ""  # where the figure came from: "自评表!D7"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message, "path": self.path}
