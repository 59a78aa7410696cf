"""One 部门整体 evaluation with 50 indicators: score + check, per call.

Runs a warm-up, then N timed calls (time.perf_counter around each score + check) and prints
the median, p95 and max. Target: ≤ 5 ms per call.

    .venv/bin/python bench/single_evaluation.py [--runs 2000] [--seed 2021]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from jixiao.core.checks import check
from jixiao.core.scoring import score
from jixiao.ingest.framework_file import builtin_frameworks
from jixiao.testing.build import core_build
from jixiao.testing.synthetic import FIFTY, evaluation


def main() -> None:
    parser = argparse.ArgumentParser(description="单份部门整体评价（50 项指标）评分 + 审核耗时")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()

    print(f"核心模块：{core_build()}")
    subject = evaluation(random.Random(args.seed), "某区城市管理局", 2021, None, FIFTY)
    framework = builtin_frameworks()["dept-generic-2020"]
    card = score(subject, framework)
    findings = check(subject, framework, card)
    print(f"评价：{len(subject.indicators)} 项指标，总分 {card.total}，等级 {card.grade}，审核意见 {len(findings)} 条")

    for _ in range(min(200, args.runs)):  # warm-up: caches, allocator
        check(subject, framework, score(subject, framework))
    timings: list[float] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        check(subject, framework, score(subject, framework))
        timings.append(time.perf_counter() - started)
    timings.sort()
    median = statistics.median(timings) * 1000
    p95 = timings[int(len(timings) * 0.95) - 1] * 1000
    print(
        f"{args.runs} 次评分 + 审核：中位数 {median:.3f} ms，p95 {p95:.3f} ms，最大 {timings[-1] * 1000:.3f} ms"
        "（目标 ≤ 5 ms）"
    )


if __name__ == "__main__":
    main()
