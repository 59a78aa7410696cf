"""Declaration, monitoring and indicator-library files (YAML or JSON) → the targets core model.

The formats are documented in docs/targets.md#files. A file says what it is in ``schema``:
``jixiao/declaration@1`` (绩效目标申报), ``jixiao/monitoring@1`` (运行监控) or
``jixiao/indicator-library@1`` (指标库). Enumerations accept their code or the Chinese term;
target values are read with :func:`jixiao.core.values.parse_measure`.
"""

from __future__ import annotations

from dataclasses import asdict, fields, is_dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from jixiao.core.bounds import AMOUNT, MEASURE, SCORE, Bound
from jixiao.core.targets.model import Declaration, LibraryEntry
from jixiao.core.targets.monitoring import DeviationReason, Likelihood, MonitoringReport
from jixiao.core.values import Measure, parse_measure
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import DIRECTION_ALIASES
from jixiao.ingest.textfile import load_data
from jixiao.ingest.validation import validate

DECLARATION_SCHEMA = "jixiao/declaration@1"
MONITORING_SCHEMA = "jixiao/monitoring@1"
LIBRARY_SCHEMA = "jixiao/indicator-library@1"

KIND_ALIASES = {"项目": "project", "项目支出": "project", "部门整体": "department", "部门整体支出": "department"}
LIKELIHOOD_ALIASES = {item.label: item.value for item in Likelihood}
REASON_ALIASES = {item.label: item.value for item in DeviationReason} | {"资金未及时到位": "funds", "计划调整": "plan"}


def schema_of(data: Any) -> str:
    """The ``schema`` tag of parsed file data ("" when there is none: an evaluation file)."""
    if isinstance(data, dict):
        tag = data.get("schema")
        if isinstance(tag, str):
            return tag.strip()
    return ""


def _alias(value: Any, table: dict[str, str]) -> Any:
    return table.get(value.strip(), value.strip()) if isinstance(value, str) else value


def _measure(raw: Any, file: str, location: str) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if raw is not None and not isinstance(raw, (str, int, Decimal)):
        raise InputError("应为文本或数字", file=file, location=location)
    return asdict(parse_measure(raw))


def _rows(data: dict[str, Any], key: str, file: str) -> list[Any]:
    rows = data.get(key, [])
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise InputError("应为列表", file=file, location=key)
    return rows


def _indicator(item: Any, index: int, file: str, measures: tuple[str, ...], base: str = "indicators") -> Any:
    if not isinstance(item, dict):
        return item
    out = dict(item)
    for key in measures:
        if key in out:
            out[key] = _measure(out[key], file, f"{base}[{index}].{key}")
    if "direction" in out:
        out["direction"] = _alias(out["direction"], DIRECTION_ALIASES)
    return out


def parse_declaration(data: Any, file: str = "") -> Declaration:
    if not isinstance(data, dict):
        raise InputError("文件顶层应为键值对（对象）", file=file)
    out = {k: v for k, v in data.items() if k not in ("schema", "library")}
    if "kind" in out:
        out["kind"] = _alias(out["kind"], KIND_ALIASES)
    if isinstance(out.get("sources"), dict):
        out["sources"] = list(out["sources"].items())
    measures = ("target", "last_year")
    out["indicators"] = [_indicator(item, i, file, measures) for i, item in enumerate(_rows(out, "indicators", file))]
    declaration = validate(Declaration, out, file)
    if not 1990 <= declaration.year <= 2100:
        raise InputError(f"年度 {declaration.year} 不在合理范围（1990–2100）", file=file, location="year")
    for index, indicator in enumerate(declaration.indicators):
        if not indicator.name.strip():
            raise InputError("三级指标名称不能为空", file=file, location=f"indicators[{index}].name")
    for name in ("total", "request", "fiscal", "carryover", "other"):
        value = getattr(declaration.funds, name)
        if value is not None and value < 0:
            raise InputError(f"不能为负数（现为 {value}）", file=file, location=f"funds.{name}")
    figures: list[tuple[str, Decimal | None, Bound]] = [
        (f"funds.{name}", getattr(declaration.funds, name), AMOUNT)
        for name in ("total", "request", "fiscal", "carryover", "other")
    ]
    for index, indicator in enumerate(declaration.indicators):
        base = f"indicators[{index}]"
        figures += [(f"{base}.weight", indicator.weight, SCORE)]
        figures += [(f"{base}.{key}", getattr(indicator, key).value, MEASURE) for key in ("target", "last_year")]
    _within_bounds(figures, file)
    return declaration


