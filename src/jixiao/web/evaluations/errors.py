"""What the services refuse, with a Chinese message the page shows as it is."""

from __future__ import annotations

from jixiao.core.findings import Finding


class ServiceError(Exception):
    """A refusal the user can act on; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentInvalid(ServiceError):
    """The core refused the document; ``path`` names the field, ``field`` is its Chinese name
    (the message starts with it), ``reason`` says why.

    The raiser names the field (``assessments.invalid``): errors know nothing of the editor.
    """

    def __init__(self, reason: str, path: str = "", *, field: str = "") -> None:
        super().__init__(f"{field}：{reason}" if field else reason)
        self.reason = reason
        self.path = path
        self.field = field


class EditConflict(ServiceError):
    """Someone else changed the evaluation since the page was loaded (optimistic lock)."""


class TransitionRefused(ServiceError):
    """The evaluation's state does not allow the action."""


class SubmissionBlocked(ServiceError):
    """P0 findings block submission; ``findings`` lists them."""

    def __init__(self, findings: tuple[Finding, ...]) -> None:
        lines = "；".join(f"{f.message}" for f in findings[:5])
        more = f"；另有 {len(findings) - 5} 项" if len(findings) > 5 else ""
        super().__init__(f"有 {len(findings)} 项 P0（阻断）问题，不能提交：{lines}{more}")
        self.findings = findings
