"""Explanations that render only when someone reads them."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from jixiao.core.numbers import fmt


class Why(NamedTuple):
    """An explanation kept as a template and its figures, rendered only when read.

    Scoring a city's worth of indicators should not pay for formatting sentences that no
    one reads; ``str(why)`` gives the text (Decimals shown with :func:`fmt`).
    """

    template: str
    args: tuple[object, ...] = ()

    def __str__(self) -> str:
        if not self.args:
            return self.template
        return self.template.format(*[fmt(a) if isinstance(a, Decimal) else a for a in self.args])
