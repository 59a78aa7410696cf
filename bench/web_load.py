"""The web application under load: 1 000 units, 20 000 evaluations, a real server on loopback.

Targets (issue 4): editor page and live-score round trip p95 ≤ 50 ms server time; bureau
overview page (all 1 000 units) p95 ≤ 300 ms; and the ratio of each to a bare Django view
on the same server.

What it does:

1. **Data** (not timed). A database under ``--dir`` (default ``$TMPDIR/jixiao-web-load``) with
   one bureau, ``--units`` units and ``--per-unit`` evaluations each (ten years × 部门整体 and
   项目 by default: 1 000 × 20 = 20 000), each a synthetic but realistic document of 10, 12 or
   15 indicators from ``jixiao.testing.synthetic`` (seeded). Every document goes through the same
   code as a save (``assessments.assess_document``: the core reads, scores and checks it, and
   ``services._summarize`` writes the summary columns), then rows are inserted with
   ``bulk_create``. States are spread as a city would have them (the latest year in every
   state, older years published). The database is reused while its stamp (data version,
   sizes, seed, jixiao version) matches; otherwise it is rebuilt.
2. **Server**. Django's development server on 127.0.0.1 in a subprocess
   (``bench/web_load_site/serve.py``: what ``runserver --noreload`` runs — threaded wsgiref,
   HTTP/1.1 keep-alive — plus TCP_NODELAY on accepted sockets, as production servers set it;
   gunicorn is not a dependency) with the settings of ``bench/web_load_site``: the product's
   settings unchanged (DEBUG off, the product's middleware, CONN_MAX_AGE as ``DATABASE_URL``
   says) plus a first middleware that times the request inside the server and reports it as
   ``Server-Timing``, and a bare view answering "ok" — the baseline.
3. **Requests**. A preparer and a finance reviewer log in through the login form. Then, round
   robin so that a busy machine affects every endpoint alike, ``--requests`` times each: the
   bare view; the editor page (绩效指标 section); the live score (the htmx POST of the editor
   form with an indicator's actual value changed, as when typing); the bureau overview (all
   units, the latest year); and, for information, the evaluation page. A warm-up round is
   not counted.

Two times per request: **server** (from the Server-Timing header: every middleware, the view,
the queries and the template, i.e. what a faster WSGI server would not change) and **round
trip** (the client's ``perf_counter`` around send and read, through the socket and
runserver's wsgiref handling). The ratio is to the bare view's time of the same kind.

    .venv/bin/python bench/web_load.py [--units 1000] [--per-unit 20] [--requests 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench .venv/bin/python bench/web_load.py --drop

With PostgreSQL the named database is created if missing (never ``test`` — the test suite's)
and, with ``--drop``, dropped at the end. Loopback only; every loop is bounded (``--requests``,
``--max-seconds``); the server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
DATA_VERSION = "1"
LAST_YEAR = 2021
PASSWORD = "jixiao-bench-2021"
BUREAU = "某市财政局（性能测试）"
HOST = "127.0.0.1"

#: Indicator weights (产出, 效益, 满意度) of the generated documents: 10, 12 or 15 indicators, 90 分.
SHAPES = (
    ([10, 8, 8, 8, 8, 8], [10, 10, 10], [10]),
    ([8, 7, 7, 7, 7, 7, 7], [8, 8, 7, 7], [10]),
    ([6, 6, 6, 6, 6, 5, 5, 5, 5], [6, 6, 6, 6, 6], [10]),
)
#: States of the latest year's evaluations (weights); the year before is mostly published.
LATEST_STATES = (("draft", 30), ("submitted", 10), ("signed", 15), ("returned", 5), ("approved", 10), ("published", 30))

TARGETS_MS = {"editor": 50.0, "live": 50.0, "overview": 300.0}


# --- settings and database -------------------------------------------------------------------------


def server_env(instance: Path, database_url: str, secret: str) -> dict[str, str]:
    """The environment of this process and of the server: product settings, bench additions."""
    env = dict(os.environ)
    env |= {
        "DJANGO_SETTINGS_MODULE": "web_load_site",
        "JIXIAO_INSTANCE_DIR": str(instance),
        "SECRET_KEY": secret,
        "JIXIAO_DEMO": "0",
        "DEBUG": "0",
        "JIXIAO_SECURE_COOKIES": "0",  # plain http on loopback
        "ALLOWED_HOSTS": HOST,
        "JIXIAO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH_DIR), env.get("PYTHONPATH", "")) if p),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


@dataclass(frozen=True)
class Postgres:
    url: str

    @property
    def name(self) -> str:
        return unquote(urlsplit(self.url).path.lstrip("/"))

    def _maintenance(self) -> Any:
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(
            host=parts.hostname or HOST,
            port=parts.port or 5432,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or "") or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    def check_name(self) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.name) or self.name == "test" or self.name.startswith("test_"):
            raise SystemExit(f"数据库名“{self.name}”不可用：请用单独的库名（如 jixiao_bench），test 留给测试")

    def exists(self) -> bool:
        with self._maintenance() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.name,)).fetchone() is not None

    def create(self) -> None:
        with self._maintenance() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with self._maintenance() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def stamp_of(args: argparse.Namespace) -> str:
    import jixiao

    version = getattr(jixiao, "__version__", "?")
    return f"data {DATA_VERSION}; units {args.units}; per unit {args.per_unit}; seed {args.seed}; jixiao {version}"


def read_stamp() -> str | None:
    from django.db import DatabaseError, connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT stamp FROM jixiao_bench_stamp")
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return row[0] if row else None


def write_stamp(stamp: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS jixiao_bench_stamp (stamp VARCHAR(300) NOT NULL)")
        cursor.execute("DELETE FROM jixiao_bench_stamp")
        cursor.execute("INSERT INTO jixiao_bench_stamp (stamp) VALUES (%s)", [stamp])


def prepare_database(args: argparse.Namespace, postgres: Postgres | None) -> tuple[bool, float]:
    """Reuse the database if its stamp matches, else rebuild it. (rebuilt?, seconds)."""
    from django.core.management import call_command
    from django.db import connections

    stamp = stamp_of(args)
    if read_stamp() == stamp:
        call_command("migrate", verbosity=0, interactive=False)  # migrations added since apply to the same data
        analyze(postgres)
        return False, 0.0
    connections.close_all()
    if postgres is not None:
        postgres.drop()
        postgres.create()
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{connections['default'].settings_dict['NAME']}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    build(args)
    write_stamp(stamp)
    analyze(postgres)
    return True, time.perf_counter() - started


def analyze(postgres: Postgres | None) -> None:
    """PostgreSQL: planner statistics, as autovacuum would gather them shortly after a bulk load.

    Without them the planner guesses one row per condition and joins the overview's 1 000
    evaluations to the bureau's units in a nested loop (≈ 90 ms instead of ≈ 10 ms). SQLite is
    left as Django leaves it (no ANALYZE).
    """
    if postgres is None:
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the generated city -----------------------------------------------------------------------------


def build(args: argparse.Namespace) -> None:
    """One bureau, its units and their evaluations; summaries computed as a save computes them."""
    from jixiao.web.accounts.models import Bureau, Unit
    from jixiao.web.evaluations.services import framework_sync_builtin

    framework_sync_builtin()
    bureau = Bureau.objects.create(name=BUREAU, region="某省某市")
    units = Unit.objects.bulk_create(
        [Unit(bureau=bureau, code=f"{100001 + i}", name=f"第{i + 1:04d}号预算单位") for i in range(args.units)]
    )
    staff = _people(bureau, units)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    chunk = 25
    for first in range(0, len(units), chunk):
        made = [
            _generated(rng, unit, staff[first + offset], k, is_bench_unit=first + offset == 0)
            for offset, unit in enumerate(units[first : first + chunk])
            for k in range(args.per_unit)
        ]
        _insert(made)
        done = min(first + chunk, len(units))
        if done % 100 == 0 or done == len(units):
            elapsed = time.perf_counter() - started
            print(f"  已生成 {done}/{len(units)} 个单位（{done * args.per_unit} 份自评），{elapsed:.0f} s", flush=True)


def _people(bureau: Any, units: list[Any]) -> list[Any]:
    """A preparer for each unit (no password), and the two accounts the bench logs in with."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from jixiao.web.accounts.models import Membership, Role

    user_model = get_user_model()
    unusable = make_password(None)
    staff = user_model.objects.bulk_create(
        [user_model(username=f"{u.code}-tianbao", first_name=f"{u.name}填报员", password=unusable) for u in units]
    )
    Membership.objects.bulk_create(
        [Membership(user=user, role=Role.PREPARER, unit=unit) for user, unit in zip(staff, units, strict=True)]
    )
    preparer = user_model.objects.create_user("bench-tianbao", password=PASSWORD, first_name="测试填报人")
    Membership.objects.create(user=preparer, role=Role.PREPARER, unit=units[0])
    reviewer = user_model.objects.create_user("bench-shenhe", password=PASSWORD, first_name="测试审核人")
    Membership.objects.create(user=reviewer, role=Role.REVIEWER, bureau=bureau)
    return staff


