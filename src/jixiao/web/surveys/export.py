"""Downloads of a survey: every answer as .xlsx, and the QR codes (PNG, SVG).

Respondents' comments are written as text cells (``data_type = "s"``): a comment beginning
with "=" stays a string and never becomes a formula that Excel would run.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from jixiao.core.survey import Level
from jixiao.web.surveys.models import Survey
from jixiao.web.surveys.selectors import SurveyFigures, responses_for_export


def _text(sheet: Any, row: int, column: int, value: str) -> None:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # after the value: openpyxl would infer "f" for text starting with "="


def answers_xlsx(survey: Survey, figures: SurveyFigures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "全部问卷"
    questions = [f.question for f in figures.questions]
    headers = [
        "问卷编号",
        "调查对象",
        "提交时间",
        "凭邀请码",
        *[f"{i}. {q.text}" for i, q in enumerate(questions, 1)],
        "意见和建议",
    ]
    for column, title in enumerate(headers, start=1):
        _text(sheet, 1, column, title)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for row, response in enumerate(responses_for_export(survey), start=2):
        levels = {answer.question_id: answer.level for answer in response.answers.all()}
        sheet.cell(row=row, column=1, value=response.pk)
        _text(sheet, row, 2, response.group.name)
        _text(sheet, row, 3, f"{timezone.localtime(response.submitted_at):%Y-%m-%d %H:%M:%S}")
        _text(sheet, row, 4, "是" if response.invitation_id else "否")
        for offset, question in enumerate(questions):
            level = levels.get(question.pk)
            _text(sheet, row, 5 + offset, Level(level).label if level else "未回答")
        _text(sheet, row, 5 + len(questions), response.comment)
    summary = book.create_sheet("统计结果")
    titles = [
        "题目",
        "调查对象",
        "权重（%）",
        "有效回答",
        *(level.label for level in sorted(Level, reverse=True)),
        "满意率（%）",
        "加权得分（%）",
        "95%置信区间下限（%）",
        "95%置信区间上限（%）",
    ]
    for column, title in enumerate(titles, start=1):
        _text(summary, 1, column, title)
        summary.cell(row=1, column=column).font = Font(bold=True)
    row = 2
    for figure in figures.questions:
        lines: list[tuple[str, Any, Any, Any]] = [
            (part.group.name, part.group.weight, part.tally, part.result) for part in figure.groups
        ]
        lines.append(("按权重合并", None, figure.tally, figure.combined))
        for name, weight, tally, result in lines:
            _text(summary, row, 1, figure.question.text)
            _text(summary, row, 2, name)
            numbers = [
                weight or None,
                result.valid,
                *(tally.count(level) for level in sorted(Level, reverse=True)),
                result.satisfied_share,
                result.weighted_score,
                result.interval.low if result.interval else None,
                result.interval.high if result.interval else None,
            ]
            for column, value in enumerate(numbers, start=3):
                if value is not None:
                    summary.cell(row=row, column=column, value=value)
            row += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def qr_code(url: str, fmt: str, *, scalable: bool = False) -> bytes:
    """The link as a QR code; error correction M (scannable by WeChat when printed small).

    segno (pure Python) is imported here, so that a missing install costs the QR codes only.
    """
    import segno

    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    if fmt == "png":
        code.save(buffer, kind="png", scale=10, border=4)
    else:
        # ``scalable``: a viewBox instead of a fixed size, for the poster to size it in millimetres.
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=False, title="问卷二维码", omitsize=scalable)
    return buffer.getvalue()
