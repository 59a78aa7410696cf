"""The facts of a report's text besides its budget figures: title, staffing, assets, indicator
facts, satisfaction, stated score and grade, problems and measures, publication, signature date.

Pure functions on the text and its outline (docs/report-reading.md#report-facts). Every value is
an :class:`Extracted` that keeps the printed words, where they stand (section, paragraph,
characters) and how sure the reader is, like the budget figures of jixiao.ingest.report_text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from jixiao.ingest.report_outline import Outline, Span
from jixiao.ingest.report_text import Where

T_co = TypeVar("T_co", covariant=True)
V = TypeVar("V")

_SURE = Decimal("0.9")
_LIKELY = Decimal("0.8")
_GUESS = Decimal("0.6")

_NUM = r"\d+(?:\.\d+)?"
_YEAR_TITLE = re.compile(r"[（(]?\s*(\d{4})\s*年度?\s*[）)]?")
_YEAR_OF = re.compile(r"(\d{4})\s*年度")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_AUTHORIZED = re.compile(r"编制(?:人数|数|内人员)?\s*(?:为|是|：|:)?\s*(\d+)\s*(?:人|名)?")
_ACTUAL = re.compile(r"实有(?:人数|人员)?\s*(?:为|是|：|:)?\s*(\d+)\s*(?:人|名)")
_HIRED = re.compile(r"(?:聘用|编外|临聘)(?:人员)?\s*(?:为|是|：|:)?\s*(\d+)\s*(?:人|名)")
_ASSET_TOTAL = re.compile(rf"资产(?:总计|总额|合计)\s*(?:为|是|：|:)?\s*({_NUM})\s*万元")
_ASSET_PART = re.compile(rf"(非流动资产|流动资产|固定资产|无形资产)\s*(?:为|是|：|:)?\s*({_NUM})\s*万元")
_SCORE = re.compile(rf"(?:自评|评价|综合|总)?(?:得分|评分|分数|分值)\s*(?:为|是|：|:)?\s*({_NUM})\s*分"
                    rf"|自评(?:分|总分)\s*(?:为|是|：|:)?\s*({_NUM})\s*分")  # fmt: skip
_GRADE = re.compile(
    r"(?:等级|结果|评价|绩效)\s*(?:为|是|定为|评为|：|:)\s*[“\"'‘「]?\s*(优秀|良好|优|良|中等|中|差|合格|较好|好|一般)"
    r"(?![a-z\u4e00-\u9fff]{2})"
)
_PERCENT_VALUE = re.compile(rf"(?P<op>[≥>＞不低于达到为按是]*)\s*(?P<num>{_NUM})\s*[%％]")
_DEPARTMENT = re.compile(r"部门整体|单位整体|部门（单位）整体|整体支出")
# Where the unit's name ends in a title: "…办公室部门整体支出绩效自评报告", "…局2023年…项目绩效自评报告".
_TITLE_TAIL = re.compile(
    r"(?:20\d\d年度?)?(?:部门（单位）|部门|单位)?整体支出|(?:20\d\d年度?)?[^，。]{0,30}?项目?(?:支出)?绩效自评"
)
_RANK = {"assumed": 4, "survey": 3, "unstated": 2, "survey_claimed": 1, "target": 1}
_SURVEY_WORDS = ("问卷", "调查", "测评", "回访")
_NO_SURVEY = re.compile(r"(?:未|尚未|没有|无)[^。；]{0,12}(?:调查|问卷|测评)")
_ASSUMED = re.compile(rf"按\s*{_NUM}\s*[%％]|综合分析|估算|估计|预估|视同")
_SAMPLE = re.compile(r"(?:发放|回收|收回|有效)?问卷\s*(\d+)\s*份|(\d+)\s*份(?:有效)?问卷")
_FACT = re.compile(
    r"(?P<q0>约|近|共|累计)?\s*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<wan>万)?(?P<q>余|多)?\s*"
    r"(?P<unit>人次|车次|平方米|㎡|公里|千米|米|户|份|个|辆|条|人|所|家|起|件|期|批|项|栋"
    r"|座|处|亩|株|套|台|篇|名|场|吨|次|天|周|间|张|本|册|棵)"
)
# Words that make a figure cover part of the year only (docs/report-reading.md §三).
PERIODS = ("上半年", "下半年", "一季度", "二季度", "三季度", "四季度", "1-6月", "1—6月", "前三季度")
_BREAKS = frozenset("，,。；;：:（(）)、\n")
_PUBLISHED = re.compile(r"[^。\n]*公开[^。\n]*")
_MEASURE_WORDS = ("措施", "建议", "改进", "整改", "下一步")
_PROBLEM_WORDS = ("问题", "不足")


@dataclass(frozen=True)
class Extracted(Generic[T_co]):
    """One value read from the text, with the words it stands in and where."""

    value: T_co
    printed: str
    where: Where
    confidence: Decimal


@dataclass(frozen=True)
class IndicatorFact:
    what: str  # the words before the number, e.g. "完成6842户商户责任签订" → "完成"
    value: Decimal
    unit: str
    qualifier: str  # 余/多/约/近 or ""
    period: str  # 上半年 … when the sentence names part of the year, else ""


@dataclass(frozen=True)
class SatisfactionFact:
    value: Decimal | None  # percent; None when only a survey is mentioned
    how: str  # survey · survey_claimed · unstated · assumed · target (docs/report-reading.md §四)
    sample_size: int | None
    target_only: bool  # "满意度≥80%": a bound, not a measured value


@dataclass(frozen=True)
class ReportFacts:
    title: str
    unit: Extracted[str] | None
    year: Extracted[int] | None
    kind: str  # department · project
    authorized: Extracted[int] | None
    actual: Extracted[int] | None
    hired: Extracted[int] | None
    asset_total: Extracted[Decimal] | None
    asset_parts: tuple[Extracted[tuple[str, Decimal]], ...]
    indicator_facts: tuple[Extracted[IndicatorFact], ...]
    satisfaction: Extracted[SatisfactionFact] | None
    stated_score: Extracted[Decimal] | None
    stated_grade: Extracted[str] | None
    problems: tuple[Extracted[str], ...]
    measures: tuple[Extracted[str], ...]
    publication: Extracted[str] | None
    signature_date: Extracted[date] | None


def where_at(outline: Outline, start: int, end: int) -> Where:
    paragraph = outline.paragraph_at(start)
    if paragraph is None:
        return Where("", -1, Span(start, end))
    return Where(paragraph.section, paragraph.index, Span(start, end))


def sentence_span(text: str, start: int, end: int) -> Span:
    """The sentence around [start, end): back to the previous 。；! or line, on to the next."""
    left = start
    while left > 0 and text[left - 1] not in "。；;！？!?\n":
        left -= 1
    right = end
    while right < len(text) and text[right] not in "。；;！？!?\n":
        right += 1
    if right < len(text) and text[right] != "\n":
        right += 1
    while left < right and text[left] in " \t\u3000":
        left += 1
    return Span(left, right)


def _extract(outline: Outline, text: str, match: re.Match[str], group: int | str, value: V,
             confidence: Decimal = _SURE) -> Extracted[V]:  # fmt: skip
    start, end = match.span(group) if match.group(group) is not None else match.span()
    return Extracted(value, text[start:end], where_at(outline, start, end), confidence)


def _near(text: str, start: int) -> str:
    i = start
    while i > 0 and text[i - 1] not in _BREAKS and start - i < 20:
        i -= 1
    return text[i:start].strip()


def _head(text: str, outline: Outline) -> tuple[str, int]:
    """The title block: the lines before the first paragraph that is a heading or long body text."""
    first = outline.headings[0].span.start if outline.headings else len(text)
    lines = []
    end = 0
    for paragraph in outline.paragraphs:
        if paragraph.span.start >= first:
            break
        line = text[paragraph.span.start : paragraph.span.end]
        if len(line) > 60:
            break
        lines.append(line.strip())
        end = paragraph.span.end
    return "".join(lines), end


def read_facts(text: str, outline: Outline) -> ReportFacts:
    title, head_end = _head(text, outline)
    return ReportFacts(
        title=title,
        unit=_unit(text, outline, title),
        year=_year(text, outline, head_end),
        kind="department" if _DEPARTMENT.search(title or text[:300]) else "project",
        authorized=_int(text, outline, _AUTHORIZED),
        actual=_int(text, outline, _ACTUAL),
        hired=_int(text, outline, _HIRED),
        asset_total=_decimal(text, outline, _ASSET_TOTAL),
        asset_parts=tuple(
            _extract(outline, text, m, 0, (m[1], Decimal(m[2])), _LIKELY) for m in _ASSET_PART.finditer(text)
        ),
        indicator_facts=tuple(_facts(text, outline)),
        satisfaction=_satisfaction(text, outline),
        stated_score=_score(text, outline),
        stated_grade=_grade(text, outline),
        problems=tuple(_section_paragraphs(text, outline, _PROBLEM_WORDS, _MEASURE_WORDS)),
        measures=tuple(_section_paragraphs(text, outline, _MEASURE_WORDS, _PROBLEM_WORDS)),
        publication=_publication(text, outline),
        signature_date=_signature(text, outline),
    )


def _unit(text: str, outline: Outline, title: str) -> Extracted[str] | None:
    cut = _TITLE_TAIL.search(title)
    if title and cut and cut.start() > 1:
        name = title[: cut.start()].strip(" 　（(")
        start = text.find(name[:6]) if name else -1
        if name and start >= 0:
            return Extracted(name, name, where_at(outline, start, start + len(name)), _LIKELY)
    signed = _signature(text, outline)
    if signed is not None and signed.where.paragraph > 0:
        before = outline.paragraphs[signed.where.paragraph - 1]
        line = text[before.span.start : before.span.end].strip()
        if 2 <= len(line) <= 40 and not re.search(r"[。，；]", line):
            return Extracted(line, line, where_at(outline, before.span.start, before.span.end), _GUESS)
    return None


def _year(text: str, outline: Outline, head_end: int) -> Extracted[int] | None:
    head = _YEAR_TITLE.search(text, 0, head_end) if head_end else None
    if head is not None:
        return _extract(outline, text, head, 1, int(head[1]))
    found = _YEAR_OF.search(text)
    if found is not None:
        return _extract(outline, text, found, 1, int(found[1]), _LIKELY)
    return None


def _int(text: str, outline: Outline, pattern: re.Pattern[str]) -> Extracted[int] | None:
    found = pattern.search(text)
    return _extract(outline, text, found, 0, int(found[1]), _LIKELY) if found else None


def _decimal(text: str, outline: Outline, pattern: re.Pattern[str]) -> Extracted[Decimal] | None:
    found = pattern.search(text)
    return _extract(outline, text, found, 0, Decimal(found[1]), _SURE) if found else None


def _facts(text: str, outline: Outline) -> list[Extracted[IndicatorFact]]:
    facts: list[Extracted[IndicatorFact]] = []
    for match in _FACT.finditer(text):
        start = match.start("num")
        before = text[max(0, start - 1) : start]
        if before.isdigit() or before in ".-/" or text[match.end() : match.end() + 1] in ("年", "月", "日", "号"):
            continue
        near = _near(text, match.start())
        if near.endswith(("第", "〔", "【", "[")) or re.search(r"\d{4}$", near):
            continue
        sentence = sentence_span(text, match.start(), match.end())
        period = next((p for p in PERIODS if p in text[sentence.start : match.start()]), "")
        qualifier = match["q"] or (match["q0"] if match["q0"] in ("约", "近") else "") or ""
        value = Decimal(match["num"].replace(",", ""))
        fact = IndicatorFact(near, value, (match["wan"] or "") + match["unit"], qualifier, period)
        facts.append(Extracted(fact, match.group().strip(), where_at(outline, start, match.end()), _LIKELY))
    return facts


def _satisfaction(text: str, outline: Outline) -> Extracted[SatisfactionFact] | None:
    best: Extracted[SatisfactionFact] | None = None
    for found in re.finditer(r"满意(?:度|率)", text):
        span = sentence_span(text, found.start(), found.end())
        sentence = text[span.start : span.end]
        percent = _PERCENT_VALUE.search(text, found.end(), span.end) or _PERCENT_VALUE.search(sentence)
        value = Decimal(percent["num"]) if percent else None
        target_only = bool(percent and re.search(r"[≥>＞]|不低于", percent["op"]))
        sample = _SAMPLE.search(sentence)
        size = int(sample[1] or sample[2]) if sample else None
        how = _how(sentence, value, size, target_only)
        if how is None:
            continue
        fact = SatisfactionFact(value, how, size, target_only)
        extracted = Extracted(fact, sentence, where_at(outline, span.start, span.end), _LIKELY)
        if best is None or _RANK[how] > _RANK[best.value.how]:
            best = extracted
    return best


def _how(sentence: str, value: Decimal | None, size: int | None, target_only: bool) -> str | None:
    """How a satisfaction figure was obtained (docs/report-reading.md §四)."""
    denied = _NO_SURVEY.search(sentence) is not None
    assumed = _ASSUMED.search(sentence) is not None
    if (denied and (value is not None or assumed)) or (value is not None and assumed and not size):
        return "assumed"
    surveyed = _has(sentence, _SURVEY_WORDS) and not denied
    if size or (value is not None and surveyed):
        return "survey"
    if surveyed:
        return "survey_claimed"
    if value is not None:
        return "target" if target_only else "unstated"
    return None


def _has(words: str, choices: tuple[str, ...]) -> bool:
    return any(choice in words for choice in choices)


def _score(text: str, outline: Outline) -> Extracted[Decimal] | None:
    found = None
    for match in _SCORE.finditer(text):
        if "自评" in text[max(0, match.start() - 30) : match.end()] or "绩效" in text[max(0, match.start() - 30) :
                                                                                     match.start()]:  # fmt: skip
            found = match
    if found is None:
        return None
    group = 1 if found[1] is not None else 2
    return Extracted(Decimal(found[group]), found.group(), where_at(outline, *found.span()), _SURE)


def _grade(text: str, outline: Outline) -> Extracted[str] | None:
    found = None
    for match in _GRADE.finditer(text):
        if re.search("评价|自评|绩效", text[max(0, match.start() - 30) : match.end()]):
            found = match
    if found is None:
        return None
    return Extracted(found[1], found.group(), where_at(outline, *found.span()), _SURE)


def _section_paragraphs(text: str, outline: Outline, wanted: tuple[str, ...],
                        other: tuple[str, ...]) -> list[Extracted[str]]:  # fmt: skip
    """Body paragraphs under a heading that names ``wanted`` words. A heading naming both kinds
    ("存在问题及改进措施") holds both: its sub-headings decide."""
    heading_at = {h.span.start: h for h in outline.headings}
    found: list[Extracted[str]] = []
    current: tuple[int, bool] | None = None  # level of the deciding heading, and whether it matched
    for paragraph in outline.paragraphs:
        heading = heading_at.get(paragraph.span.start)
        if heading is not None:
            title = heading.title
            if _has(title, wanted):
                current = (heading.level, not _has(title, other))
            elif current is None or heading.level <= current[0]:
                current = (heading.level, False)
            continue
        if current and current[1]:
            body = text[paragraph.span.start : paragraph.span.end].strip()
            found.append(Extracted(body, body, where_at(outline, paragraph.span.start, paragraph.span.end), _LIKELY))
    return found


def _publication(text: str, outline: Outline) -> Extracted[str] | None:
    headings = [h.span for h in outline.headings]
    for match in _PUBLISHED.finditer(text):
        sentence = match.group()
        if any(h.start <= match.start() < h.end for h in headings):
            continue
        if re.search(r"绩效|自评|结果|报告", sentence) and not re.search(r"政务公开|信息公开工作", sentence):
            span = sentence_span(text, match.start() + sentence.find("公开"), match.start() + sentence.find("公开") + 2)
            return Extracted(text[span.start : span.end], text[span.start : span.end],
                             where_at(outline, span.start, span.end), _LIKELY)  # fmt: skip
    return None


def _signature(text: str, outline: Outline) -> Extracted[date] | None:
    tail = outline.paragraphs[-4:] if outline.paragraphs else ()
    for paragraph in reversed(tail):
        line = text[paragraph.span.start : paragraph.span.end]
        found = _DATE.fullmatch(line.strip())
        if found is None:
            continue
        try:
            value = date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            return None
        start = paragraph.span.start + line.find(found.group())
        return Extracted(value, found.group(), where_at(outline, start, start + len(found.group())), _SURE)
    return None
