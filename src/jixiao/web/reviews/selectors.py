"""The finance bureau's overview: every unit with its evaluation's state and figures.

Two queries whatever the number of units (units; evaluations with their current version's
summary columns), then filtering and sorting in memory: the overview never scores anything,
it reads the summary the services stored with each version. What each row shows that costs
something per row in a template (links, the local time) is prepared here, in plain Python:
with 1 000 units, ``{% url %}`` and ``|date`` alone took half the page's time
(bench/web_load.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Bureau, Unit
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import Evaluation, EvaluationVersion
from jixiao.web.evaluations.workflow import State
from jixiao.web.reviews.models import ReviewComment

NOT_STARTED = "none"
STATE_FILTERS = ((NOT_STARTED, "未填报"), *choices(State))
SORTS = {
    "code": "单位编码",
    "name": "单位名称",
    "state": "状态",
    "-total": "总分（高→低）",
    "total": "总分（低→高）",
    "rate": "预算执行率",
    "-p0": "P0 问题数",
}
_STATE_ORDER = {state.value: i for i, state in enumerate(State)}


@dataclass(frozen=True)
class Filters:
    year: int
    kind: str = EvaluationKind.DEPARTMENT.value
    state: str = ""
    grade: str = ""
    p0: bool = False
    q: str = ""
    sort: str = "code"


@dataclass(frozen=True)
class Row:
    unit: Unit
    evaluation: Evaluation | None
    #: the evaluation page and (while it awaits a decision) the review page; empty without one
    detail_url: str = ""
    review_url: str = ""

    @property
    def version(self) -> EvaluationVersion | None:
        return self.evaluation.current_version if self.evaluation else None

    @property
    def state(self) -> str:
        return self.evaluation.state if self.evaluation else NOT_STARTED

    @property
    def state_label(self) -> str:
        return State(self.evaluation.state).label if self.evaluation else "未填报"

    @property
    def total(self) -> Decimal | None:
        return self.version.total if self.version else None

    @property
    def updated(self) -> str:
        """When the evaluation last changed, local time (as ``|date:"Y-m-d H:i"`` shows it)."""
        return f"{timezone.localtime(self.evaluation.updated_at):%Y-%m-%d %H:%M}" if self.evaluation else ""


@dataclass
class Overview:
    bureau: Bureau
    filters: Filters
    rows: list[Row]
    counts: Counter[str] = field(default_factory=Counter)
    grades: list[str] = field(default_factory=list)


def years_of(bureau: Bureau) -> list[int]:
    # order_by(): without it the model's ordering (-year, unit code) joins the DISTINCT, and
    # every evaluation of the bureau comes back instead of one row per year.
    years = Evaluation.objects.filter(unit__bureau=bureau).order_by().values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


#: States in which the bureau decides (the overview links to the review page).
_AWAITING_REVIEW = frozenset({State.SIGNED.value, State.APPROVED.value})


def _url_with_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, kwargs={"pk": pk})`` resolved once, for a page that links a thousand rows."""
    marker = 987654321
    before, after = reverse(name, kwargs={"pk": marker}).rsplit(str(marker), 1)
    return lambda pk: f"{before}{pk}{after}"


def overview(bureau: Bureau, filters: Filters, *, may_review: bool = False) -> Overview:
    """Every unit of the bureau for the filters; rows link to 审核 only when ``may_review``
    (the bureau's reviewers: an administrator reads, and would meet a 403 there)."""
    units = list(Unit.objects.filter(bureau=bureau).order_by("code", "name"))
    found = Evaluation.objects.filter(unit__bureau=bureau, year=filters.year, kind=filters.kind)
    evaluations = found.with_summary().order_by("project")
    by_unit: dict[int, list[Evaluation]] = {}
    for evaluation in evaluations:
        by_unit.setdefault(evaluation.unit_id, []).append(evaluation)
    detail_url, review_url = _url_with_pk("evaluations:detail"), _url_with_pk("reviews:review")
    rows: list[Row] = []
    for unit in units:
        found = by_unit.get(unit.pk)
        if found:
            for evaluation in found:
                evaluation.unit = unit  # already loaded: no query per row
                awaiting = may_review and evaluation.state in _AWAITING_REVIEW
                review = review_url(evaluation.pk) if awaiting else ""
                rows.append(Row(unit, evaluation, detail_url(evaluation.pk), review))
        else:
            rows.append(Row(unit, None))
    result = Overview(bureau, filters, [])
    result.counts = Counter(row.state for row in rows)
    result.grades = sorted({row.version.grade for row in rows if row.version and row.version.grade})
    result.rows = _sorted([row for row in rows if _keep(row, filters)], filters.sort)
    return result


def _keep(row: Row, filters: Filters) -> bool:
    version = row.version
    if filters.state and row.state != filters.state:
        return False
    if filters.grade and (version is None or version.grade != filters.grade):
        return False
    if filters.p0 and (version is None or version.p0_count == 0):
        return False
    q = filters.q.strip()
    return not q or q in row.unit.name or q in row.unit.code


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    def number(value: Any, missing: Decimal) -> Decimal:
        return value if value is not None else missing

    low, high = Decimal("-Infinity"), Decimal("Infinity")
    keys = {
        "code": lambda r: (r.unit.code, r.unit.name),
        "name": lambda r: (r.unit.name,),
        "state": lambda r: (_STATE_ORDER.get(r.state, -1), r.unit.code),
        "-total": lambda r: (-number(r.total, low), r.unit.code),
        "total": lambda r: (number(r.total, high), r.unit.code),
        "rate": lambda r: (number(r.version.execution_rate if r.version else None, high), r.unit.code),
        "-p0": lambda r: (-(r.version.p0_count if r.version else -1), r.unit.code),
    }
    return sorted(rows, key=keys.get(sort, keys["code"]))


def comments_of(evaluation: Evaluation) -> QuerySet[ReviewComment]:
    """The bureau's comments on an evaluation, with their authors and versions (not the documents)."""
    found = ReviewComment.objects.filter(evaluation=evaluation)
    return found.select_related("author", "version").defer("version__document")
