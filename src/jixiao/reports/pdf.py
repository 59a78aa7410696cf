"""PDF through LibreOffice headless: many files, one LibreOffice process.

Starting LibreOffice costs a second or more; converting a document afterwards costs tens of
milliseconds. :func:`convert_to_pdf` therefore passes a whole batch to a single
``soffice --headless --convert-to pdf`` call (which accepts many input files). Each call
uses a private profile directory (``-env:UserInstallation``) in a temporary directory, so it
neither collides with a LibreOffice the user has open nor with a parallel batch, and runs
under a timeout; on timeout the whole process group is killed.

Fonts: the .docx names the official fonts (仿宋_GB2312 …); on servers without them,
``fonts/jixiao-fonts.conf`` maps them to Noto CJK and the AR PL 楷体. Every LibreOffice call
reads that file without any installation or root: its environment sets ``FONTCONFIG_FILE`` to
a small configuration in the private profile directory that includes the system's (or the
caller's) configuration and then the project's file (docs/reports.md, 字体).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

#: Where LibreOffice is looked for when it is not on PATH.
CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)
#: Seconds allowed for LibreOffice to start, plus seconds per file.
START_TIMEOUT = 90.0
PER_FILE_TIMEOUT = 10.0
#: Files per LibreOffice call (a very long command line is split into several calls).
MAX_FILES_PER_CALL = 400
#: The project's font substitutions (公文 font names → open fonts).
FONTS_CONF = Path(__file__).resolve().with_name("fonts") / "jixiao-fonts.conf"
#: The system configuration included first when the caller has not set FONTCONFIG_FILE.
SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")


class ReportError(Exception):
    """A report could not be written; the message is Chinese and says what to do."""


class LibreOfficeMissing(ReportError):
    def __init__(self) -> None:
        super().__init__(
            "未找到 LibreOffice，无法生成 PDF。请安装 LibreOffice（Debian/Ubuntu："
            "apt-get install libreoffice-writer-nogui fonts-noto-cjk），"
            "或设置环境变量 JIXIAO_SOFFICE 指向 soffice 程序；也可以先生成 .docx 再用 Word/WPS 另存为 PDF。"
        )


class PdfConversionError(ReportError):
    pass


def find_soffice() -> str | None:
    """The LibreOffice executable: $JIXIAO_SOFFICE, then PATH, then the usual places."""
    configured = os.environ.get("JIXIAO_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((path for path in CANDIDATES if Path(path).is_file()), None)


def libreoffice_available() -> bool:
    return find_soffice() is not None


def convert_to_pdf(files: Sequence[Path], outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Convert ``files`` (.docx, .xlsx …) to PDF in ``outdir`` with as few LibreOffice starts as possible.

    Returns the PDFs in the order of ``files``. Input names must have distinct stems (the PDF
    takes the stem). Raises :class:`LibreOfficeMissing` or :class:`PdfConversionError`.
    """
    if not files:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeMissing()
    stems = [f.stem for f in files]
    if len(set(stems)) != len(stems):
        raise PdfConversionError("同一批转换的文件名（不含扩展名）不能重复，否则 PDF 会互相覆盖")
    outdir.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(files), MAX_FILES_PER_CALL):
        chunk = list(files[start : start + MAX_FILES_PER_CALL])
        limit = timeout if timeout is not None else START_TIMEOUT + PER_FILE_TIMEOUT * len(chunk)
        _run(soffice, chunk, outdir, limit)
    results = [outdir / f"{f.stem}.pdf" for f in files]
    missing = [str(f) for f, pdf in zip(files, results, strict=True) if not pdf.is_file()]
    if missing:
        raise PdfConversionError(f"LibreOffice 未能转换：{'、'.join(missing)}（文件可能已损坏）")
    return results


def fontconfig_file(folder: Path) -> Path:
    """Write ``folder/fonts.conf``: the system's (or $FONTCONFIG_FILE's) configuration, then ours.

    The system part comes first so that its font directories and cache are used; the project's
    aliases then put the open fonts right after each official font name, ahead of the generic
    sans-serif fallback fontconfig appends to unknown names.
    """
    base = os.environ.get("FONTCONFIG_FILE") or str(SYSTEM_FONTS_CONF)
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{escape(str(Path(base).resolve()))}</include>\n'
        f"  <include>{escape(str(FONTS_CONF))}</include>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return config


def _run(soffice: str, files: list[Path], outdir: Path, timeout: float) -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        environment = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(Path(profile))))
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
            "--headless", "--invisible", "--nologo", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", "pdf:writer_pdf_Export",
            "--outdir", str(outdir),
            *(str(f) for f in files),
        ]  # fmt: skip
        # A new session: on timeout the whole group (oosplash + soffice.bin) is killed.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=environment,
            start_new_session=os.name == "posix",
        )
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise PdfConversionError(
                f"LibreOffice 在 {timeout:.0f} 秒内未完成 {len(files)} 个文件的转换，已终止；请减少每批文件数后重试"
            ) from None
        if process.returncode != 0:
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["无输出"]
            raise PdfConversionError(f"LibreOffice 转换失败（退出码 {process.returncode}）：{detail[0]}")


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass
    process.communicate()
