"""Each page type of the deadline week alone: what one request costs on a quiet server.

bench/deadline_week.py measures the pages under a crowd, where queueing for the two cores is most
of the time; this script asks for each page type one after another, in this process, through
Django's test client against the same PostgreSQL database (``jixiao_bench``, built by the first
deadline-week run), and prints the median and the fastest of ``--repeat`` requests, the SQL
queries each made, and the size of the answer. It is the figure to look at when a page gets
slower: the deadline week's server times are this cost times the crowd's queueing.

    .venv/bin/python bench/deadline_week.py --users 4 --minutes 0.2   # once: builds the database
    .venv/bin/python bench/page_costs.py                               # every page type
    .venv/bin/python bench/page_costs.py overview live                 # some of them
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import deadline_week  # noqa: E402  (bench/ on the path first)
import web_load  # noqa: E402


def _form(pairs: list[tuple[str, str]], changes: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Form pairs as the test client posts them (urlencoded, as browsers and htmx send forms)."""
    data: dict[str, list[str]] = {}
    for key, value in pairs:
        data.setdefault(key, []).append((changes or {}).get(key, value))
    return data


def pages() -> dict[str, Callable[[], Any]]:
    """Each page type as the deadline week's users ask for it, ready to call."""
    from urllib.parse import urlencode

    from django.contrib.auth import get_user_model
    from django.test import Client

    from jixiao.web.evaluations.models import Evaluation

    users = get_user_model()
    reviewer = Client()
    reviewer.force_login(users.objects.get(username="bench-shenhe-01"))
    visitor = Client()
    published = Evaluation.objects.filter(state="published", year=web_load.LAST_YEAR).order_by("pk")
    shown = published.values_list("pk", flat=True).first()
    draft, code = (
        Evaluation.objects.filter(year=web_load.LAST_YEAR, kind="department", state="draft")
        .exclude(unit__code="100001")
        .order_by("unit__code")
        .values_list("pk", "unit__code")
        .first()
        or (0, "")
    )
    preparer = Client()
    preparer.force_login(users.objects.get(username=f"{code}-tianbao"))
    editor = f"/evaluations/{draft}/edit/indicators/"
    form = web_load.form_pairs(preparer.get(editor).content.decode(), "editor-form")
    urlencoded = "application/x-www-form-urlencoded"
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "score-panel"}
    saves = iter(range(10**6))
    body = [""]

    def next_save() -> None:
        """Not timed: the form as the editor page now shows it (its lock version), a new value."""
        pairs = web_load.form_pairs(preparer.get(editor).content.decode(), "editor-form")
        value = str(60 + next(saves) % 40)
        body[0] = urlencode(_form(pairs, {"indicators[0].actual": value}), doseq=True)

    def save() -> Any:
        return preparer.post(editor, body[0], content_type=urlencoded)

    save.prepare = next_save  # type: ignore[attr-defined]

    typed = urlencode(_form(form), doseq=True)
    live = f"/evaluations/{draft}/live/indicators/"
    return {
        "editor": lambda: preparer.get(editor),
        "live": lambda: preparer.post(live, typed, content_type=urlencoded, **htmx),
        "save": save,
        "overview": lambda: reviewer.get("/review/"),
        "overview_projects": lambda: reviewer.get("/review/?kind=project"),
        "evaluation": lambda: reviewer.get(f"/evaluations/{shown}/"),
        "portal_year": lambda: visitor.get(f"/public/{web_load.LAST_YEAR}/"),
        "portal_detail": lambda: visitor.get(f"/public/evaluations/{shown}/"),
        "portal_search": lambda: visitor.get(f"/public/{web_load.LAST_YEAR}/?q=单位"),
    }


def measure(name: str, ask: Callable[[], Any], repeat: int) -> None:
    from django.db import connection

    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    prepare = getattr(ask, "prepare", lambda: None)  # untimed work before each request (a save's form)
    prepare()
    answer = ask()  # warm: templates compiled, connection open, copies made
    expected = 302 if name == "save" else 200
    if answer.status_code != expected:
        raise SystemExit(f"{name}：答复 {answer.status_code}，应为 {expected}")
    prepare()
    with connection.execute_wrapper(count):
        ask()
    times = []
    for _ in range(repeat):
        prepare()
        started = time.perf_counter()
        ask()
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"{web_load.pad(name, 20, left=True)}{statistics.median(times):9.1f} ms{min(times):9.1f} ms"
        f"{len(queries):7d}{len(answer.content) / 1024:9.1f} KiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="申报截止周各类页面单独请求的耗时（中位数、最快）与查询数")
    parser.add_argument("only", nargs="*", help="只测这些页面")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", deadline_week.DEFAULT_DATABASE)
    postgres = web_load.postgres_from_env()
    if postgres is None:
        raise SystemExit("本测试只用 PostgreSQL：DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench")
    instance = Path(tempfile.mkdtemp(prefix="jixiao-page-costs-"))
    os.environ.update(web_load.server_env(instance, postgres.url, secrets.token_urlsafe(50)))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('accounts_unit') IS NOT NULL")
        row = cursor.fetchone()
    if not row or not row[0]:
        raise SystemExit("库中没有数据：先运行一次 bench/deadline_week.py（会生成 1 000 个单位的数据）")
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)  # migrations added since the database was built
    print(f"机器：{os.cpu_count()} 核，负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}；每类页面 {args.repeat} 次")
    print(f"{web_load.pad('页面', 20, left=True)}{'中位数':>12}{'最快':>11}{'查询':>7}{'大小':>13}")
    for name, ask in pages().items():
        if not args.only or name in args.only:
            measure(name, ask, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
