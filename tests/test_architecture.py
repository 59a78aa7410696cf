"""The import contract: which package may import which, and which library belongs where.

Packages are layered: core < ingest < reports < pipeline < cli | web. A package imports only
from the packages to its left; the command line and the web app never import each other
(README.md, section 项目结构). Inside the web app, the roles of its modules hold as well
(docs/web.md, section 代码结构): see the last part of this file.

Two views of the same rule: the source (every import statement in every module, including
imports inside functions) and the running interpreter (what importing actually loads, which
also catches imports hidden behind ``importlib``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"
CORE = SRC / "core"

#: What each package of jixiao may import from the others.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "ingest": frozenset({"core"}),
    "reports": frozenset({"core", "ingest"}),
    "pipeline": frozenset({"core", "ingest", "reports"}),
    "cli": frozenset({"core", "ingest", "reports", "pipeline"}),
    "web": frozenset({"core", "ingest", "reports", "pipeline"}),
    # Test support (synthetic evaluations for tests and bench/); nothing in the product imports it.
    "testing": frozenset({"core", "ingest"}),
}
#: Modules outside the packages: ``python -m jixiao`` is the command line; the root imports nothing.
PACKAGE_OF_MODULE = {"jixiao.__main__": "cli", "jixiao": "root"}
ALLOWED["root"] = frozenset()

#: Libraries that belong to one package only.
OWNED_LIBRARIES: dict[str, frozenset[str]] = {
    "rich": frozenset({"cli"}),
    "typer": frozenset({"cli"}),
    "django": frozenset({"web"}),
    "ninja": frozenset({"web"}),
    "axes": frozenset({"web"}),
    "django_htmx": frozenset({"web"}),
    # writing reports; reading written reports (jixiao.ingest.report_file); test files made from text
    "docx": frozenset({"reports", "ingest", "testing"}),
    "pdfminer": frozenset({"ingest"}),
    "pdfplumber": frozenset({"ingest"}),  # tables of PDF reports (jixiao.ingest.pdf_tables)
    "matplotlib": frozenset({"reports"}),
    "PIL": frozenset({"reports"}),
}

#: Libraries the core must never import (pure signatures, no I/O libraries), and outer layers.
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


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module an ``import`` statement in ``path`` names, relative imports made absolute."""
    module = module_name(path)
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


def forbidden(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def package_of(module: str) -> str:
    """``jixiao.web.evaluations.views`` → ``web``; ``jixiao.pipeline`` → ``pipeline``."""
    if module in PACKAGE_OF_MODULE:
        return PACKAGE_OF_MODULE[module]
    return module.split(".")[1]


def source_modules() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if "migrations" not in path.parts)


def _core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


# --- packages ---------------------------------------------------------------------------------


def test_every_module_belongs_to_a_known_package() -> None:
    packages = {package_of(module_name(path)) for path in source_modules()}
    assert {"core", "ingest", "reports", "pipeline", "cli", "web", "root"} <= packages
    assert packages <= set(ALLOWED), f"add the new package to ALLOWED: {sorted(packages - set(ALLOWED))}"


def wrong_packages(module: str, names: set[str]) -> list[str]:
    """The packages ``module`` imports from but may not."""
    own = package_of(module)
    used = {package_of(name) for name in names if name == "jixiao" or name.startswith("jixiao.")}
    return sorted(used - {own, "root"} - ALLOWED[own])  # anyone may read jixiao.__version__


def test_each_package_imports_only_the_packages_below_it() -> None:
    offences = {module_name(path): wrong_packages(module_name(path), imported_names(path)) for path in source_modules()}
    assert {module: wrong for module, wrong in offences.items() if wrong} == {}


def test_the_layer_rule_sees_an_offence() -> None:
    # A guard on the guard: the reports reaching the command line, the command line the web app
    # (even inside a function), the web app the command line.
    assert wrong_packages("jixiao.reports.api", names_in("from jixiao.cli.report import run_report", "jixiao.reports"))
    inside = "def f():\n    from ..web.evaluations import services\n"
    assert wrong_packages("jixiao.cli.app", names_in(inside, "jixiao.cli")) == ["web"]
    assert wrong_packages("jixiao.web.api", names_in("import jixiao.cli", "jixiao.web")) == ["cli"]
    assert wrong_packages("jixiao.pipeline", names_in("from jixiao import reports", "jixiao")) == []


