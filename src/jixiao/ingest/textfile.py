"""Reading YAML and JSON text safely: size limits, Decimal numbers, Chinese errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from jixiao.ingest.errors import InputError
from jixiao.ingest.limits import MAX_FILE_BYTES, MiB


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals (money never passes through binary floats)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in {".nan", ".inf", "-.inf", "+.inf"}:
        raise yaml.constructor.ConstructorError(None, None, f"不支持的数值 {text}", node.start_mark)
    return Decimal(text)


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, (list, dict, set)):  # "? - a" makes a list key: unusable as a field name
            raise yaml.constructor.ConstructorError(None, None, "键应为文本或数字", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"键“{key}”重复出现", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_DecimalLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing directories, missing files and oversized files."""
    try:
        size = path.stat().st_size
    except OSError:
        raise InputError("文件不存在或无法读取，请检查路径", file=str(path)) from None
    if not path.is_file():
        raise InputError("不是普通文件", file=str(path))
    if size > limit:
        raise InputError(
            f"文件大小 {size / MiB:.1f} MB 超过上限 {limit / MiB:.0f} MB，请拆分或精简后再导入",
            file=str(path),
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"读取失败：{error.strerror}", file=str(path)) from None


def decode(data: bytes, file: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("文件编码无法识别，请另存为 UTF-8 编码", file=file)


def parse_yaml(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        said = _yaml_problem(error.context, error.problem or str(error))
        raise InputError(f"YAML 格式错误：{said}", file=file, location=where) from None
    except yaml.reader.ReaderError as error:
        where = f"第 {error.position + 1} 个字符"
        message = "YAML 格式错误：含有不允许的控制字符（如 NUL），请确认这是文本文件"
        raise InputError(message, file=file, location=where) from None
    except (yaml.YAMLError, ValueError, RecursionError, ArithmeticError) as error:
        raise InputError(f"YAML 格式错误：{_unmarked_problem(error)}", file=file) from None


# PyYAML's problems as people who edit these files would say them, recognised by a piece of
# the English context or problem. Anything else keeps its English text after a Chinese lead.
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("could not find expected ':'", "缺少冒号“:”"),
    ("found character '\\t' that cannot start any token", "不能用制表符缩进，请改用空格"),
    ("found character", "这个字符不能出现在文本开头（如 @、`、%），请给整段文本加引号"),
    ("mapping values are not allowed here", "此处不能出现“键: 值”，请检查缩进或给文本加引号"),
    ("found undefined alias", "引用了未定义的锚点"),
    ("expected ',' or ']'", "方括号列表没有闭合：缺少“]”或逗号"),
    ("expected ',' or '}'", "花括号没有闭合：缺少“}”或逗号"),
    ("found unexpected end of stream", "引号没有闭合：缺少结尾的引号"),
    ("found unexpected document separator", "引号没有闭合：缺少结尾的引号"),
    ("found unknown escape character", "双引号中的反斜杠“\\”不是有效的转义；请改用单引号，或写成“\\\\”"),
    ("expected <block end>", "缩进不一致：本行的缩进与上一级不匹配"),
    ("expected <block mapping start>", "缩进不一致：本行的缩进与上一级不匹配"),
    ("could not determine a constructor", "不支持的 YAML 标签（以“!”开头）；只能写文本、数字、列表和键值对"),
    ("found duplicate anchor", "锚点（&）重复定义"),
    ("found unhashable key", "键不能是列表或键值对"),
    ("expected a single document", "文件中只能有一份文档：请删去“---”之后的部分"),
    ("but found '<stream end>'", "文件意外结束：括号或引号没有闭合"),
)


def _yaml_problem(context: str | None, problem: str) -> str:
    said = f"{context or ''} {problem}"
    for english, chinese in _YAML_PROBLEMS:
        if english in said:
            return chinese
    if any("\u4e00" <= ch <= "\u9fff" for ch in problem):
        return problem  # our own loader's words
    return f"无法解析（{problem}）"


def _unmarked_problem(error: Exception) -> str:
    """A problem the parser could not place: nesting too deep, an impossible date or number."""
    if isinstance(error, RecursionError):
        return "嵌套层数过多"
    said = str(error)
    if any("\u4e00" <= ch <= "\u9fff" for ch in said):
        return said  # our own loader's words
    if isinstance(error, ValueError):
        return f"日期或数值无效（{said}）"
    return f"无法解析（{said}）"


# json's messages, as people who edit these files would say them.
_JSON_PROBLEMS: tuple[tuple[str, str], ...] = (
    ("Expecting value", "此处缺少值（或多了逗号）"),
    ("Expecting ',' delimiter", "缺少逗号“,”"),
    ("Expecting ':' delimiter", "缺少冒号“:”"),
    ("Expecting property name enclosed in double quotes", "键名应放在双引号中（或多了逗号）"),
    ("Unterminated string", "引号没有闭合：缺少结尾的双引号"),
    ("Invalid control character", "文本中有未转义的控制字符（如换行），请写成 \\n"),
    ("Invalid \\escape", "反斜杠“\\”不是有效的转义，请写成“\\\\”"),
    ("Extra data", "文件在一个对象结束后还有多余的内容"),
)


def parse_json(text: str, file: str) -> Any:
    try:
        return json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        where = f"第 {error.lineno} 行第 {error.colno} 列"
        said = next((chinese for english, chinese in _JSON_PROBLEMS if error.msg.startswith(english)), None)
        message = said or f"无法解析（{error.msg}）"
        raise InputError(f"JSON 格式错误：{message}", file=file, location=where) from None
    except (ValueError, RecursionError) as error:
        raise InputError(f"JSON 格式错误：{_unmarked_problem(error)}", file=file) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"不支持的数值 {name}")


def load_data(path: Path) -> Any:
    """Parse a .yaml/.yml/.json file into plain Python data."""
    file = str(path)
    text = decode(read_bytes(path), file)
    if path.suffix.lower() == ".json":
        return parse_json(text, file)
    return parse_yaml(text, file)
