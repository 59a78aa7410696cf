"""Documents as plain data: field paths, flattening, and the field-level diff of the history.

A path is what the core's findings and errors name: ``budget.executed``,
``indicators[3].target``, ``narrative.problems[0].cause``.
"""

from __future__ import annotations

import copy
import re
from typing import Any

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

Scalar = str | int | float | bool | None


def split_path(path: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _TOKEN.findall(path)]


def get_path(data: Any, path: str, default: Any = None) -> Any:
    node = data
    for part in split_path(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a value in nested dicts, creating them; ``None`` removes the key (empty = not stated)."""
    parts = split_path(path)
    node: Any = data
    for part in parts[:-1]:
        if not isinstance(part, str):
            raise ValueError(f"set_path supports only dict keys: {path}")
        if not isinstance(node.get(part), dict):
            if value is None:
                return
            node[part] = {}
        node = node[part]
    last = parts[-1]
    if not isinstance(last, str):
        raise ValueError(f"set_path supports only dict keys: {path}")
    if value is None:
        node.pop(last, None)
    else:
        node[last] = value


def prune(data: Any) -> Any:
    """Drop empty strings, lists and dicts (the file format leaves empty fields out)."""
    if isinstance(data, dict):
        pruned = {key: prune(value) for key, value in data.items()}
        return {key: value for key, value in pruned.items() if value not in (None, "", [], {})}
    if isinstance(data, list):
        return [prune(value) for value in data]
    return data


def flatten(data: Any, prefix: str = "") -> dict[str, Scalar]:
    """Every leaf of a document by path."""
    leaves: dict[str, Scalar] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            leaves.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            leaves.update(flatten(value, f"{prefix}[{index}]"))
    else:
        leaves[prefix] = data
    return leaves


def diff(before: Any, after: Any) -> dict[str, list[Scalar]]:
    """``{path: [before, after]}`` for every leaf that changed (``None`` = absent)."""
    old, new = flatten(before), flatten(after)
    changes: dict[str, list[Scalar]] = {}
    for path in sorted(old.keys() | new.keys(), key=_natural):
        a, b = old.get(path), new.get(path)
        if a != b:
            changes[path] = [a, b]
    return changes


def _natural(path: str) -> list[Any]:
    return [(0, part, 0) if isinstance(part, str) else (1, "", part) for part in split_path(path)]


def clone(data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(data)