@lru_cache(maxsize=1)
def _frameworks() -> dict[str, Any]:
    from jixiao.web.evaluations.models import FrameworkRecord

    return {
        "department": FrameworkRecord.objects.get(framework_id="dept-generic-2020"),
        "project": FrameworkRecord.objects.get(framework_id="mof-2020-project"),
    }


def _generated(rng: random.Random, unit: Any, user: Any, k: int, *, is_bench_unit: bool) -> tuple[Any, list[Any]]:
    """The k-th evaluation of a unit (year LAST_YEAR - k // 2, 部门整体 then 项目), unsaved, with its versions."""
    from django.utils import timezone

    from jixiao.core.model import EvaluationKind
    from jixiao.ingest.evaluation_file import to_data
    from jixiao.testing.synthetic import evaluation as synthetic_evaluation
    from jixiao.web.evaluations.assessments import assess_document
    from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
    from jixiao.web.evaluations.services import _summarize
    from jixiao.web.evaluations.workflow import EDITABLE, State

    year = LAST_YEAR - k // 2
    kind = EvaluationKind.DEPARTMENT if k % 2 == 0 else EvaluationKind.PROJECT
    if year == LAST_YEAR:
        states, weights = zip(*LATEST_STATES, strict=True)
        state = State(rng.choices(states, weights)[0])
    elif year == LAST_YEAR - 1:
        state = State.PUBLISHED if rng.random() < 0.9 else State.APPROVED
    else:
        state = State.PUBLISHED
    if is_bench_unit and year == LAST_YEAR:
        state = State.DRAFT  # what the bench preparer edits
    project_number = None if kind is EvaluationKind.DEPARTMENT else 1
    core = synthetic_evaluation(rng, unit.name, year, project_number, rng.choice(SHAPES))
    project = core.project.name if core.project else ""
    row = Evaluation(unit=unit, year=year, kind=kind, project=project, framework=_frameworks()[kind.value], state=state)
    # The same path as a save: the core reads, scores and checks; the summary columns follow.
    document, assessment = assess_document(row, to_data(core))
    now = timezone.now()
    frozen = state not in EDITABLE or state is State.RETURNED
    first = EvaluationVersion(
        number=1, document=document, created_by=user, frozen=frozen, frozen_at=now if frozen else None
    )
    _summarize(first, assessment)
    versions = [first]
    if state is State.RETURNED:  # the frozen version, and the editable copy
        again = EvaluationVersion(number=2, document=document, created_by=user)
        _summarize(again, assessment)
        versions.append(again)
    if state is State.PUBLISHED:
        row.published_at = now
    row.lock_version = len(versions)
    return row, versions


