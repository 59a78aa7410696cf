"""Opt-in compiled build of the scoring and checking core (everything else is in pyproject.toml).

A normal install — ``pip install -e .``, ``make run``, ``make test`` — installs the Python
sources only. A release build may compile the modules below to C with mypyc, as mypy does
for itself with ``MYPY_USE_MYPYC``: set ``JIXIAO_COMPILE=1`` and build a wheel from an
environment that has mypy (a dev dependency) and a C compiler::

    JIXIAO_COMPILE=1 .venv/bin/pip wheel --no-build-isolation --no-deps -w dist .

The compiled modules are the same code, about twice as fast on batches (docs/performance.md).
The modules that hold classes pydantic validates (model, values, framework) stay Python.
"""

from __future__ import annotations

import os

from setuptools import setup

COMPILED = (
    "compare",
    "numbers",
    "why",
    "findings",
    "metrics",
    "rules",
    "scoring",
    "checks/__init__",
    "checks/codes",
    "checks/context",
    "checks/arithmetic",
    "checks/design",
    "checks/imports",
    "checks/narrative",
    "checks/plausibility",
    "checks/satisfaction",
)


def _extensions() -> list[object]:
    if os.environ.get("JIXIAO_COMPILE") != "1":
        return []
    from mypyc.build import mypycify  # only a compile build needs mypy

    return list(mypycify([f"src/jixiao/core/{name}.py" for name in COMPILED], opt_level="3", group_name="jixiao_core"))


setup(ext_modules=_extensions())
