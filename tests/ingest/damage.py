"""Helpers for the loader fuzz tests: every place in a nested document, and replacing one."""

from __future__ import annotations

from typing import Any


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every node (the root included) in nested dicts and lists."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


def put(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    """``node`` with the value at ``path`` replaced (the root path replaces everything)."""
    if not path:
        return value
    target = node
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return node
