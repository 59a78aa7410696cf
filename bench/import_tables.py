"""Benchmark: import 1,000 real-layout self-evaluation tables, then score and check them.

    .venv/bin/python bench/import_tables.py [--count 1000] [--workers N] [--keep DIR]

Generates varied .xlsx tables from the eight real cases (src/jixiao/testing/tables/tables.yaml: title
variants, offsets, cover sheets, "10分" cells, formulas) into a temporary directory, then times
(a) openpyxl.load_workbook alone over every file, in one process, opened as read_table opens
them (read-only, cached values), and (b) read_table + score + check over every file on all
cores (ProcessPoolExecutor). Prints both times and their ratio. Target: (b) ≤ 30 s for 1,000.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import openpyxl

from jixiao.core.checks import check
from jixiao.core.model import Evaluation, EvaluationKind
from jixiao.core.scoring import score
from jixiao.ingest.errors import InputError
from jixiao.ingest.framework_file import resolve_framework
from jixiao.ingest.limits import MiB
from jixiao.ingest.table import read_table
from jixiao.testing import tablegen

DEFAULT_FRAMEWORKS = {EvaluationKind.PROJECT: "mof-2020-project", EvaluationKind.DEPARTMENT: "dept-generic-2020"}


def generate(job: tuple[int, str, int]) -> str:
    """Write table number ``index`` (a varied copy of one case) into ``folder``."""
    index, folder, seed = job
    rng = random.Random(seed * 100_003 + index)
    case_id = rng.choice(tablegen.case_ids())
    spec = tablegen.variant(case_id, rng)
    path, _ = tablegen.write_case(f"{index:04d}-{case_id}", Path(folder), spec=spec)
    return str(path)


def load_only(paths: Sequence[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False).close()


def import_score_check(path: str) -> tuple[int, int, int]:
    """(indicators, findings, 1 if the file was refused) for one table."""
    try:
        evaluation: Evaluation = read_table(path)
    except InputError:
        return 0, 0, 1
    framework = resolve_framework(evaluation.framework, DEFAULT_FRAMEWORKS[evaluation.kind])
    card = score(evaluation, framework)
    findings = check(evaluation, framework, card)
    return len(evaluation.indicators), len(findings), 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=20220518)
    parser.add_argument("--keep", type=Path, help="write the tables here instead of a temporary directory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor(args.workers) as pool:
            started = time.perf_counter()
            jobs = [(i, str(folder), args.seed) for i in range(args.count)]
            paths = list(pool.map(generate, jobs, chunksize=20))
            made = time.perf_counter() - started
            size = sum(Path(p).stat().st_size for p in paths)
            print(f"生成 {len(paths)} 张自评表（.xlsx，共 {size / MiB:.1f} MB）：{made:.1f} s，{args.workers} 进程")

            started = time.perf_counter()
            load_only(paths)
            load_time = time.perf_counter() - started

            started = time.perf_counter()
            results = list(pool.map(import_score_check, paths, chunksize=10))
            full_time = time.perf_counter() - started
    indicators = sum(r[0] for r in results)
    findings = sum(r[1] for r in results)
    refused = sum(r[2] for r in results)
    what = "read_table + score + check"
    print(f"(a) openpyxl.load_workbook 单进程：{load_time:.2f} s（{1000 * load_time / len(paths):.1f} ms/张）")
    print(f"(b) {what}，{args.workers} 进程：{full_time:.2f} s（{1000 * full_time / len(paths):.1f} ms/张）")
    print(f"    (b) ÷ (a) = {full_time / load_time:.2f}")
    print(f"    指标 {indicators} 条，审核意见 {findings} 条，拒绝 {refused} 个文件")
    target = 30 * len(paths) / 1000
    print(f"    目标 ≤ {target:.0f} s：{'达到' if full_time <= target else '未达到'}")
    return 0 if refused == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
