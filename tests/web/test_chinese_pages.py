"""What users read is Chinese: finding codes and field paths stay in tooltips and exports."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.urls import reverse

from jixiao.web.evaluations.assessments import assess_version
from jixiao.web.evaluations.editor import SECTIONS, finding_links, label_for
from tests.web.world import World

#: English a user may meet: product, format names and file extensions, units of measure.
_ALLOWED = {
    "doc",
    "docx",
    "jpg",
    "jpeg",
    "pdf",
    "png",
    "xls",
    "xlsx",
    "xlsm",
    "csv",
    "yaml",
    "yml",
    "json",
    "jixiao",
    "PDF",
    "Word",
    "Excel",
    "JSON",
    "HTML",
    "YAML",
    "SHA",
    "CSV",
    "JPEG",
    "PNG",
    "MB",
    "KB",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z_.\[\]0-9]{2,}")


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def english_in(page: str) -> set[str]:
    parser = _Text()
    parser.feed(page)
    words = set(_WORD.findall(" ".join(parser.parts)))
    return {w for w in words if w.rstrip(".") not in _ALLOWED and not re.fullmatch(r"P[012]|\d.*", w)}


def test_labels_never_show_a_path() -> None:
    assert label_for("indicators[3]") == "绩效指标第 4 行"
    assert label_for("indicators[3].no_such_field") == "绩效指标第 4 行"
    assert label_for("items.execution_rate") == "评分项"
    assert label_for("budget.adjusted.note") == label_for("budget.adjusted") == "全年预算数（调整后）"
    assert label_for("nothing.we.know") == ""


def test_findings_name_the_scored_line_and_keep_code_and_path_in_the_tooltip(world: World, client) -> None:
    evaluation = world.fresh("p0_a")
    view = assess_version(evaluation, evaluation.current_version)
    links = finding_links(view.findings, editable=True, scorecard=view.scorecard)
    names = {line.path: line.name for line in view.scorecard.items}
    for link in links:
        path = link.finding.path
        if path.startswith("items."):
            assert link.label == f"评分项“{names[path]}”"
    client.force_login(world.prep_a)
    page = client.get(reverse("evaluations:detail", kwargs={"pk": evaluation.pk})).content.decode()
    code = view.findings[0].code
    assert f'title="问题编码 {code}' in page and f"<code>{code}</code>" not in page
    assert english_in(page) == set()


def test_the_pages_users_work_in_carry_no_english(world: World, client) -> None:
    client.force_login(world.prep_a)
    pk = world.evaluations["p0_a"].pk
    urls = [
        reverse("evaluations:detail", kwargs={"pk": pk}),
        reverse("evaluations:history", kwargs={"pk": pk}),
        reverse("evaluations:evidence", kwargs={"pk": pk}),
        *(reverse("evaluations:edit", kwargs={"pk": pk, "section": s.slug}) for s in SECTIONS),
    ]
    found = {url: english_in(client.get(url).content.decode()) for url in urls}
    assert {url: words for url, words in found.items() if words} == {}
    client.force_login(world.reviewer)
    review = client.get(reverse("reviews:review", kwargs={"pk": world.evaluations["signed_a"].pk}))
    assert english_in(review.content.decode()) == set()
