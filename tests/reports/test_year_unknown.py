"""A table without a year is read and scored, but no report is written for an unknown year."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jixiao.core.scoring import score
from jixiao.reports.content import build_content
from jixiao.reports.pdf import ReportError
from tests.factories import clean_project, framework


def test_no_report_for_an_unknown_year() -> None:
    evaluation = replace(clean_project(), year=None)
    card = score(evaluation, framework())
    with pytest.raises(ReportError, match="表上没有写年度"):
        build_content(evaluation, card, framework=framework(), review_copy=True)
    assert build_content(clean_project(), score(clean_project(), framework()), review_copy=True).year == 2022