def _insert(made: list[tuple[Any, list[Any]]]) -> None:
    from django.db import transaction

    from jixiao.web.evaluations.models import AuditAction, AuditEvent, Evaluation, EvaluationVersion

    rows = [row for row, _ in made]
    with transaction.atomic():
        Evaluation.objects.bulk_create(rows)
        for row, versions in made:
            for version in versions:
                version.evaluation = row
        EvaluationVersion.objects.bulk_create([v for _, versions in made for v in versions], batch_size=500)
        for row, versions in made:
            row.current_version = versions[-1]
        Evaluation.objects.bulk_update(rows, ["current_version"], batch_size=500)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(evaluation=row, version_number=1, actor=versions[0].created_by, action=AuditAction.CREATE)
                for row, versions in made
            ],
            batch_size=1000,
        )


# --- a small HTTP client ------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    round_trip: float  # seconds, measured by the client
    server: float  # seconds, from Server-Timing
    cpu: float
    db: float
    queries: int


_TIMING = re.compile(r'(\w+);dur=([\d.]+)(?:;desc="(\d+)")?')


class Browser:
    """One user on one keep-alive connection, with cookies; nothing but the standard library."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        sent = {"Host": f"{HOST}", "Accept": "text/html", "User-Agent": "jixiao-bench"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode("utf-8")
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent |= headers or {}
        started = time.perf_counter()
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        header = response.getheader("Server-Timing", "")
        timings = {m.group(1): (float(m.group(2)), m.group(3)) for m in _TIMING.finditer(header)}
        app = timings.get("app", (float("nan"), None))[0]
        cpu = timings.get("cpu", (float("nan"), None))[0]
        db, count = timings.get("db", (float("nan"), "0"))
        return Answer(
            response.status,
            data,
            {k.lower(): v for k, v in response.getheaders()},
            elapsed,
            app / 1000,
            cpu / 1000,
            db / 1000,
            int(count or 0),
        )

    def login(self, username: str) -> None:
        page = self.request("GET", "/accounts/login/")
        token = form_fields(page.body.decode("utf-8"))["csrfmiddlewaretoken"]
        answer = self.request(
            "POST",
            "/accounts/login/",
            [("csrfmiddlewaretoken", token), ("username", username), ("password", PASSWORD)],
            {"Referer": f"http://{HOST}/accounts/login/"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} 登录失败（HTTP {answer.status}）")

    def close(self) -> None:
        self.connection.close()


class _FormReader(HTMLParser):
    """The name/value pairs a browser would post for one form (inputs, selects, textareas)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = value
            if self._first_option is None:
                self._first_option = value or ""
            if "selected" in a:
                self._select_value = value or ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.fields.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_pairs(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    return dict(form_pairs(html, form_id))


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(env: dict[str, str], log: Path) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "web_load_site.serve", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=BENCH_DIR)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                tail = log.read_text("utf-8", errors="replace")[-3000:]
                raise SystemExit(f"服务没有启动（退出码 {process.returncode}）：\n{tail}")
            try:
                probe = http.client.HTTPConnection(HOST, port, timeout=2)
                probe.request("GET", "/bench/ok/", headers={"Host": HOST})
                if probe.getresponse().status == 200:
                    probe.close()
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("服务 90 秒内没有就绪")
            time.sleep(0.2)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- the measurement ----------------------------------------------------------------------------------


