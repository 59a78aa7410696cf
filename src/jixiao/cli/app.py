"""jixiao 命令行：评分（score）、审核（check）、评分标准（frameworks）、报告（report）.

The commands and their options. Exit codes: 0 = no P0 finding, 1 = some P0 finding, 2 = some
input unreadable (also for command-line usage errors). Bad input never shows a traceback;
``--debug`` shows one for internal errors. Everything printed is Chinese: Typer's help and
usage errors through :mod:`jixiao.cli.usage`, the results through :mod:`jixiao.cli.printing`.
The command line never imports the web layer.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from jixiao.cli.printing import (
    console,
    print_check,
    print_failure,
    print_framework,
    print_framework_list,
    print_json,
    print_scorecard,
)
from jixiao.cli.usage import ChineseCommand, ChineseGroup, MissingCommand
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
)


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
    cls=ChineseGroup,
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
_command = partial(app.command, cls=ChineseCommand, add_help_option=False, options_metavar="[选项]")


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context, help_: HelpFlag = False) -> None:
    """jixiao（绩效）：预算绩效自评的评分与审核。"""
    if ctx.invoked_subcommand is None:  # e.g. ``jixiao --``: options (none) but no command
        raise MissingCommand(ctx)


@contextmanager
def _guard(debug: bool) -> Iterator[None]:
    """Bad input → its Chinese message and exit 2; a bug → "内部错误" and exit 2, never a traceback
    unless ``--debug``."""
    try:
        yield
    except typer.Exit:
        raise
    except InputError as error:
        console(stderr=True).print(Text(f"错误：{error}", style="red"))
        raise typer.Exit(2) from None
    except Exception as error:  # the user gets a message, not a traceback
        err = console(stderr=True)
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
            print_failure(result, debug)
            raise typer.Exit(2)
        if as_json:
            print_json(scorecard_json(result.scorecard, result))
        else:
            print_scorecard(result)


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
            print_json(check_json(results))
        else:
            print_check(results, debug)
        raise typer.Exit(exit_code(results))


def _check_all(files: Sequence[Path], ref: str | None, workers: int, show_progress: bool) -> list[FileResult]:
    """Check every file: in this process for one file (or one worker), else across processes."""
    progress = Progress(
        TextColumn("审核中"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("已用"),
        TimeElapsedColumn(),
        console=console(stderr=True),
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
            print_framework_list(builtin_frameworks())
        else:
            print_framework(framework_for(framework_id, framework_id))


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
    from jixiao.cli.report import run_report  # python-docx, openpyxl and Pillow load only here

    with _guard(debug):
        code = run_report(
            paths, fmt, output, review=review, template=template, framework=_framework_ref(framework),
            console=console(stderr=True),
        )  # fmt: skip
        raise typer.Exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``jixiao`` console script."""
    app(args=list(argv) if argv is not None else None, prog_name="jixiao")
