"""Explanations and messages that render only when someone reads them."""

from __future__ import annotations

from collections.abc import Callable
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


class Later(NamedTuple):
    """A text made by ``render(*args)`` when first read: for messages a template cannot say.

    The checker's messages show percentages, amounts with units and other explanations;
    keeping the function and its (immutable) inputs costs less than formatting them at once.
    """

    render: Callable[..., str]
    args: tuple[object, ...]

    def __str__(self) -> str:
        return self.render(*self.args)
