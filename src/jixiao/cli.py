"""jixiao 命令行：评分（score）、审核（check）、评分标准（frameworks）、报告（report）。

Exit codes: 0 = no P0 finding, 1 = some P0 finding, 2 = some input unreadable (also for
command-line usage errors). Bad input never shows a traceback; ``--debug`` shows one for
internal errors. Everything printed is Chinese: Typer's own help and usage strings are
translated here, in one place (:func:`_localise_typer`, :class:`_Group`, :class:`_Command`).
This module never imports the web layer.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer import rich_utils
from typer._click.exceptions import (  # typer 0.29 vendors click; these are its parse errors
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework, Item, RuleKind, Slot
from jixiao.core.numbers import fmt
from jixiao.ingest.errors import InputError
from jixiao.ingest.framework_file import builtin_frameworks
from jixiao.pipeline import (
    FileResult,
    check_json,
    collect_files,
    evaluate_file,
    exit_code,
    framework_for,
    internal_error,
    scorecard_json,
    severity_counts,
)

RULE_LABELS = {
    RuleKind.EXECUTION_RATE: "预算执行率（执行率 × 分值，封顶）",
    RuleKind.BY_DIRECTION: "按指标性质（正向/反向/等于/定性）",
    RuleKind.POSITIVE: "正向 ≥",
    RuleKind.NEGATIVE: "反向 ≤（2 倍目标值归零）",
    RuleKind.EQUAL: "等于 =",
    RuleKind.QUALITATIVE: "定性三档",
    RuleKind.STEP_BANDS: "分档计分",
    RuleKind.PER_UNIT_DEDUCTION: "按单位扣分",
    RuleKind.MANUAL: "人工评分（须说明理由）",
}
SEVERITY_STYLES = {Severity.P0: "bold red", Severity.P1: "yellow", Severity.P2: "cyan"}


def _console(*, stderr: bool = False) -> Console:
    # soft_wrap: messages and paths are not cut at the terminal width (tables still fit it)
    return Console(stderr=stderr, soft_wrap=True)


# --- Chinese help and usage errors -------------------------------------------------------


def _localise_typer() -> None:
    """Typer's help pages read these module strings at render time; give them in Chinese."""
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"
    rich_utils.DEPRECATED_STRING = "（已弃用）"


_localise_typer()


def _usage_message(error: UsageError) -> str:
    """A command-line mistake, said in Chinese (Typer's own messages are English)."""
    if isinstance(error, MissingParameter):
        return f"缺少{_param_label(error)}"
    if isinstance(error, BadParameter):
        expected = "应为整数" if "integer" in error.message else "请检查取值"
        return f"{_param_label(error)} 的取值无效，{expected}"
    if isinstance(error, NoSuchOption):
        maybe = f"；是否想用 {'、'.join(error.possibilities)}？" if error.possibilities else ""
        return f"没有选项 {error.option_name}{maybe}"
    if isinstance(error, BadOptionUsage):
        return f"选项 {error.option_name} 用法有误（需要一个取值）"
    text = error.message
    if text.startswith("No such command"):
        names = re.findall(r"'([^']*)'", text)
        maybe = f"，是否想用 {'、'.join(names[1:])}？" if len(names) > 1 else "。"
        return f"没有命令“{names[0] if names else ''}”{maybe}可用命令：score、check、frameworks、report"
    if text.startswith("Got unexpected extra argument"):
        extra = re.search(r"\(([^()]*)\)$", text)
        return f"多余的参数：{extra.group(1) if extra else text}"
    if text.startswith("Missing command"):
        return "缺少命令；可用命令：score、check、frameworks、report"
    return f"命令行用法有误：{text}"


def _param_label(error: BadParameter) -> str:
    param = error.param
    if param is None:
        return "参数"
    if param.param_type_name == "option":
        return f"选项 {param.opts[0]}"
    return f"参数 {param.metavar or param.name}"


class _Command(TyperCommand):
    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")


