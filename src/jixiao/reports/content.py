"""Evaluation + scorecard (+ findings) + template → :class:`ReportContent`. Pure: no I/O.

The template (``templates/department.yaml`` or ``project.yaml`` by default) gives the outline
and the wording; :mod:`jixiao.reports.context` gives the figures; this module walks the
template, numbers the headings (一、（一）1.（1）) and the tables and charts (表1, 图1), and
keeps the checker's findings out of everything but the review copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation
from jixiao.core.numbers import ZERO
from jixiao.core.rectification import PriorItem, follow_up
from jixiao.core.scoring import Scorecard
from jixiao.reports import tables
from jixiao.reports.context import (
    Facts,
    adopted_score,
    amount,
    assumed_fields,
    assumed_summary,
    build_facts,
    matches_l1,
    points,
    unit_items,
)
from jixiao.reports.document import Block, Paragraph, ReportContent, Role, Section
from jixiao.reports.pdf import ReportError
from jixiao.reports.sanitize import clean_line, clean_text, split_paragraphs
from jixiao.reports.templates import (
    OPTIONAL_FIELDS,
    ReportTemplate,
    TemplateBlock,
    builtin_template,
)

CHINESE_NUMERALS = "零一二三四五六七八九"
class AssumedValuesError(ReportError):
    """A publication copy was asked for an evaluation whose figures are partly assumed."""


def assumed_message(evaluation: Evaluation) -> str:
    """Why the publication copy is refused, naming what is assumed (docs/reports.md, 审核版与公开版)."""
    return (
        f"不能生成公开版：{assumed_summary(evaluation)}是假设值，不是单位的申报数。"
        "请单位核实后填写实际申报数并删去假设标注（assumed），再生成公开版；审阅时可生成审核版，假设值在其中注明。"
    )


def sentence(text: str) -> str:
    """A list item as a sentence: "。" added when the unit's text ends without a stop, so that
    "问题" and "主要原因：" never run together."""
    cleaned = clean_text(text).strip()
    return cleaned + "。" if cleaned and cleaned[-1] not in "。！？；…：”）)" else cleaned


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (headings rarely pass 99)."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens]
    return head + "十" + (CHINESE_NUMERALS[ones] if ones else "")


def numbered(level: int, n: int, heading: str) -> str:
    """GB/T 9704-2012 §7.3.3: 一、 · （一） · 1. · （1）."""
    if level == 1:
        return f"{chinese_number(n)}、{heading}"
    if level == 2:
        return f"（{chinese_number(n)}）{heading}"
    if level == 3:
        return f"{n}.{heading}"
    return f"（{n}）{heading}"


def build_content(
    evaluation: Evaluation,
    scorecard: Scorecard,
    *,
    framework: Framework | None = None,
    findings: Sequence[Finding] | None = None,
    review_copy: bool = False,
    template: ReportTemplate | None = None,
    prior: Sequence[PriorItem] = (),
) -> ReportContent:
    """The report's content. Findings appear only when ``review_copy`` is true (审核版).

    A publication copy states the score the unit adopts and never prints assumed values as
    facts: for an evaluation with ``assumed`` fields it raises :class:`AssumedValuesError`.
    """
    if evaluation.year is None:
        raise ReportError("表上没有写年度，无法生成自评报告；请在表头填写年度（如标题写“（2021年度）”）后再生成")
    if not review_copy and assumed_fields(evaluation):
        raise AssumedValuesError(assumed_message(evaluation))
    chosen = template or builtin_template(evaluation.kind)
    framework = framework or _builtin_framework(scorecard.framework_id)
    builder = _Builder(evaluation, scorecard, framework, chosen, review_copy, tuple(prior))
    sections = builder.sections(chosen.body, level=1)
    appendix = builder.appendix(tuple(findings or ())) if review_copy else None
    facts = builder.facts
    return ReportContent(
        kind=evaluation.kind,
        unit=facts.values["unit"],
        year=evaluation.year,  # known: checked above
        title=tuple(line for line in (clean_line(builder.fill(t)) for t in chosen.title) if line),
        subtitle=clean_line(builder.fill(chosen.subtitle)),
        preamble=tuple(Paragraph(text) for t in chosen.preamble for text in split_paragraphs(builder.fill(t))),
        sections=sections,
        sign_off=clean_line(builder.fill(chosen.sign_off)),
        date=clean_line(builder.fill(chosen.date)),
        sheet=tables.evaluation_sheet(
            evaluation, scorecard, builder.total_weight, review_copy=review_copy, total=builder.adopted_total()
        ),
        appendix=appendix,
        review_mark=clean_line(builder.fill(chosen.review_mark)) if review_copy else "",
        template=chosen.name,
    )


def _builtin_framework(framework_id: str) -> Framework | None:
    # The scorecard names its framework by id; a bureau's own file is passed explicitly.
    from jixiao.ingest.framework_file import builtin_frameworks

    return builtin_frameworks().get(framework_id)


@dataclass
class _Builder:
    evaluation: Evaluation
    scorecard: Scorecard
    framework: Framework | None
    template: ReportTemplate
    review_copy: bool = False
    #: last year's rectification items: the problems section says what became of them
    prior: tuple[PriorItem, ...] = ()
    facts: Facts = field(init=False)
    values: dict[str, str] = field(init=False)
    tables_seen: int = 0
    charts_seen: int = 0

    def __post_init__(self) -> None:
        self.facts = build_facts(self.evaluation, self.scorecard, self.framework, review_copy=self.review_copy)
        missing = self.template.missing
        self.values = {
            name: value if value or name in OPTIONAL_FIELDS else missing for name, value in self.facts.values.items()
        }
        # Fragments are filled once, from the base values; a false condition leaves them blank.
        for name, fragment in self.template.fragments:
            self.values[name] = self.fill(fragment.text) if self.holds(fragment.when) else ""

    @property
    def total_weight(self) -> Decimal:
        if self.framework is not None:
            return self.framework.total
        return sum((block.weight for block in self.scorecard.blocks), ZERO)

    def adopted_total(self) -> tuple[Decimal, str] | None:
        """The total row of a publication copy: the unit's own score when it states one; the review copy
        (and a unit that states none) totals the computed score."""
        if self.review_copy or self.evaluation.stated.total is None:
            return None
        return adopted_score(self.evaluation, self.scorecard, self.framework)

    def holds(self, conditions: tuple[str, ...]) -> bool:
        for condition in conditions:
            negated = condition.startswith("not ")
            name = condition.removeprefix("not ").strip()
            if name in self.facts.flags:
                value = self.facts.flags[name]
            else:
                value = bool(self.facts.values.get(name) or self._fragment_value(name))
            if value == negated:
                return False
        return True

    def _fragment_value(self, name: str) -> str:
        return self.values.get(name, "") if name not in self.facts.values else ""

    def fill(self, text: str, extra: dict[str, str] | None = None) -> str:
        return text.format_map(self.values | extra if extra else self.values)

    # --- body ----------------------------------------------------------------------------

    def sections(self, blocks: tuple[TemplateBlock, ...], level: int) -> tuple[Section, ...]:
        return tuple(b for b in self.blocks(blocks, level) if isinstance(b, Section))

    def blocks(self, blocks: tuple[TemplateBlock, ...], level: int) -> list[Block]:
        out: list[Block] = []
        count = 0
        for block in blocks:
            if not self.holds(block.when):
                continue
            if block.kind == "section":
                count += 1
                heading = numbered(level, count, clean_line(self.fill(block.text)))
                out.append(Section(heading, level, tuple(self.blocks(block.body, level + 1))))
            else:
                out += self.leaf(block)
        return out

    def leaf(self, block: TemplateBlock) -> list[Block]:
        if block.kind == "text":
            return [Paragraph(text) for text in split_paragraphs(self.fill(block.text))]
        if block.kind == "list":
            return self.list_items(block)
        if block.kind == "indicators":
            return self.indicator_items(block)
        if block.kind == "table":
            self.tables_seen += 1
            caption = f"表{self.tables_seen}　{clean_line(self.fill(block.caption))}"
            if block.name == "budget":
                return [tables.budget_table(self.evaluation, self.scorecard, caption)]
            total = self.adopted_total()
            return [tables.indicator_table(self.evaluation, self.scorecard, caption, self.total_weight, total)]
        self.charts_seen += 1
        caption = f"图{self.charts_seen}　{clean_line(self.fill(block.caption))}"
        if block.name == "budget_composition":
            return [tables.budget_chart(self.evaluation, caption)]
        return [tables.achievement_chart(self.evaluation, self.scorecard, caption)]

    def _items(self, pattern: str, rows: list[dict[str, str]], empty: str) -> list[Block]:
        if not rows:
            return [Paragraph(text) for text in split_paragraphs(self.fill(empty))]
        out: list[Block] = []
        for n, row in enumerate(rows, start=1):
            extra = {k: v if v or k in OPTIONAL_FIELDS else self.template.missing for k, v in row.items()}
            extra["n"] = str(n)
            out += [Paragraph(text) for text in split_paragraphs(self.fill(pattern, extra))]
        return out

    def list_items(self, block: TemplateBlock) -> list[Block]:
        e = self.evaluation
        rows: list[dict[str, str]]
        if block.name == "annual_tasks":
            rows = [{"text": sentence(task)} for task in e.goals.annual_tasks]
        elif block.name == "problems":
            rows = [{"problem": sentence(p.problem), "cause": sentence(p.cause)} for p in e.narrative.problems]
            followed = [Paragraph(clean_line(line)) for line in follow_up(self.prior)]
            return followed + self._items(block.text, rows, block.empty)
        elif block.name == "measures":
            rows = [{"text": sentence(m)} for m in e.narrative.measures]
        else:
            rows = [{"name": clean_line(p.name), "amount": amount(p.amount)} for p in e.unit.assets.parts]
        return self._items(block.text, rows, block.empty)

    def indicator_items(self, block: TemplateBlock) -> list[Block]:
        rows = []
        for item in unit_items(self.scorecard):
            if not matches_l1(item.l1, block.l1) or item.indicator_index is None:
                continue
            indicator = self.evaluation.indicators[item.indicator_index]
            row = {
                "name": clean_line(indicator.name),
                "l1": clean_line(indicator.l1),
                "l2": clean_line(indicator.l2),
                "direction": indicator.effective_direction.label,
                "target": clean_line(indicator.target.text) or tables.DASH,
                "actual": clean_line(indicator.actual.text) or tables.DASH,
                "weight": amount(item.weight) or tables.DASH,
                "score": points(item.score),
                "lost": points(item.lost),
                "deviation": clean_text(indicator.deviation_note).strip(),
            }
            rows.append(row)
        return self._items(block.text, rows, block.empty)

    # --- review appendix -----------------------------------------------------------------

    def appendix(self, findings: tuple[Finding, ...]) -> Section:
        spec = self.template.appendix
        blocks: list[Block] = [Paragraph(t) for t in split_paragraphs(self.fill(spec.intro))]
        if not findings:
            blocks += [Paragraph(t) for t in split_paragraphs(self.fill(spec.empty))]
        count = 0
        for severity in Severity:
            chosen = [f for f in findings if f.severity is severity]
            if not chosen:
                continue
            count += 1
            group = {"severity": severity.value, "label": severity.label, "count": str(len(chosen))}
            heading = numbered(2, count, clean_line(spec.group.format_map(group)))
            items: list[Block] = []
            for n, finding in enumerate(chosen, start=1):
                fields = {
                    "n": str(n),
                    "message": clean_text(finding.message).strip(),
                    "code": clean_line(finding.code),
                    "path": clean_line(finding.path),
                    "source": clean_line(finding.source),
                }
                items += [Paragraph(t) for t in split_paragraphs(spec.item.format_map(fields))]
            blocks.append(Section(heading, 2, tuple(items)))
        heading = clean_line(self.fill(spec.heading))
        return Section(heading, 1, tuple(blocks))


__all__ = [
    "AssumedValuesError", "ReportContent", "Role", "assumed_message", "build_content", "chinese_number", "numbered",
]  # fmt: skip