def _within_bounds(figures: list[tuple[str, Decimal | None, Bound]], file: str) -> None:
    """Refuse the first figure beyond its bound (docs/file-formats.md#bounds), naming the field.

    Only the size is bounded here: the sign is each field's own rule.
    """
    for path, value, bound in figures:
        problem = bound.problem(abs(value)) if value is not None else None
        if problem:
            raise InputError(problem, file=file, location=path)


def parse_monitoring(data: Any, file: str = "") -> MonitoringReport:
    if not isinstance(data, dict):
        raise InputError("文件顶层应为键值对（对象）", file=file)
    out = {k: v for k, v in data.items() if k not in ("schema", "declaration", "rules")}
    if isinstance(out.get("sources"), dict):
        out["sources"] = list(out["sources"].items())
    rows = []
    for index, item in enumerate(_rows(out, "indicators", file)):
        row = _indicator(item, index, file, ("target", "to_date", "expected"))
        if isinstance(row, dict):
            if "likelihood" in row:
                row["likelihood"] = _alias(row["likelihood"], LIKELIHOOD_ALIASES)
            reasons = row.get("reasons")
            if isinstance(reasons, str):
                reasons = [part for part in reasons.replace("，", ",").replace("、", ",").split(",") if part.strip()]
            if isinstance(reasons, list):
                row["reasons"] = [_alias(reason, REASON_ALIASES) for reason in reasons]
        rows.append(row)
    out["indicators"] = rows
    report = validate(MonitoringReport, out, file)
    if not 1 <= report.month <= 12:
        raise InputError(f"月份应在 1–12 之间（现为 {report.month}）", file=file, location="month")
    figures: list[tuple[str, Decimal | None, Bound]] = [
        (f"budget.{name}", getattr(report.budget, name), AMOUNT) for name in ("initial", "added", "reduced", "spent")
    ]
    for index, indicator in enumerate(report.indicators):
        keys = ("target", "to_date", "expected")
        figures += [(f"indicators[{index}].{key}", getattr(indicator, key).value, MEASURE) for key in keys]
    _within_bounds(figures, file)
    return report


def parse_library(data: Any, file: str = "") -> tuple[LibraryEntry, ...]:
    entries = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise InputError("指标库文件应含 entries 列表", file=file, location="entries")
    result = []
    for index, item in enumerate(entries):
        row = dict(item) if isinstance(item, dict) else item
        if isinstance(row, dict) and "direction" in row:
            row["direction"] = _alias(row["direction"], DIRECTION_ALIASES)
        result.append(validate(LibraryEntry, row, file, prefix=f"entries[{index}]"))
    codes = [entry.code for entry in result]
    duplicated = sorted({code for code in codes if codes.count(code) > 1})
    if duplicated:
        raise InputError(f"指标编码重复：{'、'.join(duplicated)}", file=file, location="entries")
    return tuple(result)


def load_library(path: str | Path) -> tuple[LibraryEntry, ...]:
    return parse_library(load_data(Path(path)), str(path))


def seed_library() -> tuple[LibraryEntry, ...]:
    """The demo library shipped with jixiao (education, city management, health …)."""
    return load_library(Path(__file__).with_name("library") / "seed.yaml")


def referenced(data: dict[str, Any], key: str, file: Path) -> Any:
    """A part of a file given inline or as the path of another file (relative to this one)."""
    value = data.get(key)
    if isinstance(value, str):
        target = Path(value) if Path(value).is_absolute() else file.parent / value
        return load_data(target), str(target)
    return value, str(file)


def to_data(obj: Any) -> Any:
    """A declaration, report or library entry as plain data in the file format."""
    if isinstance(obj, Measure):
        return obj.text if obj.text else None
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for field in fields(obj):
            value = to_data(getattr(obj, field.name))
            if value not in (None, "", [], {}):
                out[field.name] = value
        return out
    if isinstance(obj, tuple):
        return [to_data(part) for part in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return format(obj, "f")
    return obj
