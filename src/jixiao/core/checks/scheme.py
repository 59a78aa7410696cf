"""What the choice of scoring scheme asks of the unit: one finding per cause, never one per row.

:func:`scheme_findings` turns a :class:`jixiao.core.recognition.Choice` into findings
(docs/checks.md, docs/frameworks.md#as-printed): headings no shipped scheme takes (one P1 naming
them all), printed block weights that differ from the scheme (one P1), a table scored as printed
for another reason (P2), and a tie between two schemes (P2, with the one chosen).
"""

from __future__ import annotations

from jixiao.core.checks.codes import Code
from jixiao.core.findings import Finding, Severity
from jixiao.core.model import Evaluation
from jixiao.core.recognition import Choice, headings


def scheme_findings(choice: Choice, evaluation: Evaluation) -> tuple[Finding, ...]:
    found: list[Finding] = []
    if choice.fallback:
        found.append(_as_printed(choice, evaluation))
    if choice.tie:
        names = "、".join(f"“{title}”" for title in choice.tie)
        found.append(Finding(
            Code.FRAMEWORK_AMBIGUOUS.value, Severity.P2,
            f"表头同样符合{names}与所选的“{choice.framework.title}”，无法区分；已按后者计分。"
            "如所用评分标准不同，请在文件中写明，或用 --framework 指定",
            "framework",
        ))
    return tuple(found)


def _as_printed(choice: Choice, evaluation: Evaluation) -> Finding:
    ending = f"已按自评表所列分值计分（{choice.framework.total.normalize():f} 分）"
    if choice.unrecognised:
        names = "、".join(f"“{name}”" for name in choice.unrecognised)
        return Finding(
            Code.INDICATOR_L1_UNMATCHED.value, Severity.P1,
            f"一级指标{names}不属于 jixiao 已有的任何评分标准，{ending}；"
            "请注明所用评分标准（文号），或用 --framework 指定",
            "indicators",
            _source(choice, evaluation),
        )
    if choice.differing:
        return Finding(
            Code.FRAMEWORK_WEIGHTS_DIFFER.value, Severity.P1,
            f"自评表所印一级指标分值与默认评分标准不同：{'；'.join(choice.differing)}；{ending}。"
            "调整权重须写明理由（财预〔2020〕10号允许按项目实际调整），并与所用评分标准一致",
            "indicators",
        )
    return Finding(Code.FRAMEWORK_AS_PRINTED.value, Severity.P2, f"{choice.reason}", "indicators")


def _source(choice: Choice, evaluation: Evaluation) -> str:
    """Where the first unrecognised heading sits (sheet and cell), when the importer recorded it."""
    for heading in headings(evaluation):
        if heading.label in choice.unrecognised:
            first = heading.rows[0]
            return evaluation.source_of(f"indicators[{first}].l1") or evaluation.source_of(
                f"indicators[{first}].name") or ""
    return ""
