"""What the commands print: scorecards, findings and frameworks as Rich tables, in Chinese."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework, Item, Slot
from jixiao.core.numbers import fmt
from jixiao.pipeline import FileResult, severity_counts

SEVERITY_STYLES = {Severity.P0: "bold red", Severity.P1: "yellow", Severity.P2: "cyan"}


def console(*, stderr: bool = False) -> Console:
    # soft_wrap: messages and paths are not cut at the terminal width (tables still fit it)
    return Console(stderr=stderr, soft_wrap=True)


def print_scorecard(result: FileResult) -> None:
    card, evaluation = result.scorecard, result.evaluation
    assert card is not None and evaluation is not None
    out = console()
    kind = evaluation.project.name if evaluation.project else evaluation.kind.label
    year = f"{evaluation.year} 年度" if evaluation.year is not None else "年度未注明的"
    out.print(Text(f"{evaluation.unit.name} · {year}{kind}绩效自评", style="bold"))
    out.print(Text(f"文件：{result.file}　评分标准：{card.framework_id}", style="dim"))
    if result.framework_reason:
        out.print(Text(f"评分标准的选用（{result.framework_choice}）：{result.framework_reason}", style="dim"))
    blocks = Table(title="一级指标得分", box=box.SIMPLE_HEAVY, title_justify="left")
    blocks.add_column("一级指标")
    blocks.add_column("分值", justify="right")
    blocks.add_column("得分", justify="right")
    for block in card.blocks:
        blocks.add_row(block.name, fmt(block.weight), fmt(block.score))
    out.print(blocks)
    lines = Table(title="评分明细", box=box.SIMPLE_HEAVY, title_justify="left", show_lines=False)
    lines.add_column("路径", no_wrap=True, style="dim")
    lines.add_column("名称", overflow="fold")
    lines.add_column("分值", justify="right", no_wrap=True)
    lines.add_column("得分", justify="right", no_wrap=True)
    lines.add_column("说明", overflow="fold", ratio=1)
    current = None
    for line in card.items:
        if current is not None and line.block_id != current:
            lines.add_section()
        current = line.block_id
        style = "yellow" if line.weight is not None and line.score < line.weight else None
        lines.add_row(line.path, line.name, fmt(line.weight), fmt(line.score), line.explanation, style=style)
    out.print(lines)
    rate = f"{fmt(card.execution_rate)}%" if card.execution_rate is not None else "无法计算（缺少全年预算数或执行数）"
    out.print(Text(f"总分 {fmt(card.total)} 分　等级 {card.grade}　预算执行率 {rate}", style="bold"))
    if _text_only_report(result):
        out.print(Text("这是文字报告，正文中没有指标表：产出、效益、满意度指标没有目标值和分值，不能计分，"
                       "总分只含可由预算数字计算的部分", style="yellow"))  # fmt: skip
    stated = evaluation.stated
    if stated.total is not None or stated.grade:
        claimed = "，".join(
            part
            for part in (
                f"总分 {fmt(stated.total)} 分" if stated.total is not None else "",
                f"等级 {stated.grade}" if stated.grade else "",
            )
            if part
        )
        out.print(Text(f"单位填报：{claimed}（与计算结果的差异见 jixiao check）", style="dim"))
    for index in card.unmatched:
        indicator = evaluation.indicators[index]
        out.print(
            Text(
                f"注意：indicators[{index}]“{indicator.name}”的一级指标“{indicator.l1}”不在评分标准中，未计分",
                style="yellow",
            )
        )


def print_check(results: Sequence[FileResult], debug: bool) -> None:
    out = console()
    for result in results:
        if not result.ok:
            print_failure(result, debug, out)
            continue
        _print_findings(result, out)
    counts = severity_counts(results)
    internal = sum(1 for result in results if result.internal_error)
    unreadable = sum(1 for result in results if not result.ok) - internal
    bugs = f"，内部错误 {internal} 个" if internal else ""
    checked = len(results) - unreadable - internal
    out.print(
        Text(
            f"共 {len(results)} 个文件：已审核 {checked} 个，无法读取 {unreadable} 个{bugs}；"
            f"审核意见 P0 {counts[Severity.P0]} 条、P1 {counts[Severity.P1]} 条、P2 {counts[Severity.P2]} 条",
            style="bold",
        )
    )


def _text_only_report(result: FileResult) -> bool:
    return result.report is not None and not result.report.table_read


def _print_findings(result: FileResult, out: Console) -> None:
    card = result.scorecard
    head = Text.assemble(("✓ " if not result.findings else "● ", "green" if not result.findings else "bold"))
    head.append(result.file, style="bold")
    stated = result.evaluation.stated if result.evaluation is not None else None
    if _text_only_report(result) and stated is not None:
        said = f"{fmt(stated.total)} 分" if stated.total is not None else "未写得分"
        head.append(f"　报告自评 {said}{' · ' + stated.grade if stated.grade else ''}", style="dim")
    elif card is not None:
        head.append(f"　总分 {fmt(card.total)} 分 · {card.grade}", style="dim")
    if result.summary:
        head.append(f"　{result.summary}", style="dim")
    if not result.findings:
        head.append("　无审核意见", style="green")
    out.print(head)
    if result.framework_choice:
        out.print(Text(f"  评分标准：{result.framework_choice}", style="dim"))
    for severity in Severity:
        group = [finding for finding in result.findings if finding.severity is severity]
        if not group:
            continue
        out.print(Text(f"  {severity.value} {severity.label}（{len(group)} 条）", style=SEVERITY_STYLES[severity]))
        for finding in group:
            out.print(_finding_text(finding))


def _finding_text(finding: Finding) -> Text:
    text = Text("    ")
    text.append(finding.code, style=SEVERITY_STYLES[finding.severity])
    text.append(f"  {finding.message}")
    if finding.path:
        text.append(f"  〔{finding.path}〕", style="dim")
    if finding.source:
        text.append(f"\n      出处：{finding.source}", style="dim")
    return text


def print_failure(result: FileResult, debug: bool, out: Console | None = None) -> None:
    shown = out or console(stderr=True)
    label = "" if result.internal_error else "无法读取："
    shown.print(Text(f"✗ {label}{result.error}", style="red"))
    if debug and result.traceback:
        shown.print(result.traceback, markup=False, highlight=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _grades(framework: Framework) -> str:
    """Grade bands in one line: 优≥90 良≥80 中≥60 差<60."""
    parts: list[str] = []
    above = None
    for band in framework.grades:
        parts.append(f"{band.grade}≥{fmt(band.min)}" if band.min > 0 or above is None else f"{band.grade}<{fmt(above)}")
        above = band.min
    return " ".join(parts)


def print_framework_list(known: dict[str, Framework]) -> None:
    table = Table(title="随附的评分标准", box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column("编号", no_wrap=True)
    table.add_column("名称", overflow="fold", ratio=1)
    table.add_column("适用", overflow="fold")
    table.add_column("总分", justify="right", no_wrap=True)
    table.add_column("等级", overflow="fold")
    for framework in known.values():
        applies = "、".join(kind.label for kind in framework.applies_to)
        table.add_row(framework.id, framework.title, applies, fmt(framework.total), _grades(framework))
    console().print(table)
    console().print(Text("查看某个评分标准的全部评分项：jixiao frameworks 编号", style="dim"))


def print_framework(framework: Framework) -> None:
    out = console()
    out.print(Text(f"{framework.title}（{framework.id}，第 {framework.version} 版）", style="bold"))
    applies = "、".join(kind.label for kind in framework.applies_to)
    for label, value in (
        ("依据", framework.source),
        ("地区", framework.region),
        ("适用", applies),
        ("总分", fmt(framework.total)),
        ("等级", _grades(framework)),
        ("说明", framework.notes),
    ):
        if value:
            out.print(Text(f"{label}：{value.strip()}"))
    for block in framework.blocks:
        out.print()
        out.print(Text(f"{block.name}（{block.id}）　{fmt(block.weight)} 分", style="bold"))
        for item in block.items:
            _print_part(out, f"items.{item.id}", item.name, item, _item_notes(item))
        for slot in block.slots:
            _print_part(out, f"slots.{slot.id}", slot.name, slot, _slot_notes(slot))
    if framework.metrics:
        out.print()
        out.print(Text("由单位填报的指标值（写在评价文件的 metrics 中）：", style="bold"))
        for spec in framework.metrics:
            out.print(Text(f"  metrics.{spec.name}　{spec.label}（单位：{spec.unit}）"))


def _print_part(out: Console, path: str, name: str, part: Item | Slot, notes: list[str]) -> None:
    line = Text("  ")
    line.append(f"{name}　{fmt(part.weight)} 分", style="bold")
    line.append(f"　{path}", style="dim")
    line.append(f"　计分规则：{part.rule.kind.label}（{part.rule.kind.value}）")
    out.print(line)
    for note in notes:
        out.print(Text(f"    {note}"))


def _item_notes(item: Item) -> list[str]:
    notes = [f"读取指标值：{item.rule.metric}"] if item.rule.metric else []
    if item.guidance:
        notes.append(f"评分说明：{item.guidance.strip()}")
    return notes


def _slot_notes(slot: Slot) -> list[str]:
    notes = [f"由单位自设指标填入，一级指标名称为：{'、'.join(slot.match)}"]
    if slot.l2:
        notes.append(f"二级指标：{'、'.join(slot.l2)}")
    if slot.required_l2:
        notes.append(f"应包含：{'、'.join(slot.required_l2)}")
    return notes
