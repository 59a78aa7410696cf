"""Evaluation files (YAML or JSON) → :class:`jixiao.core.model.Evaluation`.

The file format is documented in docs/file-formats.md. Enumerations accept their English
code or the Chinese term people write (``kind: 部门整体``, ``direction: ≥``, ``tier: 达成年度指标``);
targets and actual values are read with :func:`jixiao.core.values.parse_measure`.
"""

from __future__ import annotations

from dataclasses import asdict, fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from jixiao.core.bounds import violations
from jixiao.core.model import Evaluation, Tier
from jixiao.core.values import Direction, Measure, parse_measure
from jixiao.ingest.errors import InputError
from jixiao.ingest.textfile import load_data
from jixiao.ingest.validation import validate

KIND_ALIASES = {
    "部门整体": "department",
    "部门整体支出": "department",
    "部门": "department",
    "项目": "project",
    "项目支出": "project",
}
DIRECTION_ALIASES = {
    "≥": "ge", ">=": "ge", "≧": "ge", "正向": "ge", "正向指标": "ge",
    "≤": "le", "<=": "le", "≦": "le", "反向": "le", "反向指标": "le",
    "=": "eq", "＝": "eq", "═": "eq", "等于": "eq",
    "定性": "qualitative", "定性指标": "qualitative",
}  # fmt: skip
TIER_ALIASES = {tier.label: tier.value for tier in Tier} | {
    "达成": "achieved",
    "部分达成": "partial",
    "未达成": "not_achieved",
}
SOURCE_ALIASES = {
    "问卷": "survey", "问卷调查": "survey", "调查": "survey", "满意度调查": "survey",
    "无": "none", "无调查": "none", "未调查": "none", "未开展调查": "none", "估计": "none", "假定": "none",
    "其他": "other", "其他来源": "other",
    "未说明": "unknown", "不详": "unknown", "未知": "unknown",
}  # fmt: skip
UNIT_ALIASES = {"wan": "万元", "yuan": "元"}
MEASURE_FIELDS = ("target", "actual")


def load_evaluation(path: str | Path) -> Evaluation:
    """Read and validate one evaluation file; raises :class:`InputError` in Chinese."""
    file = Path(path)
    data = load_data(file)
    return parse_evaluation(data, str(file))


def parse_evaluation(data: Any, file: str = "") -> Evaluation:
    if not isinstance(data, dict):
        raise InputError("文件顶层应为键值对（对象），如 kind: 部门整体", file=file)
    prepared = _prepare(data, file)
    try:
        evaluation = validate(Evaluation, prepared, file)
    except InputError as error:
        raise _keyed_location(error, prepared) from None
    check_amounts(evaluation, file)
    return evaluation


_KEYED = ("judgements", "metrics", "sources")


def _keyed_location(error: InputError, prepared: dict[str, Any]) -> InputError:
    """``metrics[0][1]`` → ``metrics.three_public_control_rate``: name the key the user wrote."""
    for key in _KEYED:
        head = f"{key}["
        if not error.location.startswith(head):
            continue
        index, _, rest = error.location[len(head) :].partition("]")
        pairs = prepared.get(key)
        if index.isdigit() and isinstance(pairs, list) and int(index) < len(pairs):
            pair = pairs[int(index)]
            if isinstance(pair, tuple) and len(pair) == 2:
                rest = rest[3:] if rest.startswith("[1]") else rest
                location = f"{key}.{pair[0]}{rest}"
                return InputError(error.message, file=error.file, location=location)
    return error


def _alias(value: Any, table: dict[str, str]) -> Any:
    if isinstance(value, str):
        return table.get(value.strip(), value.strip())
    return value


def _prepare(data: dict[str, Any], file: str) -> dict[str, Any]:
    """Map Chinese aliases to codes and read measure text; the rest is pydantic's job."""
    out = dict(data)
    out.pop("schema", None)  # a version tag for people and future migrations
    if "kind" in out:
        out["kind"] = kind = _alias(out["kind"], KIND_ALIASES)
        if isinstance(kind, str) and kind not in {"department", "project"}:
            raise InputError(f"评价类型“{kind}”无效，应为 部门整体 或 项目", file=file, location="kind")
    for key in ("judgements", "metrics", "sources"):
        if isinstance(out.get(key), dict):
            out[key] = list(out[key].items())
    budget = out.get("budget")
    if isinstance(budget, dict) and "unit" in budget:
        budget = dict(budget, unit=_alias(budget["unit"], UNIT_ALIASES))
        out["budget"] = budget
    satisfaction = out.get("satisfaction")
    if isinstance(satisfaction, dict) and "source" in satisfaction:
        out["satisfaction"] = dict(satisfaction, source=_alias(satisfaction["source"], SOURCE_ALIASES))
    indicators = out.get("indicators")
    if isinstance(indicators, list):
        out["indicators"] = [_prepare_indicator(item, i, file) for i, item in enumerate(indicators)]
    narrative = out.get("narrative")
    if isinstance(narrative, dict) and isinstance(narrative.get("problems"), list):
        problems = [{"problem": p} if isinstance(p, str) else p for p in narrative["problems"]]
        out["narrative"] = dict(narrative, problems=problems)
    return out


