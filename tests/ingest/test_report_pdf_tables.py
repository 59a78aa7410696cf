"""Tables inside a PDF report (docs/report-reading.md#report-files): a self-evaluation table printed in
the PDF is read like the same table in the .docx, cell by cell, and scored and checked with its sources
(page, table, cell). The .docx files are written here and turned into PDF by LibreOffice."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.ingest import pdf_tables
from jixiao.ingest.grid import Grid
from jixiao.ingest.report_file import read_report_file
from jixiao.pipeline import FileResult, evaluate_file
from jixiao.reports import pdf
from jixiao.testing.reportfiles import self_evaluation_table, write_docx

pytestmark = pytest.mark.skipif(not pdf.libreoffice_available(), reason="LibreOffice is not installed")

TEXT = ("某某局项目支出绩效自评报告\n（2022年度）\n一、项目概况\n年初预算100万元，全年预算120万元。\n"
        "全年支出118万元，预算执行率为98.33%。\n二、绩效情况\n自评得分92分，评价等级为“优”。\n")  # fmt: skip


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """name → file: the report on landscape pages, its table on page 1, and on portrait pages, where the
    table goes on to page 2 with its first two rows repeated there and a row cut in two by the page
    break (减轻贫困学生|家庭经济负担); each as .docx and as PDF."""
    folder = tmp_path_factory.mktemp("pdf-tables")
    rows, merges = self_evaluation_table()
    short = write_docx(TEXT, folder / "short.docx", table=rows, merges=merges, landscape=True)
    long = write_docx(TEXT, folder / "long.docx", table=rows, merges=merges, header_rows=2)
    short_pdf, long_pdf = pdf.convert_to_pdf([short, long], folder / "pdf")
    return {"short.docx": short, "short.pdf": short_pdf, "long.docx": long, "long.pdf": long_pdf}


def cells(grid: Grid) -> dict[tuple[int, int], object]:
    return dict(grid.cells)


@pytest.mark.parametrize("name", ["short", "long"])
def test_the_pdf_table_has_the_cells_of_the_docx_table(reports: dict[str, Path], name: str) -> None:
    from_docx = read_report_file(reports[f"{name}.docx"])
    from_pdf = read_report_file(reports[f"{name}.pdf"])
    assert len(from_docx.tables) == len(from_pdf.tables) == 1
    assert cells(from_pdf.tables[0]) == cells(from_docx.tables[0])  # merged cells blank, columns in place
    assert cells(from_pdf.tables[0])[(7, 4)] == "387664.62"  # a number the cell wrapped, put together
    assert from_pdf.tables[0].name == {"short": "表1（第1页）", "long": "表1（第1—2页）"}[name]
    assert from_pdf.unread == ()


def evaluate(path: Path) -> FileResult:
    result = evaluate_file(path)
    assert result.ok and result.report is not None and result.evaluation is not None, result.error
    return result


@pytest.mark.parametrize("name", ["short", "long"])
def test_the_pdf_table_is_scored_and_checked_like_the_docx(reports: dict[str, Path], name: str) -> None:
    docx_result, pdf_result = evaluate(reports[f"{name}.docx"]), evaluate(reports[f"{name}.pdf"])
    assert docx_result.report is not None and pdf_result.report is not None
    assert pdf_result.report.table_read and docx_result.report.table_read
    assert docx_result.evaluation is not None and pdf_result.evaluation is not None
    indicators = [(i.l1, i.l2, i.name, i.target, i.actual, i.weight, i.stated_score)
                  for i in pdf_result.evaluation.indicators]  # fmt: skip
    assert indicators == [(i.l1, i.l2, i.name, i.target, i.actual, i.weight, i.stated_score)
                          for i in docx_result.evaluation.indicators]  # fmt: skip
    assert [(i.name, i.stated_score) for i in pdf_result.evaluation.indicators][:3] == [
        ("学生受资助人数", 10), ("营养改善计划覆盖率", 10), ("资金到位及时率", 7)]  # fmt: skip
    assert len(indicators) == 9
    assert pdf_result.evaluation.stated.total == docx_result.evaluation.stated.total == 92  # the report's words
    assert pdf_result.scorecard is not None and docx_result.scorecard is not None
    assert pdf_result.scorecard.total == docx_result.scorecard.total
    assert sorted(f.code for f in pdf_result.findings) == sorted(f.code for f in docx_result.findings)
    pages = {"short": "第1页", "long": "第1—2页"}[name]
    sources = dict(pdf_result.evaluation.sources)
    assert sources["indicators[0].stated_score"] == f"表1（{pages}）!G15"
    assert sources["indicators[8].stated_score"] == f"表1（{pages}）!G24"  # on page 2 in the long report


def test_the_text_of_the_pdf_is_read_as_before(reports: dict[str, Path]) -> None:
    document = read_report_file(reports["long.pdf"])
    assert "全年预算120万元" in document.text and "自评得分92分" in document.text
    assert document.pages == 2 and "自评得分92分" in document.text.splitlines()[-1]  # after the table


def test_a_page_whose_tables_cannot_be_made_out_is_said_and_its_text_read(
    reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(page: object) -> list[pdf_tables.TablePart]:
        raise ValueError("odd page")

    monkeypatch.setattr(pdf_tables, "page_tables", broken)
    document = read_report_file(reports["short.pdf"])
    assert document.tables == () and "全年预算120万元" in document.text
    assert document.unread == ("第 1 页的表格结构异常（ValueError），没有按表格读取；该页文字已读取",)


def test_a_page_drawing_many_lines_is_not_searched_for_tables(
    reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_tables, "MAX_PAGE_RULES", 10)
    document = read_report_file(reports["short.pdf"])
    assert document.tables == () and "全年预算120万元" in document.text
    assert len(document.unread) == 1 and "条线条（图形或图表），没有从中查找表格" in document.unread[0]


def test_too_many_tables_are_said(reports: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_tables, "MAX_PDF_TABLES", 0)
    document = read_report_file(reports["short.pdf"])
    assert document.tables == ()
    assert document.unread == ("PDF 中有 1 个表格，只按表格读取了前 0 个（其余表格的文字已按正文读取）",)
