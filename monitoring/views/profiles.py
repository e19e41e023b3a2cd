"""The schools in the programme (ШНОР/ШССУ) of a year, their curators and risk profiles."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require
from tutoring.models import AcademicYear, Organization, RoleKind, SchoolStatus
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from ..models import Curatorship, RiskLevel, RiskProfile, SchoolProgramme
from ..profiles import evidence, selectors, services
from ..profiles.forms import CuratorForm, RatingsForm, ReturnForm
from ..programmes import selectors as programme_selectors


def _year(request) -> AcademicYear | None:
    return AcademicYear.objects.named(request.GET.get("year")) or AcademicYear.objects.current()


@login_required
def profile_list(request):
    access = access_for(request.user)
    require(selectors.reads_profiles(access))
    year = _year(request)
    waiting = request.GET.get("waiting", "")
    waiting = waiting if waiting in selectors.WAITING else ""
    page = paginate(
        request,
        selectors.programme_schools(access, year, waiting=waiting)
        if year
        else Organization.objects.none(),
    )
    schools = [school.pk for school in page.object_list]
    profiles = {
        profile.organization_id: profile
        for profile in RiskProfile.objects.filter(
            organization__in=schools, academic_year=year
        ).prefetch_related("ratings")
    }
    curators = {
        c.organization_id: c
        for c in Curatorship.objects.filter(
            organization__in=schools, academic_year=year
        ).select_related("curator")
    }
    statuses = {}
    for organization, kind in SchoolStatus.objects.filter(
        organization__in=schools, academic_year=year
    ).values_list("organization", "kind"):
        statuses.setdefault(organization, []).append(SchoolStatus.Kind(kind).label)
    programmes = list(
        SchoolProgramme.objects.filter(organization__in=schools, academic_year=year)
        .exclude(status=SchoolProgramme.Status.SUPERSEDED)
        .select_related("organization__municipality", "municipality", "academic_year")
    )
    progress = programme_selectors.progress_for(programmes)
    by_school = {}
    for programme in programmes:
        summary = by_school.setdefault(programme.organization_id, programme_selectors.Progress())
        summary.count += 1
        summary.approved += programme.status == SchoolProgramme.Status.APPROVED
        summary.add(progress[programme.pk])
    rows = []
    for school in page.object_list:
        profile = profiles.get(school.pk)
        levels = [r.level for r in profile.ratings.all()] if profile else []
        rows.append(
            {
                "school": school,
                "statuses": statuses.get(school.pk, []),
                "curator": curators.get(school.pk),
                "profile": profile,
                "high": levels.count(RiskLevel.HIGH),
                "medium": levels.count(RiskLevel.MEDIUM),
                "assigns": access.holds(RoleKind.METHODIST, municipality=school.municipality_id),
                "programmes": by_school.get(school.pk),
                "drafts": profile is None and access.holds(RoleKind.SCHOOL, organization=school.pk),
            }
        )
    return render(
        request,
        "monitoring/profiles/list.html",
        {
            "year": year,
            "years": AcademicYear.objects.order_by("-start_year"),
            "page": page,
            "rows": rows,
            "several": access.everywhere or len(access.municipalities()[:2]) > 1,
            "waiting": selectors.WAITING.get(waiting, ""),
            "oversees": access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL),
        },
    )


@login_required
@require_POST
@once("Рисковый профиль уже составляется: вот он.")
def profile_create(request):
    access = access_for(request.user)
    organization, _for_self = access.filer()
    require(organization is not None and access.has(RoleKind.SCHOOL))
    year = AcademicYear.objects.named(request.POST.get("year"))
    if year is None:
        messages.error(request, "Выберите учебный год профиля.")
        return redirect("monitoring:profile_list")
    done = attempt(
        request,
        services.risk_profile_create,
        success="Профиль создан. Портал подставил в обоснования то, что знает о школе: "
        "проверьте, оцените каждое направление и отправьте на согласование.",
        organization=organization,
        academic_year=year,
    )
    if done:
        return redirect("monitoring:profile_update", done.value.pk)
    return redirect(f"{_list_url()}?year={year.pk}")


def _list_url():
    return reverse("monitoring:profile_list")


def _profile(request, pk) -> RiskProfile:
    profiles = selectors.profiles_for(access_for(request.user)).select_related("agreed_by")
    return get_object_or_404(profiles, pk=pk)


@login_required
def profile_detail(request, pk):
    access = access_for(request.user)
    profile = _profile(request, pk)
    editable = profile.status in services.EDITABLE
    offered = evidence.offered(profile.organization, profile.academic_year) if editable else None
    return render(
        request,
        "monitoring/profiles/detail.html",
        {
            "profile": profile,
            "rows": selectors.rating_rows(profile, offered),
            "curator": selectors.curator_of(profile.organization_id, profile.academic_year_id),
            "can_edit": editable and services.drafts(access, profile),
            "moves": services.PROFILE.available(access, profile),
            "return_form": ReturnForm(),
            "history": object_history(profile),
        },
    )


@login_required
def profile_update(request, pk):
    access = access_for(request.user)
    profile = _profile(request, pk)
    require(services.drafts(access, profile))
    if profile.status not in services.EDITABLE:
        messages.error(request, services.locked_message(profile))
        return redirect(profile)
    offered = evidence.offered(profile.organization, profile.academic_year)
    form = RatingsForm(request.POST or None, rows=selectors.rating_rows(profile, offered))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.risk_profile_update,
            form=form,
            success="Профиль сохранён.",
            profile=profile,
            ratings=form.ratings(),
        )
        if done:
            return redirect(profile)
    return render(request, "monitoring/profiles/form.html", {"profile": profile, "form": form})


def _move(request, pk, service, success, **kwargs):
    profile = _profile(request, pk)
    attempt(request, service, success=success, profile=profile, **kwargs)
    return redirect(profile)


@login_required
@require_POST
def profile_submit(request, pk):
    return _move(
        request,
        pk,
        services.risk_profile_submit,
        "Профиль отправлен на согласование куратору и методисту.",
    )


@login_required
@require_POST
def profile_agree(request, pk):
    return _move(request, pk, services.risk_profile_agree, "Профиль согласован.")


@login_required
@require_POST
def profile_return(request, pk):
    form = ReturnForm(request.POST)
    # An empty comment goes to the service too, which refuses it with the same message.
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _move(
        request,
        pk,
        services.risk_profile_return,
        "Профиль возвращён школе на доработку с вашими замечаниями.",
        comment=comment,
    )


# Curators.


def _managed_school(request, pk) -> Organization:
    access = access_for(request.user)
    school = get_object_or_404(access.organizations(), pk=pk)
    require(access.holds(RoleKind.METHODIST, municipality=school.municipality_id))
    return school


@login_required
def curator_assign(request, pk, year):
    school = _managed_school(request, pk)
    academic_year = get_object_or_404(AcademicYear, pk=year)
    current = selectors.curator_of(school.pk, academic_year.pk)
    form = CuratorForm(
        request.POST or None,
        candidates=selectors.curator_candidates(school.municipality_id),
        initial={"curator": current.curator if current else None},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.curator_assign,
            form=form,
            success=lambda c: (
                f"{c.curator.short_name} — куратор школы на {academic_year} учебный год."
            ),
            organization=school,
            academic_year=academic_year,
            **form.cleaned_data,
        )
        if done:
            return redirect(f"{_list_url()}?year={academic_year.pk}")
    return render(
        request,
        "monitoring/profiles/curator_form.html",
        {
            "school": school,
            "year": academic_year,
            "form": form,
            "current": current,
            "history": object_history(current) if current else [],
        },
    )


@login_required
@require_POST
def curator_remove(request, pk):
    access = access_for(request.user)
    curatorship = get_object_or_404(
        Curatorship.objects.filter(access.municipality_q()).select_related("academic_year"),
        pk=pk,
    )
    require(access.holds(RoleKind.METHODIST, municipality=curatorship.municipality_id))
    year = curatorship.academic_year
    attempt(
        request,
        services.curator_remove,
        success="Куратор снят со школы.",
        curatorship=curatorship,
    )
    return redirect(f"{_list_url()}?year={year.pk}")
