"""Pages of закрепление: which tutor supports which teacher (тьюторант) in a year, and the
mentoring pairs «учитель — учитель» with their programme and result."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import Access, access_for, require
from tutoring.models import Organization, Role, RoleKind, Subject
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..forms.assignments import AssignmentFilter, AssignmentForm, PairEndForm, PairForm
from ..models import Assignment
from ..services import assignments as services
from .plans import municipalities_where

OVERSEERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


def _list_texts(access: Access) -> tuple[str, str]:
    """The page's heading and what it says when the list is empty, by whose list it is."""
    if access.has(*OVERSEERS):
        return "Закрепления тьюторов и наставнические пары", "Закреплений по этим условиям нет."
    if access.has(RoleKind.SCHOOL):
        return (
            "Тьюторы и наставники учителей школы",
            "За учителями школы пока не закреплены ни тьюторы, ни наставники.",
        )
    if access.has(RoleKind.TUTOR) and access.has(RoleKind.TEACHER):
        return "Мои тьюторанты и тьюторы", "Закреплений с вашим участием пока нет."
    if access.has(RoleKind.TUTOR):
        return "Мои тьюторанты", "За вами пока не закреплён ни один учитель."
    return "Мои тьюторы и наставники", "За вами пока не закреплён тьютор или наставник."


def _pair_makers(access: Access) -> tuple[list, list]:
    """Where the user makes mentoring pairs, and of which schools' teachers: a methodist in
    their municipalities, of any school; a school's administration of its own teachers."""
    municipalities = municipalities_where(access, RoleKind.METHODIST)
    if municipalities:
        return municipalities, []
    schools = access.roles_of(RoleKind.SCHOOL)
    return municipalities_where(access, RoleKind.SCHOOL), [r.organization_id for r in schools]


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
    # The teachers whose diagnoses of deficits the user reads, among the page's: one query.
    readable = set(
        selectors.diagnosis_teachers_for(access)
        .filter(pk__in=[a.teacher_id for a in page])
        .values_list("pk", flat=True)
    )
    for assignment in page:
        assignment.can_delete = (
            not assignment.is_mentoring and assignment.municipality_id in managed
        )
        assignment.diagnoses_open = assignment.teacher_id in readable
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
            "can_create_pair": bool(_pair_makers(access)[0]),
            "can_delete": bool(managed),
            "show_filter": access.has(*OVERSEERS, RoleKind.SCHOOL),
        },
    )


@login_required
def assignment_detail(request, pk):
    access = access_for(request.user)
    assignment = get_object_or_404(selectors.assignments_for(access), pk=pk)
    manages = assignment.is_mentoring and services.manages_pair(access, assignment)
    return render(
        request,
        "community/assignments/assignment_detail.html",
        {
            "assignment": assignment,
            "can_end": manages and not assignment.is_ended,
            "can_delete": services.may_delete(access, assignment),
            "diagnoses_open": selectors.diagnosis_teachers_for(access)
            .filter(pk=assignment.teacher_id)
            .exists(),
            "history": object_history(assignment),
        },
    )


@login_required
@once("Наставническая пара уже создана: вот она.")
def pair_create(request):
    municipalities, schools = _pair_makers(access_for(request.user))
    require(bool(municipalities))
    form = PairForm(request.POST or None, municipalities=municipalities, schools=schools)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.pair_create,
            form=form,
            success=lambda pair: (
                f"Наставническая пара создана: {pair.tutor.short_name} — наставник учителя "
                f"{pair.teacher.short_name} на {pair.academic_year} учебный год."
            ),
            **form.cleaned_data,
        )
        if done:
            return redirect(done.value)
    return render(request, "community/assignments/pair_form.html", {"form": form})


@login_required
def pair_end(request, pk):
    access = access_for(request.user)
    pair = get_object_or_404(selectors.assignments_for(access).mentoring(), pk=pk)
    require(services.manages_pair(access, pair))
    form = PairEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.pair_end,
            form=form,
            pair=pair,
            success="Пара завершена, результат наставничества сохранён.",
            **form.cleaned_data,
        )
        if done:
            return redirect(pair)
    return render(request, "community/assignments/pair_end.html", {"form": form, "pair": pair})


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
    require(services.may_delete(access, assignment))
    done = attempt(
        request,
        services.assignment_delete,
        success=_deleted(assignment),
        assignment=assignment,
    )
    return redirect("community:assignment_list" if done else assignment)


def _deleted(assignment: Assignment) -> str:
    tutor, teacher = assignment.tutor.short_name, assignment.teacher.short_name
    if assignment.is_mentoring:
        return f"Наставническая пара {tutor} — {teacher} удалена."
    return (
        f"Закрепление снято: {tutor} больше не тьютор учителя {teacher} "
        f"в {assignment.academic_year} учебном году."
    )
