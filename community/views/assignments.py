"""Pages of закрепление: which tutor supports which teacher (тьюторант) in a year."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import Access, access_for, require
from tutoring.models import Organization, Role, RoleKind, Subject
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.views import paginate

from .. import selectors
from ..forms.assignments import AssignmentFilter, AssignmentForm
from ..services import assignments as services
from .plans import municipalities_where

OVERSEERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


def _list_texts(access: Access) -> tuple[str, str]:
    """The page's heading and what it says when the list is empty, by whose list it is."""
    if access.has(*OVERSEERS):
        return "Закрепление тьюторов за учителями", "Закреплений по этим условиям нет."
    if access.has(RoleKind.SCHOOL):
        return "Тьюторы учителей школы", "За учителями школы тьюторы пока не закреплены."
    if access.has(RoleKind.TUTOR) and access.has(RoleKind.TEACHER):
        return "Мои тьюторанты и тьюторы", "Закреплений с вашим участием пока нет."
    if access.has(RoleKind.TUTOR):
        return "Мои тьюторанты", "За вами пока не закреплён ни один учитель."
    return "Мои тьюторы", "За вами пока не закреплён тьютор."


@login_required
def assignment_list(request):
    access = access_for(request.user)
    require(bool(access.roles))
    # The teacher's school in the assignment's municipality, for telling namesakes apart.
    school = Role.objects.filter(
        user=OuterRef("teacher"), kind=RoleKind.TEACHER, municipality=OuterRef("municipality")
    ).order_by("pk")
    assignments = (
        selectors.assignments_for(access)
        .annotate(teacher_school=Subquery(school.values("organization__short_name")[:1]))
        .order_by("-academic_year__start_year", "tutor__last_name", "teacher__last_name", "pk")
    )
    filterset = AssignmentFilter(request.GET, queryset=assignments, access=access)
    page = paginate(request, filterset.qs)
    managed = {m.pk for m in municipalities_where(access, RoleKind.METHODIST)}
    for assignment in page:
        assignment.can_delete = assignment.municipality_id in managed
    title, empty_text = _list_texts(access)
    return render(
        request,
        "community/assignments/assignment_list.html",
        {
            "filter": filterset,
            "page": page,
            "title": title,
            "empty_text": empty_text,
            "can_create": bool(managed),
            "can_delete": bool(managed),
            "show_filter": access.has(*OVERSEERS, RoleKind.SCHOOL),
        },
    )


@login_required
@once("Закрепление уже сохранено.")
def assignment_create(request):
    municipalities = municipalities_where(access_for(request.user), RoleKind.METHODIST)
    require(bool(municipalities))
    form = AssignmentForm(
        request.POST or None, municipalities=municipalities, **_narrowed(request, municipalities)
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.assignment_create,
            success=lambda assignment: (
                f"Тьютор {assignment.tutor.short_name} закреплён(а) за учителем "
                f"{assignment.teacher.short_name} на {assignment.academic_year} учебный год."
            ),
            **form.cleaned_data,
        )
        if done:
            if "another" in request.POST:
                return redirect("community:assignment_create")
            return redirect("community:assignment_list")
    return render(request, "community/assignments/assignment_form.html", {"form": form})


def _narrowed(request, municipalities) -> dict:
    """A link from a row of the risk list names a school and a subject: the form offers that
    school's teachers and the subject's tutors (a wrong or foreign id narrows nothing)."""
    narrowed = {}
    school, subject = request.GET.get("school", ""), request.GET.get("subject", "")
    if school.isdigit():
        narrowed["school"] = (
            Organization.objects.open().filter(pk=school, municipality__in=municipalities).first()
        )
    if subject.isdigit():
        narrowed["subject"] = Subject.objects.filter(pk=subject).first()
    return {key: value for key, value in narrowed.items() if value is not None}


@login_required
@require_POST
def assignment_delete(request, pk):
    access = access_for(request.user)
    assignment = get_object_or_404(selectors.assignments_for(access), pk=pk)
    require(access.holds(RoleKind.METHODIST, municipality=assignment.municipality_id))
    attempt(
        request,
        services.assignment_delete,
        success=f"Закрепление снято: {assignment.tutor.short_name} больше не тьютор учителя "
        f"{assignment.teacher.short_name} в {assignment.academic_year} учебном году.",
        assignment=assignment,
    )
    return redirect("community:assignment_list")
