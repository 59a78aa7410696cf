"""From a file to a scorecard and findings: load → pick the framework → score → check.

This is what the command line (and later the web app's import) runs for each file. It
never raises: an unreadable file becomes ``FileResult(ok=False, error=...)`` with the
Chinese message of :class:`InputError`, and any other exception (a bug in jixiao) becomes
``"内部错误：…"`` naming the file, with the traceback kept for ``--debug`` and for tests.

No Rich, no Typer, no Django here: the JSON functions return plain data the CLI prints.
"""

from __future__ import annotations

import os
import traceback as tb
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jixiao.core.checks import check
from jixiao.core.checks.scheme import scheme_findings
from jixiao.core.findings import Finding, Severity
from jixiao.core.framework import Framework
from jixiao.core.model import Evaluation, EvaluationKind
from jixiao.core.numbers import to_decimal
from jixiao.core.recognition import Choice, choose, given
from jixiao.core.scoring import Scorecard, score
from jixiao.core.targets import check_declaration, check_monitoring, lights_for
from jixiao.core.targets.monitoring import LightRules, with_targets
from jixiao.ingest.errors import InputError
from jixiao.ingest.evaluation_file import parse_evaluation
from jixiao.ingest.framework_file import builtin_frameworks, resolve_framework
from jixiao.ingest.loader import EVALUATION_SUFFIXES, REPORT_SUFFIXES, WALKED_SUFFIXES, load_any
from jixiao.ingest.report import ReportResult, read_report
from jixiao.ingest.targets_file import (
    DECLARATION_SCHEMA,
    LIBRARY_SCHEMA,
    MONITORING_SCHEMA,
    parse_declaration,
    parse_library,
    parse_monitoring,
    referenced,
    schema_of,
)
from jixiao.ingest.textfile import load_data

#: The framework an evaluation gets when neither the command line nor the file names one.
DEFAULT_FRAMEWORKS = {
    EvaluationKind.DEPARTMENT: "dept-generic-2020",
    EvaluationKind.PROJECT: "mof-2020-project",
}
FRAMEWORK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FileResult:
    """What became of one input file."""

    file: str
    ok: bool
    error: str | None = None  # Chinese, naming the file and the place in it
    evaluation: Evaluation | None = None
    framework_id: str | None = None
    scorecard: Scorecard | None = None
    findings: tuple[Finding, ...] = ()
    #: set only for an internal error (a bug, not bad input): shown with --debug
    traceback: str = ""
    #: what the file is: "evaluation", "declaration" (绩效目标申报), "monitoring" (运行监控) or "library"
    document: str = "evaluation"
    #: one line about a declaration or monitoring report (its title, or its lights)
    summary: str = ""
    #: for a written report (.txt/.docx/.pdf): its text, outline and every value read with its place
    report: ReportResult | None = None
    #: the framework used (also when it was built from the table as printed)
    framework: Framework | None = None
    #: how it was chosen: 命令行指定 / 文件指定 / 按表头识别 / 默认 / 按自评表所列分值, with its title
    framework_choice: str = ""
    #: why, with the evidence (headings, printed weights, a tie)
    framework_reason: str = ""
    #: no shipped framework fitted: scored against the table's own printed weights
    framework_fallback: bool = False

    @property
    def internal_error(self) -> bool:
        return bool(self.traceback)


def evaluate_file(path: str | Path, framework_ref: str | None = None, *, run_checks: bool = True) -> FileResult:
    """Load, score and (unless ``run_checks`` is false) check one file. Never raises."""
    file = str(path)
    report: ReportResult | None = None
    try:
        if Path(path).suffix.lower() in EVALUATION_SUFFIXES:
            data = load_data(Path(path))
            schema = schema_of(data)
            if schema and not schema.startswith("jixiao/evaluation"):
                return targets_file_result(data, schema, Path(path))
            evaluation = parse_evaluation(data, file)
        elif Path(path).suffix.lower() in REPORT_SUFFIXES:
            from jixiao.ingest.report_checks import report_findings

            report = read_report(Path(path))
            evaluation = report.evaluation
        else:
            evaluation = load_any(Path(path))
        choice = choose_scheme(evaluation, framework_ref, Path(path))
        framework = choice.framework
        card = score(evaluation, framework)
        if not run_checks:
            findings: tuple[Finding, ...] = ()
        elif report is not None:
            findings = with_choice(report_findings(report, framework, card), choice, evaluation)
        else:
            findings = with_choice(check(evaluation, framework, card), choice, evaluation)
    except InputError as error:
        located = error if error.file else error.with_file(file)
        return FileResult(file=file, ok=False, error=str(located))
    except Exception as error:  # one bad file must not stop a batch
        return internal_error(file, error)
    return FileResult(
        file=file,
        ok=True,
        evaluation=evaluation,
        framework_id=framework.id,
        scorecard=card,
        findings=findings,
        report=report,
        framework=framework,
        framework_choice=choice.summary,
        framework_reason=choice.reason,
        framework_fallback=choice.fallback,
    )


