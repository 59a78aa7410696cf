"""Typer's help and usage errors in Chinese: set only while the program runs, told apart by type."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import typer
from typer import rich_utils
from typer._click.exceptions import BadParameter, NoSuchOption, UsageError
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.cli.usage import (
    HELP_STRINGS,
    ExtraArguments,
    MissingCommand,
    UnknownCommand,
    chinese_help,
    usage_message,
)

runner = CliRunner()
COMMANDS = ["score", "check", "frameworks", "report"]


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def _click_app() -> Any:
    return typer.main.get_command(app)


def _param(command: str, name: str) -> Any:
    return next(param for param in _click_app().commands[command].params if param.name == name)


def test_importing_the_cli_leaves_typers_help_strings_alone() -> None:
    script = (
        "from typer import rich_utils\n"
        "before = (rich_utils.OPTIONS_PANEL_TITLE, rich_utils.REQUIRED_LONG_STRING)\n"
        "import jixiao.cli\n"
        "print(before == (rich_utils.OPTIONS_PANEL_TITLE, rich_utils.REQUIRED_LONG_STRING), before[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split() == ["True", "Options"]


def test_the_help_is_chinese_while_running_and_typers_strings_come_back_after() -> None:
    before = {name: getattr(rich_utils, name) for name in HELP_STRINGS}
    result = run("check", "--help")
    assert "选项" in result.output and "Options" not in result.output
    assert {name: getattr(rich_utils, name) for name in HELP_STRINGS} == before
    assert before["OPTIONS_PANEL_TITLE"] == "Options"


def test_chinese_help_restores_the_strings_even_when_the_run_fails() -> None:
    before = rich_utils.ARGUMENTS_PANEL_TITLE
    with pytest.raises(RuntimeError), chinese_help():
        assert rich_utils.ARGUMENTS_PANEL_TITLE == "参数"
        raise RuntimeError("boom")
    after = rich_utils.ARGUMENTS_PANEL_TITLE
    assert (before, after) == ("Arguments", "Arguments")


def test_an_integer_option_with_a_bad_value_is_named_by_its_type_not_its_text() -> None:
    # Whatever Click's (or pydantic's) English says, the declared type decides the Chinese.
    workers = _param("check", "workers")
    assert usage_message(BadParameter("kaputt", param=workers), COMMANDS) == "选项 --workers 的取值无效，应为整数"
    framework = _param("check", "framework")
    assert usage_message(BadParameter("not a valid integer", param=framework), COMMANDS) == (
        "选项 --framework 的取值无效，请检查取值"
    )


def test_usage_errors_raised_here_carry_their_data() -> None:
    ctx = _click_app().make_context("jixiao", ["score", "x"], resilient_parsing=True)
    assert usage_message(UnknownCommand("chek", ["check"], ctx), COMMANDS) == (
        "没有命令“chek”，是否想用 check？可用命令：score、check、frameworks、report"
    )
    assert usage_message(UnknownCommand("zzz", [], ctx), COMMANDS) == (
        "没有命令“zzz”。可用命令：score、check、frameworks、report"
    )
    assert usage_message(ExtraArguments(["b.yaml", "c.yaml"], ctx), COMMANDS) == "多余的参数：b.yaml c.yaml"
    assert usage_message(MissingCommand(ctx), COMMANDS) == "缺少命令；可用命令：score、check、frameworks、report"
    assert usage_message(NoSuchOption("--nope", possibilities=["--json"]), COMMANDS) == (
        "没有选项 --nope；是否想用 --json？"
    )
    assert usage_message(UsageError("something new"), COMMANDS) == "命令行用法有误：something new"


def test_options_without_a_command_say_the_command_is_missing() -> None:
    result = run("--")
    assert result.exit_code == 2
    assert "错误：缺少命令；可用命令：score、check、frameworks、report" in result.output


def test_an_unknown_command_without_a_near_name_lists_the_commands() -> None:
    result = run("nothing")
    assert result.exit_code == 2
    assert "错误：没有命令“nothing”。可用命令：score、check、frameworks、report" in result.output


def test_extra_arguments_are_refused_for_every_command() -> None:
    result = run("frameworks", "a", "b")
    assert result.exit_code == 2
    assert "多余的参数：b" in result.output
    assert "用法：jixiao frameworks" in result.output
