"""docs/targets.md lists exactly the codes the targets rulebooks have."""

from __future__ import annotations

import re
from pathlib import Path

from jixiao.core.targets import TargetCode

DOCS = Path(__file__).resolve().parents[2] / "docs" / "targets.md"


def test_docs_list_every_target_code_and_no_other() -> None:
    table_codes = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", DOCS.read_text("utf-8"), re.MULTILINE))
    assert table_codes == {code.value for code in TargetCode}
