"""Framework files (YAML) → :class:`jixiao.core.framework.Framework`, checked on load.

Everything that could go wrong while scoring is checked here first: unknown rule kinds,
missing parameters, weights that do not add up, unknown metrics, grade bands out of order.
Each error names the path in the file (``blocks[1].items[0].rule.bands``).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao.core import metrics
from jixiao.core.bounds import SCORE
from jixiao.core.framework import Block, Framework, Rule, RuleKind, normalize_l1
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import KIND_ALIASES
from jixiao.ingest.textfile import load_data, parse_yaml
from jixiao.ingest.validation import validate

SLOT_KINDS = {
    RuleKind.BY_DIRECTION, RuleKind.POSITIVE, RuleKind.NEGATIVE,
    RuleKind.EQUAL, RuleKind.QUALITATIVE, RuleKind.MANUAL,
}  # fmt: skip
ITEM_KINDS = set(RuleKind) - {RuleKind.BY_DIRECTION, RuleKind.QUALITATIVE}
KIND_NAMES = "、".join(kind.value for kind in RuleKind)
KIND_VALUES = frozenset(kind.value for kind in RuleKind)


def load_framework(path: str | Path) -> Framework:
    file = Path(path)
    return parse_framework(load_data(file), str(file))


def parse_framework(data: Any, file: str = "") -> Framework:
    if not isinstance(data, dict):
        raise InputError("评分标准文件顶层应为键值对（对象）", file=file)
    prepared = _prepare(data, file)
    framework = validate(Framework, prepared, file)
    _check(framework, file)
    return with_synonyms(framework, heading_synonyms())


HEADINGS_FILE = "_headings.yaml"


@cache
def heading_synonyms() -> dict[str, frozenset[str]]:
    """The one list of 一级指标 synonyms (frameworks/_headings.yaml): each normalised name → its group."""
    entry = _builtin_dir().joinpath(HEADINGS_FILE)
    data = parse_yaml(entry.read_text("utf-8"), HEADINGS_FILE)
    groups: dict[str, frozenset[str]] = {}
    for group in data["groups"]:
        names = frozenset(normalize_l1(str(name)) for name in group)
        for name in names:
            groups[name] = groups.get(name, frozenset()) | names
    return groups


def with_synonyms(framework: Framework, synonyms: dict[str, frozenset[str]]) -> Framework:
    """Each slot's ``match`` plus the synonyms of its names; a name the framework gives a slot itself stays there."""
    explicit = {normalize_l1(name) for slot in framework.slot_list for name in slot.match}
    taken: set[str] = set()
    blocks = []
    for block in framework.blocks:
        slots = []
        for slot in block.slots:
            names = list(slot.match)
            have = {normalize_l1(name) for name in names}
            for name in list(have):
                for other in sorted(synonyms.get(name, ())):
                    if other not in have and other not in explicit and other not in taken:
                        names.append(other)
                        have.add(other)
                        taken.add(other)
            slots.append(replace(slot, match=tuple(names)))
        blocks.append(replace(block, slots=tuple(slots)))
    return replace(framework, blocks=tuple(blocks))


def _prepare(data: dict[str, Any], file: str) -> dict[str, Any]:
    out = dict(data)
    applies = out.get("applies_to")
    if isinstance(applies, list):
        out["applies_to"] = [KIND_ALIASES.get(str(a), a) for a in applies]
    blocks = out.get("blocks")
    if isinstance(blocks, list):
        out["blocks"] = [_prepare_block(block, i, file) for i, block in enumerate(blocks)]
    return out


def _prepare_block(block: Any, index: int, file: str) -> Any:
    if not isinstance(block, dict):
        return block
    out = dict(block)
    for key in ("items", "slots"):
        parts = out.get(key)
        if isinstance(parts, list):
            out[key] = [_prepare_rule(part, f"blocks[{index}].{key}[{j}]", file) for j, part in enumerate(parts)]
    return out


