"""Run a jixiao process with a fault point, for tests/web/test_fault_processes.py.

    python tests/web/faultproc.py gunicorn -c deploy/gunicorn.conf.py jixiao.web.wsgi
    python tests/web/faultproc.py worker --batch
    python tests/web/faultproc.py syncdb

``JIXIAO_FAULT_PAUSE=save``: the first save stops after its audit event is written, before its
transaction commits; ``=render``: the first PDF conversion stops half way through writing its
file. Either way the process writes its pid to ``JIXIAO_FAULT_MARK`` and waits to be killed;
later saves and renders (the mark exists) run normally. ``JIXIAO_FAULT_FAKE_PDF=1`` replaces
LibreOffice by a stand-in that writes small PDFs at once (the tests are about the files and the
jobs, not the conversion). ``syncdb`` creates the tables from the models without migrations
(seconds instead of half a minute, for a throw-away database). The test users' MD5 password
hashes are accepted.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jixiao.web.settings")

PAUSE = os.environ.get("JIXIAO_FAULT_PAUSE", "")
MARK = Path(os.environ.get("JIXIAO_FAULT_MARK", "/nonexistent/mark"))
FAKE_PDF = os.environ.get("JIXIAO_FAULT_FAKE_PDF") == "1"


def _pause_once() -> None:
    """At the fault point the first time only: say where we are, then wait to be killed."""
    if MARK.exists():
        return
    partial = MARK.with_suffix(".partial")
    partial.write_text(str(os.getpid()), "utf-8")
    os.replace(partial, MARK)
    time.sleep(600)


def _install() -> None:
    from jixiao.reports import pdf
    from jixiao.web.evaluations import services

    if PAUSE == "save":
        append = services.append_audit

        def append_then_pause(event: Any) -> Any:
            saved = append(event)
            _pause_once()
            return saved

        services.append_audit = append_then_pause
    if FAKE_PDF:

        def convert(files: Sequence[Path], outdir: Path, *, timeout: float | None = None) -> list[Path]:
            outdir.mkdir(parents=True, exist_ok=True)
            made = []
            for source in files:
                target = outdir / f"{source.stem}.pdf"
                body = b"%PDF-1.4\n% " + source.read_bytes()[-64:].hex().encode() + b"\n%%EOF\n"
                with target.open("wb") as out:
                    if PAUSE == "render" and not MARK.exists():
                        out.write(body[: len(body) // 2])
                        out.flush()
                        _pause_once()
                    out.write(body)
                made.append(target)
            return made

        pdf.convert_to_pdf = convert


def _syncdb() -> None:
    from django.conf import settings
    from django.core.management import call_command

    class NoMigrations(dict[str, Any]):
        def __contains__(self, app: object) -> bool:
            return True

        def __getitem__(self, app: str) -> None:
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)


def main() -> None:
    import django

    django.setup()
    from django.conf import settings

    # The test users' passwords are hashed quickly with MD5 (tests/web/conftest.py).
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
    _install()
    command, *rest = sys.argv[1:]
    if command == "syncdb":
        _syncdb()
    elif command == "gunicorn":
        from gunicorn.app.wsgiapp import run

        sys.argv = ["gunicorn", *rest]
        run()
    else:
        from jixiao.web.__main__ import main as manage

        manage(["faultproc", command, *rest])


if __name__ == "__main__":
    main()
