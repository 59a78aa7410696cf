"""Reading for the bureau's analytics, rectification lists and the results application.

Analytics (docs/results.md#analytics) are aggregates computed by the database: a fixed number of
queries whatever the number of units (GROUP BY year and grade, averages per year); only the scatter
and the year-on-year list return one row per unit, still in one query each. Every chart is a
:class:`Chart`: its title, the table shown beside it (and exported to .xlsx), and the series the
page hands to ECharts. A chart with no data says so (``empty``) instead of drawing empty axes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from jixiao.core.model import EvaluationKind
from jixiao.core.numbers import fmt
from jixiao.core.rectification import OWED, ItemState, overdue
from jixiao.core.results import (
    DEFAULT_REQUIRED,
    DEFAULT_RULES,
    CoverageFigure,
    CoverageProject,
    Level,
    RuleTableError,
    coverage,
    required_shares,
)
from jixiao.core.targets.monitoring import DEFAULT_COLOURS, Light
from jixiao.web.accounts.models import Bureau, Unit
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.evaluations.models import Evaluation
from jixiao.web.evaluations.workflow import State
from jixiao.web.results.models import (
    Application,
    ApplicationLine,
    DepartmentEvaluation,
    DepartmentEvaluationEvent,
    FindingTally,
    RectificationEvidence,
    RectificationItem,
    ReEvaluation,
    RuleTableRecord,
)
from jixiao.web.targets.models import MonitoringRound

GRADES = ("优", "良", "中", "差")
UNSCORED = "未评分"
#: differences of the computed total from last year's, in points: the year-on-year chart's bins
CHANGE_BINS: tuple[tuple[Decimal | None, Decimal | None, str], ...] = (
    (None, Decimal(-10), "下降 10 分以上"),
    (Decimal(-10), Decimal(-5), "下降 5–10 分"),
    (Decimal(-5), Decimal(0), "下降 0–5 分"),
    (Decimal(0), Decimal(5), "上升 0–5 分"),
    (Decimal(5), Decimal(10), "上升 5–10 分"),
    (Decimal(10), None, "上升 10 分以上"),
)
YEARS_SHOWN = 5
Cell = str | int | Decimal | None


@dataclass(frozen=True)
class Filters:
    year: int
    kind: str = EvaluationKind.DEPARTMENT.value
    #: a unit's 行业; blank for every unit
    sector: str = ""


@dataclass
class Chart:
    key: str
    title: str
    note: str
    headers: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    #: what the page's script draws: {"type": "bar"|"scatter", "categories": [...], "series": [...]}
    spec: dict[str, Any] = field(default_factory=dict)
    #: a link per table row (the scatter's units), same order as ``rows``
    links: list[str] = field(default_factory=list)
    #: what the page says instead of drawing empty axes
    no_data: str = "所选年度、类型（和行业）下没有可统计的自评。"

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class Analytics:
    bureau: Bureau
    filters: Filters
    years: list[int]
    charts: list[Chart]

    def chart(self, key: str) -> Chart:
        return next(chart for chart in self.charts if chart.key == key)


def _url_with_pk(name: str) -> Callable[[int], str]:
    marker = 987654321
    before, after = reverse(name, kwargs={"pk": marker}).rsplit(str(marker), 1)
    return lambda pk: f"{before}{pk}{after}"


def years_of(bureau: Bureau) -> list[int]:
    years = Evaluation.objects.filter(unit__bureau=bureau).order_by().values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def sectors_in(bureau: Bureau) -> list[str]:
    """The sectors the bureau's units have been given (the analytics' 行业 choices)."""
    found = Unit.objects.filter(bureau=bureau).exclude(sector="").order_by().values_list("sector", flat=True)
    return sorted(set(found))


def _units(bureau: Bureau, filters: Filters) -> Q:
    """Evaluations (and reports) of the bureau's units, of the chosen sector if one is chosen."""
    return Q(unit__bureau=bureau) & (Q(unit__sector=filters.sector) if filters.sector else Q())


