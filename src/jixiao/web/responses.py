"""Files the web app hands out: one way to name them, one response that carries them.

Names are Chinese (``东湖区2021年度绩效自评报告.docx``), so the header carries them as RFC 5987
``filename*=UTF-8''…`` (percent-encoded UTF-8, which every current browser reads), after a plain
``filename="download.docx"`` for clients that read only that. An ASCII name goes as it is. No
part of a name can bring a quote, a backslash or a line break into the header.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import BinaryIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse

#: The type of an Excel workbook (.xlsx), the most common download.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Characters a plain ``filename="…"`` may hold: printable ASCII except ``"`` and ``\``.
_PLAIN = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]*")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` header for ``filename``: an attachment, or shown in the page."""
    kind = "inline" if inline else "attachment"
    if _PLAIN.fullmatch(filename):
        return f'{kind}; filename="{filename}"'
    suffix = PurePath(filename).suffix
    fallback = f"download{suffix if _PLAIN.fullmatch(suffix) else ''}"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(
    content: bytes | BinaryIO, filename: str, content_type: str, *, inline: bool = False
) -> HttpResponse | FileResponse:
    """A response carrying ``content`` (bytes, or an open file streamed from disk) as ``filename``."""
    response: HttpResponse | FileResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response
