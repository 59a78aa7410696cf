"""An HTML preview of the report: one self-contained file (charts as data: URIs).

Every piece of text passes through :func:`_e` (control characters removed, then
``html.escape`` with quotes), so user narrative can never open a tag or an attribute.
:func:`html_fragment` gives the ``<article>`` alone for the web application to embed.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import IO

from jixiao.reports.charts import chart_png
from jixiao.reports.document import Align, Chart, Paragraph, ReportContent, Role, Section, Table, attachment_name
from jixiao.reports.sanitize import clean_text

STYLE = """
:root { --body: "仿宋_GB2312", "仿宋", FangSong, "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", serif;
  --hei: "黑体", SimHei, "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
  --kai: "楷体_GB2312", "楷体", KaiTi, "STKaiti", "AR PL KaitiM GB", "AR PL UKai CN", serif;
  --title: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC", "Source Han Serif SC", serif; }
body { margin: 0; background: #eef0f3; }
article.report { box-sizing: border-box; max-width: 210mm; margin: 1.5rem auto; padding: 37mm 26mm 35mm 28mm;
  background: #fff; box-shadow: 0 1px 4px rgba(0,0,0,.15); font: 16pt/28.95pt var(--body); color: #000; }
.title { font: 22pt/1.6 var(--title); text-align: center; margin: 0; font-weight: normal; }
.subtitle, .review-mark { font-family: var(--kai); text-align: center; margin: 0 0 28.95pt; }
.review-mark { color: #b00020; margin-top: -28.95pt; }
p { margin: 0; text-indent: 2em; text-align: justify; overflow-wrap: anywhere; }
p.note { text-indent: 0; }
h2, h3, h4, h5 { font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h2 { font-family: var(--hei); } h3 { font-family: var(--kai); } h4, h5 { font-family: var(--body); }
.signature { display: table; margin: 57.9pt 4em 0 auto; } /* GB/T 9704 §7.3.5.1, docs/reports.md */
.signature p { text-align: center; text-indent: 0; white-space: nowrap; }
.attachment-note { margin-top: 28.95pt; padding-left: 5em; text-indent: -3em; }
table { border-collapse: collapse; width: 100%; margin: 0 0 14pt; font: 10.5pt/1.4 var(--body); }
caption { font: 14pt/2 var(--hei); }
th, td { border: 1px solid #000; padding: 2pt 3pt; vertical-align: middle; overflow-wrap: break-word; }
th { font-family: var(--hei); font-weight: normal; }
td.c { text-align: center; } td.r { text-align: right; } td.b { font-family: var(--hei); }
td.n { white-space: nowrap; } /* a figure with its unit is never broken, on screen or in print */
.table-wrap { overflow-x: auto; }
tr { break-inside: avoid; } caption, figcaption { break-after: avoid; } figure { break-inside: avoid; }
figure { margin: 0 0 14pt; text-align: center; }
figure img { max-width: 100%; height: auto; }
figcaption { font: 14pt/2 var(--hei); }
.appendix { border-top: 2px solid #b00020; margin-top: 28.95pt; padding-top: 14pt; }
@media print { body { background: none; } article.report { box-shadow: none; margin: 0; max-width: none; } }
"""
ALIGN_CLASS = {Align.LEFT: "", Align.CENTER: "c", Align.RIGHT: "r"}


def _e(text: str) -> str:
    """Escaped text; line breaks kept as <br>."""
    return html.escape(clean_text(text), quote=True).replace("\n", "<br>")


def html_document(content: ReportContent) -> str:
    title = _e("".join(content.title))
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="jixiao"><title>{title}</title><style>{STYLE}</style></head>'
        f"<body>{html_fragment(content)}</body></html>\n"
    )


def write_html(content: ReportContent, out: Path | IO[bytes]) -> None:
    data = html_document(content).encode("utf-8")
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)


def html_fragment(content: ReportContent) -> str:
    parts = ['<article class="report">', "<header>"]
    parts.append('<h1 class="title">' + "<br>".join(_e(line) for line in content.title) + "</h1>")
    if content.subtitle:
        parts.append(f'<p class="subtitle">{_e(content.subtitle)}</p>')
    if content.review_mark:
        parts.append(f'<p class="review-mark">{_e(content.review_mark)}</p>')
    parts.append("</header>")
    parts += [_paragraph(p) for p in content.preamble]
    for section in content.sections:
        parts.append(_section(section))
    if content.appendix is not None:
        parts.append(f'<p class="attachment-note">附件：{_e(attachment_name(content.appendix))}</p>')
    if content.sign_off or content.date:
        parts.append('<div class="signature">')
        if content.sign_off:
            parts.append(f'<p class="sign-off">{_e(content.sign_off)}</p>')
        if content.date:
            parts.append(f'<p class="date">{_e(content.date)}</p>')
        parts.append("</div>")
    if content.appendix is not None:
        parts.append(f'<aside class="appendix">{_section(content.appendix)}</aside>')
    parts.append("</article>")
    return "".join(parts)


def _paragraph(paragraph: Paragraph) -> str:
    classes = {Role.SIGN_OFF: "sign-off", Role.DATE: "date", Role.NOTE: "note", Role.CAPTION: "caption"}
    css = classes.get(paragraph.role)
    attribute = f' class="{css}"' if css else ""
    return f"<p{attribute}>{_e(paragraph.text)}</p>"


def _section(section: Section) -> str:
    level = min(max(section.level, 1), 4)
    parts = [f'<section class="level-{level}"><h{level + 1}>{_e(section.heading)}</h{level + 1}>']
    for block in section.blocks:
        if isinstance(block, Section):
            parts.append(_section(block))
        elif isinstance(block, Paragraph):
            parts.append(_paragraph(block))
        elif isinstance(block, Table):
            parts.append(_table(block))
        else:
            parts.append(_chart(block))
    parts.append("</section>")
    return "".join(parts)


def _chart(chart: Chart) -> str:
    data = base64.b64encode(chart_png(chart)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(chart.alt)}">'
        f"<figcaption>{_e(chart.caption)}</figcaption></figure>"
    )


def _table(table: Table) -> str:
    spans: dict[tuple[int, int], tuple[int, int] | None] = {}
    for m in table.merges:
        for r in range(m.row, m.last_row + 1):
            for c in range(m.col, m.last_col + 1):
                spans[(r, c)] = None  # covered
        spans[(m.row, m.col)] = (m.last_row - m.row + 1, m.last_col - m.col + 1)
    parts = [f'<div class="table-wrap"><table><caption>{_e(table.caption)}</caption>']
    for r, cells in enumerate(table.grid):
        if r == 0:
            parts.append("<thead>")
        if r == len(table.header):
            parts.append("</thead><tbody>")
        parts.append("<tr>")
        for c, cell in enumerate(cells):
            span = spans.get((r, c), (1, 1))
            if span is None:
                continue
            tag = "th" if r < len(table.header) else "td"
            attributes = f' rowspan="{span[0]}"' if span[0] > 1 else ""
            attributes += f' colspan="{span[1]}"' if span[1] > 1 else ""
            flags = (ALIGN_CLASS[cell.align], "b" if cell.bold and tag == "td" else "", "n" if cell.whole else "")
            css = " ".join(x for x in flags if x)
            attributes += f' class="{css}"' if css else ""
            parts.append(f"<{tag}{attributes}>{_e(cell.text)}</{tag}>")
        parts.append("</tr>")
    parts.append("</tbody></table></div>")
    if table.note:
        parts.append(_paragraph(Paragraph(table.note, Role.NOTE)))
    return "".join(parts)
