"""Explanations and messages that render only when someone reads them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.numbers import fmt


class Deferred:
    """A text written out only when read; equal to a text (or another Deferred) that reads the same.

    Scoring and checking a city's worth of evaluations makes hundreds of thousands of
    explanations and findings that nobody reads one by one; keeping a template and its
    figures costs less than formatting the sentence at once.
    """

    __slots__ = ()

    def __str__(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred | str):
            return str(self) == str(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))  # the hash of the text it reads, so that it matches an equal str

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Why(Deferred):
    """An explanation kept as a ``str.format`` template and its figures (Decimals shown with :func:`fmt`)."""

    template: str
    args: tuple[object, ...] = ()

    def __str__(self) -> str:
        if not self.args:
            return self.template
        return self.template.format(*[fmt(a) if isinstance(a, Decimal) else a for a in self.args])


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Later(Deferred):
    """A text made by ``render(*args)`` when read: for messages a template cannot say.

    ``render`` is a module-level function, so a Later pickles (``jixiao check --workers``).
    """

    render: Callable[..., str]
    args: tuple[object, ...]

    def __str__(self) -> str:
        return self.render(*self.args)
