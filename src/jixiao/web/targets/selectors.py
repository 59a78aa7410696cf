"""Reading the targets app: what a user may see, the library search and the monitoring overview.

Only reads. The overview is one query whatever the number of projects: the lights and figures
are columns the services keep (docs/targets.md#lights).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from jixiao.web.accounts.models import Bureau
from jixiao.web.accounts.selectors import scope_of
from jixiao.web.targets.models import (
    Declaration,
    LibraryIndicator,
    MonitoringReport,
    MonitoringRound,
    TargetValue,
)


def declarations_for_user(user: Any) -> QuerySet[Declaration]:
    scope = scope_of(user)
    query = Declaration.objects.select_related("unit__bureau").defer("document")
    if scope.superuser:
        return query
    return query.filter(Q(unit_id__in=scope.unit_ids()) | Q(unit__bureau_id__in=scope.bureau_ids()))


def get_declaration(user: Any, pk: int) -> Declaration:
    """The declaration if the user may see it; 404 otherwise (its existence is not revealed)."""
    found = Declaration.objects.select_related("unit__bureau", "approved_by").filter(pk=pk).first()
    if found is None or not scope_of(user).sees(found.unit_id, found.unit.bureau_id):
        raise Http404("没有找到该绩效目标申报")
    return found


def library_search(bureau_id: int, q: str = "", sector: str = "", limit: int = 50) -> QuerySet[LibraryIndicator]:
    query = LibraryIndicator.objects.filter(bureau_id=bureau_id)
    if sector:
        query = query.filter(Q(sector=sector) | Q(sector=""))
    if q:
        query = query.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(l2__icontains=q))
    return query.order_by("code")[:limit]


def values_used(bureau_id: int, codes: list[str], per_code: int = 5) -> dict[str, list[TargetValue]]:
    """Approved target values other units used for these library codes, latest first."""
    found: dict[str, list[TargetValue]] = {}
    for value in TargetValue.objects.filter(bureau_id=bureau_id, code__in=codes).order_by("-year", "unit_name")[:500]:
        bucket = found.setdefault(value.code, [])
        if len(bucket) < per_code:
            bucket.append(value)
    return found


def sectors_of(bureau_id: int) -> list[str]:
    rows = LibraryIndicator.objects.filter(bureau_id=bureau_id).exclude(sector="").values_list("sector", flat=True)
    return sorted(set(rows))


#: the sectors a unit may be given while its bureau's library names none (the demo library's and a few more)
DEFAULT_SECTORS = (
    "教育", "卫生健康", "社会保障", "城市管理", "农业农村", "文化旅游", "政法", "市场监管", "一般公共服务",
)  # fmt: skip


def unit_sectors(bureau_id: int) -> list[str]:
    """The list a unit's 行业 is chosen from: the bureau's indicator library sectors, else the defaults."""
    return sectors_of(bureau_id) or list(DEFAULT_SECTORS)


def rounds_for_user(user: Any) -> QuerySet[MonitoringRound]:
    scope = scope_of(user)
    query = MonitoringRound.objects.select_related("bureau")
    if scope.superuser:
        return query
    bureaus = scope.bureau_ids() | set(
        Bureau.objects.filter(units__pk__in=scope.unit_ids()).values_list("pk", flat=True)
    )
    return query.filter(bureau_id__in=bureaus)


def get_round(user: Any, pk: int) -> MonitoringRound:
    found = rounds_for_user(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该监控轮次")
    return found


def get_report(user: Any, pk: int) -> MonitoringReport:
    found = MonitoringReport.objects.select_related("round", "declaration", "unit__bureau").filter(pk=pk).first()
    if found is None or not scope_of(user).sees(found.unit_id, found.unit.bureau_id):
        raise Http404("没有找到该监控填报")
    return found


SORTS = {
    "priority": ("重点监控（落后 × 金额）", ("-priority", "unit__code")),
    "lag": ("落后百分点", ("-lag", "unit__code")),
    "rate": ("执行率", ("execution_rate", "unit__code")),
    "amount": ("金额", ("-available", "unit__code")),
    "code": ("单位编码", ("unit__code", "declaration__project")),
}
LIGHT_ORDER = ("red", "yellow", "blue", "green")


@dataclass(frozen=True)
class OverviewFilters:
    light: str = ""
    q: str = ""
    sort: str = "priority"
    submitted: str = ""  # "1" reported, "0" not yet


def overview_rows(
    monitoring_round: MonitoringRound, filters: OverviewFilters, limit: int | None = None, offset: int = 0
) -> list[dict[str, Any]]:
    """The overview's rows as plain values (``limit`` rows from ``offset``): one query, whatever the count."""
    query = MonitoringReport.objects.filter(round=monitoring_round)
    if filters.light in LIGHT_ORDER:
        query = query.filter(overall_light=filters.light)
    if filters.q:
        query = query.filter(Q(unit__name__icontains=filters.q) | Q(declaration__project__icontains=filters.q))
    if filters.submitted in ("0", "1"):
        query = query.filter(submitted=filters.submitted == "1")
    order = SORTS.get(filters.sort, SORTS["priority"])[1]
    rows = query.order_by(*order).values(
        "pk", "unit__code", "unit__name", "declaration__project", "declaration_id", "available", "execution_rate",
        "lag", "budget_light", "target_light", "overall_light", "priority", "submitted", "p0_count", "p1_count",
    )  # fmt: skip
    return list(rows[offset : offset + limit] if limit else rows[offset:])


def light_counts(monitoring_round: MonitoringRound) -> dict[str, int]:
    from django.db.models import Count

    counts = MonitoringReport.objects.filter(round=monitoring_round).values("overall_light").annotate(n=Count("pk"))
    return {row["overall_light"]: row["n"] for row in counts}
