"""The HTML preview: the same content, escaped, self-contained."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from jixiao.core.model import Evaluation
from jixiao.core.scoring import Scorecard
from jixiao.reports.document import ReportContent
from jixiao.reports.html import html_document, html_fragment
from tests.reports.conftest import FORMULA, SEED_FIGURES


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def test_preview_is_self_contained_with_headings_tables_and_charts(seed_content: ReportContent) -> None:
    page = html_document(seed_content)
    parsed = parse(page)
    assert page.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in page
    assert parsed.tags.count("h2") == 4 and parsed.tags.count("table") == 2
    assert len(parsed.images) == 2 and all(src.startswith("data:image/png;base64,") for src in parsed.images)
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from elsewhere
    text = "".join(parsed.text)
    for figure in SEED_FIGURES:
        assert figure in text
    assert 'rowspan="10"' in page  # 产出指标 merged as in the .docx


def test_hostile_text_is_escaped(hostile: tuple[Evaluation, Scorecard, ReportContent]) -> None:
    _, _, content = hostile
    page = html_fragment(content)
    assert "<script>" not in page
    assert html.escape("<script>alert(1)</script>") in page
    assert html.escape(FORMULA, quote=True) in page
    text = "".join(parse(page).text)
    assert "<script>alert(1)</script>" in text and "😀🎉" in text and "&amp;" in text
    assert not any(ch in page for ch in "\x00\x01\x0b\x1f")


def test_review_mark_and_appendix_only_in_review_copy(seed_content: ReportContent) -> None:
    assert "appendix" not in html_fragment(seed_content)