@dataclass
class Endpoint:
    key: str
    label: str
    call: Callable[[int], Answer]
    check: Callable[[Answer], str | None]
    answers: list[Answer] = field(default_factory=list)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * fraction) - 1)]


def endpoints_for(port: int, args: argparse.Namespace) -> list[Endpoint]:
    from jixiao.web.accounts.models import Unit
    from jixiao.web.evaluations.models import Evaluation

    unit = Unit.objects.get(bureau__name=BUREAU, code="100001")
    target = Evaluation.objects.get(unit=unit, year=LAST_YEAR, kind="department")
    pk = target.pk

    preparer, reviewer = Browser(port), Browser(port)
    preparer.login("bench-tianbao")
    reviewer.login("bench-shenhe")

    editor_path = f"/evaluations/{pk}/edit/indicators/"
    page = preparer.request("GET", editor_path)
    if page.status != 200:
        raise SystemExit(f"填报页 HTTP {page.status}")
    pairs = form_pairs(page.body.decode("utf-8"), "editor-form")
    fields = dict(pairs)
    token = fields["csrfmiddlewaretoken"]
    actual_key = "indicators[0].actual"
    original = fields.get(actual_key, "")
    number = re.compile(r"\d+(?:\.\d+)?")

    def typed(i: int) -> list[tuple[str, str]]:
        value = number.sub(str(100 + i % 50), original, count=1) if number.search(original) else f"{100 + i % 50}"
        return [(k, value if k == actual_key else v) for k, v in pairs]

    htmx = {"HX-Request": "true", "HX-Trigger": "editor-form", "HX-Target": "score-panel", "X-CSRFToken": token}
    editor_rows = sum(1 for k, v in pairs if k.startswith("indicators[") and k.endswith(".name") and v)

    def ok_body(expected: bytes) -> Callable[[Answer], str | None]:
        def check(answer: Answer) -> str | None:
            if answer.status != 200:
                return f"HTTP {answer.status}"
            return None if expected in answer.body else f"答复中没有“{expected.decode('utf-8')}”"

        return check

    rows = f"共 {args.units} 行".encode()
    return [
        Endpoint("bare", "空视图（基准）", lambda i: preparer.request("GET", "/bench/ok/"), ok_body(b"ok")),
        Endpoint(
            "editor",
            f"填报页 GET（{editor_rows} 项指标）",
            lambda i: preparer.request("GET", editor_path),
            ok_body("绩效指标".encode()),
        ),
        Endpoint(
            "live",
            "实时计分 POST（htmx）",
            lambda i: preparer.request("POST", f"/evaluations/{pk}/live/indicators/", typed(i), htmx),
            ok_body(b'id="live-total"'),
        ),
        Endpoint(
            "overview",
            f"审核汇总页 GET（{args.units} 个单位）",
            lambda i: reviewer.request("GET", "/review/"),
            ok_body(rows),
        ),
        Endpoint(
            "detail",
            "自评结果页 GET（参考）",
            lambda i: preparer.request("GET", f"/evaluations/{pk}/"),
            ok_body(unit.name.encode()),
        ),
    ]


