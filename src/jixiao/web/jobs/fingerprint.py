"""What a stored PDF depends on besides the version's document (docs/operations.md#stored-pdf).

The fingerprint is the SHA-256 of the report package's own files (templates, code, the project's
font configuration) and of the list of font files fontconfig can find. Installing a font,
changing a template or upgrading jixiao changes it; the stored PDFs of the old fingerprint are
then rendered again in the background, and served until the new ones are ready.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from functools import cache
from pathlib import Path

import jixiao.reports

REPORTS_DIR = Path(jixiao.reports.__file__).resolve().parent
#: The files of the reports package that shape a PDF.
PATTERNS = ("*.py", "templates/*.yaml", "fonts/*.conf")


def _fonts() -> bytes:
    """The font files fontconfig sees (path, family, style), sorted; empty without fc-list."""
    program = shutil.which("fc-list")
    if program is None:
        return b""
    try:
        listed = subprocess.run(
            [program, "--format", "%{file}|%{family}|%{style}\\n"],
            capture_output=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return b""
    return b"\n".join(sorted(listed.splitlines()))


@cache
def report_fingerprint() -> str:
    """Computed once per process: a font installed later needs a restart of the worker."""
    digest = hashlib.sha256()
    for pattern in PATTERNS:
        for path in sorted(REPORTS_DIR.glob(pattern)):
            digest.update(path.relative_to(REPORTS_DIR).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(hashlib.sha256(_fonts()).digest())
    return digest.hexdigest()
