"""Findings (审核意见): what the checker reports."""

from __future__ import annotations

from enum import StrEnum

from jixiao.core.why import Later, Why


class Severity(StrEnum):
    """P0 blocks submission, P1 must be explained, P2 is advice (domain.md §5)."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"

    @property
    def label(self) -> str:
        return {"P0": "阻断", "P1": "须说明", "P2": "提示"}[self.value]


class Finding:
    """One finding: a stable code, a severity, a Chinese message and the field it concerns.

    ``message`` may be given as a :class:`Why` or :class:`Later` and is then written out on
    first read: a city's batch makes some 175 000 findings that mostly nobody reads one by one.
    A plain slotted class rather than a frozen dataclass because it is built on the checker's
    hot path, where a frozen ``__init__`` costs several times more; treat it as immutable.
    Equality and hashing use the message as read.
    """

    __slots__ = ("_message", "code", "path", "severity", "source")

    def __init__(
        self, code: str, severity: Severity, message: str | Why | Later, path: str = "", source: str = ""
    ) -> None:
        self.code = code  # stable identifier, e.g. "BUDGET_OVERSPENT" (docs/checks.md lists them)
        self.severity = severity
        self._message = message  # Chinese, with the figures involved
        self.path = path  # the field it concerns: "budget.executed", "indicators[3].weight"
        self.source = source  # where the figure came from: "自评表!D7"

    @property
    def message(self) -> str:
        message = self._message
        if not isinstance(message, str):
            message = self._message = str(message)  # rendered once; the inputs are immutable
        return message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message, "path": self.path}

    def _key(self) -> tuple[str, Severity, str, str, str]:
        return (self.code, self.severity, self.message, self.path, self.source)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[Finding], tuple[str, Severity, str, str, str]]:
        # Explicit, so that the compiled build (which has no instance __dict__) pickles the same
        # way as the source one: to other processes of `jixiao check`, to caches.
        return (Finding, self._key())

    def __repr__(self) -> str:
        return (
            f"Finding(code={self.code!r}, severity={self.severity!r}, message={self.message!r}, "
            f"path={self.path!r}, source={self.source!r})"
        )
