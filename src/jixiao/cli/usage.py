"""Typer's help pages and usage errors, in Chinese.

Typer draws its help pages with strings it keeps in :mod:`typer.rich_utils`. They are set to
Chinese only while the command line runs (:func:`chinese_help`, entered by
:meth:`ChineseGroup.main`) and restored afterwards, so importing :mod:`jixiao.cli` changes nothing
in Typer for anyone else in the process.

Usage errors are told apart by their type, never by their English text: Click's own
(:class:`MissingParameter`, :class:`BadParameter`, :class:`NoSuchOption`, :class:`BadOptionUsage`)
and three raised here where Click would raise a bare :class:`UsageError` with only a message
(:class:`UnknownCommand`, :class:`MissingCommand`, :class:`ExtraArguments`).
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from difflib import get_close_matches
from functools import partial
from typing import Any

import typer
from rich.console import Console
from rich.text import Text
from typer import rich_utils
from typer._click.core import Context
from typer._click.exceptions import (  # typer 0.29 vendors click; these are its parse errors
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

#: The strings of Typer's help pages (attributes of typer.rich_utils) and their Chinese.
HELP_STRINGS = {
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已弃用）",
}


@contextmanager
def chinese_help() -> Iterator[None]:
    """Typer's help strings in Chinese for the duration of the block, restored afterwards."""
    saved = {name: getattr(rich_utils, name) for name in HELP_STRINGS}
    try:
        for name, text in HELP_STRINGS.items():
            setattr(rich_utils, name, text)
        yield
    finally:
        for name, text in saved.items():
            setattr(rich_utils, name, text)


class UnknownCommand(UsageError):
    """A command name the program does not have; ``suggestions`` are the close ones."""

    def __init__(self, name: str, suggestions: Sequence[str], ctx: Context) -> None:
        super().__init__(f"No such command {name!r}.", ctx)
        self.name = name
        self.suggestions = list(suggestions)


class MissingCommand(UsageError):
    """Options given, but no command to run."""

    def __init__(self, ctx: Context) -> None:
        super().__init__("Missing command.", ctx)


class ExtraArguments(UsageError):
    """Arguments left over after a command took all it accepts."""

    def __init__(self, extra: Sequence[str], ctx: Context) -> None:
        super().__init__(f"Got unexpected extra arguments ({' '.join(extra)})", ctx)
        self.extra = list(extra)


def usage_message(error: UsageError, commands: Sequence[str]) -> str:
    """A command-line mistake, said in Chinese (Typer's own messages are English)."""
    available = f"可用命令：{'、'.join(commands)}"
    if isinstance(error, MissingParameter):
        return f"缺少{_param_label(error)}"
    if isinstance(error, BadParameter):
        expected = "应为整数" if _expects_integer(error.param) else "请检查取值"
        return f"{_param_label(error)} 的取值无效，{expected}"
    if isinstance(error, NoSuchOption):
        maybe = f"；是否想用 {'、'.join(error.possibilities)}？" if error.possibilities else ""
        return f"没有选项 {error.option_name}{maybe}"
    if isinstance(error, BadOptionUsage):
        return f"选项 {error.option_name} 用法有误（需要一个取值）"
    if isinstance(error, UnknownCommand):
        maybe = f"，是否想用 {'、'.join(error.suggestions)}？" if error.suggestions else "。"
        return f"没有命令“{error.name}”{maybe}{available}"
    if isinstance(error, ExtraArguments):
        return f"多余的参数：{' '.join(error.extra)}"
    if isinstance(error, MissingCommand):
        return f"缺少命令；{available}"
    return f"命令行用法有误：{error.message}"


def _param_label(error: BadParameter) -> str:
    param = error.param
    if param is None:
        return "参数"
    if param.param_type_name == "option":
        return f"选项 {param.opts[0]}"
    return f"参数 {param.metavar or param.name}"


def _expects_integer(param: Any) -> bool:
    """Whether the parameter is declared ``int`` (or ``int | None``) in its command's signature."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return annotation is int or int in typing.get_args(annotation)


def _console_err() -> Console:
    return Console(stderr=True, soft_wrap=True)


class ChineseCommand(TyperCommand):
    """A command whose usage line and usage errors are Chinese."""

    # Extra arguments are let through the parser and refused below as ExtraArguments, a type the
    # error message can be chosen by (Click would fail with an English sentence only).
    allow_extra_args = True

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if rest and not ctx.resilient_parsing:
            raise ExtraArguments(rest, ctx)
        return rest


class ChineseGroup(TyperGroup):
    """The program: Chinese help while it runs, Chinese usage errors with exit code 2."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing and not name.startswith("-"):
            raise UnknownCommand(name, get_close_matches(name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command with Chinese help, turning usage errors into Chinese ones (exit 2)."""
        run = partial(super().main, args, prog_name, complete_var, False, windows_expand_args, **extra)
        with chinese_help():
            if not standalone_mode:
                return run()
            try:
                result = run()
            except NoArgsIsHelpError:
                sys.exit(2)  # the help page has been printed
            except UsageError as error:
                self._print_usage_error(error)
                sys.exit(2)
            except typer.Abort:
                _console_err().print("已中止。", style="red")
                sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def _print_usage_error(self, error: UsageError) -> None:
        err = _console_err()
        if error.ctx is not None:
            err.print(error.ctx.get_usage(), markup=False, highlight=False)
            err.print(f"运行 {error.ctx.command_path} --help 查看帮助。", markup=False, highlight=False)
        commands = self.list_commands(error.ctx) if error.ctx is not None else list(self.commands)
        err.print(Text(f"错误：{usage_message(error, commands)}", style="red"))