class _Group(TyperGroup):
    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command, turning Typer's English usage errors into Chinese ones (exit 2)."""
        run = partial(super().main, args, prog_name, complete_var, False, windows_expand_args, **extra)
        if not standalone_mode:
            return run()
        try:
            result = run()
        except NoArgsIsHelpError:
            sys.exit(2)  # the help page has been printed
        except UsageError as error:
            err = _console(stderr=True)
            if error.ctx is not None:
                err.print(error.ctx.get_usage(), markup=False, highlight=False)
                err.print(f"运行 {error.ctx.command_path} --help 查看帮助。", markup=False, highlight=False)
            err.print(Text(f"错误：{_usage_message(error)}", style="red"))
            sys.exit(2)
        except typer.Abort:
            _console(stderr=True).print("已中止。", style="red")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def _show_help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        typer.echo(ctx.get_help())
        raise typer.Exit()


HelpFlag = Annotated[
    bool,
    typer.Option(
        "--help", "-h", metavar="", help="显示本帮助并退出", is_eager=True, expose_value=False, callback=_show_help
    ),
]
DebugFlag = Annotated[bool, typer.Option("--debug", metavar="", help="出现内部错误时显示完整的出错信息（traceback）")]
FrameworkOption = Annotated[
    str | None,
    typer.Option(
        "--framework",
        "-f",
        metavar="评分标准",
        help="评分标准编号（见 jixiao frameworks）或评分标准 YAML 文件路径；默认取文件中的 framework 字段，"
        "再按评价类型：部门整体 → dept-generic-2020，项目 → mof-2020-project",
        show_default=False,
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", metavar="", help="以 JSON 输出到标准输出（数值为十进制字符串）")]

app = typer.Typer(
    name="jixiao",
    cls=_Group,
    help="jixiao（绩效）：预算绩效自评的评分与审核。按评分标准计算得分、等级和预算执行率，"
    "逐项给出计分说明，并审核自评数据，列出审核意见（P0 阻断、P1 须说明、P2 提示）。",
    epilog="退出码：0 = 无 P0 审核意见；1 = 有 P0 审核意见；2 = 有文件无法读取或命令行用法有误。",
    add_help_option=False,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)
_command = partial(app.command, cls=_Command, add_help_option=False, options_metavar="[选项]")


@app.callback()
def _root(help_: HelpFlag = False) -> None:
    """jixiao（绩效）：预算绩效自评的评分与审核。"""


@contextmanager
def _guard(debug: bool) -> Iterator[None]:
    """Bad input → its Chinese message and exit 2; a bug → "内部错误" and exit 2, never a traceback
    unless ``--debug``."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as error:
        _console(stderr=True).print(Text(f"错误：{error}", style="red"))
        raise typer.Exit(2) from None
    except Exception as error:  # the user gets a message, not a traceback
        err = _console(stderr=True)
        message = f"内部错误：{type(error).__name__}: {error}。请用 --debug 重新运行并报告给维护者。"
        err.print(Text(message, style="red"))
        if debug:
            err.print(traceback.format_exc(), markup=False, highlight=False)
        raise typer.Exit(2) from None


def _framework_ref(ref: str | None) -> str | None:
    """Check an explicit --framework once, before any file is read (a typo fails fast).

    The framework stays cached in this process, and forked workers inherit the cache.
    """
    if ref is not None:
        framework_for(ref, ref)
    return ref


# --- score ------------------------------------------------------------------------------------


@_command()
def score(
    file: Annotated[
        str,
        typer.Argument(
            metavar="文件", help="自评数据文件（.yaml/.yml/.json）或自评表（.xlsx/.xlsm/.csv）", show_default=False
        ),
    ],
    framework: FrameworkOption = None,
    as_json: JsonFlag = False,
    debug: DebugFlag = False,
    help_: HelpFlag = False,
) -> None:
    """计算得分、等级和预算执行率，逐项给出计分说明。

    按评分标准计算各一级指标得分、每项指标的得分及计分说明、总分、等级和预算执行率。
    """
    with _guard(debug):
        result = evaluate_file(file, _framework_ref(framework), run_checks=False)
        if not result.ok or result.scorecard is None:
            _print_failure(result, debug)
            raise typer.Exit(2)
        if as_json:
            _print_json(scorecard_json(result.scorecard))
        else:
            _print_scorecard(result)


def _print_scorecard(result: FileResult) -> None:
    card, evaluation = result.scorecard, result.evaluation
    assert card is not None and evaluation is not None
    out = _console()
    kind = evaluation.project.name if evaluation.project else evaluation.kind.label
    out.print(Text(f"{evaluation.unit.name} · {evaluation.year} 年度{kind}绩效自评", style="bold"))
    out.print(Text(f"文件：{result.file}　评分标准：{card.framework_id}", style="dim"))
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


# --- check ------------------------------------------------------------------------------------


@_command()
def check(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="文件或目录",
            help="一个或多个文件或目录；目录中的 .yaml/.yml/.json/.xlsx/.xlsm/.csv 文件逐个审核",
            show_default=False,
        ),
    ],
    framework: FrameworkOption = None,
    as_json: JsonFlag = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", metavar="N", help="并行进程数，默认为 CPU 核数", show_default=False),
    ] = None,
    debug: DebugFlag = False,
    help_: HelpFlag = False,
) -> None:
    """审核自评数据，列出审核意见并汇总。

    逐个文件评分，并按审核规则列出审核意见（P0 阻断、P1 须说明、P2 提示），最后汇总；
    多个文件在多个 CPU 核上并行处理。
    """
    with _guard(debug):
        if workers is not None and workers < 1:
            raise InputError(f"--workers 应为正整数（现为 {workers}）")
        ref = _framework_ref(framework)
        files, problems = collect_files(paths)
        show_progress = not as_json and sys.stderr.isatty() and len(files) > 1
        results = _check_all(files, ref, workers or os.cpu_count() or 1, show_progress) + problems
        if as_json:
            _print_json(check_json(results))
        else:
            _print_check(results, debug)
        raise typer.Exit(exit_code(results))


def _check_all(files: Sequence[Path], ref: str | None, workers: int, show_progress: bool) -> list[FileResult]:
    """Check every file: in this process for one file (or one worker), else across processes."""
    progress = Progress(
        TextColumn("审核中"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已用"),
        TimeElapsedColumn(),
        console=_console(stderr=True),
        transient=True,
        disable=not show_progress,
    )
    if workers <= 1 or len(files) <= 1:
        results = []
        with progress:
            task = progress.add_task("审核", total=len(files))
            for file in files:
                results.append(evaluate_file(file, ref))
                progress.advance(task)
        return results
    slots: list[FileResult | None] = [None] * len(files)
    with ProcessPoolExecutor(max_workers=min(workers, len(files))) as pool:
        # Submit before the progress bar starts its refresh thread: the workers fork here.
        futures = {pool.submit(evaluate_file, str(file), ref): i for i, file in enumerate(files)}
        with progress:
            task = progress.add_task("审核", total=len(files))
            for future in as_completed(futures):
                index = futures[future]
                slots[index] = _collect(future, files[index])
                progress.advance(task)
    return [result for result in slots if result is not None]


def _collect(future: Future[FileResult], file: Path) -> FileResult:
    try:
        return future.result()
    except Exception as error:  # a worker that died (out of memory, killed)
        return internal_error(str(file), error)


def _print_check(results: Sequence[FileResult], debug: bool) -> None:
    out = _console()
    for result in results:
        if not result.ok:
            _print_failure(result, debug, out)
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


def _print_findings(result: FileResult, out: Console) -> None:
    card = result.scorecard
    head = Text.assemble(("✓ " if not result.findings else "● ", "green" if not result.findings else "bold"))
    head.append(result.file, style="bold")
    if card is not None:
        head.append(f"　总分 {fmt(card.total)} 分 · {card.grade}", style="dim")
    if not result.findings:
        head.append("　无审核意见", style="green")
    out.print(head)
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
    return text


def _print_failure(result: FileResult, debug: bool, out: Console | None = None) -> None:
    console = out or _console(stderr=True)
    label = "" if result.internal_error else "无法读取："
    console.print(Text(f"✗ {label}{result.error}", style="red"))
    if debug and result.traceback:
        console.print(result.traceback, markup=False, highlight=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# --- frameworks -------------------------------------------------------------------------------


@_command()
def frameworks(
    framework_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[编号]", help="评分标准编号或 YAML 文件路径；省略则列出随附的全部评分标准", show_default=False
        ),
    ] = None,
    help_: HelpFlag = False,
) -> None:
    """列出随附的评分标准，或显示其中一个的全部评分项。

    给出编号时显示该评分标准的一级指标、评分项、指标栏、分值、计分规则和评分说明。
    """
    with _guard(debug=False):
        if framework_id is None:
            _print_framework_list(builtin_frameworks())
        else:
            _print_framework(framework_for(framework_id, framework_id))


def _grades(framework: Framework) -> str:
    """Grade bands in one line: 优≥90 良≥80 中≥60 差<60."""
    parts: list[str] = []
    above = None
    for band in framework.grades:
        parts.append(f"{band.grade}≥{fmt(band.min)}" if band.min > 0 or above is None else f"{band.grade}<{fmt(above)}")
        above = band.min
    return " ".join(parts)


def _print_framework_list(known: dict[str, Framework]) -> None:
    table = Table(title="随附的评分标准", box=box.SIMPLE_HEAVY, title_justify="left")
    table.add_column("编号", no_wrap=True)
    table.add_column("名称", overflow="fold", ratio=1)
    table.add_column("适用", overflow="fold")
    table.add_column("总分", justify="right", no_wrap=True)
    table.add_column("等级", overflow="fold")
    for framework in known.values():
        applies = "、".join(kind.label for kind in framework.applies_to)
        table.add_row(framework.id, framework.title, applies, fmt(framework.total), _grades(framework))
    _console().print(table)
    _console().print(Text("查看某个评分标准的全部评分项：jixiao frameworks 编号", style="dim"))


def _print_framework(framework: Framework) -> None:
    out = _console()
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
    line.append(f"　计分规则：{RULE_LABELS[part.rule.kind]}（{part.rule.kind.value}）")
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


# --- report ---------------------------------------------------------------------------------


@_command()
def report(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="文件或目录",
            help="一个或多个自评数据文件（.yaml/.yml/.json）、自评表（.xlsx/.xlsm/.csv）或目录",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option("--format", metavar="格式", help="docx（自评报告，公文格式）、pdf、html（预览）或 xlsx（自评表）"),
    ] = "docx",
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="输出", help="输出目录；只有一个文件时也可以是文件名（如 报告.docx）"),
    ] = Path("out"),
    review: Annotated[
        bool, typer.Option("--review", metavar="", help="生成审核版：附审核意见，仅供审核，不得公开")
    ] = False,
    template: Annotated[
        str | None,
        typer.Option("--template", metavar="模板", help="报告模板 YAML 文件（见 docs/reports.md），默认用内置模板"),
    ] = None,
    framework: FrameworkOption = None,
    debug: DebugFlag = False,
    help_: HelpFlag = False,
) -> None:
    """生成自评报告（.docx、PDF、HTML）或自评表（.xlsx）。

    报告按 GB/T 9704-2012 公文格式排版，文中金额、比率、得分和等级均按评分结果计算；
    多个文件逐个生成，PDF 由一个 LibreOffice 进程批量转换。
    """
    from jixiao.reports.cli import run_report  # python-docx, openpyxl and Pillow load only here

    with _guard(debug):
        code = run_report(
            paths, fmt, output, review=review, template=template, framework=_framework_ref(framework),
            console=_console(stderr=True),
        )  # fmt: skip
        raise typer.Exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``jixiao`` console script."""
    app(args=list(argv) if argv is not None else None, prog_name="jixiao")
