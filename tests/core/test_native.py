"""The compiled build of the core (mypyc) and its fallback to the sources."""

from __future__ import annotations

import importlib.machinery
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.core import native
from jixiao.core.checks import check
from jixiao.core.findings import Finding, Severity
from jixiao.core.scoring import score
from jixiao.ingest.evaluation_file import load_evaluation
from jixiao.ingest.framework_file import builtin_frameworks

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "donghu-2021.yaml"
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def test_every_listed_module_has_its_source() -> None:
    """setup.py compiles the list in jixiao.core.native (it reads it from that file)."""
    assert "NATIVE" in (ROOT / "setup.py").read_text("utf-8")
    for name in native.NATIVE:
        assert (ROOT / "src" / "jixiao" / "core" / f"{name}.py").is_file()
    assert "model" not in native.NATIVE and "values" not in native.NATIVE  # pydantic fills their classes


def _fake_build(tmp_path: Path) -> Path:
    """A copy of the listed sources with an empty 'compiled' file beside each."""
    for name in native.NATIVE:
        source = tmp_path / f"{name}.py"
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(f"# {name}\n", "utf-8")
        source.with_name(f"{source.stem}{SUFFIX}").write_bytes(b"")
    return tmp_path


def test_sources_alone_need_no_decision(tmp_path: Path) -> None:
    for name in native.NATIVE:
        (tmp_path / f"{name}.py").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{name}.py").write_text("", "utf-8")
    assert native.stale_reason(tmp_path, {}) is None


def test_a_build_without_its_manifest_is_not_trusted(tmp_path: Path) -> None:
    here = _fake_build(tmp_path)
    assert native.stale_reason(here, {}) == "缺少编译清单 _native.json"
    (here / native.MANIFEST).write_text("[1, 2]", "utf-8")
    assert native.stale_reason(here, {}) == "编译清单 _native.json 格式不对"


def test_a_source_edited_after_the_build_sends_every_module_back_to_source(tmp_path: Path) -> None:
    here = _fake_build(tmp_path)
    (here / "model.py").write_text("# not compiled, but the compiled modules were checked against it\n", "utf-8")
    (here / native.MANIFEST).write_text(json.dumps(native.source_digests(here)), "utf-8")
    assert native.stale_reason(here, {}) is None
    assert native.stale_reason(here, {"JIXIAO_PURE": "1"}) == "JIXIAO_PURE=1"
    (here / f"why{SUFFIX}").unlink()
    assert native.stale_reason(here, {}) == f"编译模块不全（{len(native.NATIVE) - 1}/{len(native.NATIVE)}）"
    (here / f"why{SUFFIX}").write_bytes(b"")
    (here / f"model{SUFFIX}").write_bytes(b"")  # compiled once, no longer listed: shadows model.py
    assert native.stale_reason(here, {}) == f"多余的编译模块 model{SUFFIX}"
    (here / f"model{SUFFIX}").unlink()
    (here / "checks" / "design.py").write_text("# edited\n", "utf-8")
    assert native.stale_reason(here, {}) == "checks/design.py 在编译之后被修改过"
    (here / native.MANIFEST).write_text(json.dumps(native.source_digests(here)), "utf-8")
    (here / "model.py").write_text("# edited too\n", "utf-8")
    assert native.stale_reason(here, {}) == "model.py 在编译之后被修改过"
    (here / "model.py").unlink()
    assert native.stale_reason(here, {}) == "model.py 在编译之后被删除"
    (here / native.MANIFEST).write_text(json.dumps(native.source_digests(here)), "utf-8")
    (here / "extra.py").write_text("", "utf-8")
    assert native.stale_reason(here, {}) == "extra.py 在编译之后新增"


def test_the_source_finder_serves_the_listed_modules_from_their_files(tmp_path: Path) -> None:
    here = _fake_build(tmp_path)
    finder = native.SourceFinder(here)
    spec = finder.find_spec("jixiao.core.checks")
    assert spec is not None and spec.origin == str(here / "checks" / "__init__.py")
    assert spec.submodule_search_locations == [str(here / "checks")]
    rules = finder.find_spec("jixiao.core.rules")
    assert rules is not None and rules.origin == str(here / "rules.py")
    (here / "model.py").write_text("", "utf-8")  # not compiled, but a stray build of it must not be used either
    model = finder.find_spec("jixiao.core.model")
    assert model is not None and model.origin == str(here / "model.py")
    assert finder.find_spec("jixiao.core.absent") is None
    assert finder.find_spec("jixiao.ingest.validation") is None  # outside the core: the ordinary import


@pytest.mark.skipif(
    os.environ.get("JIXIAO_EXPECT_NATIVE") != "1" or os.environ.get("JIXIAO_PURE") == "1",
    reason="JIXIAO_EXPECT_NATIVE=1 is set by .ci/run (and JIXIAO_PURE=1 asks for the sources)",
)
def test_the_installed_build_is_compiled() -> None:
    import jixiao.core.rules

    assert native.status.mode == "compiled", native.status.reason
    assert jixiao.core.rules.__file__.endswith(SUFFIX)


def test_findings_and_scorecards_survive_pickling() -> None:
    """`jixiao check` sends them back from its worker processes, compiled or not."""
    evaluation = load_evaluation(EXAMPLE)
    framework = builtin_frameworks()[evaluation.framework or ""]
    card = score(evaluation, framework)
    findings = check(evaluation, framework, card)
    assert pickle.loads(pickle.dumps(card)) == card
    assert pickle.loads(pickle.dumps(findings)) == findings
    finding = Finding("X", Severity.P1, "说明", "budget.executed", "自评表!D7")
    again = pickle.loads(pickle.dumps(finding))
    assert (again.code, again.severity, again.message, again.path, again.source) == (
        "X",
        Severity.P1,
        "说明",
        "budget.executed",
        "自评表!D7",
    )


# Scores every explanation and message of a few hundred synthetic evaluations and prints
# a digest: the compiled build and the sources must say exactly the same thing.
_DIGEST = """
import hashlib, random, sys
sys.path.insert(0, sys.argv[1])
from synthetic import evaluation
from jixiao.core import native
from jixiao.core.checks import check
from jixiao.core.scoring import score
from jixiao.ingest.framework_file import builtin_frameworks
frameworks = builtin_frameworks()
rng = random.Random(7)
out = hashlib.sha256()
for unit in range(20):
    for project in (None, *range(1, 11)):
        item = evaluation(rng, f"单位{unit}", 2021, project)
        framework = frameworks[item.framework or ""]
        card = score(item, framework)
        out.update(repr((card.total, card.grade, card.execution_rate, card.blocks)).encode())
        for line in card.items:
            out.update(f"{line.path}|{line.score}|{line.explanation}|{line.flags}".encode())
        for finding in check(item, framework, card):
            out.update(f"{finding.code}|{finding.severity}|{finding.path}|{finding.message}".encode())
print(native.status.mode, out.hexdigest())
"""


def test_compiled_and_source_builds_say_the_same() -> None:
    def run(pure: bool) -> tuple[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "JIXIAO_PURE"}
        if pure:
            env["JIXIAO_PURE"] = "1"
        done = subprocess.run(
            [sys.executable, "-c", _DIGEST, str(ROOT / "bench")], env=env, capture_output=True, text=True, check=True
        )
        mode, digest = done.stdout.split()
        return mode, digest

    source_mode, source_digest = run(pure=True)
    default_mode, default_digest = run(pure=False)
    assert source_mode == "source"
    if os.environ.get("JIXIAO_EXPECT_NATIVE") == "1":
        assert default_mode == "compiled"
    assert default_digest == source_digest