def _base(bureau: Bureau, filters: Filters) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(_units(bureau, filters), kind=filters.kind).order_by()


def _grades(base: QuerySet[Evaluation], years: list[int]) -> Chart:
    chart = Chart(
        "grades",
        "等级分布（按年度）",
        "每个年度各等级的自评个数（核心计算的等级）；未评分指尚无可计算得分的自评。",
        ("年度", *GRADES, UNSCORED, "合计"),
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    found = base.filter(year__in=years).values("year", "current_version__grade").annotate(n=Count("pk"))
    for row in found:
        grade = row["current_version__grade"] or UNSCORED
        counts[row["year"]][grade if grade in GRADES else UNSCORED] += row["n"]
    shown = sorted(counts)
    for year in shown:
        by_grade = counts[year]
        cells = [by_grade.get(grade, 0) for grade in (*GRADES, UNSCORED)]
        chart.rows.append((f"{year}", *cells, sum(cells)))
    chart.spec = {
        "type": "bar",
        "stack": True,
        "categories": [f"{year}" for year in shown],
        "series": [{"name": grade, "data": [counts[y].get(grade, 0) for y in shown]} for grade in (*GRADES, UNSCORED)],
        "yName": "个数",
    }
    return chart


def _scatter(base: QuerySet[Evaluation], filters: Filters) -> Chart:
    chart = Chart(
        "scatter",
        f"预算执行率与得分（{filters.year} 年度）",
        "一个点是一个单位的自评；点击点打开该自评。执行率高于 110% 的画在 110% 处。",
        ("单位", "预算执行率（%）", "总分（计算）", "等级"),
    )
    found = (
        base.filter(year=filters.year, current_version__total__isnull=False)
        .filter(current_version__execution_rate__isnull=False)
        .values_list(
            "pk", "unit__name", "project", "current_version__execution_rate", "current_version__total",
            "current_version__grade",
        )
    )  # fmt: skip
    detail = _url_with_pk("evaluations:detail")
    points: list[list[float | int]] = []
    for pk, unit, project, rate, total, grade in found.order_by("unit__code", "project"):
        name = f"{unit} · {project}" if project else unit
        chart.rows.append((name, _number(rate), _number(total), grade))
        url = detail(pk)
        chart.links.append(url)
        # name and link are read from the table row of the same index: not sent twice
        points.append([min(float(rate), 110.0), float(total), len(points)])
    chart.spec = {"type": "scatter", "points": points, "xName": "预算执行率（%）", "yName": "总分"}
    return chart


def _inflation(base: QuerySet[Evaluation], years: list[int]) -> Chart:
    chart = Chart(
        "inflation",
        "自评得分偏高（单位采用的得分与计算得分、财政重点评价得分）",
        "单位采用的得分高于核心计算得分的个数和平均差；有财政重点评价（抽评）的，比较同一批自评的单位得分与财政得分。",
        (
            "年度",
            "自评个数",
            "单位采用得分均值",
            "计算得分均值",
            "采用高于计算的个数",
            "抽评个数",
            "抽评对象的单位得分均值",
            "财政重点评价得分均值",
        ),
    )
    higher = Q(current_version__adopted_total__gt=F("current_version__total"))
    found = (
        base.filter(year__in=years, current_version__total__isnull=False)
        .values("year")
        .annotate(
            n=Count("pk"),
            adopted=Avg("current_version__adopted_total"),
            computed=Avg("current_version__total"),
            higher=Count("pk", filter=higher),
            sampled=Count("re_evaluation"),
            sampled_self=Avg("re_evaluation__self_total"),
            bureau=Avg("re_evaluation__total"),
        )
        .order_by("year")
    )
    series: dict[str, list[float | None]] = {
        "单位采用得分": [],
        "计算得分": [],
        "抽评对象的单位得分": [],
        "财政重点评价得分": [],
    }
    categories = []
    for row in found:
        values = [_number(row[k]) for k in ("adopted", "computed", "sampled_self", "bureau")]
        chart.rows.append(
            (f"{row['year']}", row["n"], values[0], values[1], row["higher"], row["sampled"], values[2], values[3])
        )
        categories.append(f"{row['year']}")
        for name, value in zip(series, values, strict=True):
            series[name].append(_float(value))
    chart.spec = {
        "type": "bar",
        "categories": categories,
        "series": [{"name": name, "data": data} for name, data in series.items()],
        "yName": "平均分",
        "yMin": "dataMin",
    }
    return chart


def _findings(base: QuerySet[Evaluation], years: list[int]) -> Chart:
    chart = Chart(
        "findings",
        "审核问题（按代码）",
        "各年度当前版本的审核问题数，按代码合计，列出最多的 15 个代码。",
        ("代码", "严重程度", *(f"{year}" for year in sorted(years))),
    )
    found = (
        FindingTally.objects.filter(
            version__evaluation__in=base.filter(year__in=years), version=F("version__evaluation__current_version")
        )
        .values("code", "severity", "version__evaluation__year")
        .annotate(n=Sum("count"))
        .order_by()
    )
    table: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for row in found:
        table[(row["code"], row["severity"])][row["version__evaluation__year"]] = row["n"]
    ordered = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))[:15]
    shown = sorted(years)
    for (code, severity), per_year in ordered:
        chart.rows.append((code, severity, *(per_year.get(year, 0) for year in shown)))
    chart.spec = {
        "type": "bar",
        "horizontal": True,
        "categories": [code for (code, _), _ in reversed(ordered)],
        "series": [
            {"name": f"{year}", "data": [per_year.get(year, 0) for _, per_year in reversed(ordered)]} for year in shown
        ],
        "yName": "问题数",
    }
    return chart