def _prepare_indicator(item: Any, index: int, file: str) -> Any:
    if not isinstance(item, dict):
        return item
    prepared = dict(item)
    for key in MEASURE_FIELDS:
        if key in prepared and not isinstance(prepared[key], dict):
            raw = prepared[key]
            if raw is not None and not isinstance(raw, (str, int, Decimal)):
                raise InputError("应为文本或数字", file=file, location=f"indicators[{index}].{key}")
            prepared[key] = measure_dict(parse_measure(raw))
    if isinstance(prepared.get("parts"), list):
        prepared["parts"] = [_prepare_part(part, f"indicators[{index}].parts[{k}]", file)
                             for k, part in enumerate(prepared["parts"])]  # fmt: skip
    if "direction" in prepared:
        prepared["direction"] = _alias(prepared["direction"], DIRECTION_ALIASES)
    if "tier" in prepared:
        prepared["tier"] = _alias(prepared["tier"], TIER_ALIASES)
    return prepared


def _prepare_part(item: Any, location: str, file: str) -> Any:
    if not isinstance(item, dict):
        return item
    prepared = dict(item)
    for key in MEASURE_FIELDS:
        if key in prepared and not isinstance(prepared[key], dict):
            raw = prepared[key]
            if raw is not None and not isinstance(raw, (str, int, Decimal)):
                raise InputError("应为文本或数字", file=file, location=f"{location}.{key}")
            prepared[key] = measure_dict(parse_measure(raw))
    return prepared


def measure_dict(measure: Measure) -> dict[str, Any]:
    return asdict(measure)


_NON_NEGATIVE_PATHS = ("budget", "unit.assets", "unit.staffing")


def check_amounts(evaluation: Evaluation, file: str) -> None:
    """Refuse negative amounts and weights, impossible years and figures out of bounds, naming the field."""
    if evaluation.year is not None and not 1990 <= evaluation.year <= 2100:
        raise InputError(f"年度 {evaluation.year} 不在合理范围（1990–2100）", file=file, location="year")
    for path, value in _walk_numbers(evaluation.budget, "budget"):
        _non_negative(value, path, file)
    for path, value in _walk_numbers(evaluation.unit.assets, "unit.assets"):
        _non_negative(value, path, file)
    for path, value in _walk_numbers(evaluation.unit.staffing, "unit.staffing"):
        _non_negative(value, path, file)
    for index, indicator in enumerate(evaluation.indicators):
        base = f"indicators[{index}]"
        if not indicator.name.strip():
            raise InputError("三级指标名称不能为空", file=file, location=f"{base}.name")
        for name in ("weight", "judged_score", "stated_score"):
            value = getattr(indicator, name)
            if value is not None:
                _non_negative(value, f"{base}.{name}", file)
    for item_id, judgement in evaluation.judgements:
        _non_negative(judgement.score, f"judgements.{item_id}.score", file)
    satisfaction = evaluation.satisfaction.value
    if satisfaction is not None and not Decimal(0) <= satisfaction <= Decimal(100):
        raise InputError("满意度应在 0–100（%）之间", file=file, location="satisfaction.value")
    for path, message in violations(evaluation):  # docs/file-formats.md#bounds
        raise InputError(message, file=file, location=path)


def _non_negative(value: Decimal | int, path: str, file: str) -> None:
    if value < 0:
        raise InputError(f"不能为负数（现为 {value}）", file=file, location=path)


def _walk_numbers(obj: Any, path: str) -> list[tuple[str, Decimal | int]]:
    found: list[tuple[str, Decimal | int]] = []
    if is_dataclass(obj):
        for field in fields(obj):
            found += _walk_numbers(getattr(obj, field.name), f"{path}.{field.name}")
    elif isinstance(obj, tuple):
        for i, part in enumerate(obj):
            found += _walk_numbers(part, f"{path}[{i}]")
    elif isinstance(obj, (Decimal, int)) and not isinstance(obj, bool):
        found.append((path, obj))
    return found


def direction_of(text: str) -> Direction | None:
    code = DIRECTION_ALIASES.get(text.strip())
    return Direction(code) if code else None


def to_data(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation as plain data in the file format (round-trips through parse_evaluation).

    Measures are written as the text people typed, enumerations as their codes, Decimals
    as strings (so no binary float ever touches an amount), empty fields left out.
    """
    data = _plain(evaluation)
    assert isinstance(data, dict)
    data = {"schema": "jixiao/evaluation@1", **data}
    for key in ("judgements", "metrics", "sources"):
        if key in data:
            data[key] = dict(data[key])
    return data


def _plain(obj: Any) -> Any:
    if isinstance(obj, Measure):
        return obj.text if obj.text else None
    if is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for field in fields(obj):
            value = _plain(getattr(obj, field.name))
            if value not in (None, "", [], {}):
                out[field.name] = value
        return out
    if isinstance(obj, tuple):
        return [_plain(part) for part in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Decimal):
        return format(obj, "f")
    if isinstance(obj, date):
        return obj.isoformat()
    return obj
