"""«Минимальные баллы ГИА»: the region's reference minimums, read by those who oversee the
results and kept by methodists and region administrators (issue 13: nothing a municipality
needs every exam year may require /admin/)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tutoring.access import REFERENCE_EDITORS, access_for, role_required
from tutoring.models import RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import gia, gia_selectors, services
from ..filters import MinimumScoreFilter
from ..forms import MinimumScoreForm, MinimumSeedForm
from ..models import MinimumScore

READERS = (*REFERENCE_EDITORS, RoleKind.DIRECTOR, RoleKind.REGIONAL)


@role_required(*READERS)
def minimum_list(request):
    filterset = MinimumScoreFilter(request.GET, queryset=gia_selectors.minimum_scores())
    return render(
        request,
        "monitoring/minimums/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_edit": access_for(request.user).has(*REFERENCE_EDITORS),
            "seed_form": MinimumSeedForm(initial={"year": max(gia.MINIMUM_YEARS)}),
        },
    )


@role_required(*REFERENCE_EDITORS)
@once("Минимальный балл уже добавлен.")
def minimum_create(request):
    form = MinimumScoreForm(request.POST or None, initial={"kind": "ege"})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.minimum_score_create,
            form=form,
            success="Минимальный балл добавлен.",
            spec=form.spec(),
        )
        if done:
            return redirect("monitoring:minimum_list")
    return render(request, "monitoring/minimums/form.html", {"form": form})


@role_required(*REFERENCE_EDITORS)
def minimum_update(request, pk):
    minimum = get_object_or_404(gia_selectors.minimum_scores(), pk=pk)
    initial = {f: getattr(minimum, f) for f in ("kind", "year", "subject", "grade", "score")}
    form = MinimumScoreForm(request.POST or None, minimum=minimum, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.minimum_score_update,
            form=form,
            success="Минимальный балл сохранён.",
            minimum=minimum,
            spec=form.spec(),
        )
        if done:
            return redirect("monitoring:minimum_list")
    return render(
        request,
        "monitoring/minimums/form.html",
        {"form": form, "minimum": minimum, "history": object_history(minimum)},
    )


@require_POST
@role_required(*REFERENCE_EDITORS)
def minimum_delete(request, pk):
    minimum = get_object_or_404(MinimumScore, pk=pk)
    attempt(
        request,
        services.minimum_score_delete,
        success=f"Минимальный балл «{minimum}» удалён.",
        minimum=minimum,
    )
    return redirect("monitoring:minimum_list")


@require_POST
@role_required(*REFERENCE_EDITORS)
def minimum_seed(request):
    form = MinimumSeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["year"]))
        return redirect("monitoring:minimum_list")
    year = form.cleaned_data["year"]
    added = services.minimum_scores_seed(actor=request.user, years=[year])
    if added:
        messages.success(request, f"Добавлено минимальных баллов {year} года: {added}.")
    else:
        messages.info(
            request,
            f"Все минимальные баллы {year} года из справочника портала уже заданы: ничего не "
            "добавлено, заданные баллы не изменились.",
        )
    return redirect(f"{reverse('monitoring:minimum_list')}?year={year}")
