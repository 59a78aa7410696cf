"""Enumerations whose members carry their Chinese label beside their stored value.

A member is written ``ACHIEVED = "achieved", "达成年度指标"``: the value is what files, the
database and the API store (English, stable), the label is what people read. The web
application takes its field choices from the same members (jixiao.web.choices).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Self


class Labelled(StrEnum):
    """A string enumeration with a Chinese ``label`` on every member."""

    label: str

    # ``label`` has a default only so that type checkers accept ``Tier("achieved")``, the
    # lookup of a member by its value; every member is defined with a label.
    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class LabelledInt(IntEnum):
    """The same for members whose values are numbers that order them (an answer scale)."""

    label: str

    def __new__(cls, value: int, label: str = "") -> Self:
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
