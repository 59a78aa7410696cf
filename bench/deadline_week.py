"""Deadline week: gunicorn + PostgreSQL + one task worker under a crowd of sessions (issue 11).

Targets: 300 concurrent users for 5 minutes — p95 ≤ 300 ms per page type, 0 errors, 0 lost
saves — and the throughput in requests/s with its ratio to a bare Django view on the same
server. The same script is the soak (``--users 100 --minutes 30``: the memory of each process
at start and end). Figures and commands: docs/performance.md.

1. **Data** (not timed): the city of bench/web_load.py (one bureau, 1 000 units, 20 000
   evaluations, built once and reused while its stamp matches) in its own PostgreSQL database
   (``DATABASE_URL``, default ``jixiao_bench`` on 127.0.0.1 — never ``test``). Added for this
   bench, idempotently: a password for the preparers of the units whose latest 部门整体
   evaluation is a draft (each virtual preparer edits their own unit's evaluation), reviewer
   accounts of the bureau, and one open satisfaction survey.
2. **Server**: ``gunicorn -c deploy/gunicorn.conf.py jixiao.web.wsgi`` (the deploy config:
   gthread, ``--web-workers`` processes × 4 threads; default 2 per core + 1) with the settings
   of bench/web_load_site (the product's settings plus a Server-Timing header), and one
   ``python -m jixiao.web worker --no-missing-reports`` (in a real deadline week the published
   years' PDFs were made long before; here they would keep LibreOffice busy for hours).
   Survey answers all come from 127.0.0.1, so the per-address survey limits are lifted for the run.
3. **Bare view alone** (``--bare-seconds``): ``/healthz`` (no database, no session) requested in a
   closed loop by 16 connections: the server's ceiling in requests/s and its latency.
4. **The crowd**: ``--users`` sessions in threads of this process, started over ``--ramp``
   seconds, each on its own keep-alive connection with its cookies, waiting ``--think`` seconds
   (seeded, uniform 1–5 s) between pages:

   * preparers (``--mix``, default 40 %): log in, dashboard; then the 绩效指标 editor page,
     1–3 live scores (the htmx POST as when typing), and a save (POST → 302 → editor page),
     over and over, each save with a new actual value of the first indicator;
   * reviewers (15 %): log in; the bureau overview (all units; 部门整体 or 项目, now and then
     sorted or filtered) and an evaluation's page;
   * the public (30 %): the portal's year page and a published evaluation's page;
   * respondents (15 %): a new respondent each time: the survey's public page, a read, the
     answers (POST → 302).

   Only requests that start inside the measured window (after the ramp, ``--minutes`` long)
   count; logins happen in the ramp and are shown apart. Everything is bounded: the window,
   a join timeout, the server stopped whatever happens.
5. **Afterwards**: saves acknowledged vs what the database holds (each evaluation's lock
   version and its 保存 audit events grew by exactly the acknowledged saves, and its stored
   value is the last one acknowledged); survey answers accepted vs responses stored.

Printed: p50/p95 per page type (client round trip and server time), errors, requests/s and
the ratio to the bare view, the CPU used by the generator, gunicorn and the worker, the RSS of
each gunicorn and worker process at start and end (sampled every 30 s), and the machine's load.

    .venv/bin/python bench/deadline_week.py                               # 300 users, 5 minutes
    .venv/bin/python bench/deadline_week.py --users 100 --minutes 30 --no-recycle   # the soak
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import web_load  # noqa: E402  (bench/ on the path first)

HOST = web_load.HOST
PASSWORD = web_load.PASSWORD
#: ``conn_max_age`` as docs/web.md recommends for PostgreSQL: each thread keeps its connection.
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/jixiao_bench?conn_max_age=60"
SURVEY_TITLE = "性能测试满意度调查"
REVIEWERS = 40
TARGET_P95_MS = 300.0
#: gunicorn's keep-alive is 5 s: a connection idle longer is reopened before the next request.
IDLE_RECONNECT = 4.0

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_LOCK = re.compile(r'name="lock_version" value="(\d+)"')
_DIGEST = re.compile(r'name="section_digest" value="([^"]*)"')
_QUESTION = re.compile(r'name="q(\d+)" value="5"')
_NUMBER = re.compile(r"\d+(?:\.\d+)?")

LABELS = {
    "bare": "空视图 /healthz（单独测）",
    "login": "登录 POST（爬坡期，另计）",
    "dashboard": "填报人首页",
    "editor": "填报页 GET（绩效指标）",
    "live": "实时计分 POST（htmx）",
    "save": "保存 POST（→302）",
    "overview": "审核汇总页（全部单位）",
    "evaluation": "自评结果页（审核人）",
    "portal_year": "公开栏目·年度列表",
    "portal_detail": "公开栏目·自评结果",
    "survey_get": "问卷作答页 GET",
    "survey_post": "问卷提交 POST（→302）",
}


# --- data -------------------------------------------------------------------------------------------


@dataclass
class World:
    preparers: list[tuple[str, int]]  # (username, evaluation pk)
    reviewers: list[str]
    published: list[int]
    survey: int
    slugs: list[str]
    year: int


def prepare_world(args: argparse.Namespace, postgres: web_load.Postgres) -> World:
    """The bench city (reused), plus the accounts, the survey and the lists the crowd needs."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from jixiao.web.accounts.models import Bureau, Membership, Role, Unit
    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.surveys import services as surveys
    from jixiao.web.surveys.models import Survey

    rebuilt, seconds = web_load.prepare_database(args, postgres)
    made = f"已生成（{seconds:.0f} s，不计入）" if rebuilt else "沿用已有数据"
    print(f"数据：{made}，PostgreSQL 库 {postgres.name}")
    bureau = Bureau.objects.get(name=web_load.BUREAU)
    year = web_load.LAST_YEAR
    user_model = get_user_model()
    hashed = make_password(PASSWORD)  # once: the same hash for every bench account
    drafts = list(
        Evaluation.objects.filter(unit__bureau=bureau, year=year, kind="department", state="draft")
        .exclude(unit__code="100001")  # web_load's own preparer edits that one
        .order_by("unit__code")
        .values_list("pk", "unit__code")
    )
    preparers = [(f"{code}-tianbao", pk) for pk, code in drafts]
    user_model.objects.filter(username__in=[name for name, _ in preparers]).update(password=hashed, is_active=True)
    reviewers = [f"bench-shenhe-{i:02d}" for i in range(1, REVIEWERS + 1)]
    for name in reviewers:
        user, made = user_model.objects.get_or_create(username=name, defaults={"first_name": "测试审核人"})
        if made or user.password != hashed:
            user.password = hashed
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(user=user, role=Role.REVIEWER, bureau=bureau)
    published = list(
        Evaluation.objects.filter(unit__bureau=bureau, year=year, state="published").values_list("pk", flat=True)
    )
    survey = Survey.objects.filter(title=SURVEY_TITLE).first()
    if survey is None:
        unit = Unit.objects.get(bureau=bureau, code="100001")
        owner = user_model.objects.get(username="bench-tianbao")
        evaluation = Evaluation.objects.get(unit=unit, year=year, kind="department")
        survey = surveys.survey_create(evaluation=evaluation, blueprint="department", by=owner)
        Survey.objects.filter(pk=survey.pk).update(title=SURVEY_TITLE)
    now = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(
        state="open", opens_at=now - timezone.timedelta(hours=1), closes_at=now + timezone.timedelta(days=2)
    )
    slugs = [str(slug) for slug in survey.groups.values_list("slug", flat=True)]
    print(
        f"账号：{len(preparers)} 个填报人（各自单位 {year} 年部门整体自评为草稿），{len(reviewers)} 个审核人；"
        f"{len(published)} 份 {year} 年已公开自评；问卷 {len(slugs)} 个对象组"
    )
    return World(preparers, reviewers, published, survey.pk, slugs, year)


