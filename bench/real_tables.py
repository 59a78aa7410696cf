"""Measure the checker on real published self-evaluation tables against hand-made labels.

    .venv/bin/python bench/real_tables.py [--csv] [--only T05,R15] [--examples N] [--json FILE]

Draws every case of src/jixiao/testing/tables/tables.yaml (R01 …) and real_tables.yaml (T01 …) as a
real-layout .xlsx (or .csv where the case says ``format: csv``; ``--csv`` draws every case as CSV
too and reports both), runs :func:`jixiao.pipeline.evaluate_file` on each (importer → framework
→ score → check) and compares the findings with the case's ``labels`` (format: the top of
real_tables.yaml). Prints:

- the number of tables, and those refused (InputError) or hitting an internal error;
- P0 precision: accepted P0 ÷ all P0, where a P0 is accepted when a label of its table lists
  its code with ``blocks: true`` (also the lenient figure: any label with that code);
- P0 count per code and false P0 per code, with an example message each;
- recall of the labelled arithmetic inconsistencies (kind ``arithmetic``): reported as P0 or P1
  under one of the label's codes; the missed ones are listed;
- the framework used per table, and three counts: recognised from the headings (按表头识别),
  fell back to "as printed", and the default framework (no headings to go by); a table counts as
  having fallen back ("as printed") when the
  result says so: ``FileResult.framework_fallback`` is true, or the framework id contains
  "printed". Any ``framework_choice`` / ``framework_reason`` text the result carries is shown.

Figures only: no targets are asserted here (issue 9 asks for P0 precision ≥ 0.95 and full
recall of labelled arithmetic inconsistencies; see the end of the output).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.core.findings import Finding, Severity
from jixiao.pipeline import FileResult, evaluate_file
from jixiao.testing import tablegen

TARGET_PRECISION = 0.95


@dataclass
class TableRun:
    """One drawn table, what the pipeline made of it, and its labels."""

    case_id: str
    suffix: str
    result: FileResult
    labels: list[dict[str, Any]]
    level: str = ""

    @property
    def p0(self) -> list[Finding]:
        return [f for f in self.result.findings if f.severity is Severity.P0]

    def accepted(self, finding: Finding, *, strict: bool = True) -> bool:
        return any(finding.code in label["codes"] and (label["blocks"] or not strict) for label in self.labels)

    def reported(self, label: dict[str, Any]) -> bool:
        return any(f.code in label["codes"] and f.severity in (Severity.P0, Severity.P1)
                   for f in self.result.findings)

    @property
    def framework(self) -> str:
        return self.result.framework_id or "—"

    @property
    def fell_back(self) -> bool:
        if not self.result.ok:
            return False
        flag = getattr(self.result, "framework_fallback", None)
        return bool(flag) or "printed" in (self.result.framework_id or "")

    @property
    def choice(self) -> str:
        for name in ("framework_choice", "framework_reason"):
            text = getattr(self.result, name, None)
            if text:
                return str(text)
        return ""


@dataclass
class Summary:
    runs: list[TableRun]
    p0_by_code: Counter[str] = field(default_factory=Counter)
    false_by_code: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    accepted: int = 0
    accepted_lenient: int = 0
    p0_total: int = 0
    arithmetic: int = 0
    recalled: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.accepted / self.p0_total if self.p0_total else None

    @property
    def precision_lenient(self) -> float | None:
        return self.accepted_lenient / self.p0_total if self.p0_total else None

    @property
    def recall(self) -> float | None:
        return self.recalled / self.arithmetic if self.arithmetic else None


def run_case(case_id: str, folder: Path, suffix: str) -> TableRun:
    spec = tablegen.case(case_id)
    path, _ = tablegen.write_case(case_id, folder, suffix=suffix, spec=spec)
    return TableRun(case_id, suffix, evaluate_file(path), spec.get("labels", []), spec.get("level", ""))


def summarise(runs: Iterable[TableRun], examples: int) -> Summary:
    summary = Summary(list(runs))
    for run in summary.runs:
        for finding in run.p0:
            summary.p0_total += 1
            summary.p0_by_code[finding.code] += 1
            summary.accepted_lenient += run.accepted(finding, strict=False)
            if run.accepted(finding):
                summary.accepted += 1
            else:
                summary.false_by_code[finding.code] += 1
                if len(summary.examples[finding.code]) < examples:
                    summary.examples[finding.code].append(f"{run.case_id}{run.suffix}: {finding.message}")
        for label in run.labels:
            if label["kind"] != "arithmetic":
                continue
            summary.arithmetic += 1
            if run.reported(label):
                summary.recalled += 1
            else:
                summary.missed.append(f"{run.case_id}{run.suffix} {'/'.join(label['codes'])}: {label['note']}")
    return summary


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_summary(summary: Summary) -> None:
    runs = summary.runs
    refused = [r for r in runs if not r.result.ok and not r.result.internal_error]
    crashed = [r for r in runs if r.result.internal_error]
    print(f"tables: {len(runs)} ({sum(r.case_id.startswith('T') for r in runs)} T, "
          f"{sum(r.case_id.startswith('R') for r in runs)} R); imported {len(runs) - len(refused) - len(crashed)}, "
          f"refused {len(refused)}, internal errors {len(crashed)}")
    for run in refused + crashed:
        print(f"  not imported {run.case_id}{run.suffix}: {(run.result.error or '').splitlines()[0][:160]}")
    print(f"\nP0 findings: {summary.p0_total}; accepted {summary.accepted} "
          f"→ P0 precision {percent(summary.precision)} (target ≥ {TARGET_PRECISION}); "
          f"lenient (any label with the code) {percent(summary.precision_lenient)}")
    print("\nP0 per code (all / false):")
    for code, count in summary.p0_by_code.most_common():
        print(f"  {code:34} {count:4} / {summary.false_by_code[code]:4}")
    if summary.false_by_code:
        print("\nfalse P0, examples:")
        for code, _ in summary.false_by_code.most_common():
            for example in summary.examples[code]:
                print(f"  {code}: {example[:220]}")
    print(f"\nlabelled arithmetic inconsistencies: {summary.arithmetic}; reported as P0/P1 {summary.recalled} "
          f"→ recall {percent(summary.recall)} (target 1.000)")
    for missed in summary.missed:
        print(f"  missed {missed}")
    print("\nframework per table:")
    for run in runs:
        p0 = len(run.p0)
        choice = f" — {run.choice}" if run.choice else ""
        print(f"  {run.case_id}{run.suffix:5} {run.level:10} {run.framework:28} P0 {p0:3}{choice}")
        reason = getattr(run.result, "framework_reason", "")
        if reason and reason != run.choice:
            print(f"      {reason[:200]}")
    fallen = [f"{r.case_id}{r.suffix}" for r in runs if r.fell_back]
    recognised = [r for r in runs if r.result.ok and not r.fell_back and r.choice.startswith("按表头识别")]
    default = [f"{r.case_id}{r.suffix}" for r in runs
               if r.result.ok and not r.fell_back and not r.choice.startswith("按表头识别")]
    imported = sum(1 for r in runs if r.result.ok)
    print(f"\nscheme recognised from the headings (按表头识别): {len(recognised)} of {imported} imported")
    print(f"fell back to “as printed” (按自评表所列分值): {len(fallen)}: {', '.join(fallen) or '—'}")
    print(f"default framework, nothing to recognise (no indicator rows with headings): {len(default)}: "
          f"{', '.join(default) or '—'}")


def as_json(summary: Summary) -> dict[str, Any]:
    return {
        "tables": len(summary.runs),
        "p0_total": summary.p0_total,
        "p0_accepted": summary.accepted,
        "p0_precision": summary.precision,
        "p0_by_code": dict(summary.p0_by_code),
        "false_p0_by_code": dict(summary.false_by_code),
        "false_p0_examples": dict(summary.examples),
        "arithmetic_labels": summary.arithmetic,
        "arithmetic_recall": summary.recall,
        "missed": summary.missed,
        "per_table": [
            {
                "case": run.case_id + run.suffix,
                "ok": run.result.ok,
                "error": run.result.error,
                "framework": run.result.framework_id,
                "fell_back": run.fell_back,
                "findings": [f.as_dict() for f in run.result.findings],
            }
            for run in summary.runs
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", action="store_true", help="also draw every case as CSV")
    parser.add_argument("--only", default="", help="comma-separated case ids")
    parser.add_argument("--examples", type=int, default=1, help="false-P0 examples per code")
    parser.add_argument("--json", type=Path, help="also write the figures and findings as JSON")
    args = parser.parse_args(argv)
    wanted = [c for c in args.only.split(",") if c] or tablegen.all_case_ids()
    runs: list[TableRun] = []
    with tempfile.TemporaryDirectory() as folder:
        for case_id in wanted:
            suffix = "." + tablegen.case(case_id).get("format", "xlsx")
            runs.append(run_case(case_id, Path(folder), suffix))
            if args.csv and suffix != ".csv":
                runs.append(run_case(case_id, Path(folder), ".csv"))
    summary = summarise(runs, args.examples)
    print_summary(summary)
    if args.json:
        args.json.write_text(json.dumps(as_json(summary), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
