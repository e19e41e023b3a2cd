"""A tutor's achievements: the tutor's own list, form and deletion; the municipality's
methodists and directors read every tutor's."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.models import AcademicYear, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.views import paginate

from .. import selectors
from ..forms.achievements import AchievementFilter, AchievementForm, achievement_initial
from ..forms.plans import MunicipalityYearForm
from ..services import achievements as services
from .plans import municipalities_where

READERS = (RoleKind.TUTOR, RoleKind.METHODIST, RoleKind.DIRECTOR)


def _own(request, pk):
    return get_object_or_404(
        selectors.achievements_for(access_for(request.user)).filter(tutor=request.user), pk=pk
    )


@login_required
def achievement_list(request):
    access = access_for(request.user)
    require(access.has(*READERS))
    oversees = access.has(RoleKind.METHODIST, RoleKind.DIRECTOR)
    achievements = selectors.achievements_for(access).order_by("-date", "-pk")
    params = request.GET.copy()
    if "academic_year" not in params and (year := AcademicYear.objects.current()):
        params["academic_year"] = str(year.pk)
    filterset = AchievementFilter(params, queryset=achievements, access=access, oversees=oversees)
    return render(
        request,
        "community/achievements/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "oversees": oversees,
            "can_create": access.has(RoleKind.TUTOR),
        },
    )


@login_required
@once("Достижение уже добавлено.")
def achievement_create(request):
    municipalities = municipalities_where(access_for(request.user), RoleKind.TUTOR)
    require(bool(municipalities))
    place = MunicipalityYearForm(request.POST or None, municipalities=municipalities)
    form = AchievementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and place.is_valid() and form.is_valid():
        done = attempt(
            request,
            services.achievement_create,
            form=form,
            success="Достижение добавлено.",
            **place.cleaned_data,
            **form.cleaned_data,
        )
        if done:
            return redirect(reverse("community:achievement_list"))
    return render(request, "community/achievements/form.html", {"place": place, "form": form})


@login_required
def achievement_update(request, pk):
    achievement = _own(request, pk)
    form = AchievementForm(
        request.POST or None,
        request.FILES or None,
        achievement=achievement,
        initial=achievement_initial(achievement),
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.achievement_update,
            form=form,
            success="Изменения сохранены.",
            achievement=achievement,
            **form.cleaned_data,
        )
        if done:
            return redirect(reverse("community:achievement_list"))
    return render(
        request, "community/achievements/form.html", {"form": form, "achievement": achievement}
    )


@login_required
def achievement_delete(request, pk):
    """GET asks to confirm, POST deletes."""
    achievement = _own(request, pk)
    if request.method == "POST":
        attempt(
            request,
            services.achievement_delete,
            success="Достижение удалено.",
            achievement=achievement,
        )
        return redirect(reverse("community:achievement_list"))
    return render(request, "community/achievements/delete.html", {"achievement": achievement})


@login_required
def achievement_file(request, pk):
    achievement = get_object_or_404(selectors.achievements_for(access_for(request.user)), pk=pk)
    if not achievement.evidence_file:
        raise Http404("У достижения нет файла.")
    try:
        stream = achievement.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл не найден в хранилище.") from None
    return FileResponse(stream, as_attachment=True, filename=achievement.evidence_name)