def _prepare_rule(part: Any, path: str, file: str) -> Any:
    if not isinstance(part, dict) or "rule" not in part:
        return part
    rule = part["rule"]
    if isinstance(rule, str):
        rule = {"kind": rule}
    if not isinstance(rule, dict):
        raise InputError("rule 应为键值对，如 {kind: positive}", file=file, location=f"{path}.rule")
    kind = rule.get("kind")
    if kind is None:
        raise InputError(f"缺少计分规则 kind，可选：{KIND_NAMES}", file=file, location=f"{path}.rule.kind")
    if not isinstance(kind, str) or kind not in KIND_VALUES:
        raise InputError(f"未知的计分规则“{kind}”，可选：{KIND_NAMES}", file=file, location=f"{path}.rule.kind")
    if kind == RuleKind.EXECUTION_RATE.value and "metric" not in rule:
        rule = dict(rule, metric="execution_rate")
    return dict(part, rule=rule)


def _fail(message: str, file: str, location: str) -> InputError:
    return InputError(message, file=file, location=location)


def _check(framework: Framework, file: str) -> None:
    if framework.total <= 0:
        raise _fail("总分应大于 0", file, "total")
    if problem := SCORE.problem(framework.total):  # docs/file-formats.md#bounds
        raise _fail(problem, file, "total")
    if not framework.blocks:
        raise _fail("至少需要一个一级指标（blocks）", file, "blocks")
    _check_grades(framework, file)
    block_ids: set[str] = set()
    part_ids: set[str] = set()  # items and slots share one namespace (judgements name items)
    known_metrics = set(metrics.BUILTIN) | {spec.name for spec in framework.metrics}
    for b, block in enumerate(framework.blocks):
        _unique(block.id, block_ids, f"blocks[{b}].id", file)
        _check_block(block, f"blocks[{b}]", part_ids, known_metrics, file)
    weight_sum = sum((block.weight for block in framework.blocks), Decimal(0))
    if weight_sum != framework.total:
        raise _fail(f"各一级指标分值之和 {weight_sum} 不等于总分 {framework.total}", file, "blocks")
    seen: dict[str, str] = {}
    for b, block in enumerate(framework.blocks):
        for s, slot in enumerate(block.slots):
            for name in slot.match:
                if name in seen:
                    where = f"blocks[{b}].slots[{s}].match"
                    raise _fail(f"一级指标名称“{name}”同时出现在 {seen[name]} 与此处", file, where)
                seen[name] = f"blocks[{b}].slots[{s}]"


def _check_grades(framework: Framework, file: str) -> None:
    if not framework.grades:
        raise _fail("至少需要一个等级（grades）", file, "grades")
    previous: Decimal | None = None
    for g, band in enumerate(framework.grades):
        if previous is not None and band.min >= previous:
            raise _fail("等级应按最低分从高到低排列", file, f"grades[{g}].min")
        if band.min < 0 or band.min > framework.total:
            raise _fail(f"等级最低分应在 0–{framework.total} 之间", file, f"grades[{g}].min")
        previous = band.min
    if framework.grades[-1].min != 0:
        raise _fail("最低一档的最低分应为 0，否则部分得分没有等级", file, f"grades[{len(framework.grades) - 1}].min")