@dataclass
class Counts:
    locks: dict[int, int]
    saves: dict[int, int]
    actual: dict[int, str]
    responses: int


def counts(world: World) -> Counts:
    from django.db import connections
    from django.db.models import Count

    from jixiao.web.evaluations.models import AuditAction, AuditEvent, Evaluation
    from jixiao.web.surveys.models import Response

    pks = [pk for _, pk in world.preparers]
    locks, actual = {}, {}
    for row in Evaluation.objects.filter(pk__in=pks).select_related("current_version"):
        locks[row.pk] = row.lock_version
        indicators = (row.current_version.document.get("indicators") if row.current_version else None) or [{}]
        actual[row.pk] = str(indicators[0].get("actual", ""))
    saves = dict(
        AuditEvent.objects.filter(evaluation_id__in=pks, action=AuditAction.SAVE.value)
        .values_list("evaluation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    responses = Response.objects.filter(survey_id=world.survey).count()
    connections.close_all()
    return Counts(locks, {pk: saves.get(pk, 0) for pk in pks}, actual, responses)


# --- processes ------------------------------------------------------------------------------------


def _processes() -> Iterator[tuple[int, str, int]]:
    """(pid, name, parent pid) of every process now running."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        name, parent = re.search(r"^Name:\s+(\S+)", status, re.M), re.search(r"^PPid:\s+(\d+)", status, re.M)
        if name and parent:
            yield int(entry.name), name.group(1), int(parent.group(1))


def _children(pid: int) -> list[int]:
    return sorted(child for child, _, parent in _processes() if parent == pid)


def rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) / 1024 if match else None


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU of a process; with ``reaped``, also that of its children that ended and
    were waited for (gunicorn's master reaps the workers it recycles, PostgreSQL's postmaster
    its backends: their CPU is not lost with them)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if reaped else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float:
    """CPU of every PostgreSQL process (the postmaster with its reaped backends, and the live ones)."""
    running = {pid: (name, parent) for pid, name, parent in _processes()}
    total = 0.0
    for pid, (name, parent) in running.items():
        if name in {"postgres", "postmaster"}:
            is_postmaster = running.get(parent, ("", 0))[0] not in {"postgres", "postmaster"}
            total += cpu_seconds(pid, reaped=is_postmaster)
    return total


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent busy (all cores; idle and I/O wait excluded)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


class Processes:
    """gunicorn's master and workers and the task worker; RSS sampled by pid over the run."""

    def __init__(self, master: int, worker: int) -> None:
        self.master, self.worker = master, worker
        self.samples: dict[int, list[tuple[float, float]]] = defaultdict(list)
        self.cpu_at: dict[int, float] = {}
        self.names: dict[int, str] = {master: "gunicorn 主进程", worker: "任务 worker"}
        self.started = time.monotonic()

    def pids(self) -> list[int]:
        web = _children(self.master)
        for pid in web:
            self.names.setdefault(pid, f"gunicorn worker {pid}")
        return [self.master, *web, self.worker]

    def sample(self) -> None:
        now = time.monotonic() - self.started
        for pid in self.pids():
            value = rss_mib(pid)
            if value is not None:
                self.samples[pid].append((now, value))

    def cpu(self) -> float:
        """gunicorn (master, live workers, recycled workers) and the task worker."""
        return cpu_seconds(self.master, reaped=True) + sum(cpu_seconds(pid) for pid in self.pids()[1:])


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn 没有启动：\n{log.read_text('utf-8', 'replace')[-3000:]}")
        try:
            probe = http.client.HTTPConnection(HOST, port, timeout=2)
            probe.request("GET", "/healthz", headers={"Host": HOST})
            if probe.getresponse().status == 200:
                probe.close()
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn 120 秒内没有就绪")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(40)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


@contextmanager
def running(args: argparse.Namespace, env: dict[str, str], work: Path) -> Iterator[tuple[int, Processes]]:
    port = web_load.free_port()
    server_env = dict(env, JIXIAO_BIND=f"{HOST}:{port}", JIXIAO_WEB_WORKERS=str(args.web_workers))
    command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    if args.no_recycle:
        command += ["--max-requests", "0"]  # the soak: the same processes from start to end
    command.append("jixiao.web.wsgi")
    with (work / "gunicorn.log").open("wb") as out:
        web = subprocess.Popen(command, env=server_env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    with (work / "worker.log").open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "jixiao.web", "worker", "--no-missing-reports"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(port, web, work / "gunicorn.log")
        processes = Processes(web.pid, worker.pid)
        processes.sample()  # the processes as started, before any load
        yield port, processes
    finally:
        _stop(web)
        _stop(worker)


# --- the client -------------------------------------------------------------------------------------


@dataclass
class Hit:
    kind: str
    at: float  # monotonic start
    ms: float  # client round trip
    server_ms: float  # Server-Timing app (nan if absent)
    error: str = ""


#: When a request was sent again after its kept-alive connection closed under it (see Session).
RETRIED: list[float] = []


class Session:
    """One user: one keep-alive connection (reopened after idling past gunicorn's keep-alive), cookies."""

    def __init__(self, port: int, hits: list[Hit]) -> None:
        self.port = port
        self.hits = hits
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.fresh = True  # no answer received on this connection yet
        self.used = 0.0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        expect: int = 200,
        needle: bytes = b"",
    ) -> tuple[int, bytes, str]:
        """(status, body, Location); the hit is recorded, an unexpected answer as an error."""
        sent = {"Host": HOST, "Accept": "text/html", "User-Agent": "jixiao-deadline-week"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode("utf-8")
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"http://{HOST}{path}"
        sent |= headers or {}
        started = time.monotonic()
        if self.connection is None or started - self.used > IDLE_RECONNECT:
            self.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.fresh = True
        status, data, location, server, error = 0, b"", "", float("nan"), ""
        try:
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                if self.fresh:
                    raise
                # The server closed this kept-alive connection as the request went out (gunicorn
                # recycling a worker): a browser sends it again on a new connection, once.
                RETRIED.append(started)
                self.close()
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
            self.fresh = False
            data = response.read()
            status = response.status
            location = response.getheader("Location", "")
            for header in response.msg.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            timing = re.search(r"app;dur=([\d.]+)", response.getheader("Server-Timing", ""))
            server = float(timing.group(1)) if timing else float("nan")
            if status != expect:
                error = f"HTTP {status}"
            elif needle and needle not in data:
                error = "答复内容不对"
        except (OSError, http.client.HTTPException) as problem:
            error = type(problem).__name__
            self.close()
        ended = time.monotonic()
        self.used = ended
        self.hits.append(Hit(kind, started, (ended - started) * 1000, server, error))
        return status, data, location

    def login(self, username: str) -> bool:
        status, page, _ = self.request("login_page", "GET", "/accounts/login/")
        token = _CSRF.search(page.decode("utf-8", "replace"))
        if token is None:
            return False
        form = [("csrfmiddlewaretoken", token.group(1)), ("username", username), ("password", PASSWORD)]
        status, _, _ = self.request("login", "POST", "/accounts/login/", form, expect=302)
        return status == 302 and "sessionid" in self.cookies


@dataclass
class SaveLog:
    acknowledged: int = 0
    refused: int = 0
    last_value: str = ""


@dataclass
class Crowd:
    port: int
    world: World
    think: tuple[float, float]
    stop_at: float
    hits: list[Hit] = field(default_factory=list)
    saves: dict[int, SaveLog] = field(default_factory=lambda: defaultdict(SaveLog))
    survey_accepted: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pause(self, rng: random.Random) -> bool:
        """Think; False when the run is over."""
        wait = rng.uniform(*self.think)
        if time.monotonic() + wait >= self.stop_at:
            return False
        time.sleep(wait)
        return True

    # --- the four kinds of user

    def preparer(self, rng: random.Random, username: str, pk: int) -> None:
        session = Session(self.port, self.hits)
        if not session.login(username):
            return
        session.request("dashboard", "GET", "/dashboard/", needle="自评".encode())
        path = f"/evaluations/{pk}/edit/indicators/"
        status, page, _ = session.request("editor", "GET", path, needle="绩效指标".encode())
        if status != 200:
            return
        pairs = web_load.form_pairs(page.decode("utf-8"), "editor-form")  # once: the full form
        key = "indicators[0].actual"
        original = dict(pairs).get(key, "")
        token = dict(pairs)["csrfmiddlewaretoken"]
        htmx = {"HX-Request": "true", "HX-Trigger": "editor-form", "HX-Target": "score-panel", "X-CSRFToken": token}
        current, n = original, 0
        while True:
            for _ in range(rng.randint(1, 3)):  # typing: the live score after each change
                if not self.pause(rng):
                    session.close()
                    return
                n += 1
                typed = _with(pairs, key, _value(original, current, n))
                session.request(
                    "live", "POST", f"/evaluations/{pk}/live/indicators/", typed, htmx, needle=b"live-total"
                )
            if not self.pause(rng):
                session.close()
                return
            n += 1
            value = _value(original, current, n)
            status, _, location = session.request("save", "POST", path, _with(pairs, key, value), expect=302)
            with self.lock:
                log = self.saves[pk]
                if status == 302 and location.endswith(path):
                    log.acknowledged += 1
                    log.last_value = value
                    current = value
                else:
                    log.refused += 1
            status, page, _ = session.request("editor", "GET", path, needle="绩效指标".encode())
            text = page.decode("utf-8", "replace")
            lock, digest = _LOCK.search(text), _DIGEST.search(text)
            if status != 200 or lock is None or digest is None:
                session.close()
                return
            pairs = _with(_with(pairs, "lock_version", lock.group(1)), "section_digest", digest.group(1))

    def reviewer(self, rng: random.Random, username: str) -> None:
        session = Session(self.port, self.hits)
        if not session.login(username):
            return
        while self.pause(rng):
            query = rng.choice(["", "", "?kind=project", "?sort=score", "?state=submitted", "?p0=1"])
            session.request("overview", "GET", f"/review/{query}", needle="年度绩效自评汇总".encode())
            if not self.pause(rng):
                break
            pk = rng.choice(self.world.published)
            session.request("evaluation", "GET", f"/evaluations/{pk}/")
        session.close()

    def public(self, rng: random.Random) -> None:
        session = Session(self.port, self.hits)
        while self.pause(rng):
            session.request("portal_year", "GET", f"/public/{self.world.year}/")
            if not self.pause(rng):
                break
            pk = rng.choice(self.world.published)
            session.request("portal_detail", "GET", f"/public/evaluations/{pk}/")
        session.close()

    def respondent(self, rng: random.Random) -> None:
        while True:
            session = Session(self.port, self.hits)  # a new person, a new device
            slug = rng.choice(self.world.slugs)
            status, page, _ = session.request("survey_get", "GET", f"/s/{slug}/", needle=b"csrfmiddlewaretoken")
            text = page.decode("utf-8", "replace")
            token, questions = _CSRF.search(text), _QUESTION.findall(text)
            if status != 200 or token is None or not questions:
                session.close()
                if not self.pause(rng):
                    return
                continue
            if not self.pause(rng):
                session.close()
                return
            form = [("csrfmiddlewaretoken", token.group(1))]
            form += [(f"q{q}", str(rng.choices((5, 4, 3, 2, 1), (40, 35, 15, 7, 3))[0])) for q in questions]
            status, _, _ = session.request("survey_post", "POST", f"/s/{slug}/", form, expect=302)
            if status == 302:
                with self.lock:
                    self.survey_accepted += 1
            session.close()
            if not self.pause(rng):
                return


def _with(pairs: list[tuple[str, str]], key: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k == key else v) for k, v in pairs]


def _value(original: str, current: str, n: int) -> str:
    """A new actual value for the first indicator, different from the stored one."""
    for step in range(n, n + 60):
        number = str(60 + step % 40)
        value = _NUMBER.sub(number, original, count=1) if _NUMBER.search(original) else number
        if value != current:
            return value
    raise AssertionError("no new value")


# --- measuring --------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    return web_load.percentile(values, fraction) if values else float("nan")


def bare_alone(port: int, seconds: float, connections: int = 16) -> tuple[list[Hit], float]:
    """The bare view in a closed loop: its latency and the server's ceiling in requests/s."""
    hits: list[Hit] = []
    stop_at = time.monotonic() + seconds

    def loop() -> None:
        session = Session(port, hits)
        while time.monotonic() < stop_at:
            session.request("bare", "GET", "/healthz", needle=b"ok")
        session.close()

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    return hits, len(hits) / (time.monotonic() - started)


def run_crowd(args: argparse.Namespace, port: int, world: World, processes: Processes) -> tuple[Crowd, Cpu]:
    rng = random.Random(args.seed)
    start = time.monotonic()
    window_start = start + args.ramp
    crowd = Crowd(port, world, tuple(args.think), window_start + args.minutes * 60)
    kinds = _assign(args, world, rng)
    threads = []
    for i, (kind, who) in enumerate(kinds):
        seed = args.seed * 100_000 + i
        delay = args.ramp * i / max(1, len(kinds))

        def user(kind: str = kind, who: Any = who, seed: int = seed, delay: float = delay) -> None:
            time.sleep(delay)
            own = random.Random(seed)
            if kind == "preparer":
                crowd.preparer(own, *who)
            elif kind == "reviewer":
                crowd.reviewer(own, who)
            elif kind == "public":
                crowd.public(own)
            else:
                crowd.respondent(own)

        threads.append(threading.Thread(target=user, daemon=True, name=f"{kind}-{i}"))
    for thread in threads:
        thread.start()
    while time.monotonic() < window_start:
        time.sleep(1)
    processes.sample()
    # the window's CPU, not the ramp's logins
    usage_at, cpu_at, postgres_at, busy_at = _own_cpu(), processes.cpu(), postgres_cpu(), machine_busy()
    load_first = os.getloadavg()
    next_sample = time.monotonic() + 30
    while time.monotonic() < crowd.stop_at:
        time.sleep(1)
        if time.monotonic() >= next_sample:
            processes.sample()
            next_sample += 30
            loads.append(os.getloadavg()[0])
    processes.sample()
    cpu = Cpu(_own_cpu() - usage_at, processes.cpu() - cpu_at, postgres_cpu() - postgres_at, machine_busy() - busy_at)
    for thread in threads:
        thread.join(max(1.0, crowd.stop_at + 90 - time.monotonic()))
    still = sum(thread.is_alive() for thread in threads)
    if still:
        print(f"（{still} 个用户线程在结束后 90 s 仍未返回，不再等待）")
    print(f"负载（1/5/15 分钟）：测量开始时 {' '.join(f'{x:.2f}' for x in load_first)}")
    return crowd, cpu


loads: list[float] = []


@dataclass(frozen=True)
class Cpu:
    """CPU seconds used in the measured window."""

    generator: float
    server: float  # gunicorn + task worker
    postgres: float
    machine: float  # everything, all cores


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _assign(args: argparse.Namespace, world: World, rng: random.Random) -> list[tuple[str, Any]]:
    shares = dict(zip(("preparer", "reviewer", "public", "respondent"), args.mix, strict=True))
    total = sum(shares.values())
    wanted = {kind: round(args.users * share / total) for kind, share in shares.items()}
    wanted["public"] += args.users - sum(wanted.values())
    if wanted["preparer"] > len(world.preparers):
        raise SystemExit(f"填报人不够：需要 {wanted['preparer']} 个，库中有 {len(world.preparers)} 个草稿单位")
    kinds: list[tuple[str, Any]] = []
    kinds += [("preparer", who) for who in world.preparers[: wanted["preparer"]]]
    kinds += [("reviewer", world.reviewers[i % len(world.reviewers)]) for i in range(wanted["reviewer"])]
    kinds += [("public", None)] * wanted["public"]
    kinds += [("respondent", None)] * wanted["respondent"]
    rng.shuffle(kinds)  # every kind arrives all along the ramp
    return kinds


def report(
    args: argparse.Namespace,
    crowd: Crowd,
    bare: tuple[list[Hit], float],
    before: Counts,
    after: Counts,
    cpu: Cpu,
    processes: Processes,
) -> int:
    window_start = crowd.stop_at - args.minutes * 60
    measured = [h for h in crowd.hits if window_start <= h.at < crowd.stop_at and h.kind not in {"login", "login_page"}]
    logins = [h for h in crowd.hits if h.kind == "login"]
    seconds = args.minutes * 60
    bare_hits, bare_rate = bare
    by_kind: dict[str, list[Hit]] = defaultdict(list)
    for hit in measured:
        by_kind[hit.kind].append(hit)
    bare_server = statistics.median(h.server_ms for h in bare_hits) if bare_hits else float("nan")
    print()
    print(
        f"{args.users} 个并发用户（填报/审核/公众/问卷 = {'/'.join(str(m) for m in args.mix)}），"
        f"思考 {args.think[0]:g}–{args.think[1]:g} s，测量 {args.minutes:g} 分钟（爬坡 {args.ramp:g} s 不计）；"
        f"gunicorn {args.web_workers} 个进程 × 4 线程 + 1 个任务 worker，PostgreSQL"
    )
    columns = (
        "页面",
        "次数",
        "错误",
        "往返 p50",
        "p95",
        "服务器 p50",
        "p95",
        "服务器比空视图",
        f"p95 ≤ {TARGET_P95_MS:.0f} ms",
    )
    widths = (30, 7, 6, 11, 11, 12, 11, 16, 14)
    print("".join(web_load.pad(c, w, left=i == 0) for i, (c, w) in enumerate(zip(columns, widths, strict=True))))
    rows = [("bare", bare_hits), ("login", logins)] + [(k, by_kind[k]) for k in LABELS if k in by_kind]
    met = True
    for kind, hits in rows:
        ms = [h.ms for h in hits if not h.error]
        server = [h.server_ms for h in hits if not h.error and h.server_ms == h.server_ms]
        failed = sum(1 for h in hits if h.error)
        p95 = percentile(ms, 0.95)
        counted = kind not in {"bare", "login"}
        ok = p95 <= TARGET_P95_MS
        if counted:
            met = met and ok
        cells = (
            LABELS.get(kind, kind),
            str(len(hits)),
            str(failed),
            f"{statistics.median(ms):.1f} ms" if ms else "-",
            f"{p95:.1f} ms",
            f"{statistics.median(server):.1f} ms" if server else "-",
            f"{percentile(server, 0.95):.1f} ms" if server else "-",
            f"{statistics.median(server) / bare_server:.0f}×" if server and counted else "",
            ("达标" if ok else "未达标") if counted else "",
        )
        print("".join(web_load.pad(c, w, left=i == 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))))
    errors = Counter(f"{h.kind} {h.error}" for h in measured if h.error)
    rate = len(measured) / seconds
    print(
        f"错误：{sum(errors.values())}"
        + (f"（{', '.join(f'{k} ×{n}' for k, n in errors.most_common(6))}）" if errors else "")
    )
    print(
        f"吞吐：{rate:.1f} 请求/s（窗口内 {len(measured)} 个请求）；空视图单独 {bare_rate:.0f} 请求/s "
        f"（16 个连接连续请求）；比值 {rate / bare_rate:.2f}"
    )
    sent, acknowledged, stored_saves, lost, wrong = _check_saves(crowd, before, after)
    responses = after.responses - before.responses
    print(
        f"保存：发出 {sent} 次，确认（302）{acknowledged} 次，库中新增保存记录 {stored_saves} 条，"
        f"丢失 {lost} 次，最终值与最后确认值不同的自评 {wrong} 份"
    )
    print(f"问卷：确认（302）{crowd.survey_accepted} 份，库中新增 {responses} 份")
    cores = os.cpu_count() or 1

    def share(used: float) -> str:
        return f"{used:.0f} s = 机器的 {used / seconds / cores * 100:.0f}%"

    other = cpu.machine - cpu.generator - cpu.server - cpu.postgres
    print(
        f"CPU（测量窗口，{cores} 核）：整机忙 {share(cpu.machine)}；其中 gunicorn + 任务 worker {share(cpu.server)}，"
        f"PostgreSQL {share(cpu.postgres)}，负载生成器 {share(cpu.generator)}，其他（内核、别的进程）{share(other)}；"
        f"每个请求平均用 gunicorn {cpu.server / max(1, len(measured)) * 1000:.1f} ms、"
        f"PostgreSQL {cpu.postgres / max(1, len(measured)) * 1000:.1f} ms CPU"
    )
    retried = sum(1 for at in RETRIED if window_start <= at < crowd.stop_at)
    if retried:
        print(
            f"重发：{retried} 个请求在复用的保持连接上遇到服务器刚关闭连接（gunicorn 轮换进程），"
            "像浏览器一样换新连接重发了一次（不算错误；新连接上的失败仍算错误）"
        )
    _print_memory(processes, window_start - processes.started)
    load = os.getloadavg()
    print(f"负载（1/5/15 分钟）：结束时 {' '.join(f'{x:.2f}' for x in load)}；窗口内 1 分钟负载 {_range(loads)}")
    good = met and not errors and lost == 0 and wrong == 0 and responses == crowd.survey_accepted
    print("结果：" + ("全部达标" if good else "未全部达标"))
    return 0 if good else 1


def _check_saves(crowd: Crowd, before: Counts, after: Counts) -> tuple[int, int, int, int, int]:
    """(sent, acknowledged, stored, lost, evaluations whose stored value is not the last acknowledged)."""
    sent = sum(log.acknowledged + log.refused for log in crowd.saves.values())
    acknowledged = sum(log.acknowledged for log in crowd.saves.values())
    lost, wrong = 0, 0
    for pk, log in crowd.saves.items():
        grown = after.locks[pk] - before.locks[pk]
        audited = after.saves[pk] - before.saves[pk]
        lost += max(0, log.acknowledged - min(grown, audited))
        if log.acknowledged and after.actual[pk] != log.last_value:
            wrong += 1
    stored = sum(after.saves[pk] - before.saves[pk] for pk in crowd.saves)
    return sent, acknowledged, stored, lost, wrong


def _print_memory(processes: Processes, window_start: float) -> None:
    """RSS of each process: as started, at the window's start, at the end, and the largest sample."""
    print("内存（RSS，MiB）：启动时 → 测量开始 → 结束（每 30 s 采样，最大值）")
    for pid, samples in processes.samples.items():
        first = samples[0][1]
        opening = next((v for t, v in samples if t >= window_start - 1), samples[0][1])
        last = samples[-1][1]
        peak = max(v for _, v in samples)
        span = (samples[-1][0] - samples[0][0]) / 60
        print(
            f"  {processes.names.get(pid, pid)}：{first:.0f} → {opening:.0f} → {last:.0f}"
            f"（最大 {peak:.0f}；{len(samples)} 次采样，历时 {span:.1f} 分钟）"
        )


def _range(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}" if values else "-"


# --- main -------------------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="申报截止周：gunicorn + PostgreSQL + 任务 worker，并发用户会话")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=5.0, help="测量窗口（分钟）")
    parser.add_argument("--ramp", type=float, default=120.0, help="用户在这么多秒内陆续到来（含登录），不计入")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"))
    parser.add_argument(
        "--mix", type=int, nargs=4, default=(40, 15, 30, 15), metavar=("PREPARER", "REVIEWER", "PUBLIC", "RESPONDENT")
    )
    parser.add_argument("--web-workers", type=int, default=min(2 * (os.cpu_count() or 1) + 1, 9))
    parser.add_argument("--no-recycle", action="store_true", help="gunicorn 不轮换进程（浸泡测试看内存）")
    parser.add_argument("--bare-seconds", type=float, default=20.0)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--per-unit", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    if not 1 <= args.users <= 1000 or not 0 < args.minutes <= 60 or args.think[0] < 0.1:
        parser.error("--users 1–1000，--minutes ≤ 60，思考时间至少 0.1 s")
    return args


def main() -> int:
    args = arguments()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    postgres = web_load.postgres_from_env()
    if postgres is None:
        raise SystemExit("本测试只用 PostgreSQL：DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench")
    work = Path(tempfile.mkdtemp(prefix="jixiao-deadline-week-"))
    instance = work / "instance"
    instance.mkdir()
    env = web_load.server_env(instance, postgres.url, secrets.token_urlsafe(50))
    env |= {
        # Every respondent is 127.0.0.1 here: both per-address limits (site-wide per 10 minutes,
        # per survey per 24 hours, counting earlier runs' answers too) are lifted for the run.
        "JIXIAO_SURVEY_RESPONSES_PER_CLIENT": "1000000",
        "JIXIAO_SURVEY_RESPONSES_PER_CLIENT_PER_SURVEY": "1000000",
        "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(ROOT / "src")]),
    }
    os.environ.update(env)
    import django

    django.setup()
    try:
        world = prepare_world(args, postgres)
        from django.core.management import call_command

        call_command("collectstatic", verbosity=0, interactive=False)  # the release step
        before = counts(world)
        print(
            f"机器：{os.cpu_count()} 核（与其他任务共用），开始时负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        with running(args, env, work) as (port, processes):
            time.sleep(2)
            bare = bare_alone(port, args.bare_seconds)
            crowd, cpu = run_crowd(args, port, world, processes)
        after = counts(world)
        return report(args, crowd, bare, before, after, cpu, processes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
