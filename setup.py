"""Build hook: the scoring and checking part of ``jixiao.core`` compiled to C with mypyc.

Everything else lives in pyproject.toml. The compiled modules are an accelerator only: the
same ``.py`` files are the source of truth, and ``jixiao.core`` falls back to them (with a
warning) when the compiled build is missing, broken or older than the sources — see
``src/jixiao/core/native.py``. ``JIXIAO_PURE=1`` at install time skips the compilation.

Without a C compiler (or ``Python.h``) the build falls back to installing the sources alone.
The modules in ``native.NATIVE`` must not hold classes that pydantic validates (model, values and
framework): a compiled class has no ``__dict__`` for pydantic to fill, and its annotations
no longer carry the field types.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent
CORE = HERE / "src" / "jixiao" / "core"


def _native() -> ModuleType:
    """src/jixiao/core/native.py (standard library only), loaded without installing jixiao."""
    spec = importlib.util.spec_from_file_location("_jixiao_native_build", CORE / "native.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Which modules to compile, and how the sources they were built from are recorded: kept in
# jixiao.core.native, which also decides at run time whether the build can be used.
native = _native()


class BuildWithManifest(build_ext):
    """Also write which sources the compiled modules were built from (sha256 of each core source)."""

    def run(self) -> None:
        # A module compiled by an earlier build but no longer listed would shadow its source.
        wanted = {f"{name}." for name in native.NATIVE}
        for built in CORE.rglob("*.so"):
            if not any(str(built.relative_to(CORE)).startswith(stem) for stem in wanted):
                built.unlink()
        (CORE / native.MANIFEST).unlink(missing_ok=True)  # trusted again only once this build succeeds
        try:
            super().run()
        except Exception as error:  # no C compiler, no Python.h, …: the sources still work
            print(f"jixiao: 未能编译核心模块（{error}），将以源码运行（较慢）", file=sys.stderr)
            return
        text = json.dumps(native.source_digests(CORE), indent=1, sort_keys=True) + "\n"
        manifest = native.MANIFEST
        targets = [CORE / manifest] if self.inplace else [Path(self.build_lib) / "jixiao" / "core" / manifest]
        if not self.inplace and getattr(self.distribution, "editable_mode", False):
            targets.append(CORE / manifest)
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def _extensions() -> list[object]:
    if os.environ.get("JIXIAO_PURE") == "1":
        return []
    try:
        from mypyc.build import mypycify

        return list(
            mypycify(
                [f"src/jixiao/core/{name}.py" for name in native.NATIVE],
                opt_level="3",
                group_name="jixiao_core",
            )
        )
    except (Exception, SystemExit) as error:  # mypyc reports type errors by exiting
        # The sources work without compilation, only slower: install them as they are.
        print(f"jixiao: 未编译核心模块（{error!r}），将以源码运行", file=sys.stderr)
        return []


modules = _extensions()
setup(ext_modules=modules, cmdclass={"build_ext": BuildWithManifest} if modules else {})