def measure(endpoints: list[Endpoint], requests: int, warmup: int, max_seconds: float) -> int:
    for i in range(warmup):
        for endpoint in endpoints:
            answer = endpoint.call(i)
            problem = endpoint.check(answer)
            if problem:
                raise SystemExit(f"{endpoint.label}：{problem}\n{answer.body[:2000].decode('utf-8', 'replace')}")
    started = time.monotonic()
    done = 0
    for i in range(requests):
        for endpoint in endpoints:
            answer = endpoint.call(warmup + i)
            problem = endpoint.check(answer)
            if problem:
                raise SystemExit(f"{endpoint.label}：第 {i + 1} 次 {problem}")
            endpoint.answers.append(answer)
        done += 1
        if time.monotonic() - started > max_seconds:
            print(f"（已到 --max-seconds {max_seconds:.0f} s，只测了 {done} 轮）")
            break
    return done


def pad(text: str, width: int, *, left: bool = False) -> str:
    """Pad to a display width (CJK characters take two columns)."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    space = " " * max(1, width - shown)
    return text + space if left else space + text


def report(endpoints: list[Endpoint]) -> None:
    bare = endpoints[0]
    base = {
        kind: (
            statistics.median(getattr(a, kind) for a in bare.answers),
            percentile([getattr(a, kind) for a in bare.answers], 0.95),
        )
        for kind in ("server", "round_trip")
    }
    columns = (
        "端点",
        "次数",
        "服务器 p50",
        "p95",
        "往返 p50",
        "p95",
        "CPU p50",
        "p95",
        "SQL",
        "SQL 耗时",
        "KB",
        "服务器比空视图",
        "目标",
    )
    widths = (34, 6, 12, 10, 11, 10, 10, 10, 5, 10, 6, 16, 22)
    print("".join(pad(c, w, left=i == 0) for i, (c, w) in enumerate(zip(columns, widths, strict=True))))
    for endpoint in endpoints:
        answers = endpoint.answers
        server = [a.server for a in answers]
        trip = [a.round_trip for a in answers]
        s50, s95 = statistics.median(server), percentile(server, 0.95)
        t50, t95 = statistics.median(trip), percentile(trip, 0.95)
        target = TARGETS_MS.get(endpoint.key)
        cells = (
            endpoint.label,
            str(len(answers)),
            f"{s50 * 1000:.2f} ms",
            f"{s95 * 1000:.2f} ms",
            f"{t50 * 1000:.2f} ms",
            f"{t95 * 1000:.2f} ms",
            f"{statistics.median(a.cpu for a in answers) * 1000:.2f} ms",
            f"{percentile([a.cpu for a in answers], 0.95) * 1000:.2f} ms",
            f"{statistics.median(a.queries for a in answers):.0f}",
            f"{statistics.median(a.db for a in answers) * 1000:.2f} ms",
            f"{statistics.median(len(a.body) for a in answers) / 1024:.0f}",
            "1×" if endpoint is bare else f"{s50 / base['server'][0]:.0f}× / {s95 / base['server'][1]:.0f}×",
            "" if target is None else f"p95 ≤ {target:.0f} ms {'达标' if s95 * 1000 <= target else '未达标'}",
        )
        print("".join(pad(c, w, left=i == 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))))
    print(
        f"空视图：服务器 p50 {base['server'][0] * 1000:.3f} ms，往返 p50 {base['round_trip'][0] * 1000:.3f} ms；"
        "往返 = 客户端计时（含 socket 与 runserver 的 wsgiref 处理）；"
        "服务器 = Server-Timing（全部中间件 + 视图 + 模板，墙钟时间）；"
        "CPU = 服务该请求的线程所用 CPU 时间（不受机器上其他任务排队的影响）"
    )


def describe_machine(database: str) -> None:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    conn_max_age = connection.settings_dict.get("CONN_MAX_AGE", 0)
    print(
        f"机器：{os.cpu_count()} 核（与其他任务共用），负载 {load}；Python {sys.version.split()[0]}，"
        f"Django {django.get_version()}，{version}（{database}，CONN_MAX_AGE={conn_max_age}）"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="网页系统负载测试：1 000 个单位、20 000 份自评，本机回环地址")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--per-unit", type=int, default=20, help="每个单位的自评份数（年度 × 部门整体/项目）")
    parser.add_argument("--requests", type=int, default=200, help="每个端点的计时请求数")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=600, help="计时循环的时间上限")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-web-load")
    parser.add_argument("--drop", action="store_true", help="结束时删除 PostgreSQL 测试库")
    return parser.parse_args()


def postgres_from_env() -> Postgres | None:
    """PostgreSQL if ``DATABASE_URL`` names it (created if missing), else None: SQLite."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        return None
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit("DATABASE_URL 只接受 postgres://…（不设则用 SQLite）")
    if parts.hostname not in {HOST, "localhost"}:
        raise SystemExit("只在本机回环地址上测试：DATABASE_URL 的主机应为 127.0.0.1")
    postgres = Postgres(database_url)
    postgres.check_name()
    if not postgres.exists():
        postgres.create()
    return postgres


