"""docs/checks.md gives the reason for every finding code that can be P0 (issue 9: severity review).

The P0 codes are taken from two places, so that neither can drift: the rows of the code tables in
docs/checks.md whose severity column says P0, and the checker's source (``Code.X, Severity.P0``).
"""

from __future__ import annotations

import re
from pathlib import Path

from jixiao.core.checks.codes import Code

ROOT = Path(__file__).resolve().parents[2]
CHECKS = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
_TABLE_ROW = re.compile(r"^\| `([A-Z_0-9]+)` \| ([^|]+) \|", re.MULTILINE)
_RAISED_P0 = re.compile(r"(?<![A-Za-z])Code\.([A-Z_0-9]+),\s*Severity\.P0")


def _reasons_section() -> str:
    start = CHECKS.index("各个 P0 代码的理由")
    end = CHECKS.index("\n## ", start)
    return CHECKS[start:end]


def _p0_codes() -> set[str]:
    documented = {code for code, severity in _TABLE_ROW.findall(CHECKS) if "P0" in severity}
    raised: set[str] = set()
    for path in (ROOT / "src" / "jixiao").rglob("*.py"):
        raised.update(_RAISED_P0.findall(path.read_text(encoding="utf-8")))
    known = {code.value for code in Code}
    return (documented | raised) & known


def test_every_p0_code_has_its_reason_in_checks_md() -> None:
    codes = _p0_codes()
    assert {"NO_INDICATORS", "EXECUTION_RATE_WRONG", "SATISFACTION_WITHOUT_SURVEY", "TOTAL_ABOVE_CAP"} <= codes
    section = _reasons_section()
    missing = sorted(code for code in codes if f"`{code}`" not in section)
    assert not missing, f"P0 codes without a reason under “各个 P0 代码的理由”: {missing}"


def test_codes_raised_as_p0_are_marked_p0_in_the_code_tables() -> None:
    documented = dict(_TABLE_ROW.findall(CHECKS))
    raised: set[str] = set()
    for path in (ROOT / "src" / "jixiao").rglob("*.py"):
        raised.update(_RAISED_P0.findall(path.read_text(encoding="utf-8")))
    wrong = sorted(code for code in raised & {c.value for c in Code} if "P0" not in documented.get(code, ""))
    assert not wrong, f"raised as P0 but not documented as P0: {wrong}"
