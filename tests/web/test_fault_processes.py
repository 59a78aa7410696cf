"""Faults with real processes (docs/operations.md#faults): a gunicorn worker killed in the middle
of a save, a task worker killed in the middle of a PDF, a PostgreSQL cluster stopped and started
again under a running server. The processes run tests/web/faultproc.py, which stops them at the
fault point (and writes its pid to a mark file) so that the kill lands there every time.

The killed processes work on the test's own database (committed rows: ``transaction=True``); on
SQLite it is copied to a file for them and read back afterwards. The PostgreSQL test starts its
own throw-away cluster and never touches the shared server.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from jixiao.web.accounts.services import KEY_PREFIX
from jixiao.web.evaluations.models import AuditEvent
from jixiao.web.evaluations.selectors import audit_chain_verdict
from jixiao.web.jobs.models import Job, JobKind, JobState, StoredReport
from tests.web.formdata import form_fields
from tests.web.world import World

ROOT = Path(__file__).resolve().parents[2]
HELPER = Path(__file__).with_name("faultproc.py")
BIN = Path(sys.executable).parent
PASSWORD = "correct-horse-battery"  # tests/web/world.py's users
PG_BIN = Path("/usr/lib/postgresql")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(what: str, done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.2)


# --- the database the processes share with the test -------------------------------------------------


@dataclass
class Shared:
    url: str
    read_back: Callable[[], None]  # after the processes wrote: the test's connection sees it


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Shared]:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(settings_dict["USER"] or "")
        password = urllib.parse.quote(settings_dict["PASSWORD"] or "")
        credentials = f"{user}:{password}@" if password else f"{user}@"
        host = f"{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        yield Shared(f"postgres://{credentials}{host}/{settings_dict['NAME']}", lambda: None)
        return
    assert connection.vendor == "sqlite"
    file = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(file) as copy:
        connection.connection.backup(copy)

    def read_back() -> None:
        with sqlite3.connect(file) as written:
            written.backup(connection.connection)

    yield Shared(f"sqlite:///{file}", read_back)


def _environment(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        SECRET_KEY="jixiao-fault-test-" + "f" * 40,
        JIXIAO_INSTANCE_DIR=str(tmp_path / "instance"),
        JIXIAO_DEMO="0",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        JIXIAO_SECURE_COOKIES="0",
        JIXIAO_LOCKOUT="0",
        JIXIAO_WEB_WORKERS="1",
        JIXIAO_FAULT_MARK=str(tmp_path / "paused"),
        DATABASE_URL=database_url,
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=str(ROOT / "src") + os.pathsep + str(ROOT),
    )
    env.update(extra)
    return env


@contextmanager
def _process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, str(HELPER), *args], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _paused_pid(tmp_path: Path, log: Path) -> int:
    mark = tmp_path / "paused"
    _wait_for(f"the fault point ({log.read_text('utf-8', 'replace')[-2000:]})", mark.exists, 90)
    return int(mark.read_text("utf-8"))


# --- a browser of sorts -------------------------------------------------------------------------------


@dataclass
class Browser:
    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def open(self, path: str, data: dict[str, str] | None = None, **headers: str) -> tuple[int, str, dict[str, str]]:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def login(self, username: str) -> None:
        _, page, _ = self.open("/accounts/login/")
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        status, page, _ = self.open(
            "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        assert status == 302, page[:2000]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _serve(tmp_path: Path, env: dict[str, str]) -> tuple[Browser, Any]:
    port = _free_port()
    env["JIXIAO_BIND"] = f"127.0.0.1:{port}"
    log = tmp_path / "web.log"
    server = _process(["gunicorn", "-c", "deploy/gunicorn.conf.py", "jixiao.web.wsgi"], env, log)
    browser = Browser(f"http://127.0.0.1:{port}")
    return browser, server


def _up(browser: Browser, process: subprocess.Popen[bytes], log: Path) -> None:
    def answering() -> bool:
        assert process.poll() is None, log.read_text("utf-8", "replace")
        try:
            return browser.open("/accounts/login/")[0] in (200, 302)  # 302: logged in already
        except OSError:
            return False

    _wait_for("the server", answering, 90)


# --- a web process killed during a save ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_web_process_killed_in_the_middle_of_a_save_leaves_the_old_version_whole(
    world: World, shared: Shared, tmp_path: Path
) -> None:
    draft = world.fresh("draft_a")
    before = (draft.lock_version, draft.current_version.document, AuditEvent.objects.count())
    env = _environment(tmp_path, shared.url, JIXIAO_FAULT_PAUSE="save")
    browser, server = _serve(tmp_path, env)
    with server as gunicorn:
        _up(browser, gunicorn, tmp_path / "web.log")
        browser.login("prep_a")
        url = f"/evaluations/{draft.pk}/edit/profile/"
        fields = form_fields(browser.open(url)[1], "editor-form")
        assert fields["unit.duties"] != "负责全区教育事业发展规划（故障测试）"
        fields["unit.duties"] = "负责全区教育事业发展规划（故障测试）"
        answer: list[object] = []
        saving = threading.Thread(target=lambda: answer.append(_try(lambda: browser.open(url, fields))))
        saving.start()
        pid = _paused_pid(tmp_path, tmp_path / "web.log")
        assert pid != gunicorn.pid  # a worker process, not the master
        os.kill(pid, signal.SIGKILL)
        saving.join(60)
        assert isinstance(answer[0], OSError)  # the browser saw the connection drop, no answer

        shared.read_back()
        draft = world.fresh("draft_a")
        assert (draft.lock_version, draft.current_version.document, AuditEvent.objects.count()) == before
        assert audit_chain_verdict().broken is None

        # The master started a new worker: the same save, sent again, goes through whole.
        _up(browser, gunicorn, tmp_path / "web.log")
        status, page, _ = browser.open(url, fields)
        assert status == 302, page[:3000]
    shared.read_back()
    draft = world.fresh("draft_a")
    assert draft.lock_version == before[0] + 1
    assert draft.current_version.document["unit"]["duties"] == "负责全区教育事业发展规划（故障测试）"
    assert AuditEvent.objects.count() == before[2] + 1
    assert audit_chain_verdict().broken is None


def _try(call: Callable[[], object]) -> object:
    try:
        return call()
    except OSError as error:
        return error


# --- a task worker killed during a PDF render --------------------------------------------------------


def _render_jobs() -> list[Job]:
    return list(Job.objects.filter(kind=JobKind.RENDER_PDF.value).order_by("pk"))


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_rendering_leaves_no_partial_pdf_and_the_job_completes_on_the_next(
    world: World, shared: Shared, tmp_path: Path
) -> None:
    queued = _render_jobs()  # freezing the world's versions queued their PDFs
    assert queued and {job.state for job in queued} == {JobState.QUEUED.value}
    env = _environment(
        tmp_path, shared.url, JIXIAO_FAULT_FAKE_PDF="1", JIXIAO_TASK_LEASE_SECONDS="10", JIXIAO_TASK_RETRY_SECONDS="0"
    )
    reports = tmp_path / "instance" / "reports"
    log = tmp_path / "worker.log"
    with _process(["worker", "--no-missing-reports"], {**env, "JIXIAO_FAULT_PAUSE": "render"}, log) as worker:
        pid = _paused_pid(tmp_path, log)
        assert pid == worker.pid
        os.kill(pid, signal.SIGKILL)
        worker.wait(30)
    shared.read_back()
    partial = list((reports / "tmp").rglob("*.pdf"))
    assert len(partial) == 1 and not partial[0].read_bytes().endswith(b"%%EOF\n")  # killed half way
    assert not list(reports.glob("*.pdf")) and not StoredReport.objects.exists()  # nothing served or recorded
    assert {job.state for job in _render_jobs()} == {JobState.RUNNING.value}

    # The next worker finds the lease passed, queues the jobs again and renders them.
    with _process(["worker", "--no-missing-reports", "--batch", "--interval", "0.5"], env, log) as worker:
        assert worker.wait(120) == 0, log.read_text("utf-8", "replace")
    shared.read_back()
    jobs = _render_jobs()
    assert [(job.state, job.attempts) for job in jobs] == [(JobState.DONE.value, 2)] * len(queued)
    stored = list(StoredReport.objects.all())
    assert len(stored) == sum(len(job.params["copies"]) for job in jobs)
    for row in stored:
        data = (reports / f"{row.sha256}.pdf").read_bytes()
        assert hashlib.sha256(data).hexdigest() == row.sha256 and data.endswith(b"%%EOF\n") and row.size == len(data)
    assert not list((reports / "tmp").rglob("*.pdf"))  # the killed run's leftovers are cleared
    assert "中断的任务已重新排队" in log.read_text("utf-8")


# --- PostgreSQL stopped and started under a running server -------------------------------------------


def _pg_bin() -> Path | None:
    versions = sorted(PG_BIN.glob("*/bin/pg_ctl")) if PG_BIN.is_dir() else []
    return versions[-1].parent if versions else None


@dataclass
class Cluster:
    bin: Path
    data: Path
    socket_dir: Path
    port: int
    run_as: list[str]

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        command = [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stdout + done.stderr

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres?conn_max_age=60"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A throw-away PostgreSQL cluster on a free port (never the shared server on 5432)."""
    pg = _pg_bin()
    if pg is None:
        pytest.skip("未找到 PostgreSQL 服务器程序（/usr/lib/postgresql/*/bin）：跳过数据库停机测试")
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
    if os.geteuid() == 0:  # postgres refuses to run as root
        if shutil.which("runuser") is None:
            pytest.skip("以 root 运行但没有 runuser：无法以 postgres 用户启动临时数据库")
        try:
            shutil.chown(folder, user="postgres")
        except (LookupError, PermissionError):
            pytest.skip("没有 postgres 用户：无法以非 root 用户启动临时数据库")
        run_as = ["runuser", "-u", "postgres", "--"]
    made = subprocess.run(
        [*run_as, str(pg / "initdb"), "-D", str(folder / "data"), "-U", "postgres", "-A", "trust", "--no-sync", "-E",
         "UTF8"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    found = Cluster(pg, folder / "data", folder, _free_port(), run_as)
    found.ctl("-l", str(folder / "server.log"), "start")
    try:
        yield found
    finally:
        subprocess.run(
            [*run_as, str(pg / "pg_ctl"), "-D", str(found.data), "-m", "immediate", "-w", "stop"],
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def test_with_postgresql_stopped_pages_answer_503_in_chinese_and_recover_when_it_is_back(
    cluster: Cluster, tmp_path: Path
) -> None:
    env = _environment(tmp_path, cluster.url, JIXIAO_WEB_THREADS="4")
    tables = subprocess.run(
        [sys.executable, str(HELPER), "syncdb"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert tables.returncode == 0, tables.stdout + tables.stderr
    browser, server = _serve(tmp_path, env)
    api = {"Authorization": f"Bearer {KEY_PREFIX}not-a-key"}  # looked up in the database
    worker_log = tmp_path / "worker.log"
    with (
        server as gunicorn,
        _process(["worker", "--no-missing-reports", "--interval", "0.5"], env, worker_log) as worker,
    ):
        _up(browser, gunicorn, tmp_path / "web.log")
        _wait_for("the worker", lambda: "后台任务进程已启动" in worker_log.read_text("utf-8"), 90)
        for _ in range(8):  # every thread of the worker holds a connection (conn_max_age=60)
            assert browser.open("/public/")[0] == 200
        assert browser.open("/api/evaluations", **api)[0] == 401

        cluster.ctl("-m", "fast", "stop")
        status, page, headers = browser.open("/public/")
        assert status == 503 and headers["Retry-After"] == "30"
        assert "数据库暂时无法连接，请稍后再试" in page and "Traceback" not in page
        status, body, headers = browser.open("/api/evaluations", **api)
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert "数据库暂时无法连接" in body
        _wait_for("the worker to notice", lambda: "数据库暂时无法连接" in worker_log.read_text("utf-8"), 30)

        cluster.ctl("-l", str(cluster.data.parent / "server.log"), "start")
        statuses = [browser.open("/public/")[0] for _ in range(8)]
        assert statuses == [200] * 8  # the same server process: reconnected, not restarted
        assert browser.open("/api/evaluations", **api)[0] == 401
        assert gunicorn.poll() is None
        _wait_for("the worker to reconnect", lambda: "数据库已恢复连接" in worker_log.read_text("utf-8"), 30)
        assert worker.poll() is None  # waited for the database instead of exiting