def _coverage(bureau: Bureau, filters: Filters, years: list[int]) -> Chart:
    chart = Chart(
        "coverage",
        "评价覆盖面（按年度）",
        "部门整体自评覆盖的单位、项目自评个数和财政重点评价个数；要求见结果应用规则。",
        ("年度", "单位数", "已开展部门整体自评的单位", "覆盖率（%）", "项目自评个数", "财政重点评价个数"),
    )
    units = Unit.objects.filter(bureau=bureau, **({"sector": filters.sector} if filters.sector else {})).count()
    department = EvaluationKind.DEPARTMENT.value
    found = (
        Evaluation.objects.filter(_units(bureau, filters), year__in=years)
        .order_by()
        .values("year")
        .annotate(
            units=Count("unit", filter=Q(kind=department), distinct=True),
            projects=Count("pk", filter=Q(kind=EvaluationKind.PROJECT.value)),
            sampled=Count("re_evaluation"),
        )
        .order_by("year")
    )
    categories, covered, projects, sampled = [], [], [], []
    for row in found:
        share = _number(Decimal(100) * row["units"] / units) if units else None
        chart.rows.append((f"{row['year']}", units, row["units"], share, row["projects"], row["sampled"]))
        categories.append(f"{row['year']}")
        covered.append(row["units"])
        projects.append(row["projects"])
        sampled.append(row["sampled"])
    chart.spec = {
        "type": "bar",
        "categories": categories,
        "series": [
            {"name": "已自评单位", "data": covered},
            {"name": "项目自评", "data": projects},
            {"name": "财政重点评价", "data": sampled},
        ],
        "yName": "个数",
    }
    return chart


#: the monitoring chart's lights, best first; blue is shown only when a round has one
LIGHTS = (Light.GREEN, Light.BLUE, Light.YELLOW, Light.RED)
NOT_REPORTED = "未填报"
NOT_REPORTED_COLOUR = "#9aa5b1"


