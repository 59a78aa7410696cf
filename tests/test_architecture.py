"""The import contract: the core is pure Python, the command line never reaches the web layer.

Two views of the same rule: the source (every import statement in every module, including
imports inside functions) and the running interpreter (what importing actually loads,
which also catches imports hidden behind ``importlib``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"
CORE = SRC / "core"

#: Libraries and layers the core must never import (design.md: pure signatures, no I/O libraries).
CORE_FORBIDDEN = (
    "django",
    "openpyxl",
    "docx",
    "matplotlib",
    "PIL",
    "rich",
    "typer",
    "yaml",
    "pydantic",
    "jixiao.ingest",
    "jixiao.reports",
    "jixiao.web",
    "jixiao.cli",
    "jixiao.pipeline",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module an ``import`` statement in ``path`` names, relative imports made absolute."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    return names_in(path.read_text("utf-8"), package)


def names_in(source: str, package: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_core_has_modules_to_check() -> None:
    assert len(_core_modules()) >= 8


def test_core_source_imports_no_framework_library_or_outer_layer() -> None:
    offences = {
        str(path.relative_to(SRC.parent)): sorted(
            name for name in imported_names(path) if _forbidden(name, CORE_FORBIDDEN)
        )
        for path in _core_modules()
    }
    assert {path: names for path, names in offences.items() if names} == {}


def test_relative_and_function_level_imports_are_seen() -> None:
    # A guard on the guard: "from ..ingest import loader" inside jixiao.core names jixiao.ingest,
    # and an import hidden inside a function counts too.
    source = "def f():\n    from ..ingest import loader\n    import yaml\n"
    names = names_in(source, "jixiao.core")
    assert {"jixiao.ingest", "jixiao.ingest.loader", "yaml"} <= names
    assert _forbidden("jixiao.ingest.loader", CORE_FORBIDDEN)
    assert not _forbidden("yamlish", CORE_FORBIDDEN)


def _loaded_after_import(modules: list[str]) -> list[str]:
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout)
    return loaded


def test_importing_every_core_module_loads_no_forbidden_module() -> None:
    modules = sorted({_module_name(path) for path in _core_modules()})
    loaded = _loaded_after_import(modules)
    assert "jixiao.core.scoring" in loaded
    assert [name for name in loaded if _forbidden(name, CORE_FORBIDDEN)] == []


def test_cli_source_never_imports_the_web_layer() -> None:
    for path in (SRC / "cli.py", SRC / "pipeline.py"):
        names = imported_names(path)
        assert [name for name in names if _forbidden(name, ("jixiao.web", "django"))] == [], path


def test_importing_the_cli_loads_neither_django_nor_the_web_layer() -> None:
    checks = pytest.importorskip("jixiao.core.checks", reason="the checker (jixiao.core.checks) is not merged yet")
    if not hasattr(checks, "check"):
        pytest.skip("jixiao.core.checks.check() is not merged yet; the CLI imports it")
    loaded = _loaded_after_import(["jixiao.cli"])
    assert "typer" in loaded  # the import really happened
    assert [name for name in loaded if _forbidden(name, ("jixiao.web", "django"))] == []


def test_pipeline_stays_free_of_terminal_libraries() -> None:
    # The pipeline is shared with the web app: Rich and Typer belong to the command line only.
    names = imported_names(SRC / "pipeline.py")
    assert [name for name in names if _forbidden(name, ("rich", "typer", "django"))] == []
