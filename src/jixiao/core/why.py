"""Explanations and messages that render only when someone reads them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from jixiao.core.numbers import fmt


class Deferred:
    """A text written out only when read; equal to another when the two read the same."""

    __slots__ = ()

    def __str__(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))

    def __reduce__(self) -> tuple[type[Why], tuple[str, tuple[object, ...]]]:
        # Pickled as the text it reads (a Later's function need not travel).
        return (Why, (str(self), ()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Why(Deferred):
    """An explanation kept as a template and its figures, rendered only when read.

    Scoring a city's worth of indicators should not pay for formatting sentences that no
    one reads; ``str(why)`` gives the text (Decimals shown with :func:`fmt`). A plain
    slotted class (compiled to a native one): one is made for nearly every indicator row.
    """

    __slots__ = ("args", "template")

    def __init__(self, template: str, args: tuple[object, ...] = ()) -> None:
        self.template = template
        self.args = args

    def __str__(self) -> str:
        if not self.args:
            return self.template
        return self.template.format(*[fmt(a) if isinstance(a, Decimal) else a for a in self.args])


class Later(Deferred):
    """A text made by ``render(*args)`` when first read: for messages a template cannot say.

    The checker's messages show percentages, amounts with units and other explanations;
    keeping the function and its (immutable) inputs costs less than formatting them at once.
    """

    __slots__ = ("args", "render")

    def __init__(self, render: Callable[..., str], args: tuple[object, ...]) -> None:
        self.render = render
        self.args = args

    def __str__(self) -> str:
        return self.render(*self.args)
