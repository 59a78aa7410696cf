"""The bureau's analytics page and the results application for 1 000 units × 5 years.

Targets (issue 13, docs/results.md#analytics): analytics page server time p95 ≤ 300 ms, queries
independent of the number of units, payload ≤ 300 KB; building the results application for
1 000 units ≤ 1 s.

Data (not timed): a throw-away instance directory (SQLite, or ``DATABASE_URL``); two bureaus, one
of ``--small`` units and one of ``--units`` units, each unit with a 部门整体 evaluation for each of
``--years`` years. Rows are inserted with ``bulk_create``: summary columns (total, grade, adopted
score, execution rate) drawn from a seeded generator, a document holding the budget the
application reads, three finding-code tallies per version and a bureau re-evaluation of 5%.

Timed: the analytics page through Django's test client in this process (middleware, view,
queries, template: the server's time, no socket), ``--requests`` times after one warm-up; the
number of queries for the small and the large bureau; the page's size. Then
``services.application_build`` for the large bureau's latest year, ``--builds`` times.

    .venv/bin/python bench/results_load.py [--units 1000] [--years 5] [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

GRADE_LINES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
CODES = ("TOTAL_MISMATCH", "ALL_FULL_MARKS", "TARGET_VAGUE", "REQUIRED_L2_MISSING", "DEVIATION_NOTE_MISSING")


def _environment(instance: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "jixiao.web.settings",
            "JIXIAO_INSTANCE_DIR": str(instance),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + "s" * 40,
            "JIXIAO_DEMO": "0",
            "ALLOWED_HOSTS": "testserver",
            "JIXIAO_LOG_LEVEL": "ERROR",
        }
    )


def _grade(total: Decimal) -> str:
    return next(grade for line, grade in GRADE_LINES if total >= line)


def _populate(name: str, units: int, years: list[int], rng: random.Random) -> Any:
    from jixiao.web.accounts.models import Bureau, Unit
    from jixiao.web.evaluations.models import Evaluation, EvaluationVersion, FrameworkRecord
    from jixiao.web.results.models import FindingTally, ReEvaluation

    framework = FrameworkRecord.objects.order_by("pk").first()
    bureau = Bureau.objects.create(name=name)
    made = Unit.objects.bulk_create(
        Unit(bureau=bureau, code=f"{bureau.pk:02d}{i:05d}", name=f"{name}第{i}单位") for i in range(units)
    )
    latest = max(years)
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            unit=unit,
            year=year,
            kind="department",
            framework=framework,
            state="approved" if year == latest else "published",
        )
        for unit in made
        for year in years
    )
    versions = []
    for evaluation in evaluations:
        total = Decimal(rng.randint(5500, 9900)) / 100
        adopted = min(Decimal(100), total + Decimal(rng.choice((0, 0, 0, 200, 500, 800))) / 100)
        budget = Decimal(rng.randint(5000, 500000)) / 100
        versions.append(
            EvaluationVersion(
                evaluation=evaluation,
                number=1,
                frozen=True,
                document={"budget": {"adjusted": str(budget), "carryover": str(Decimal(rng.randint(0, 3000)) / 100)}},
                total=total,
                grade=_grade(total),
                adopted_total=adopted,
                adopted_grade=_grade(adopted),
                execution_rate=Decimal(rng.randint(6000, 11500)) / 100,
                p1_count=3,
            )
        )
    versions = EvaluationVersion.objects.bulk_create(versions)
    for evaluation, version in zip(evaluations, versions, strict=True):
        evaluation.current_version = version
    Evaluation.objects.bulk_update(evaluations, ["current_version"], batch_size=1000)
    FindingTally.objects.bulk_create(
        FindingTally(version=version, code=code, severity="P1", count=1)
        for version in versions
        for code in rng.sample(CODES, 3)
    )
    return bureau, [e for e in evaluations if rng.random() < 0.05], ReEvaluation


def prepare(args: argparse.Namespace, reviewer: Any) -> tuple[Any, Any]:
    from jixiao.web.accounts.models import Membership, Role

    rng = random.Random(args.seed)
    years = list(range(args.last_year - args.years + 1, args.last_year + 1))
    bureaus = []
    for name, units in (("小区财政局", args.small), ("大区财政局", args.units)):
        bureau, sampled, re_evaluation = _populate(name, units, years, rng)
        re_evaluation.objects.bulk_create(
            re_evaluation(
                evaluation=evaluation,
                reviewer=reviewer,
                document={},
                total=Decimal(rng.randint(5000, 9500)) / 100,
                self_total=Decimal(rng.randint(7000, 10000)) / 100,
            )
            for evaluation in sampled
        )
        Membership.objects.create(user=reviewer, role=Role.REVIEWER, bureau=bureau)
        bureaus.append(bureau)
    return bureaus[0], bureaus[1]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--last-year", type=int, default=2024)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="jixiao-results-bench-"))
    _environment(instance)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    reviewer = get_user_model().objects.create_user("bench-reviewer", password="bench-password-123456")
    small, large = prepare(args, reviewer)
    took = time.perf_counter() - started
    print(f"数据：{args.small} + {args.units} 个单位 × {args.years} 年（{took:.1f} 秒，不计时）")
    return measure(args, reviewer, small, large)


def measure(args: argparse.Namespace, reviewer: Any, small: Any, large: Any) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from jixiao.web.results import services

    client = Client()
    client.force_login(reviewer)
    url = "/results/analytics/"
    counts = {}
    for bureau in (small, large):
        client.get(url, {"bureau": bureau.pk})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"bureau": bureau.pk})
        assert response.status_code == 200, response.status_code
        counts[bureau.name] = (len(queries.captured_queries), len(response.content))
    times = []
    for _ in range(args.requests):
        began = time.perf_counter()
        response = client.get(url, {"bureau": large.pk})
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    builds = []
    for _ in range(args.builds):
        began = time.perf_counter()
        application = services.application_build(by=reviewer, bureau=large, year=args.last_year)
        builds.append((time.perf_counter() - began) * 1000)
    lines = application.lines.count()

    database = os.environ.get("DATABASE_URL", "sqlite（实例目录）").split("@")[-1]
    print(f"数据库：{database}；load average {os.getloadavg()[0]:.2f}（{os.cpu_count()} 核）")
    print(f"绩效分析页（{args.units} 个单位 × {args.years} 年，{args.requests} 次）：")
    print(
        f"  服务端时间 p50 {statistics.median(times):.1f} ms，p95 {p95(times):.1f} ms，最大 {max(times):.1f} ms"
        f"（目标 p95 ≤ 300 ms）"
    )
    for name, (queries, size) in counts.items():
        print(f"  {name}：查询 {queries} 次，页面 {size / 1024:.1f} KB（目标 ≤ 300 KB）")
    same = len({queries for queries, _ in counts.values()}) == 1
    print(f"  查询次数与单位数无关：{'是' if same else '否'}")
    print(
        f"结果应用清单（{lines} 行，{args.builds} 次）：中位 {statistics.median(builds):.0f} ms，"
        f"最大 {max(builds):.0f} ms（目标 ≤ 1000 ms）"
    )
    ok = p95(times) <= 300 and same and max(size for _, size in counts.values()) <= 300 * 1024 and max(builds) <= 1000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
