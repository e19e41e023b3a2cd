"""Figures counted ahead, right after a load, so that no page counts a region's figure.

A load raises the results version of the works it changed (`summaries`): every
cached figure of those works, in every municipality of the region, is then cold. The load
task counts them again at once, after its commit and behind the same per-figure locks a page
takes (`figures_cache`), so the first visitor finds them warm and none is counted twice.
"""

from django.db.models import F

from tutoring.models import Municipality

from . import analysis
from .analysis import Level
from .figures_cache import results_cache
from .models import Assessment, ResultSet


def warm_after_load(batch_id: int) -> int:
    """Count the municipal and regional figures of the works the batch changed, in the keys
    the school and municipality pages ask for; returns how many (function, unit) it counted."""
    changed = ResultSet.objects.filter(batch=batch_id).annotate(
        region=F("organization__municipality__region")
    )
    works = sorted(set(changed.values_list("assessment", flat=True)))
    regions = sorted(set(changed.values_list("region", flat=True)))
    if not works:
        return 0
    gia = [
        pk
        for pk, kind in Assessment.objects.filter(pk__in=works).values_list("pk", "kind")
        if kind in analysis.GIA_KINDS
    ]
    marked = [pk for pk in works if pk not in gia]
    counted = 0
    with results_cache():
        analysis.mark_boundaries(works)
        for region in regions:
            municipalities = Municipality.objects.filter(
                region=region,
                pk__in=ResultSet.objects.filter(assessment__in=works).values(
                    "organization__municipality"
                ),
            ).values_list("pk", flat=True)
            scopes = [(Level.REGION, {"region": region})] + [
                (Level.MUNICIPALITY, {"municipalities": [pk]}) for pk in municipalities
            ]
            for level, scope in scopes:
                if marked:
                    analysis.work_figures(marked, level=level, **scope)
                    analysis.task_success(marked, level=level, **scope)
                    counted += 2
                if gia:
                    analysis.gia_figures(gia, level=level, **scope)
                    counted += 1
    return counted
