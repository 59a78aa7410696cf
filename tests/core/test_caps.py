"""Published self-score caps by execution rate (docs/frameworks.md#caps)."""

from __future__ import annotations

from dataclasses import replace

from jixiao.core.findings import Severity
from tests.factories import D, budget, clean_project, only, run, with_stated


def _at(executed: str, total: str | None):  # type: ignore[no-untyped-def]
    ev = replace(clean_project(), framework="mof-2020-project-caps", budget=budget(100, executed))
    return with_stated(ev, total=None if total is None else D(total), execution_rate=None, execution_score=None,
                       grade=None)


def test_cap_bands_pick_the_strictest() -> None:
    from jixiao.ingest.framework_file import builtin_frameworks

    caps = builtin_frameworks()["mof-2020-project-caps"]
    assert caps.cap_for(D("79.99")).max == 89  # type: ignore[union-attr]
    assert caps.cap_for(D("65")).max == 79  # type: ignore[union-attr]
    assert caps.cap_for(D("55")).max == 69  # type: ignore[union-attr]
    assert caps.cap_for(D("49.9")).max == 59  # type: ignore[union-attr]
    assert caps.cap_for(D("80")) is None
    assert builtin_frameworks()["mof-2020-project"].cap_for(D("10")) is None


def test_a_stated_total_above_its_cap_blocks() -> None:
    finding = only(run(_at("75", "95")), "TOTAL_ABOVE_CAP")
    assert finding.severity is Severity.P0 and finding.path == "stated.total"
    assert "不得超过 89 分" in finding.message and "超出 6 分" in finding.message


def test_a_computed_total_above_its_cap_is_p1_and_a_total_within_is_nothing() -> None:
    finding = only(run(_at("45", None)), "TOTAL_ABOVE_CAP")
    assert finding.severity is Severity.P1 and "不得超过 59 分" in finding.message
    assert not [f for f in run(_at("75", "89")) if f.code == "TOTAL_ABOVE_CAP"]
