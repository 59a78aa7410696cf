"""Findings (审核意见): what the checker reports."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.core.labels import Labelled
from jixiao.core.why import Deferred


class Severity(Labelled):
    """P0 blocks submission, P1 must be explained, P2 is advice (docs/field.md#review)."""

    P0 = "P0", "阻断"
    P1 = "P1", "须说明"
    P2 = "P2", "提示"


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: a stable code, a severity, a Chinese message and the field it concerns.

    The checker may give the message as a :class:`Why` or :class:`Later`, written out only when
    read (:attr:`message`): a city's batch makes some 175 000 findings that mostly nobody reads
    one by one. Two findings are equal when they read the same.
    """

    code: str  # stable identifier, e.g. "BUDGET_OVERSPENT" (docs/checks.md lists them)
    severity: Severity
    text: str | Deferred  # Chinese, with the figures involved
    path: str = ""  # the field it concerns: "budget.executed", "indicators[3].weight"
    source: str = ""  # where the figure came from: "自评表!D7"

    @property
    def message(self) -> str:
        return str(self.text)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message, "path": self.path}