def targets_file_result(data: Any, schema: str, path: Path) -> FileResult:
    """A declaration, monitoring report or indicator library, checked (docs/targets.md#files).

    A declaration may name its ``library`` (file path); a monitoring report may name its approved
    ``declaration`` (inline or a file path) and its bureau's ``rules``. Raises InputError.
    """
    file = str(path)
    if schema == DECLARATION_SCHEMA:
        declaration = parse_declaration(data, file)
        library: tuple[Any, ...] = ()
        if isinstance(data.get("library"), str):
            raw, where = referenced(data, "library", path)
            library = parse_library(raw, where)
        findings = check_declaration(declaration, library)
        summary = f"绩效目标申报：{declaration.unit} · {declaration.year} 年度 · {declaration.title}"
        return FileResult(file, ok=True, findings=findings, document="declaration", summary=summary)
    if schema == MONITORING_SCHEMA:
        report = parse_monitoring(data, file)
        approved = None
        if data.get("declaration") is not None:
            raw, where = referenced(data, "declaration", path)
            approved = parse_declaration(raw, where)
        rules = _light_rules(data.get("rules"), file)
        findings = check_monitoring(report, approved, rules)
        lights = lights_for(with_targets(report, approved) if approved else report, rules)
        execution = "—" if lights.execution_rate is None else f"{lights.execution_rate}%"
        summary = (
            f"运行监控：{report.unit} · {report.project or '部门整体'} · {report.round or f'1—{report.month}月'}　"
            f"执行率 {execution}，序时进度 {lights.pace}%　预算{lights.budget.label}、目标{lights.target.label}、"
            f"综合{lights.overall.label}"
        )
        return FileResult(file, ok=True, findings=findings, document="monitoring", summary=summary)
    if schema == LIBRARY_SCHEMA:
        entries = parse_library(data, file)
        return FileResult(file, ok=True, document="library", summary=f"指标库：{len(entries)} 项指标")
    raise InputError(
        f"不认识的 schema“{schema}”：应为 {DECLARATION_SCHEMA}、{MONITORING_SCHEMA} 或 {LIBRARY_SCHEMA}；"
        "自评数据文件不写 schema 或写 jixiao/evaluation@1",
        file=file,
        location="schema",
    )


def _light_rules(raw: Any, file: str) -> LightRules | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InputError("应为键值对（对象）", file=file, location="rules")
    values: dict[str, Any] = {}
    for key in ("red_lag", "yellow_lag", "blue_ahead"):
        if key in raw:
            number = to_decimal(raw[key])
            if number is None:
                raise InputError("应为数字（百分点）", file=file, location=f"rules.{key}")
            values[key] = number
    unknown = set(raw) - {"red_lag", "yellow_lag", "blue_ahead"}
    if unknown:
        raise InputError(f"未知字段：{'、'.join(sorted(map(str, unknown)))}", file=file, location="rules")
    return LightRules(**values)


def internal_error(file: str, error: BaseException) -> FileResult:
    """A bug in jixiao met while handling ``file``: said plainly, traceback kept aside."""
    detail = "".join(tb.format_exception(error))
    message = (
        f"内部错误：{file}：处理此文件时 jixiao 出错（{type(error).__name__}: {error}）。"
        "这不是文件的问题，请把文件和 --debug 输出报告给维护者"
    )
    return FileResult(file=file, ok=False, error=message, traceback=detail or repr(error))


def choose_framework(evaluation: Evaluation, ref: str | None, file: Path) -> Framework:
    """The framework :func:`choose_scheme` picks."""
    return choose_scheme(evaluation, ref, file).framework


def choose_scheme(evaluation: Evaluation, ref: str | None, file: Path) -> Choice:
    """The explicit ``ref`` (id or YAML path), else the file's ``framework``, else recognised from
    the table's headings among the shipped frameworks of its kind (docs/frameworks.md#recognition),
    else the table as printed; with the reason.

    A framework path written in the file is read relative to the file. A framework that
    does not apply to the evaluation's kind is refused rather than scored wrongly.
    """
    if ref is None and not evaluation.framework:
        default = framework_for(None, DEFAULT_FRAMEWORKS[evaluation.kind])
        candidates = tuple(f for f in builtin_frameworks().values() if evaluation.kind in f.applies_to)
        return choose(evaluation, candidates, default)
    framework = _named_framework(evaluation, ref, file)
    return given(framework, "given" if ref is not None else "named")


def with_choice(findings: tuple[Finding, ...], choice: Choice, evaluation: Evaluation) -> tuple[Finding, ...]:
    """The checker's findings plus what the choice of framework asks of the unit, P0 first."""
    extra = scheme_findings(choice, evaluation)
    if not extra:
        return findings
    return tuple(sorted((*findings, *extra), key=lambda finding: finding.severity))


