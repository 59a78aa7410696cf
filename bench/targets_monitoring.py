"""The monitoring overview and the lights for a bureau of 200 units × 5,000 projects × 10 indicators.

Targets (issue 12, docs/targets.md#lights): the overview page (lights for all projects) server time
p95 ≤ 300 ms with a number of queries independent of the number of projects; computing all lights
≤ 1 s.

Data (not timed): a throw-away instance directory (SQLite, or ``DATABASE_URL``); a small bureau
(``--small-units`` units) and a large one (``--units`` units), each unit with ``--projects`` approved
declarations of 10 indicators, one monitoring round (1—7月) with a report per declaration whose
budget and indicator values come from a seeded generator. Rows are inserted with ``bulk_create``.

Timed:
- the lights of all projects in the core (:func:`jixiao.core.targets.lights_for` on parsed
  reports), ``--repeats`` times;
- ``services.recompute_round`` for the large round: reading every report and declaration
  document, the lights, the monitoring rulebook and one ``bulk_update`` (what a change of the
  bureau's thresholds costs);
- the overview page through Django's test client in this process (the server's time, no
  socket), ``--requests`` times after one warm-up, and its number of queries for both bureaus.

    .venv/bin/python bench/targets_monitoring.py [--units 200] [--projects 25] [--requests 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

INDICATORS = (
    ("产出指标", "数量指标", "完成数量", "≥{n}个", "个"),
    ("产出指标", "数量指标", "覆盖人数", "≥{n}人", "人"),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "%"),
    ("产出指标", "质量指标", "抽查达标率", "≥90%", "%"),
    ("产出指标", "时效指标", "按时完成率", "100%", "%"),
    ("产出指标", "成本指标", "成本控制数", "≤{m}万元", "万元"),
    ("效益指标", "社会效益指标", "受益群众比例", "≥80%", "%"),
    ("效益指标", "可持续影响指标", "设施完好率", "≥95%", "%"),
    ("效益指标", "经济效益指标", "带动就业人数", "≥{k}人", "人"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "%"),
)


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


def _declaration(unit: str, project: str, request: int, rng: random.Random) -> dict[str, Any]:
    n, m, k = rng.randint(10, 500), request, rng.randint(5, 50)
    rows = [
        {"l1": l1, "l2": l2, "name": name, "target": target.format(n=n, m=m, k=k), "unit": unit_of}
        for l1, l2, name, target, unit_of in INDICATORS
    ]
    return {"schema": "jixiao/declaration@1", "kind": "project", "year": 2025, "unit": unit, "project": project,
            "annual_goal": "按计划完成", "funds": {"request": str(request), "fiscal": str(request)},
            "indicators": rows}  # fmt: skip


def _report(declaration: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    request = int(declaration["funds"]["request"])
    spent = round(request * rng.uniform(0.2, 0.8), 2)
    items = []
    for row in declaration["indicators"]:
        likelihood = rng.choices(("certain", "possible", "impossible"), (80, 15, 5))[0]
        target = row["target"].lstrip("≥≤")
        items.append({"name": row["name"], "to_date": target, "expected": target, "likelihood": likelihood,
                      "reasons": ["plan"] if likelihood != "certain" else [],
                      "measures": "加快进度" if likelihood == "impossible" else ""})  # fmt: skip
    return {"year": 2025, "month": 7, "round": "2025年1—7月", "unit": declaration["unit"],
            "project": declaration["project"], "budget": {"initial": str(request), "spent": str(spent)},
            "indicators": items}  # fmt: skip


def populate(name: str, units: int, projects: int, reviewer: Any, rng: random.Random) -> Any:
    from jixiao.web.accounts.models import Bureau, Membership, Role, Unit
    from jixiao.web.targets.models import Declaration, MonitoringReport, MonitoringRound

    bureau = Bureau.objects.create(name=name)
    Membership.objects.create(user=reviewer, role=Role.REVIEWER, bureau=bureau)
    made = Unit.objects.bulk_create(
        Unit(bureau=bureau, code=f"{bureau.pk:02d}{i:05d}", name=f"{name}第{i}单位") for i in range(units)
    )
    declarations = Declaration.objects.bulk_create(
        Declaration(
            unit=unit,
            year=2025,
            kind="project",
            project=f"项目{p}",
            status="approved",
            document=_declaration(unit.name, f"项目{p}", rng.randint(20, 2000), rng),
        )
        for unit in made
        for p in range(projects)
    )
    opened = MonitoringRound.objects.create(bureau=bureau, year=2025, month=7, name="2025年1—7月", opened_by=reviewer)
    MonitoringReport.objects.bulk_create(
        (MonitoringReport(round=opened, declaration=d, unit=d.unit, document=_report(d.document, rng), submitted=True)
         for d in declarations), batch_size=1000,
    )  # fmt: skip
    return opened


def measure_core(opened: Any, repeats: int) -> tuple[list[float], int]:
    """The lights of every project of a round computed by the core from parsed reports (ms per pass)."""
    from jixiao.core.targets import lights_for
    from jixiao.core.targets.monitoring import LightRules, with_targets
    from jixiao.ingest.targets_file import parse_declaration, parse_monitoring
    from jixiao.web.targets.models import MonitoringReport

    rows = list(MonitoringReport.objects.filter(round=opened).values_list("document", "declaration__document"))
    reports = [with_targets(parse_monitoring(r), parse_declaration(d)) for r, d in rows]
    rules = LightRules()
    times = []
    lights = []
    for _ in range(repeats):
        started = time.perf_counter()
        lights = [lights_for(report, rules) for report in reports]
        times.append((time.perf_counter() - started) * 1000)
    return times, sum(1 for light in lights if light.overall.value == "red")


def measure_page(reviewer: Any, rounds: tuple[Any, Any], requests: int) -> tuple[list[float], dict[str, Any]]:
    """The overview's server time for the last round, and (projects, queries, bytes) for each round."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(reviewer)
    counts = {}
    for opened in rounds:
        url = f"/targets/monitoring/{opened.pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        counts[opened.bureau.name] = (opened.reports.count(), len(queries.captured_queries), len(response.content))
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times, counts


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--projects", type=int, default=25, help="projects per unit")
    parser.add_argument("--small-units", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="jixiao-targets-bench-"))
    _environment(instance)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from jixiao.web.targets import services

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    began = time.perf_counter()
    reviewer = get_user_model().objects.create_user("bench-reviewer", password="bench-password-123456")
    small = populate("小区财政局", args.small_units, args.projects, reviewer, rng)
    large = populate("大区财政局", args.units, args.projects, reviewer, rng)
    projects = args.units * args.projects
    print(f"数据：{args.small_units} + {args.units} 个单位 × {args.projects} 个项目 × 10 项指标"
          f"（{time.perf_counter() - began:.1f} 秒，不计时）")  # fmt: skip

    core_times, reds = measure_core(large, args.repeats)

    # 2. recomputing the whole round as the web app does (documents read, lights, rulebook, one bulk update)
    started = time.perf_counter()
    count = services.recompute_round(large)
    recompute = (time.perf_counter() - started) * 1000
    services.recompute_round(small)

    # 3. the overview page
    times, counts = measure_page(reviewer, (small, large), args.requests)

    database = os.environ.get("DATABASE_URL", "sqlite（实例目录）").split("@")[-1]
    print(f"数据库：{database}；load average {os.getloadavg()[0]:.2f}（{os.cpu_count()} 核）")
    print(f"核心算灯（{projects} 个项目 × 10 项指标，{args.repeats} 次）：中位 {statistics.median(core_times):.0f} ms，"
          f"最大 {max(core_times):.0f} ms（目标 ≤ 1000 ms）；红灯 {reds} 个")  # fmt: skip
    print(f"整轮重新亮灯（读文档、算灯、审核、批量写回 {count} 行）：{recompute:.0f} ms")
    print(f"监控汇总页（{projects} 个项目，{args.requests} 次）：服务端时间 p50 {statistics.median(times):.1f} ms，"
          f"p95 {p95(times):.1f} ms，最大 {max(times):.1f} ms（目标 p95 ≤ 300 ms）")  # fmt: skip
    for name, (n, queries, size) in counts.items():
        print(f"  {name}：{n} 个项目，查询 {queries} 次，页面 {size / 1024:.0f} KB")
    same = len({queries for _, queries, _ in counts.values()}) == 1
    print(f"  查询次数与项目数无关：{'是' if same else '否'}")
    ok = p95(times) <= 300 and same and max(core_times) <= 1000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
