"""Every reference to a section of docs/ resolves (anchor rule: docs/README.md#links)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SEARCHED = ("src", "tests", "bench", "docs")
TEXT_SUFFIXES = {".py", ".md", ".html", ".yaml", ".yml", ".txt", ".toml", ".cfg", ".js", ".css"}

#: ``docs/field.md#review`` anywhere; inside docs/ also a relative link ``(field.md#review)``.
QUALIFIED = re.compile(r"docs/([\w.-]+\.md)#([\w-]+)")
RELATIVE = re.compile(r"\]\(([\w.-]+\.md)#([\w-]+)\)")
EXPLICIT = re.compile(r"""<a\s+(?:id|name)=["']([^"']+)["']""")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = page.read_text("utf-8")
    return set(EXPLICIT.findall(text)) | {slug(heading) for heading in HEADING.findall(text)}


def references() -> list[tuple[str, str, str]]:
    """(where, file, anchor) for every reference in the searched folders."""
    found = []
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in TEXT_SUFFIXES or not path.is_file() or "__pycache__" in path.parts:
                continue
            text = path.read_text("utf-8", errors="replace")
            where = str(path.relative_to(ROOT))
            found += [(where, name, anchor) for name, anchor in QUALIFIED.findall(text)]
            if folder == "docs":
                found += [(where, name, anchor) for name, anchor in RELATIVE.findall(text)]
    return found


def test_slugs_follow_githubs_rule() -> None:
    assert slug("Opt-in compiled build") == "opt-in-compiled-build"
    assert slug("3.2 预算执行率") == "32-预算执行率"
    assert anchors(DOCS / "README.md") >= {"links", "文档目录"}


def test_the_code_cites_docs_sections() -> None:
    cited = {(name, anchor) for _, name, anchor in references()}
    assert ("field.md", "review-arithmetic") in cited  # the checker's modules cite the rulebook
    assert len(cited) >= 10


@pytest.mark.parametrize("where, name, anchor", references(), ids=str)
def test_reference_resolves(where: str, name: str, anchor: str) -> None:
    page = DOCS / name
    assert page.is_file(), f"{where}: docs/{name} does not exist"
    assert anchor in anchors(page), f"{where}: docs/{name} has no section #{anchor}"


def test_nothing_cites_files_outside_the_repository() -> None:
    outside = re.compile(r"\bdomain\.md\b|\bdesign\.md\b")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("src", "bench", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in TEXT_SUFFIXES and path.is_file() and outside.search(path.read_text("utf-8", errors="replace"))
    ]
    assert offenders == []