def _check_block(block: Block, path: str, ids: set[str], known: set[str], file: str) -> None:
    if block.weight <= 0:
        raise _fail("分值应大于 0", file, f"{path}.weight")
    if not block.items and not block.slots:
        raise _fail("一级指标下应有评分项（items）或单位指标栏（slots）", file, path)
    parts = sum((i.weight for i in block.items), Decimal(0)) + sum((s.weight for s in block.slots), Decimal(0))
    if parts != block.weight:
        raise _fail(f"下属各项分值之和 {parts} 不等于本项分值 {block.weight}", file, f"{path}.weight")
    for i, item in enumerate(block.items):
        where = f"{path}.items[{i}]"
        _unique(item.id, ids, f"{where}.id", file)
        if item.weight <= 0:
            raise _fail("分值应大于 0", file, f"{where}.weight")
        if item.rule.kind not in ITEM_KINDS:
            raise _fail(f"评分项不能使用规则“{item.rule.kind.value}”（用于单位指标栏）", file, f"{where}.rule.kind")
        _check_rule(item.rule, item.weight, f"{where}.rule", known, file)
    for s, slot in enumerate(block.slots):
        where = f"{path}.slots[{s}]"
        _unique(slot.id, ids, f"{where}.id", file)
        if slot.weight <= 0:
            raise _fail("分值应大于 0", file, f"{where}.weight")
        if not slot.match:
            raise _fail("应列出归入此栏的一级指标名称（match）", file, f"{where}.match")
        if slot.rule.kind not in SLOT_KINDS:
            raise _fail(f"单位指标栏不能使用规则“{slot.rule.kind.value}”", file, f"{where}.rule.kind")


def _unique(value: str, seen: set[str], location: str, file: str) -> None:
    if not value.strip():
        raise _fail("编号不能为空", file, location)
    if value in seen:
        raise _fail(f"编号“{value}”重复", file, location)
    seen.add(value)


def _check_rule(rule: Rule, weight: Decimal, path: str, known: set[str], file: str) -> None:
    needs_metric = rule.kind is not RuleKind.MANUAL
    if needs_metric and not rule.metric:
        raise _fail("此规则需要指明读取的指标值（metric）", file, f"{path}.metric")
    if rule.metric and rule.metric not in known:
        names = "、".join(sorted(known))
        raise _fail(f"未知的指标值“{rule.metric}”，可选：{names}，或在 metrics 中声明", file, f"{path}.metric")
    if rule.kind is RuleKind.STEP_BANDS:
        if not rule.bands:
            raise _fail("分档计分需要至少一个档位（bands）", file, f"{path}.bands")
        for k, band in enumerate(rule.bands):
            if band.max is not None and band.min is not None:
                raise _fail("一个档位只能写 max 或 min 之一", file, f"{path}.bands[{k}]")
            if not 0 <= band.score <= weight:
                raise _fail(f"档位得分应在 0–{weight} 之间", file, f"{path}.bands[{k}].score")
    if rule.kind is RuleKind.PER_UNIT_DEDUCTION:
        for name in ("per", "deduct"):
            value = getattr(rule, name)
            if value is not None and value <= 0:
                raise _fail("应大于 0", file, f"{path}.{name}")


# --- the frameworks jixiao ships ------------------------------------------------------


def _builtin_dir() -> Any:
    return resources.files("jixiao").joinpath("frameworks")


@cache
def builtin_framework_sources() -> tuple[tuple[Framework, str], ...]:
    """Every framework shipped in the package with its YAML text, in file-name order.

    Read and checked once per process; the web layer stores the text as framework records.
    """
    found: list[tuple[Framework, str]] = []
    for entry in sorted(_builtin_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")) and not entry.name.startswith("_"):
            text = entry.read_text("utf-8")
            found.append((parse_framework(parse_yaml(text, entry.name), entry.name), text))
    return tuple(found)


@cache
def builtin_frameworks() -> dict[str, Framework]:
    """Every framework shipped in the package, by id."""
    return {framework.id: framework for framework, _ in builtin_framework_sources()}


def resolve_framework(ref: str | None, default_for_kind: str) -> Framework:
    """A framework by id among the shipped ones, or from a YAML path."""
    known = builtin_frameworks()
    key = ref or default_for_kind
    if key in known:
        return known[key]
    if ref and Path(ref).suffix.lower() in {".yaml", ".yml"}:
        return load_framework(ref)
    names = "、".join(sorted(known))
    raise InputError(f"未知的评分标准“{key}”，可选：{names}，或给出 YAML 文件路径")
