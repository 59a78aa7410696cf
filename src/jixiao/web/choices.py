"""Enumerations with Chinese labels that are also Django field choices.

Plain ``StrEnum`` (like the core's ``EvaluationKind``) rather than Django's ``TextChoices``, so
that mypy types them without django-stubs: each subclass gives its labels in ``label``,
``State.choices()`` feeds a model field, ``State("draft")`` reads a stored value.
"""

from __future__ import annotations

from enum import StrEnum


class Choices(StrEnum):
    @property
    def label(self) -> str:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> set[str]:
        return {member.value for member in cls}
