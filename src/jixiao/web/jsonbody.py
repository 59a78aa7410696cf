"""Reading JSON people send (API bodies, the editor's hidden row data): bounded, Chinese errors.

A body is already size-limited by Django (``DATA_UPLOAD_MAX_MEMORY_SIZE``, 5 MB: a larger one
is refused with 413). Here its nesting depth is limited too (``MAX_DEPTH``): an evaluation file
is a few levels deep, and a body nested 100 000 levels would otherwise exhaust Python's
recursion in the parser or in any code that walks the document. Numbers with a fraction become
Decimals (never binary floats); ``NaN`` and ``Infinity`` are not JSON numbers and are refused.
The figures themselves are bounded where the document is read (docs/file-formats.md#bounds).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final

#: Deepest nesting of objects and lists accepted (an evaluation file needs about 5).
MAX_DEPTH: Final = 32


class JsonBodyError(ValueError):
    """A body that is not acceptable JSON; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse_constant(name: str) -> Any:
    raise JsonBodyError(f"“{name}”不是合法的 JSON 数字（请写有限的数字，如 1464.48）")


def loads(raw: bytes | str) -> Any:
    """The JSON in ``raw``; :class:`JsonBodyError` if it is not JSON, too deep, or holds NaN/Infinity."""
    try:
        data = json.loads(raw or b"null", parse_float=Decimal, parse_constant=_refuse_constant)
    except RecursionError:
        raise JsonBodyError(f"JSON 嵌套层数过多（最多 {MAX_DEPTH} 层）") from None
    except JsonBodyError:
        raise
    except UnicodeDecodeError:
        raise JsonBodyError("请求内容不是 UTF-8 编码的 JSON") from None
    except ValueError as error:  # json.JSONDecodeError, or an integer of more than 4300 digits
        raise JsonBodyError(f"请求内容不是合法的 JSON：{_plain(error)}") from None
    if depth(data) > MAX_DEPTH:
        raise JsonBodyError(f"JSON 嵌套层数过多（最多 {MAX_DEPTH} 层）")
    return data


def _plain(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"第 {error.lineno} 行第 {error.colno} 列附近格式有误"
    return "数字位数过多"


def depth(data: Any) -> int:
    """How deeply ``data`` nests objects and lists (a scalar is 0, ``{"a": [1]}`` is 2); no recursion."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
        if level + 1 <= MAX_DEPTH:  # deeper than the limit: no need to look further
            pending.extend((child, level + 1) for child in children)
    return deepest
