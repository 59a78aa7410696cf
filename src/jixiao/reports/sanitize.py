"""One place where text from users is made safe for every output format.

XML 1.0 (inside .docx and .xlsx) cannot hold control characters other than tab, line
feed and carriage return, nor lone surrogates or U+FFFE/U+FFFF; python-docx raises
``ValueError`` and openpyxl ``IllegalCharacterError`` on them. Every writer passes user text
through :func:`clean_text`, so a stray ``\\x0b`` pasted from Word never breaks a file.
Escaping for HTML and keeping "=" from becoming a formula are the writers' jobs: this
module only removes what no format can carry.
"""

from __future__ import annotations

import re

# C0 controls except \t \n \r, DEL..C1 controls are legal in XML but invisible noise in a report,
# lone surrogates, and the two noncharacters XML forbids.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?")
#: Excel refuses cells longer than this (characters).
XLSX_CELL_LIMIT = 32767


def clean_text(text: str) -> str:
    """``text`` without characters no document format can carry; \\r\\n becomes \\n."""
    return _ILLEGAL.sub("", _LINE_BREAKS.sub("\n", text))


def clean_line(text: str) -> str:
    """:func:`clean_text` on one line: tabs and line breaks become spaces."""
    return " ".join(clean_text(text).replace("\t", " ").split("\n")).strip()


def split_paragraphs(text: str) -> tuple[str, ...]:
    """A narrative field as paragraphs: one per non-blank line, stripped."""
    return tuple(line.strip() for line in clean_text(text).split("\n") if line.strip())


def clip(text: str, limit: int, marker: str = "…（超长内容已截断）") -> str:
    """``text`` cut to ``limit`` characters with a visible marker, for formats with a cap."""
    if len(text) <= limit:
        return text
    return text[: limit - len(marker)] + marker
