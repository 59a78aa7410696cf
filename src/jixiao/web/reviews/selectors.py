"""The finance bureau's overview: every unit with its evaluation's state and figures.

The database counts, filters, sorts and pages (one page of ``PAGE_SIZE`` rows; the export
takes them all): with 1 000 units and 19 000 project evaluations, building every row in Python
cost more than a second per request in the deadline week (bench/deadline_week.py). What each
row shows that costs something per row in a template (links, the local time) is prepared here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, FilteredRelation, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from jixiao.core.model import EvaluationKind
from jixiao.web.accounts.models import Bureau, Unit
from jixiao.web.choices import choices
from jixiao.web.evaluations.models import Evaluation
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


#: Rows shown on one page of the overview; the export has them all.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Summary:
    """The summary columns of an evaluation's current version, as the services stored them."""

    total: Decimal | None
    grade: str
    execution_rate: Decimal | None
    p0_count: int
    p1_count: int
    p2_count: int


@dataclass(frozen=True)
class Row:
    """One line of the overview: a unit with one of its evaluations, or with none (未填报)."""

    code: str
    name: str
    evaluation_pk: int | None = None
    project: str = ""
    state: str = NOT_STARTED
    version: Summary | None = None
    #: when the evaluation last changed, local time; empty without one
    updated: str = ""
    #: the evaluation page and (while it awaits a decision) the review page; empty without one
    detail_url: str = ""
    review_url: str = ""

    @property
    def state_label(self) -> str:
        return State(self.state).label if self.evaluation_pk is not None else "未填报"


@dataclass
class Overview:
    bureau: Bureau
    filters: Filters
    #: the rows of the page asked for (all of them for the export)
    rows: list[Row]
    #: rows matching the filters, over all pages
    matching: int = 0
    page: int = 1
    pages: int = 1
    counts: Counter[str] = field(default_factory=Counter)
    grades: list[str] = field(default_factory=list)

    @property
    def first(self) -> int:
        """The number of the page's first row (1-based; 0 on an empty page)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def years_of(bureau: Bureau) -> list[int]:
    # order_by(): without it the model's ordering (-year, unit code) joins the DISTINCT, and
    # every evaluation of the bureau comes back instead of one row per year.
    years = Evaluation.objects.filter(unit__bureau=bureau).order_by().values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


#: States in which the bureau decides (the overview links to the review page).
_AWAITING_REVIEW = frozenset({State.SIGNED.value, State.APPROVED.value})


def _url_with_pk(name: str) -> Callable[[int], str]:
    """``reverse(name, kwargs={"pk": pk})`` resolved once, for a page that links many rows."""
    marker = 987654321
    before, after = reverse(name, kwargs={"pk": marker}).rsplit(str(marker), 1)
    return lambda pk: f"{before}{pk}{after}"


_VERSION = "e__current_version__"
#: What a row reads: the unit and, through ``e`` (the unit's evaluation of the year and kind,
#: if it has one), the evaluation and its current version's summary columns.
_COLUMNS = (
    "code", "name", "e__pk", "e__project", "e__state", "e__updated_at", f"{_VERSION}pk", f"{_VERSION}total",
    f"{_VERSION}grade", f"{_VERSION}execution_rate", f"{_VERSION}p0_count", f"{_VERSION}p1_count",
    f"{_VERSION}p2_count",
)  # fmt: skip


def _unit_rows(bureau: Bureau, filters: Filters) -> QuerySet[Unit]:
    """Every unit of the bureau joined (LEFT OUTER) with its evaluations of the year and kind:
    one row per evaluation, and one empty row for a unit without any."""
    of_year = Q(evaluations__year=filters.year, evaluations__kind=filters.kind)
    return Unit.objects.filter(bureau=bureau).annotate(e=FilteredRelation("evaluations", condition=of_year))


def _filtered(rows: QuerySet[Unit], filters: Filters) -> QuerySet[Unit]:
    if filters.state == NOT_STARTED:
        rows = rows.filter(e__pk__isnull=True)
    elif filters.state:
        rows = rows.filter(e__state=filters.state)
    if filters.grade:
        rows = rows.filter(**{f"{_VERSION}grade": filters.grade})
    if filters.p0:
        rows = rows.filter(**{f"{_VERSION}p0_count__gt": 0})
    q = filters.q.strip()
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(code__contains=q))
    return rows


def _ordering(sort: str) -> list[Any]:
    """The sort asked for, then unit code, name and project, so that every order is total and
    paging never shows a row twice. Rows without the figure sorted on come last either way."""
    state_order = Case(
        *(When(e__state=value, then=Value(i)) for value, i in _STATE_ORDER.items()),
        default=Value(-1),
        output_field=IntegerField(),
    )
    first: dict[str, list[Any]] = {
        "name": ["name"],
        "state": [state_order],
        "-total": [F(f"{_VERSION}total").desc(nulls_last=True)],
        "total": [F(f"{_VERSION}total").asc(nulls_last=True)],
        "rate": [F(f"{_VERSION}execution_rate").asc(nulls_last=True)],
        "-p0": [F(f"{_VERSION}p0_count").desc(nulls_last=True)],
    }
    return [*first.get(sort, []), "code", "name", "e__project", "e__pk"]


def overview(bureau: Bureau, filters: Filters, *, may_review: bool = False, page: int | None = 1) -> Overview:
    """The units of the bureau for the filters, one page of them (``page=None``: all, for the
    export); rows link to 审核 only when ``may_review`` (the bureau's reviewers: an
    administrator reads, and would meet a 403 there).

    Counting, filtering, sorting and paging happen in the database, in four queries whatever
    the number of units and evaluations (states, grades, matching rows, the page): the
    overview never scores anything, it reads the summary the services stored with each version.
    """
    everything = _unit_rows(bureau, filters)
    result = Overview(bureau, filters, [])
    by_state = everything.order_by().values_list("e__state").annotate(n=Count("*"))
    result.counts = Counter({state or NOT_STARTED: n for state, n in by_state})
    graded = everything.order_by().filter(**{f"{_VERSION}grade__gt": ""})
    result.grades = sorted(set(graded.values_list(f"{_VERSION}grade", flat=True)))
    found = _filtered(everything, filters).order_by(*_ordering(filters.sort)).values_list(*_COLUMNS)
    if page is None:
        chosen = list(found)
        result.matching = len(chosen)
    else:
        result.matching = found.count()
        result.pages = max(1, -(-result.matching // PAGE_SIZE))
        result.page = min(max(1, page), result.pages)
        start = (result.page - 1) * PAGE_SIZE
        chosen = list(found[start : start + PAGE_SIZE])
    detail_url, review_url = _url_with_pk("evaluations:detail"), _url_with_pk("reviews:review")
    for code, name, pk, project, state, updated_at, version_pk, *figures in chosen:
        if pk is None:
            result.rows.append(Row(code, name))
            continue
        awaiting = may_review and state in _AWAITING_REVIEW
        row = Row(
            code,
            name,
            pk,
            project,
            state,
            version=Summary(*figures) if version_pk is not None else None,
            updated=f"{timezone.localtime(updated_at):%Y-%m-%d %H:%M}",
            detail_url=detail_url(pk),
            review_url=review_url(pk) if awaiting else "",
        )
        result.rows.append(row)
    return result


def comments_of(evaluation: Evaluation) -> QuerySet[ReviewComment]:
    """The bureau's comments on an evaluation, with their authors and versions (not the documents)."""
    found = ReviewComment.objects.filter(evaluation=evaluation)
    return found.select_related("author", "version").defer("version__document")
