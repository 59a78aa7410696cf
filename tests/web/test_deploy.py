"""The example deployment in deploy/ runs on this machine: gunicorn with several processes,
static files through whitenoise, and a task worker that renders the published PDFs
(docs/operations.md#deploy). Against SQLite, or PostgreSQL when the tests run on it."""

from __future__ import annotations

import configparser
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jixiao.reports.pdf import libreoffice_available

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
    opener = urllib.request.build_opener(_NoRedirect())
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _procfile() -> dict[str, str]:
    lines = (DEPLOY / "Procfile").read_text("utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


@contextmanager
def _process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _environment(instance: Path, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        SECRET_KEY="jixiao-deploy-test-" + "d" * 40,
        JIXIAO_INSTANCE_DIR=str(instance),
        JIXIAO_DEMO="0",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        JIXIAO_SECURE_COOKIES="0",
        JIXIAO_BIND=f"127.0.0.1:{port}",
        JIXIAO_WEB_WORKERS="3",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=str(ROOT / "src"),
    )
    env.pop("DATABASE_URL", None)
    return env


def _run(words: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        shlex.split(words), env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_process_files_name_the_same_commands() -> None:
    processes = _procfile()
    assert set(processes) == {"release", "web", "worker"}
    assert processes["web"] == "gunicorn -c deploy/gunicorn.conf.py jixiao.web.wsgi"
    units = {}
    for name in ("jixiao-web.service", "jixiao-worker@.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
        units[name] = parser
    assert units["jixiao-web.service"]["Service"]["ExecStart"].endswith(processes["web"])
    assert units["jixiao-worker@.service"]["Service"]["ExecStart"].endswith(processes["worker"].split("python ")[1])
    assert units["jixiao-worker@.service"]["Service"]["Restart"] == "always"


@pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice 未安装：部署测试要看 worker 生成 PDF")
def test_gunicorn_and_a_worker_serve_pages_static_files_and_stored_pdfs(tmp_path: Path) -> None:
    port = _free_port()
    env = _environment(tmp_path / "instance", port)
    # The demo district as data (its command needs the demo switch; the server then runs without it).
    _run("python -m jixiao.web demo --no-serve", {**env, "JIXIAO_DEMO": "1", "DEBUG": "0"})
    _run(_procfile()["release"].split(" && ")[1], env)  # collectstatic, as the release step does
    base = f"http://127.0.0.1:{port}"
    processes = _procfile()
    with (
        _process(shlex.split(processes["web"]), env, tmp_path / "web.log") as web,
        _process(shlex.split(processes["worker"]), env, tmp_path / "worker.log"),
    ):
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, _ = _get(f"{base}/public/?all=1")
                break
            except OSError:
                assert web.poll() is None and time.monotonic() < deadline, (tmp_path / "web.log").read_text()
                time.sleep(0.3)
        status, headers, body = _get(f"{base}/public/?all=1")
        assert status == 200 and "公开" in body.decode("utf-8")
        page = body.decode("utf-8")
        css = next(part.split('"')[0] for part in page.split('href="') if part.split('"')[0].endswith(".css"))
        status, headers, body = _get(base + css)
        assert status == 200 and headers["Content-Type"].startswith("text/css") and len(body) > 100
        assert "max-age" in headers.get("Cache-Control", "")  # whitenoise, not Django's debug view

        deadline = time.monotonic() + 60
        while len(_children(web.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(_children(web.pid)) == 3  # JIXIAO_WEB_WORKERS processes under the gunicorn master

        # The worker renders the published versions' PDFs at start; the portal then serves them.
        pdf_url = _published_pdf_url(base)
        deadline = time.monotonic() + 600  # a shared, busy machine: LibreOffice may be slow to start
        while True:
            status, headers, body = _get(pdf_url)
            if status == 200 or time.monotonic() > deadline:
                break
            # Said (queued by the freeze or the worker's start, or not yet), never rendered in the request.
            assert (status, status == 202) in {(202, True), (503, False)}
            assert ("正在后台生成" if status == 202 else "尚未生成") in body.decode("utf-8")
            time.sleep(2)
        assert status == 200 and headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF-")


def _children(pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return found.stdout.split()


def _published_pdf_url(base: str) -> str:
    _, _, body = _get(f"{base}/public/?all=1")
    page = body.decode("utf-8")
    year = next(part.split('"')[0] for part in page.split('href="') if part.startswith("/public/20"))
    _, _, body = _get(base + year)
    detail = next(
        part.split('"')[0] for part in body.decode("utf-8").split('href="') if part.startswith("/public/evaluations/")
    )
    _, _, body = _get(base + detail)
    return base + next(
        part.split('"')[0] for part in body.decode("utf-8").split('href="') if part.split('"')[0].endswith("report.pdf")
    )


@pytest.mark.django_db
def test_the_health_endpoint_answers_without_the_database_or_a_session(
    client: Client, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
