"""Django field choices from the core's labelled enumerations (:mod:`jixiao.core.labels`).

The web application's own enumerations (states, roles, audit actions …) are written the same
way as the core's — ``DRAFT = "draft", "草稿"`` — so a model field takes
``choices=choices(State)`` and the database keeps the English value.
"""

from __future__ import annotations

from jixiao.core.labels import Labelled


def choices(members: type[Labelled]) -> list[tuple[str, str]]:
    """(stored value, Chinese label) for every member, in definition order."""
    return [(member.value, member.label) for member in members]


def values(members: type[Labelled]) -> frozenset[str]:
    """The stored values, to test a submitted one before looking it up."""
    return frozenset(member.value for member in members)
