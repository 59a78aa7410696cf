"""Pydantic validation of core dataclasses with Chinese errors that name the field path.

The core model stays free of pydantic: a ``TypeAdapter`` validates plain data straight into
the frozen dataclasses, and :func:`validate` translates pydantic's errors.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError

from jixiao.ingest.errors import InputError

T = TypeVar("T")

_MESSAGES = {
    "missing": "缺少必填字段",
    "missing_argument": "缺少必填字段",
    "unexpected_keyword_argument": "未知字段（可能拼写有误），请删除或更正",
    "extra_forbidden": "未知字段（可能拼写有误），请删除或更正",
    "decimal_parsing": "应为数字，如 1464.48",
    "decimal_type": "应为数字，如 1464.48",
    "finite_number": "应为有限的数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "bool_parsing": "应为是/否（true/false）",
    "bool_type": "应为是/否（true/false）",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "tuple_type": "应为列表",
    "list_type": "应为列表",
    "dataclass_type": "应为键值对（对象）",
    "dataclass_args_type": "应为键值对（对象）",
    "dict_type": "应为键值对（对象）",
    "enum": "取值无效",
    "literal_error": "取值无效",
}


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


#: Unknown keys are errors, at any depth: a misspelt ``absolut: true`` must not be dropped
#: silently. Pydantic only takes a config for a wrapping type (the core dataclasses stay
#: free of pydantic), and nested dataclasses inherit it, so each class is validated as the
#: single member of a tuple.
_STRICT_KEYS = ConfigDict(extra="forbid")


def adapter(cls: type[T]) -> TypeAdapter[tuple[T]]:
    """One TypeAdapter per class: building one costs milliseconds, so keep it."""
    found = _ADAPTERS.get(cls)
    if found is None:
        found = _ADAPTERS[cls] = TypeAdapter(tuple[cls], config=_STRICT_KEYS)  # type: ignore[valid-type]
    return found


def path_of(loc: tuple[int | str, ...]) -> str:
    """('indicators', 3, 'target') → 'indicators[3].target'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def validate(cls: type[T], data: Any, file: str, prefix: str = "") -> T:
    try:
        return adapter(cls).validate_python((data,))[0]
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])[1:]  # drop the wrapping tuple's index
        message = _MESSAGES.get(first["type"], "取值无效")
        if first["type"] == "enum":
            expected = (first.get("ctx") or {}).get("expected", "")
            message = f"取值无效，可选：{expected}"
        found = first.get("input")
        if first["type"] not in {"missing", "missing_argument"} and isinstance(found, (str, int)):
            message += f"（现为“{str(found)[:40]}”）"
        more = len(error.errors()) - 1
        if more:
            message += f"；另有 {more} 处错误"
        location = ".".join(p for p in (prefix, path_of(loc)) if p)
        raise InputError(message, file=file, location=location) from None
