"""Satisfaction survey under load: 200 concurrent respondents against a real server on loopback.

Target (issue 5): p95 ≤ 200 ms, zero errors, every answer counted exactly once.

1. **Data** (not timed): a fresh instance directory (SQLite there, or ``DATABASE_URL``), the
   schema, one unit with a clean 部门整体 evaluation and an open survey from the three-group
   department template (服务对象 / 社会公众 / 协作部门, five questions).
2. **Server**: this file with ``--serve`` in a subprocess — Django's WSGI application on a
   threaded wsgiref server (what ``runserver`` runs) bound to 127.0.0.1, with a listen backlog
   large enough for the crowd; the product's settings unchanged (DEBUG off, CSRF, the device
   cookie, the database throttle). All respondents come from 127.0.0.1, so the per-client
   limit is raised for the run (``JIXIAO_SURVEY_RESPONSES_PER_CLIENT``); everything else
   is the production path.
3. **Respondents**: ``--respondents`` threads (default 200), started together behind a barrier.
   Each arrives at a random moment within ``--ramp`` seconds (people scan a poster over a few
   seconds, not in one instant), opens the public link of its group (GET: the CSRF and device
   cookies), reads for ``--think MIN MAX`` seconds (seeded; MIN ≥ ramp, so all 200 have the
   questionnaire open at the same time) and sends it (POST: levels drawn from a seeded
   distribution, sometimes a comment). Each uses its own connection. ``--ramp 0 --think 0 0``
   is the worst case, every request in the same instant. Bounded: ``--max-seconds`` for the
   whole crowd; the server (``--workers`` pre-forked processes) is stopped whatever happens.
4. **Check**: the database must hold exactly one response per accepted POST, and the answers
   counted per question and level must equal what was sent.

    .venv/bin/python bench/survey_load.py [--respondents 200] [--ramp 5] [--think 5 10] [--workers 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_survey_bench .venv/bin/python bench/survey_load.py

With PostgreSQL the named database is dropped and created empty first (never ``test``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION = re.compile(r'name="q(\d+)" value="5"')


def _document(demo: Any, unit_name: str) -> dict[str, Any]:
    """The demo's first unit's document (no P0 finding), under the benchmark unit's name."""
    document: dict[str, Any] = demo.document_for(demo.SPECS[0])
    document["unit"]["name"] = unit_name
    return document


def _environment(instance: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "jixiao.web.settings",
            "JIXIAO_INSTANCE_DIR": str(instance),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + "s" * 40,
            "JIXIAO_DEMO": "0",
            "JIXIAO_SECURE_COOKIES": "0",  # plain http on loopback
            "ALLOWED_HOSTS": "127.0.0.1",
            "JIXIAO_SURVEY_RESPONSES_PER_CLIENT": "1000000",
            "JIXIAO_LOG_LEVEL": "ERROR",
        }
    )


