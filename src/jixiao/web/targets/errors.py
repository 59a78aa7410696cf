"""What the targets services refuse, with a Chinese message the page shows as it is."""

from __future__ import annotations


class TargetsError(Exception):
    """A refusal the user can act on; ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RoundClosed(TargetsError):
    """The monitoring round was closed while the unit was editing: its typed values are kept on the page."""