def _lights(bureau: Bureau, filters: Filters) -> Chart:
    """Per monitoring round of the shown years: how many reports got each overall light (综合灯).

    One query grouped by round (a round without reports still has its row of zeros). Reports not
    yet filled in are counted apart: their light says only that no figures were given.
    """
    chart = Chart(
        "lights",
        "绩效运行监控亮灯（按监控轮次）",
        "每轮监控已填报项目的综合灯个数（绿灯正常，黄灯、红灯预警，蓝灯为执行明显超前）；"
        "未填报的单独计数。包括项目和部门整体的监控填报。",
        (),
        no_data="所选年度及之前的年度没有开展绩效运行监控。",
    )
    reports = Q(reports__unit__sector=filters.sector) if filters.sector else Q()
    filled = reports & Q(reports__submitted=True)
    counts = {light.value: Count("reports", filter=filled & Q(reports__overall_light=light.value)) for light in LIGHTS}
    found = list(
        MonitoringRound.objects.filter(bureau=bureau, year__lte=filters.year, year__gt=filters.year - YEARS_SHOWN)
        .values("year", "month", "name")
        .annotate(**counts, not_reported=Count("reports", filter=reports & Q(reports__submitted=False)))
        .order_by("year", "month")
    )
    shown = [light for light in LIGHTS if light is not Light.BLUE or any(row[light.value] for row in found)]
    chart.headers = ("监控轮次", *(light.label for light in shown), NOT_REPORTED, "合计")
    for row in found:
        cells = [row[light.value] for light in shown] + [row["not_reported"]]
        chart.rows.append((row["name"], *cells, sum(cells)))
    series = [
        {"name": light.label, "data": [row[light.value] for row in found], "color": DEFAULT_COLOURS[light]}
        for light in shown
    ]
    series.append({"name": NOT_REPORTED, "data": [row["not_reported"] for row in found], "color": NOT_REPORTED_COLOUR})
    chart.spec = {
        "type": "bar",
        "stack": True,
        "categories": [row["name"] for row in found],
        "series": series,
        "yName": "项目数",
    }
    return chart


def _year_on_year(base: QuerySet[Evaluation], filters: Filters) -> Chart:
    before = filters.year - 1
    chart = Chart(
        "change",
        f"得分同比变化（{filters.year} 年度对 {before} 年度）",
        "同一单位（项目按名称）两个年度计算得分之差的分布；表中列出变化最大的 20 个。",
        ("单位", f"{before} 年度", f"{filters.year} 年度", "变化"),
    )
    found = base.filter(year__in=(before, filters.year), current_version__total__isnull=False).values_list(
        "unit_id", "unit__name", "project", "year", "current_version__total"
    )
    scores: dict[tuple[int, str], dict[int, Decimal]] = defaultdict(dict)
    names: dict[tuple[int, str], str] = {}
    for unit_id, unit, project, year, total in found:
        scores[(unit_id, project)][year] = total
        names[(unit_id, project)] = f"{unit} · {project}" if project else unit
    changes = [
        (names[key], pair[before], pair[filters.year], pair[filters.year] - pair[before])
        for key, pair in scores.items()
        if before in pair and filters.year in pair
    ]
    if not changes:
        return chart
    counts = [0] * len(CHANGE_BINS)
    for *_, change in changes:
        for index, (low, high, _label) in enumerate(CHANGE_BINS):
            if (low is None or change >= low) and (high is None or change < high):
                counts[index] += 1
                break
    changes.sort(key=lambda row: (-abs(row[3]), row[0]))
    for name, old, new, change in changes[:20]:
        chart.rows.append((name, _number(old), _number(new), _number(change)))
    chart.spec = {
        "type": "bar",
        "categories": [label for *_, label in CHANGE_BINS],
        "series": [{"name": "单位数", "data": counts}],
        "yName": "个数",
        "total": len(changes),
    }
    return chart


def analytics(bureau: Bureau, filters: Filters) -> Analytics:
    """Every chart of the analytics page: a fixed number of queries, whatever the number of units."""
    years = [year for year in years_of(bureau) if year <= filters.year][:YEARS_SHOWN]
    base = _base(bureau, filters)
    charts = [
        _grades(base, years),
        _scatter(base, filters),
        _inflation(base, years),
        _findings(base, years),
        _coverage(bureau, filters, years),
        _lights(bureau, filters),
        _year_on_year(base, filters),
    ]
    return Analytics(bureau, filters, sorted(years_of(bureau), reverse=True), charts)