def _named_framework(evaluation: Evaluation, ref: str | None, file: Path) -> Framework:
    wanted = ref
    if wanted is None and evaluation.framework:
        wanted = evaluation.framework
        if wanted.lower().endswith(FRAMEWORK_SUFFIXES) and not Path(wanted).is_absolute():
            wanted = str(file.parent / wanted)
    try:
        framework = framework_for(wanted, DEFAULT_FRAMEWORKS[evaluation.kind])
    except InputError as error:
        if error.file:  # an error inside a framework file names that file
            raise
        location = "framework" if ref is None else ""
        raise InputError(error.message, file=str(file), location=location) from None
    if evaluation.kind not in framework.applies_to:
        kinds = "、".join(kind.label for kind in framework.applies_to)
        hint = DEFAULT_FRAMEWORKS[evaluation.kind]
        raise InputError(
            f"评分标准“{framework.id}”适用于{kinds}评价，不能用于{evaluation.kind.label}评价；"
            f"请改用适用的评分标准，如 --framework {hint}",
            file=str(file),
            location="framework",
        )
    return framework


@lru_cache(maxsize=64)
def framework_for(ref: str | None, default: str) -> Framework:
    """:func:`resolve_framework`, remembered: a batch names one framework file, read it once per process."""
    return resolve_framework(ref, default)


# --- many files ------------------------------------------------------------------------


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileResult]]:
    """The files to check: files as given, directories walked for the importable suffixes.

    Returns the files and a result for each path that yields nothing (missing path,
    directory without importable files). Hidden files and Office lock files (``~$…``) are skipped.
    """
    files: list[Path] = []
    problems: list[FileResult] = []
    seen: set[Path] = set()  # a file named twice (or inside a named directory) is checked once
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(_walk(path))
            if not found:
                names = "、".join(sorted(WALKED_SUFFIXES))
                problems.append(FileResult(str(path), ok=False, error=f"{path}：目录中没有可检查的文件（{names}）"))
        elif path.exists():
            found = [path]
        else:
            problems.append(FileResult(str(path), ok=False, error=f"{path}：文件或目录不存在，请检查路径"))
            continue
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files, problems


def _walk(root: Path) -> Iterable[Path]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.startswith((".", "~$")):
                continue
            if Path(name).suffix.lower() in WALKED_SUFFIXES:
                yield Path(folder) / name


def severity_counts(results: Iterable[FileResult]) -> Counter[Severity]:
    return Counter(finding.severity for result in results for finding in result.findings)


def exit_code(results: Sequence[FileResult]) -> int:
    """0 = no P0 finding; 1 = some P0 finding; 2 = some input unreadable (2 wins over 1)."""
    if any(not result.ok for result in results):
        return 2
    if any(finding.severity is Severity.P0 for result in results for finding in result.findings):
        return 1
    return 0


# --- JSON contracts (docs/file-formats.md) -----------------------------------------------


def number(value: Decimal | None) -> str | None:
    """Decimals as fixed-point strings ("97.75"), never floats."""
    return None if value is None else format(value, "f")


def scorecard_json(card: Scorecard, result: FileResult | None = None) -> dict[str, Any]:
    """``jixiao score --json``: total, grade, execution rate, blocks and every scored line;
    with ``result``, also how the framework was chosen and why."""
    chosen = {} if result is None else {
        "framework_choice": result.framework_choice,
        "framework_reason": result.framework_reason,
        "framework_fallback": result.framework_fallback,
    }
    return {
        "total": number(card.total),
        "grade": card.grade,
        "execution_rate": number(card.execution_rate),
        "framework": card.framework_id,
        **chosen,
        "blocks": [
            {"id": block.id, "name": block.name, "weight": number(block.weight), "score": number(block.score)}
            for block in card.blocks
        ],
        "indicators": [
            {
                "path": line.path,
                "name": line.name,
                "weight": number(line.weight),
                "score": number(line.score),
                "explanation": line.explanation,
            }
            for line in card.items
        ],
    }


def _finding_json(finding: Finding) -> dict[str, str]:
    """code/severity/message/path, and ``source`` where the value came from when known
    (a table's cell, a report's sentence)."""
    entry = finding.as_dict()
    if finding.source:
        entry["source"] = finding.source
    return entry


def check_json(results: Iterable[FileResult]) -> dict[str, Any]:
    """``jixiao check --json``: one entry per file, findings as code/severity/message/path."""
    return {"results": [_result_json(result) for result in results]}


def _result_json(result: FileResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": result.file,
        "ok": result.ok,
        "error": result.error,
        "framework": result.framework_id,
        "framework_choice": result.framework_choice,
        "framework_reason": result.framework_reason,
        "framework_fallback": result.framework_fallback,
        "findings": [_finding_json(finding) for finding in result.findings],
    }
    if result.document != "evaluation":  # declarations, monitoring reports, libraries (docs/targets.md#files)
        data["document"] = result.document
        data["summary"] = result.summary
    return data