def run(args: argparse.Namespace, postgres: Postgres | None, instance: Path, env: dict[str, str]) -> None:
    from django.db import connections

    from jixiao.web.evaluations.models import Evaluation, EvaluationVersion

    rebuilt, seconds = prepare_database(args, postgres)
    where = f"PostgreSQL 库 {postgres.name}" if postgres else f"SQLite {instance / 'jixiao.sqlite3'}"
    print(
        f"数据：已生成（{seconds:.0f} s，不计入），{where}" if rebuilt else f"数据：沿用已有数据（版本一致），{where}"
    )
    evaluations, versions = Evaluation.objects.count(), EvaluationVersion.objects.count()
    print(f"规模：{args.units} 个单位，{evaluations} 份自评，{versions} 个版本")
    describe_machine("PostgreSQL" if postgres else "SQLite")
    connections.close_all()
    with running_server(env, instance / "server.log") as port:
        endpoints = endpoints_for(port, args)
        connections.close_all()
        started = time.perf_counter()
        rounds = measure(endpoints, args.requests, args.warmup, args.max_seconds)
        elapsed = time.perf_counter() - started
    print(f"计时：每个端点 {rounds} 次（另有 {args.warmup} 次预热不计），轮流请求，用时 {elapsed:.0f} s")
    report(endpoints)


def main() -> None:
    args = arguments()
    postgres = postgres_from_env()
    instance = args.dir.resolve() / ("postgres" if postgres else "sqlite")
    instance.mkdir(parents=True, exist_ok=True)
    env = server_env(instance, postgres.url if postgres else "", secrets.token_urlsafe(50))
    os.environ.update(env)
    sys.path.insert(0, str(BENCH_DIR))

    import django

    django.setup()
    try:
        run(args, postgres, instance, env)
    finally:
        if postgres is not None and args.drop:
            from django.db import connections

            connections.close_all()
            postgres.drop()
            print(f"已删除 PostgreSQL 库 {postgres.name}")


if __name__ == "__main__":
    main()