def text(value: Cell) -> str:
    """A table cell as people read it."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return fmt(value, 2)
    return f"{value}"


__all__ = [
    "OWED",
    "Application",
    "ApplicationLine",
    "ItemState",
    "ReEvaluation",
    "RectificationItem",
    "RuleTableRecord",
    "State",
]


# --- rectification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFilters:
    year: int | None = None
    state: str = ""
    overdue: bool = False
    q: str = ""


def visible_items(user: Any) -> QuerySet[RectificationItem]:
    """Items of the user's units and of the bureaus the user oversees (all for a superuser)."""
    scope = scope_of(user)
    found = RectificationItem.objects.select_related("unit", "bureau")
    if scope.superuser:
        return found
    return found.filter(Q(unit_id__in=scope.unit_ids()) | Q(bureau_id__in=scope.bureau_ids()))


def items(user: Any, filters: ItemFilters, today: date) -> list[RectificationItem]:
    found = visible_items(user)
    if filters.year:
        found = found.filter(year=filters.year)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.q.strip():
        q = filters.q.strip()
        found = found.filter(Q(unit__name__contains=q) | Q(problem__contains=q) | Q(measure__contains=q))
    if filters.overdue:
        found = found.filter(state__in=[state.value for state in OWED], deadline__lt=today)
    listed = list(found.annotate(files=Count("evidence")).order_by("-year", "unit__code", "pk")[:500])
    for item in listed:
        item.is_overdue = overdue(ItemState(item.state), item.deadline, today)
    return listed


def get_item_for_user(user: Any, pk: int) -> RectificationItem:
    item = visible_items(user).filter(pk=pk).first()
    if item is None:
        raise Http404("未找到该整改事项，或您无权查看")
    return item


def item_evidence(item: RectificationItem, evidence_pk: int) -> RectificationEvidence:
    found = RectificationEvidence.objects.filter(item=item, pk=evidence_pk).first()
    if found is None:
        raise Http404("该佐证材料不存在")
    return found


def prior_items_of(unit_id: int, year: int) -> list[RectificationItem]:
    """Last year's items of a unit, as next year's evaluation page lists them."""
    return list(RectificationItem.objects.filter(unit_id=unit_id, year=year - 1).order_by("pk"))


def items_of_evaluation(evaluation: Evaluation) -> list[RectificationItem]:
    return list(RectificationItem.objects.filter(evaluation=evaluation).order_by("pk"))


# --- results application ----------------------------------------------------------------------


def application_of(bureau: Bureau, year: int) -> Application | None:
    return Application.objects.filter(bureau=bureau, year=year).select_related("confirmed_by").first()


def application_lines(application: Application) -> list[ApplicationLine]:
    return list(application.lines.select_related("unit", "adjusted_by").order_by("unit__code", "kind", "name"))


def lines_of_units(user: Any) -> list[ApplicationLine]:
    """A unit user's own lines, from confirmed lists only (a draft list is the bureau's business)."""
    units = scope_of(user).unit_ids()
    found = ApplicationLine.objects.filter(unit_id__in=units, application__confirmed_at__isnull=False)
    return list(found.select_related("application", "unit").order_by("-application__year", "name"))


def rule_record(bureau: Bureau, year: int) -> RuleTableRecord | None:
    return RuleTableRecord.objects.filter(bureau=bureau, year=year).first()


def re_evaluation_of(evaluation: Evaluation) -> ReEvaluation | None:
    return ReEvaluation.objects.filter(evaluation=evaluation).first()


def department_evaluation_of(evaluation: Evaluation) -> DepartmentEvaluation | None:
    return DepartmentEvaluation.objects.filter(evaluation=evaluation).select_related("recorded_by").first()


def department_events_of(evaluation: Evaluation) -> list[DepartmentEvaluationEvent]:
    return list(DepartmentEvaluationEvent.objects.filter(evaluation=evaluation).select_related("actor"))