def _fresh_postgres() -> None:
    """With ``DATABASE_URL`` on PostgreSQL: (re)create that database empty for the run."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    base, _, name = url.partition("?")[0].rpartition("/")
    if name in {"", "test", "postgres", "template0", "template1"}:
        raise SystemExit(f"DATABASE_URL: use a database of its own for the benchmark (not “{name}”)")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


# --- the server (subprocess) ------------------------------------------------------------------


def serve(port: int, workers: int, warm: str) -> None:
    import django

    django.setup()
    from django.db import connections
    from django.test import Client

    # Warm up before forking (URLconf, compiled templates), as a server is warm in production;
    # then close the connection so that no worker inherits it.
    Client(HTTP_HOST="127.0.0.1").get(warm)
    connections.close_all()
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from django.core.wsgi import get_wsgi_application

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 1024  # the default 5 drops a crowd's connections into SYN retries

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = make_server("127.0.0.1", port, get_wsgi_application(), server_class=Server, handler_class=Quiet)
    # Pre-fork like gunicorn -w N: the workers share the listening socket; each opens its own
    # database connections (none is open yet), so the throttle and the unique constraints are
    # what keep them consistent, as in production.
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:
            httpd.serve_forever()
            os._exit(0)
        children.append(pid)
    signal.signal(signal.SIGTERM, lambda *_: [os.kill(child, signal.SIGTERM) for child in children] and sys.exit(0))
    print("ready", flush=True)
    httpd.serve_forever()


# --- data -----------------------------------------------------------------------------------------


def prepare() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from jixiao.core.model import EvaluationKind
    from jixiao.web.accounts.models import Bureau, Membership, Role, Unit
    from jixiao.web.evaluations import demo, services
    from jixiao.web.evaluations.models import FrameworkRecord
    from jixiao.web.surveys import services as surveys
    from jixiao.web.surveys.models import Survey

    bureau = Bureau.objects.create(name="压测区财政局")
    unit = Unit.objects.create(bureau=bureau, code="S001", name="压测区服务中心")
    user = get_user_model().objects.create_user("bench", password="bench-password-only")
    Membership.objects.create(user=user, role=Role.PREPARER, unit=unit)
    evaluation = services.evaluation_create(
        unit=unit,
        year=2021,
        kind=EvaluationKind.DEPARTMENT,
        framework=FrameworkRecord.objects.get(framework_id=demo.FRAMEWORK),
        by=user,
        document=_document(demo, unit.name),
    )
    survey = surveys.survey_create(evaluation=evaluation, blueprint="department", by=user)
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(
        state="open", opens_at=now - timezone.timedelta(hours=1), closes_at=now + timezone.timedelta(days=1)
    )
    return {"survey": survey.pk, "slugs": list(survey.groups.values_list("slug", flat=True))}


def counted(survey_pk: int) -> tuple[int, Counter[tuple[int, int]]]:
    from django.db.models import Count

    from jixiao.web.surveys.models import Answer, Response

    answers = Counter(
        {
            (question, level): n
            for question, level, n in Answer.objects.filter(response__survey_id=survey_pk)
            .values_list("question_id", "level")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )
    return Response.objects.filter(survey_id=survey_pk).count(), answers


# --- the crowd --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    get_ms: float | None = None
    post_ms: float | None = None
    error: str = ""
    sent: dict[int, int] = field(default_factory=dict)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def respondent(
    port: int, slug: str, seed: int, ramp: float, think: tuple[float, float], barrier: threading.Barrier
) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome()
    barrier.wait(timeout=60)
    time.sleep(rng.uniform(0, ramp))  # people scan the code over a few seconds, not in one instant
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        connection.request("GET", f"/s/{slug}/")
        page = connection.getresponse()
        body = page.read().decode()
        outcome.get_ms = (time.perf_counter() - started) * 1000
        if page.status != 200:
            outcome.error = f"GET {page.status}"
            return outcome
        jar = _cookies(page)
        token = CSRF.search(body)
        questions = [int(q) for q in QUESTION.findall(body)]
        if token is None or not questions:
            outcome.error = "page without form"
            return outcome
        time.sleep(rng.uniform(*think))
        outcome.sent = {q: rng.choices((5, 4, 3, 2, 1), weights=(40, 35, 15, 7, 3))[0] for q in questions}
        form = {"csrfmiddlewaretoken": token.group(1), **{f"q{q}": str(v) for q, v in outcome.sent.items()}}
        if rng.random() < 0.3:
            form["comment"] = rng.choice(["办事效率高", "希望延长办理时间", '=HYPERLINK("x")', "<b>很好</b>"])
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://127.0.0.1:{port}/s/{slug}/",
        }
        started = time.perf_counter()
        connection.request("POST", f"/s/{slug}/", body=urlencode(form), headers=headers)
        answer = connection.getresponse()
        answer.read()
        outcome.post_ms = (time.perf_counter() - started) * 1000
        if answer.status != 302:
            outcome.error = f"POST {answer.status}"
        connection.close()
    except (OSError, http.client.HTTPException) as error:
        outcome.error = f"{type(error).__name__}: {error}"
    return outcome


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)] if ordered else float("nan")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def report(args: argparse.Namespace, outcomes: list[Outcome], late: int, elapsed: float, survey: int) -> int:
    errors = [o.error for o in outcomes if o.error] + ["timeout"] * late
    gets = [o.get_ms for o in outcomes if o.get_ms is not None]
    posts = [o.post_ms for o in outcomes if o.post_ms is not None]
    accepted = [o for o in outcomes if not o.error and o.post_ms is not None]
    expected: Counter[tuple[int, int]] = Counter()
    for outcome in accepted:
        expected.update(outcome.sent.items())
    stored, answers = counted(survey)
    both = gets + posts
    print(
        f"survey load: {args.respondents} concurrent respondents, arrivals over {args.ramp:g} s, "
        f"reading {args.think[0]:g}–{args.think[1]:g} s, {args.workers} server process(es), seed {args.seed}"
    )
    print(f"  database        {os.environ.get('DATABASE_URL', 'sqlite (instance directory)').split('@')[-1]}")
    print(f"  wall time       {elapsed:.2f} s")
    print(f"  GET answer page p50 {statistics.median(gets):.1f} ms  p95 {p95(gets):.1f} ms  max {max(gets):.1f} ms")
    print(f"  POST answers    p50 {statistics.median(posts):.1f} ms  p95 {p95(posts):.1f} ms  max {max(posts):.1f} ms")
    print(f"  all requests    p95 {p95(both):.1f} ms  (target ≤ 200 ms)")
    print(f"  errors          {len(errors)}{'  ' + str(Counter(errors).most_common(3)) if errors else ''}")
    exact = stored == len(accepted) and answers == expected
    print(
        f"  counted         {stored} responses for {len(accepted)} accepted, answers per question/level "
        f"{'equal to those sent' if answers == expected else 'DIFFERENT from those sent'}"
    )
    ok = not errors and exact and p95(both) <= 200
    print("  result          " + ("OK" if ok else "NOT MET"))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--ramp", type=float, default=5.0, help="arrivals spread over this many seconds")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(5.0, 10.0),
        metavar=("MIN", "MAX"),
        help="reading time before sending (s); MIN ≥ ramp keeps all respondents open at once",
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (pre-fork, like gunicorn -w)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--instance", help=argparse.SUPPRESS)
    parser.add_argument("--warm", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _environment(Path(args.instance))
        serve(args.serve, args.workers, args.warm)
        return 0
    if not 1 <= args.respondents <= 1000:
        parser.error("--respondents: 1–1000")

    with tempfile.TemporaryDirectory(prefix="jixiao-survey-load-") as folder:
        instance = Path(folder)
        _environment(instance)
        _fresh_postgres()
        data = prepare()
        from django.db import connections

        connections.close_all()
        port = _free_port()
        slugs = [str(slug) for slug in data["slugs"]]  # type: ignore[attr-defined]
        server = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--serve",
                str(port),
                "--instance",
                str(instance),
                "--workers",
                str(args.workers),
                "--warm",
                f"/s/{slugs[0]}/",
            ],
            stdout=subprocess.PIPE,
            env=os.environ.copy(),
            cwd=ROOT,
        )
        try:
            assert server.stdout is not None
            if server.stdout.readline().strip() != b"ready":
                print("服务未能启动", file=sys.stderr)
                return 2
            barrier = threading.Barrier(args.respondents)
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.respondents) as pool:
                futures = [
                    pool.submit(
                        respondent,
                        port,
                        slugs[i % len(slugs)],
                        args.seed * 100_000 + i,
                        args.ramp,
                        tuple(args.think),
                        barrier,
                    )
                    for i in range(args.respondents)
                ]
                done, late = wait(futures, timeout=args.max_seconds)
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        return report(args, [f.result() for f in done], len(late), elapsed, int(data["survey"]))  # type: ignore[call-overload]


if __name__ == "__main__":
    sys.exit(main())