def test_libraries_stay_in_the_package_that_owns_them() -> None:
    offences = {}
    for path in source_modules():
        module = module_name(path)
        own = package_of(module)
        wrong = sorted(
            name for name in imported_names(path) if own not in OWNED_LIBRARIES.get(name.split(".")[0], {own})
        )
        if wrong:
            offences[module] = wrong
    assert offences == {}


def test_nothing_in_the_product_imports_the_test_support() -> None:
    users = [
        module_name(path)
        for path in source_modules()
        if package_of(module_name(path)) != "testing"
        and any(forbidden(name, ("jixiao.testing",)) for name in imported_names(path))
    ]
    assert users == []


# --- the core ---------------------------------------------------------------------------------


def test_the_core_has_modules_to_check() -> None:
    assert len(_core_modules()) >= 8


def test_core_source_imports_no_framework_library_or_outer_layer() -> None:
    offences = {
        str(path.relative_to(SRC.parent)): sorted(
            name for name in imported_names(path) if forbidden(name, CORE_FORBIDDEN)
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
    assert forbidden("jixiao.ingest.loader", CORE_FORBIDDEN)
    assert not forbidden("yamlish", CORE_FORBIDDEN)


# --- what importing really loads --------------------------------------------------------------


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


def _modules_of(*packages: str) -> list[str]:
    """The importable modules of ``packages`` (a ``__main__`` would run the program instead)."""
    names = {module_name(path) for path in source_modules() if path.stem != "__main__"}
    return sorted(name for name in names if package_of(name) in packages)


def test_importing_every_core_module_loads_no_forbidden_module() -> None:
    loaded = _loaded_after_import(_modules_of("core"))
    assert "jixiao.core.scoring" in loaded
    assert [name for name in loaded if forbidden(name, CORE_FORBIDDEN)] == []


def test_importing_ingest_reports_and_pipeline_loads_no_terminal_or_web_library() -> None:
    loaded = _loaded_after_import(_modules_of("ingest", "reports", "pipeline"))
    assert {"jixiao.ingest.table", "jixiao.reports.docx_writer", "jixiao.pipeline"} <= set(loaded)
    assert [name for name in loaded if forbidden(name, ("rich", "typer", "django", "jixiao.cli", "jixiao.web"))] == []


def test_importing_the_cli_loads_neither_django_nor_the_web_layer() -> None:
    loaded = _loaded_after_import(_modules_of("cli"))
    assert {"typer", "jixiao.cli.app", "jixiao.cli.report"} <= set(loaded)  # the import really happened
    assert [name for name in loaded if forbidden(name, ("jixiao.web", "django"))] == []


# --- inside the web app -----------------------------------------------------------------------
# Each module of jixiao.web has a role by its name (docs/web.md, section 代码结构):
#   views     answer requests: views.py, *_views.py, surveys/public.py, api.py
#   presenters what several views show alike (page context, report downloads)
#   services  compute and write: services.py, assessments.py (score and check), importing.py
#   selectors only read
#   errors    what services refuse; they know no other web module
# View modules are imported by URL configurations only, so no view uses another as a library.

WEB = SRC / "web"
VIEW_NAMES = frozenset({"views", "public", "api"})
SERVICE_NAMES = frozenset({"services", "assessments", "importing"})
#: What reading cannot need: the modules that score and check.
SCORING = ("jixiao.web.evaluations.engine", "jixiao.web.evaluations.assessments", "jixiao.core.scoring",
           "jixiao.core.checks", "jixiao.pipeline")  # fmt: skip
#: Query methods that write.
WRITES = frozenset(
    {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
)


def web_role(module: str) -> str:
    last = module.rsplit(".", 1)[-1]
    if last in VIEW_NAMES or last.endswith("_views"):
        return "view"
    if last in SERVICE_NAMES:
        return "service"
    return {"selectors": "selector", "presenters": "presenter", "errors": "error", "urls": "urls"}.get(last, "other")


def _web_modules() -> dict[str, set[str]]:
    """Every web module (migrations aside) and the jixiao modules its source imports."""
    return {module_name(path): imported_names(path) for path in source_modules() if WEB in path.parents}


def _web_imports(names: set[str]) -> set[str]:
    """The web modules among ``names`` (``from jixiao.web.x import views`` names the module too)."""
    known = set(_web_modules())
    return {name for name in names if name in known}


def web_offences(module: str, names: set[str], source: str = "") -> list[str]:
    """How ``module`` (importing ``names``) breaks the roles, in words."""
    role = web_role(module)
    used = {name: web_role(name) for name in _web_imports(names) if name != module}
    found = [f"imports the view module {name}" for name, kind in used.items() if kind == "view" and role != "urls"]
    if role == "selector":
        found += [f"imports {name}" for name, kind in used.items() if kind in {"service", "presenter"}]
        found += [f"scores or checks through {name}" for name in sorted(names) if forbidden(name, SCORING)]
        found += [f"writes with .{call}()" for call in sorted(_method_calls(source) & WRITES)]
    if role == "service":
        found += [f"imports {name}" for name, kind in used.items() if kind == "presenter"]
    if role == "error":
        found += [f"imports {name}" for name in used]
    return sorted(found)


def _method_calls(source: str) -> set[str]:
    if not source:
        return set()
    return {
        node.func.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }


def test_the_web_modules_have_the_roles_the_rules_speak_of() -> None:
    roles: dict[str, set[str]] = {}
    for module in _web_modules():
        roles.setdefault(web_role(module), set()).add(module)
    assert {"jixiao.web.evaluations.views", "jixiao.web.evaluations.edit_views", "jixiao.web.api",
            "jixiao.web.surveys.public"} <= roles["view"]  # fmt: skip
    assert {"jixiao.web.evaluations.assessments", "jixiao.web.evaluations.importing"} <= roles["service"]
    assert "jixiao.web.evaluations.presenters" in roles["presenter"]
    assert {"jixiao.web.evaluations.selectors", "jixiao.web.reviews.selectors"} <= roles["selector"]
    assert "jixiao.web.evaluations.errors" in roles["error"]


def test_every_web_module_keeps_to_its_role() -> None:
    offences = {}
    for path in source_modules():
        if WEB not in path.parents:
            continue
        module = module_name(path)
        found = web_offences(module, imported_names(path), path.read_text("utf-8"))
        if found:
            offences[module] = found
    assert offences == {}


def test_the_web_rules_see_an_offence() -> None:
    # A guard on the guard: each rule fails on a module that breaks it, relative imports included.
    assert web_offences(
        "jixiao.web.reviews.views",
        names_in("from jixiao.web.evaluations.views import page_context", "jixiao.web.reviews"),
    ) == ["imports the view module jixiao.web.evaluations.views"]
    assert web_offences("jixiao.web.api", names_in("from .evaluations import edit_views", "jixiao.web")) == [
        "imports the view module jixiao.web.evaluations.edit_views"
    ]
    reading = "from jixiao.web.evaluations import engine, services\ndef f(e):\n    e.save()\n"
    assert web_offences("jixiao.web.evaluations.selectors", names_in(reading, "jixiao.web.evaluations"), reading) == [
        "imports jixiao.web.evaluations.services",
        "scores or checks through jixiao.web.evaluations.engine",
        "writes with .save()",
    ]
    editor = names_in("from jixiao.web.evaluations.editor import label_for", "jixiao.web.evaluations")
    assert web_offences("jixiao.web.evaluations.errors", editor) == ["imports jixiao.web.evaluations.editor"]
    presenting = names_in("from jixiao.web.evaluations.presenters import page_context", "jixiao.web.evaluations")
    assert web_offences("jixiao.web.surveys.services", presenting) == ["imports jixiao.web.evaluations.presenters"]
    assert web_offences("jixiao.web.evaluations.urls", names_in("from . import views", "jixiao.web.evaluations")) == []


def test_only_the_download_helper_names_files_for_the_browser() -> None:
    # One Content-Disposition builder (jixiao.web.responses), used by every download.
    users = sorted(
        module_name(path)
        for path in source_modules()
        if WEB in path.parents
        and path.stem != "responses"
        and ("Content-Disposition" in path.read_text("utf-8") or "FileResponse" in path.read_text("utf-8"))
    )
    assert users == []


def test_sizes_are_counted_in_the_named_unit() -> None:
    # 1 MB = jixiao.ingest.limits.MiB; no module spells it out again.
    def factors(node: ast.expr) -> list[object]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return factors(node.left) + factors(node.right)
        return [node.value if isinstance(node, ast.Constant) else None]

    def spelled(source: str) -> bool:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and node.value == 1048576:
                return True
            if isinstance(node, ast.BinOp) and factors(node).count(1024) >= 2:
                return True
        return False

    assert spelled("limit = 20 * 1024 * 1024") and spelled("x / 1048576") and not spelled("x = 1024")
    offenders = [module_name(path) for path in source_modules() if spelled(path.read_text("utf-8"))]
    assert offenders == ["jixiao.ingest.limits"]
