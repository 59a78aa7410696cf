"""What the public may read: published evaluations only, nothing else, whatever the URL."""

from __future__ import annotations

from django.db.models import Avg, Count, QuerySet
from django.http import Http404

from jixiao.web.evaluations.models import Evaluation


def published() -> QuerySet[Evaluation]:
    return Evaluation.objects.published().with_summary().select_related("unit__bureau")


def published_years() -> list[tuple[int, int]]:
    """(year, number of published evaluations), latest first."""
    rows = Evaluation.objects.published().values("year").annotate(n=Count("pk")).order_by("-year")
    return [(row["year"], row["n"]) for row in rows]


def published_in(year: int, q: str = "") -> QuerySet[Evaluation]:
    found = published().filter(year=year).order_by("unit__bureau__name", "unit__code", "kind", "project")
    return found.filter(unit__name__contains=q) if q else found


def get_published(pk: int) -> Evaluation:
    evaluation = Evaluation.objects.published().with_related().filter(pk=pk).first()
    if evaluation is None:
        raise Http404("未找到该公开信息")
    return evaluation


def summary(year: int) -> dict[str, object]:
    """The year's published results at a glance: how many, by the grade the units adopted, averages.

    Two aggregate queries, whatever the number of units (docs/results.md#analytics).
    """
    found = Evaluation.objects.published().filter(year=year).order_by()
    totals = found.aggregate(
        n=Count("pk"), score=Avg("current_version__adopted_total"), rate=Avg("current_version__execution_rate")
    )
    grades = dict(
        found.values_list("current_version__adopted_grade").annotate(n=Count("pk")).values_list(
            "current_version__adopted_grade", "n"
        )
    )
    order = ["优", "良", "中", "差"]
    by_grade = [(grade, grades.get(grade, 0)) for grade in order]
    by_grade += [(grade or "未定", n) for grade, n in grades.items() if grade not in order]
    return {"count": totals["n"], "score": totals["score"], "rate": totals["rate"], "grades": by_grade}
