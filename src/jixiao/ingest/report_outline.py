"""The outline of a self-evaluation report's text: numbered headings and the paragraphs under them.

Pure functions on a string (no I/O). docs/report-reading.md §一 describes the heading levels
(一、 → （一） → 1. → （1）) and the variants real reports use; this module follows it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

_CN = "一二三四五六七八九十"
# Level and numbering pattern, tried in this order at the start of a stripped line.
_NUMBERINGS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (2, re.compile(rf"[（(]\s*[{_CN}]{{1,3}}\s*[）)]\s*[、.．]?")),
    (4, re.compile(r"[（(]\s*\d{1,2}\s*[）)]")),
    (1, re.compile(rf"[{_CN}]{{1,3}}\s*[、.．]")),
    (3, re.compile(r"\d{1,2}\s*[、.．](?!\d)")),
)
_TITLE_END = re.compile(r"[。：:]")
# How long a heading may be (docs/report-reading.md §一.2): a line with no 。 or ： at all;
# a title run in before 。/： with the body following; a whole line that is one short sentence.
_MAX_BARE = 40
_MAX_RUN_IN = 20
_MAX_SENTENCE = 12
_SPACES = " \t\u3000\ufeff"


@dataclass(frozen=True)
class Span:
    """Character offsets [start, end) in the report text."""

    start: int
    end: int


@dataclass(frozen=True)
class Heading:
    level: int  # 1 一、 · 2 （一） · 3 1. · 4 （1）
    number: str  # as printed, e.g. "（五）" or "1、"
    title: str
    path: str  # numbers of the enclosing headings and this one, e.g. "1、/（五）/2."
    span: Span  # the heading's line
    irregular: bool = False  # numbered in another level's style (the seed's "1、 部门概况")


@dataclass(frozen=True)
class Paragraph:
    index: int  # 0-based count of non-empty lines
    section: str  # path of the heading it stands under ("" before the first heading)
    span: Span


@dataclass(frozen=True)
class Outline:
    headings: tuple[Heading, ...]
    paragraphs: tuple[Paragraph, ...]

    @cached_property
    def _starts(self) -> list[int]:
        return [p.span.start for p in self.paragraphs]

    def paragraph_at(self, offset: int) -> Paragraph | None:
        """The paragraph whose characters include `offset` (None between paragraphs)."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.paragraphs[i].span.end:
            return self.paragraphs[i]
        return None


@dataclass(frozen=True)
class _Candidate:
    level: int
    number: str
    title: str
    span: Span


def _lines(text: str) -> list[Span]:
    spans, start = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lead = len(body) - len(body.lstrip(_SPACES))
        if body.strip(_SPACES):
            spans.append(Span(start + lead, start + len(body.rstrip(_SPACES))))
        start += len(line)
    return spans


def _heading_candidate(line: str, span: Span) -> _Candidate | None:
    for level, pattern in _NUMBERINGS:
        match = pattern.match(line)
        if match is None:
            continue
        rest = line[match.end() :].strip(_SPACES)
        title = _title(rest)
        if not title:
            return None
        return _Candidate(level, match.group().strip(_SPACES), title, span)
    return None


def _title(rest: str) -> str | None:
    """The heading's title in the text after its number, or None when the line is a paragraph."""
    end = _TITLE_END.search(rest)
    if end is None:
        return rest if 0 < len(rest) <= _MAX_BARE else None
    title = rest[: end.start()].strip(_SPACES)
    if not title or "，" in title or "," in title:
        return None
    whole_line = end.end() == len(rest)
    return title if len(title) <= (_MAX_SENTENCE if whole_line else _MAX_RUN_IN) else None


def _levels(candidates: list[_Candidate]) -> list[tuple[_Candidate, int, bool]]:
    """Each candidate with its level; an arabic-numbered heading standing where 一、 belongs
    (before any 一、, followed by （一）) counts as level 1 and is marked irregular."""
    result, seen_top = [], False
    for i, candidate in enumerate(candidates):
        level, irregular = candidate.level, False
        following = candidates[i + 1].level if i + 1 < len(candidates) else None
        if level == 3 and not seen_top and following == 2:
            level, irregular = 1, True
        seen_top = seen_top or level == 1
        result.append((candidate, level, irregular))
    return result


def read_outline(text: str) -> Outline:
    """Headings (with their paths) and paragraphs (with the section they stand in)."""
    lines = _lines(text)
    candidates = [c for span in lines if (c := _heading_candidate(text[span.start : span.end], span))]
    by_start = {c.span.start: (c, level, irregular) for c, level, irregular in _levels(candidates)}
    stack: dict[int, str] = {}
    headings: list[Heading] = []
    paragraphs: list[Paragraph] = []
    for index, span in enumerate(lines):
        if span.start in by_start:
            candidate, level, irregular = by_start[span.start]
            stack = {lv: num for lv, num in stack.items() if lv < level}
            stack[level] = candidate.number
            path = "/".join(stack[lv] for lv in sorted(stack))
            headings.append(Heading(level, candidate.number, candidate.title, path, span, irregular))
        section = "/".join(stack[lv] for lv in sorted(stack))
        paragraphs.append(Paragraph(index, section, span))
    return Outline(tuple(headings), tuple(paragraphs))
