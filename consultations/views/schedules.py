from itertools import groupby

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.documents import document_visible
from tutoring.models import Document, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import ScheduleFilter
from ..models import Schedule
from ..services import schedules as services

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


class ScheduleForm(forms.Form):
    point = forms.ModelChoiceField(label="Консультационный пункт", queryset=None)
    starts_on = forms.DateField(
        label="С", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="По", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        methodist_of = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
        points = selectors.points_for(access).filter(municipality__in=methodist_of, is_active=True)
        self.fields["point"].queryset = points
        if len(points) == 1:
            # Most municipalities run one point: nothing to choose.
            self.fields["point"].initial = points[0].pk


def schedules_for(access):
    qs = Schedule.objects.select_related("point", "municipality", "approved_by")
    if access.everywhere:
        return qs
    coordinators = {r.municipality_id for r in access.roles if r.kind in selectors.COORDINATORS}
    return qs.filter(municipality__in=coordinators)


@role_required(*READERS)
def schedule_list(request):
    access = access_for(request.user)
    filterset = ScheduleFilter(request.GET, queryset=schedules_for(access))
    return render(
        request,
        "consultations/schedules/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_create": access.has(RoleKind.METHODIST),
        },
    )


@role_required(RoleKind.METHODIST)
@once("График уже составлен: вот он.")
def schedule_create(request):
    access = access_for(request.user)
    form = ScheduleForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request,
            services.schedule_create,
            form=form,
            success="График составлен. Проверьте занятия и передайте на утверждение.",
            **form.cleaned_data,
        )
        if created:
            return redirect(created.value)
    return render(request, "consultations/schedules/form.html", {"form": form})


@role_required(*READERS)
def schedule_detail(request, pk):
    access = access_for(request.user)
    schedule = get_object_or_404(schedules_for(access), pk=pk)
    sessions = services.schedule_sessions(schedule)
    zone = schedule.municipality.tzinfo
    days = [
        (day, list(items))
        for day, items in groupby(sessions, key=lambda s: s.starts_at.astimezone(zone).date())
    ]
    document = Document.objects.filter(
        kind=services.SCHEDULE_DOCUMENT, object_id=str(schedule.pk)
    ).first()
    return render(
        request,
        "consultations/schedules/detail.html",
        {
            "schedule": schedule,
            "days": days,
            "moves": services.SCHEDULE.available(access, schedule),
            "document": document if document and document_visible(access, document) else None,
            "history": object_history(schedule, document),
        },
    )


@require_POST
@role_required(RoleKind.DIRECTOR)
def schedule_approve(request, pk):
    access = access_for(request.user)
    schedule = get_object_or_404(schedules_for(access), pk=pk)
    require(access.holds(RoleKind.DIRECTOR, municipality=schedule.municipality_id))
    attempt(
        request,
        services.schedule_approve,
        schedule=schedule,
        success="График утверждён. PDF формируется и появится на этой странице.",
    )
    return redirect(schedule)
