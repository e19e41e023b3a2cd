"""Pages of teachers' diagnoses of professional deficits (Р-201). Everything is read through
`selectors.diagnoses_for` and `selectors.diagnosis_teachers_for`; the teacher's tutor, a
methodist and the teacher's school record and change them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.models import AcademicYear
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..forms.diagnoses import DiagnosisFilter, DiagnosisForm, diagnosis_initial
from ..models import DeficitKind
from ..services import diagnoses as services


def _listed(diagnoses):
    return diagnoses.prefetch_related("deficits").order_by(
        "-date", "teacher__last_name", "teacher__first_name", "-pk"
    )


@login_required
def diagnosis_list(request):
    access = access_for(request.user)
    require(access.takes_part)
    filterset = DiagnosisFilter(
        request.GET, queryset=_listed(selectors.diagnoses_for(access)), access=access
    )
    return render(
        request,
        "community/diagnoses/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_record": selectors.recordable_teachers(access).exists(),
        },
    )


@login_required
def teacher_diagnoses(request, pk):
    access = access_for(request.user)
    teacher = get_object_or_404(selectors.diagnosis_teachers_for(access), pk=pk)
    year = AcademicYear.objects.current()
    return render(
        request,
        "community/diagnoses/teacher.html",
        {
            "teacher": teacher,
            "page": paginate(request, _listed(selectors.diagnoses_for(access).filter(teacher=pk))),
            "can_record": year is not None
            and services.recording_post(access, teacher, year) is not None,
        },
    )


@login_required
@once("Диагностика уже записана.")
def diagnosis_create(request):
    teachers = selectors.recordable_teachers(access_for(request.user))
    require(teachers.exists())
    chosen = request.GET.get("teacher", "")
    initial = {"teacher": chosen} if chosen.isdigit() else {}
    form = DiagnosisForm(request.POST or None, teachers=teachers, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.diagnosis_record,
            form=form,
            success="Диагностика записана. Дефициты высокого и среднего уровня маршрут учителя "
            "предложит как затруднения.",
            **form.service_data(),
        )
        if done:
            return redirect("community:teacher_diagnoses", done.value.teacher_id)
    return render(request, "community/diagnoses/form.html", {"form": form})


def _diagnosis(request, pk):
    return get_object_or_404(selectors.diagnoses_for(access_for(request.user)), pk=pk)


def _changeable(request, pk):
    """A diagnosis the user may change: 404 if they do not read it, 403 if they only read it."""
    diagnosis = _diagnosis(request, pk)
    require(services.may_change(access_for(request.user), diagnosis))
    return diagnosis


@login_required
def diagnosis_detail(request, pk):
    diagnosis = _diagnosis(request, pk)
    deficits = diagnosis.rated()
    rated = {deficit.kind for deficit in deficits}
    taken = diagnosis.route_difficulties.select_related("route").order_by("position", "pk")
    routes = list(dict.fromkeys(d.route for d in taken))
    readable = set(
        selectors.routes_for(access_for(request.user))
        .filter(pk__in=[r.pk for r in routes])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "community/diagnoses/detail.html",
        {
            "diagnosis": diagnosis,
            "deficits": deficits,
            "unrated": [kind.label for kind in DeficitKind if kind not in rated],
            "routes": [(route, route.pk in readable) for route in routes],
            "can_change": not routes and services.may_change(access_for(request.user), diagnosis),
            "history": object_history(diagnosis),
        },
    )


@login_required
def diagnosis_update(request, pk):
    diagnosis = _changeable(request, pk)
    form = DiagnosisForm(request.POST or None, initial=diagnosis_initial(diagnosis))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.diagnosis_update,
            form=form,
            diagnosis=diagnosis,
            success="Изменения диагностики сохранены.",
            **form.service_data(),
        )
        if done:
            return redirect(diagnosis)
    return render(request, "community/diagnoses/form.html", {"form": form, "diagnosis": diagnosis})


@login_required
def diagnosis_delete(request, pk):
    """GET asks to confirm, POST deletes."""
    diagnosis = _changeable(request, pk)
    if request.method == "POST":
        done = attempt(
            request,
            services.diagnosis_delete,
            success="Диагностика удалена.",
            diagnosis=diagnosis,
        )
        if done:
            return redirect(reverse("community:teacher_diagnoses", args=[diagnosis.teacher_id]))
        return redirect(diagnosis)
    return render(request, "community/diagnoses/delete.html", {"diagnosis": diagnosis})
