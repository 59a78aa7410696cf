"""Which build of the core a benchmark measured: the Python sources or the compiled wheel."""

from __future__ import annotations

from pathlib import Path

from jixiao.core import scoring


def core_build() -> str:
    """"源码" or "已编译（mypyc）", with the file the scoring module was loaded from."""
    where = Path(scoring.__file__ or "")
    if where.suffix == ".py":
        return f"源码（{where.name}）"
    return f"已编译（mypyc，JIXIAO_COMPILE=1 构建的 wheel：{where.name}）"