# --- coverage (评价覆盖面, docs/results.md#coverage) -----------------------------------------------


def _wan(value: Any, unit: Any) -> Decimal:
    """A budget figure from a document in 万元 (a table in 元 is converted); 0 when unreadable."""
    try:
        amount = Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except ArithmeticError:
        return Decimal(0)
    return amount / Decimal(10000) if unit == "元" else amount


def _project_line(by_nature: Any) -> Decimal | None:
    for line in by_nature if isinstance(by_nature, list) else []:
        if isinstance(line, dict) and str(line.get("name", "")).startswith("项目"):
            return _wan(line.get("adjusted"), None)
    return None


@dataclass
class CoverageRow:
    unit: Unit
    figures: tuple[CoverageFigure, ...]
    project_money: Decimal | None

    def figure(self, level: str) -> CoverageFigure:
        return next(f for f in self.figures if f.level.value == level)


def coverage_rows(
    bureau: Bureau, year: int, required: dict[Level, Decimal], unit_id: int | None = None
) -> tuple[list[CoverageRow], CoverageRow]:
    """Per unit and for the bureau: project self-evaluations, 部门评价 and bureau re-evaluations, by number and
    money, against the 项目支出 of each unit's 部门整体 evaluation. Two queries (JSON keys read by the
    database), whatever the number of units."""
    projects: dict[int, list[CoverageProject]] = defaultdict(list)
    scope = Evaluation.objects.filter(unit__bureau=bureau, year=year)
    if unit_id is not None:
        scope = scope.filter(unit_id=unit_id)
    found = scope.filter(kind=EvaluationKind.PROJECT.value).values_list(
        "unit_id", "current_version__document__budget__adjusted", "current_version__document__budget__unit",
        "re_evaluation__id", "department_evaluation__id",
    )  # fmt: skip
    for owner, amount, money_unit, sampled, by_department in found:
        levels = {Level.SELF} | ({Level.BUREAU} if sampled else set())
        levels |= {Level.DEPARTMENT} if by_department else set()
        projects[owner].append(CoverageProject(_wan(amount, money_unit), frozenset(levels)))
    money: dict[int, Decimal | None] = {}
    departments = scope.filter(kind=EvaluationKind.DEPARTMENT.value).values_list(
        "unit_id", "current_version__document__budget__by_nature"
    )
    for owner, by_nature in departments:
        money[owner] = _project_line(by_nature)
    units = Unit.objects.filter(bureau=bureau, pk__in=set(projects) | set(money)).order_by("code")
    rows = [
        CoverageRow(unit, coverage(projects.get(unit.pk, []), required, money.get(unit.pk)), money.get(unit.pk))
        for unit in units
    ]
    everything = [project for listed in projects.values() for project in listed]
    known = [m for m in money.values() if m is not None]
    total = CoverageRow(
        Unit(name=bureau.name, code=""), coverage(everything, required, sum(known, Decimal(0)) if known else None), None
    )
    return rows, total


def unit_coverage(evaluation: Evaluation, required: dict[Level, Decimal]) -> tuple[CoverageFigure, ...]:
    """The coverage a 部门整体 evaluation states: its unit's project evaluations of the same year."""
    rows, _ = coverage_rows(evaluation.unit.bureau, evaluation.year, required, evaluation.unit_id)
    for row in rows:
        if row.unit.pk == evaluation.unit_id:
            return row.figures
    return ()


def rules_for(bureau: Bureau, year: int) -> dict[str, Any]:
    """The bureau's rule table for the year, or the example one (docs/results.md#rule-table)."""
    record = RuleTableRecord.objects.filter(bureau=bureau, year=year).first()
    return dict(record.data) if record else dict(DEFAULT_RULES)


def required_of(bureau: Bureau, year: int) -> dict[Level, Decimal]:
    try:
        return required_shares(rules_for(bureau, year))
    except RuleTableError:
        return dict(DEFAULT_REQUIRED)
