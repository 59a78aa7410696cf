"""The compiled build of the scoring and checking modules, and the fallback to their sources.

``pip install`` compiles the modules in :data:`NATIVE` with mypyc (setup.py): the same code,
about twice as fast, which is what lets one process score and check a city's evaluations in
seconds. The ``.py`` files stay the source of truth. Before anything in ``jixiao.core`` is
imported, :func:`activate` makes sure a compiled module is used only when it was built from
the very sources beside it: the sha256 of every ``.py`` of ``jixiao.core`` (the compiled
modules and the uncompiled ones they were type-checked against) is recorded at build time
in ``_native.json`` and compared here;
otherwise — a source edited since the last build, a half-finished build, ``JIXIAO_PURE=1`` —
every module of ``jixiao.core`` is imported from its ``.py`` file, with a warning unless asked
for. Compiled modules call each other directly, so it is all of them or none.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

#: The modules setup.py compiles (it reads this list from this file), relative to jixiao/core.
NATIVE = (
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
MANIFEST = "_native.json"
GROUP_LIBRARY = "jixiao_core__mypyc"
_HERE = Path(__file__).parent
_PACKAGE = "jixiao.core"


class Status:
    """What :func:`activate` chose for this process."""

    mode = "source"  # "compiled" or "source"
    reason = ""  # why the sources are used although a compiled build lies beside them


status = Status()


def compiled_files(here: Path = _HERE) -> list[Path]:
    """The compiled modules lying beside their sources."""
    found = []
    for name in NATIVE:
        stem = here / name
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = stem.with_name(stem.name + suffix)
            if candidate.exists():
                found.append(candidate)
    return found


def _extension_files(here: Path) -> list[Path]:
    return [path for suffix in importlib.machinery.EXTENSION_SUFFIXES for path in here.rglob(f"*{suffix}")]


def source_digests(here: Path = _HERE) -> dict[str, str]:
    """The sha256 of every source of ``jixiao.core``, by its path ("checks/design.py")."""
    return {
        path.relative_to(here).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(here.rglob("*.py"))
    }


def stale_reason(here: Path = _HERE, environ: dict[str, str] | None = None) -> str | None:
    """Why the compiled modules must not be used (``None``: use them, or there are none)."""
    env = os.environ if environ is None else environ
    if env.get("JIXIAO_PURE") == "1":
        return "JIXIAO_PURE=1"
    found = compiled_files(here)
    if not found:
        return None
    if len(found) < len(NATIVE):
        return f"编译模块不全（{len(found)}/{len(NATIVE)}）"
    stray = [path for path in _extension_files(here) if path not in found]
    if stray:  # left by an earlier build whose list was longer: it would shadow its source
        return f"多余的编译模块 {stray[0].relative_to(here)}"
    try:
        recorded = json.loads((here / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"缺少编译清单 {MANIFEST}"
    if not isinstance(recorded, dict):
        return f"编译清单 {MANIFEST} 格式不对"
    current = source_digests(here)
    for name in sorted(recorded.keys() | current.keys()):
        if name not in current:
            return f"{name} 在编译之后被删除"
        if recorded.get(name) != current[name]:
            return f"{name} 在编译之后被修改过" if name in recorded else f"{name} 在编译之后新增"
    return None


class SourceFinder:
    """Imports every module of ``jixiao.core`` from its ``.py`` file, never a compiled one."""

    def __init__(self, here: Path = _HERE) -> None:
        self._here = here

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if not fullname.startswith(f"{_PACKAGE}."):
            return None
        stem = self._here.joinpath(*fullname.split(".")[2:])
        package = stem / "__init__.py"
        if package.is_file():
            return importlib.util.spec_from_file_location(fullname, package, submodule_search_locations=[str(stem)])
        source = stem.with_name(f"{stem.name}.py")
        if source.is_file():
            return importlib.util.spec_from_file_location(fullname, source)
        return None


def activate() -> None:
    """Choose compiled or source modules for this process; called once by ``jixiao.core``."""
    problem = stale_reason()
    if problem is None and compiled_files():
        try:
            importlib.import_module(GROUP_LIBRARY)
        except ImportError as error:
            problem = f"编译库无法载入（{error}）"
        else:
            status.mode = "compiled"
            return
    if problem is None:
        return  # nothing compiled: the ordinary import finds the sources
    status.reason = problem
    if not any(isinstance(finder, SourceFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, SourceFinder())
    if problem != "JIXIAO_PURE=1":
        warnings.warn(
            f"jixiao.core 的编译模块未使用：{problem}；改用源码（较慢）。重新安装即可重新编译："
            "pip install -e . 或 make",
            RuntimeWarning,
            stacklevel=3,
        )
