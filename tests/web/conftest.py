"""Django for the web tests only: settings, a throw-away instance directory, and the personas.

The settings module is chosen here rather than in pyproject so that the core's tests never
load Django (tests/test_architecture.py checks the core in a fresh interpreter anyway).
``DATABASE_URL`` from the environment picks PostgreSQL
(``DATABASE_URL=postgres://postgres@127.0.0.1:5432/test``); without it the tests run on SQLite.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")
os.environ.setdefault("SECRET_KEY", "jixiao-tests-only-" + "k" * 40)
# Never the developer's ./var: evidence files and the SQLite file go to a fresh directory.
INSTANCE_DIR = Path(tempfile.mkdtemp(prefix="jixiao-web-tests-"))
atexit.register(shutil.rmtree, INSTANCE_DIR, ignore_errors=True)
os.environ["JIXIAO_INSTANCE_DIR"] = str(INSTANCE_DIR)
os.environ["JIXIAO_DEMO"] = "0"
os.environ.pop("DEBUG", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Each process its own evidence directory. Settings may already have been read before this
# line (under pytest-xdist a worker inherits DJANGO_SETTINGS_MODULE and the directory chosen
# by the controller, and pytest-django loads settings first), so set it here, after setup.
settings.INSTANCE_DIR = INSTANCE_DIR
settings.EVIDENCE_DIR = INSTANCE_DIR / "evidence"
settings.REPORTS_DIR = INSTANCE_DIR / "reports"

# Hashing passwords properly costs ~0.3 s each; the tests create dozens of users.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]

import pytest  # noqa: E402

from tests.web.world import World, build_world  # noqa: E402


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: no portal copy, rate count or throttle of another
    test's rows (the cache lives on disk, beside the database that each test rolls back)."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def world(db: None) -> World:
    """Two bureaus, three units, the seven personas and unit A's evaluations in every state."""
    return build_world()


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, not in pyproject: only the web tests have it (``-m "not browser"`` skips it).
    config.addinivalue_line("markers", "browser: drives a real browser against a live server (test_browser.py)")


@pytest.fixture
def run_worker(monkeypatch: pytest.MonkeyPatch):
    """Run the background worker in this process, inside the test's transaction, until the
    queue is empty. The worker's periodic ``close_old_connections`` would close that connection
    on PostgreSQL (and lose the test's rows), so it is switched off here."""
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    from jixiao.web.jobs.management.commands import worker as worker_command

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker_command, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("worker", batch=True, no_missing_reports=True, interval=0, verbosity=0)

    return run
