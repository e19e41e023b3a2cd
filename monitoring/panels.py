"""Uploads on the home page: result files and lists of schools or staff that were checked and
wait for the uploader's (or the methodist's) confirmation; nothing when none waits."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from tutoring.extensions import Waiting, queue_panel
from tutoring.imports import selectors as directory_selectors
from tutoring.imports.forms import DirectoryImportFilter
from tutoring.models import DirectoryImport, RoleKind

from . import selectors
from .filters import ImportBatchFilter
from .models import ImportBatch


def home_panel(user, access):
    items = []
    if access.has(RoleKind.METHODIST, RoleKind.SCHOOL):
        params = {"status": ImportBatch.Status.READY}
        count = ImportBatchFilter(params, queryset=selectors.batches_for(access)).qs.count()
        if count:
            url = f"{reverse('monitoring:import_list')}?{urlencode(params)}"
            items.append(Waiting("Результаты проверены и ждут подтверждения загрузки", url, count))
    if access.has(RoleKind.METHODIST, RoleKind.REGION_ADMIN, RoleKind.SCHOOL):
        params = {"status": DirectoryImport.Status.READY}
        imports = directory_selectors.imports_for(access)
        count = DirectoryImportFilter(params, queryset=imports).qs.count()
        if count:
            url = f"{reverse('imports:list')}?{urlencode(params)}"
            label = "Списки школ и сотрудников проверены и ждут подтверждения"
            items.append(Waiting(label, url, count))
    return queue_panel("Загрузки: что ждёт подтверждения", items, slug="uploads")


def programme_panel(user, access):
    """What the programme of the schools with low results asks of the user this year: the
    profiles and programmes waiting for their agreement; for a school, what came back to it."""
    from tutoring.models import AcademicYear

    from .models import RiskProfile, SchoolProgramme
    from .profiles import selectors as profiles

    # Only those who review or draft have anything waiting here: no queries for the others.
    if not access.has(RoleKind.METHODIST, RoleKind.TUTOR, RoleKind.SCHOOL):
        return None
    year = AcademicYear.objects.current()
    if year is None:
        return None
    items = []
    listing = f"{reverse('monitoring:profile_list')}?year={year.pk}"
    # A curator is a methodist or a tutor of the municipality.
    reviews = access.has(RoleKind.METHODIST) or (
        access.has(RoleKind.TUTOR) and profiles.curates(access)
    )
    if reviews:
        # One query for both counts: the schools the user sees whose profile, or programme,
        # waits for agreement (a programme is the methodist's to agree, a profile also the
        # curator's).
        found = profiles.programme_schools(access, year).aggregate(
            profiles=Count(
                "pk",
                distinct=True,
                filter=Q(
                    risk_profiles__academic_year=year,
                    risk_profiles__status=RiskProfile.Status.SUBMITTED,
                ),
            ),
            programmes=Count(
                "pk",
                distinct=True,
                filter=Q(
                    programmes__academic_year=year,
                    programmes__status=SchoolProgramme.Status.SUBMITTED,
                ),
            ),
        )
        if found["profiles"]:
            label = "Рисковые профили школ ждут согласования"
            items.append(Waiting(label, f"{listing}&waiting=profiles", found["profiles"]))
        if found["programmes"] and access.has(RoleKind.METHODIST):
            label = "Программы школ ждут согласования"
            items.append(Waiting(label, f"{listing}&waiting=programmes", found["programmes"]))
    own = [role.organization_id for role in access.roles if role.kind == RoleKind.SCHOOL]
    if own:
        for profile in RiskProfile.objects.filter(
            organization__in=own, academic_year=year, status=RiskProfile.Status.RETURNED
        ):
            items.append(
                Waiting("Рисковый профиль возвращён на доработку", profile.get_absolute_url())
            )
        for programme in SchoolProgramme.objects.filter(
            organization__in=own,
            academic_year=year,
            status__in=[SchoolProgramme.Status.RETURNED, SchoolProgramme.Status.AGREED],
        ).select_related("direction", "organization", "academic_year"):
            label = (
                "Программа возвращена на доработку"
                if programme.status == SchoolProgramme.Status.RETURNED
                else "Программа согласована и ждёт утверждения руководителем"
            )
            items.append(Waiting(label, programme.get_absolute_url(), note=str(programme)))
    return queue_panel("Школы в программе «500+»", items, slug="programme")
