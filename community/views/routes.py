"""Pages of teachers' development routes (ИОМ). Every route is read through
`selectors.routes_for`; only its teacher and tutor change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import model_to_dict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from tutoring import extensions
from tutoring.access import Access, access_for, require
from tutoring.models import Document, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..forms.routes import (
    CloseForm,
    DifficultyForm,
    RouteCreateForm,
    RouteFilter,
    RouteForm,
    StepDoneForm,
    StepForm,
    route_assignments,
)
from ..models import DevelopmentRoute, RouteDifficulty, RouteStep
from ..services import routes as services

# The roles that may have routes to read: their own, their tutees', their school's, their
# municipality's.
ROUTE_READERS = (RoleKind.TEACHER, RoleKind.TUTOR, RoleKind.SCHOOL, RoleKind.METHODIST)


def _list_title(access: Access) -> tuple[str, str]:
    """The page's heading and what it says when the list is empty, by whose list it is."""
    if access.has(RoleKind.METHODIST):
        return "Индивидуальные маршруты учителей муниципалитета", "Маршрутов по этим условиям нет."
    if access.has(RoleKind.SCHOOL):
        return "Индивидуальные маршруты учителей школы", "У учителей школы маршрутов пока нет."
    if access.has(RoleKind.TUTOR) and access.has(RoleKind.TEACHER):
        return "Мои маршруты и маршруты тьюторантов", "Маршрутов с вашим участием пока нет."
    if access.has(RoleKind.TUTOR):
        return "Маршруты моих тьюторантов", "У ваших тьюторантов маршрутов пока нет."
    return "Мои индивидуальные маршруты", "У вас пока нет маршрута."


@login_required
def route_list(request):
    access = access_for(request.user)
    require(access.has(*ROUTE_READERS))
    routes = selectors.with_progress(selectors.routes_for(access)).order_by(
        "-academic_year__start_year", "teacher__last_name", "teacher__first_name", "pk"
    )
    filterset = RouteFilter(request.GET, queryset=routes, access=access)
    title, empty_text = _list_title(access)
    return render(
        request,
        "community/routes/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "title": title,
            "empty_text": empty_text,
            "can_create": route_assignments(request.user).exists(),
        },
    )


@login_required
@once("Маршрут уже создан: вот он.")
def route_create(request):
    require(route_assignments(request.user).exists())
    form = RouteCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        assignment = form.cleaned_data["assignment"]
        done = attempt(
            request,
            services.route_create,
            form=form,
            teacher=assignment.teacher,
            tutor=assignment.tutor,
            academic_year=assignment.academic_year,
            topic=form.cleaned_data["topic"],
            goals=form.cleaned_data["goals"],
            success="Маршрут создан. Добавьте затруднения и шаги со сроками, затем начните его.",
        )
        if done:
            return redirect(done.value)
    return render(request, "community/routes/create.html", {"form": form})


def _route(request, pk) -> DevelopmentRoute:
    return get_object_or_404(selectors.routes_for(access_for(request.user)), pk=pk)


def _own_route(request, pk) -> DevelopmentRoute:
    """A route the user keeps (as its teacher or tutor); 404 if they do not see it, 403 if
    they only read it."""
    route = _route(request, pk)
    require(services.keeps(access_for(request.user), route))
    return route


def _own_step(request, pk) -> RouteStep:
    routes = selectors.routes_for(access_for(request.user))
    step = get_object_or_404(
        RouteStep.objects.select_related("route__academic_year", "material"),
        pk=pk,
        route__in=routes.values("pk"),
    )
    require(services.keeps(access_for(request.user), step.route))
    return step


@login_required
def route_detail(request, pk):
    route = _route(request, pk)
    access = access_for(request.user)
    is_participant = services.keeps(access, route)
    is_open = route.status != DevelopmentRoute.Status.CLOSED
    can_edit = is_participant and is_open
    difficulties = list(route.difficulties.all())
    steps = list(route.steps.select_related("material"))
    done = sum(1 for step in steps if step.is_done)
    suggestions = []
    if can_edit:
        present = {d.text for d in difficulties}
        suggestions = [
            {"source": source, "label": RouteDifficulty.Source(source).label, "text": text}
            for source, text in extensions.difficulty_suggestions(
                route.teacher, route.academic_year
            )
            if text not in present
        ]
    document = Document.objects.filter(
        kind=services.ROUTE_DOCUMENT, object_id=str(route.pk)
    ).first()
    return render(
        request,
        "community/routes/detail.html",
        {
            "route": route,
            "difficulties": difficulties,
            "steps": steps,
            "steps_done": done,
            "percent_done": done * 100 // len(steps) if steps else 0,
            "can_edit": can_edit,
            "can_mark": is_participant and route.status == DevelopmentRoute.Status.ACTIVE,
            "moves": services.ROUTE.available(access, route),
            "difficulty_form": DifficultyForm(
                initial={
                    "source": RouteDifficulty.Source.TEACHER
                    if request.user.pk == route.teacher_id
                    else RouteDifficulty.Source.TUTOR
                }
            ),
            "suggestions": suggestions,
            "diagnoses_open": selectors.diagnosis_teachers_for(access)
            .filter(pk=route.teacher_id)
            .exists(),
            "document": document,
            "history": object_history(route, document),
        },
    )


@login_required
def route_update(request, pk):
    route = _own_route(request, pk)
    form = RouteForm(request.POST or None, initial=model_to_dict(route, ["topic", "goals"]))
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.route_update,
            form=form,
            route=route,
            success="Тема и цели маршрута сохранены.",
            **form.cleaned_data,
        )
        if done:
            return redirect(route)
    return render(request, "community/routes/route_form.html", {"form": form, "route": route})


@login_required
@require_POST
def route_start(request, pk):
    route = _own_route(request, pk)
    attempt(
        request,
        services.route_start,
        success="Маршрут начат: отмечайте шаги выполненными и прикладывайте подтверждения.",
        route=route,
    )
    return redirect(route)


@login_required
def route_close(request, pk):
    route = _own_route(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.route_close,
            form=form,
            route=route,
            success="Маршрут завершён, рефлексия сохранена.",
            **form.cleaned_data,
        )
        if done:
            return redirect(route)
    return render(request, "community/routes/close.html", {"form": form, "route": route})


@login_required
@require_POST
def route_print(request, pk):
    """Anyone who sees the route may print it; each print shows its current state."""
    route = _route(request, pk)
    services.route_print(actor=request.user, route=route)
    messages.success(
        request, "PDF маршрута формируется; ссылка для скачивания появится на этой странице."
    )
    return redirect(route)


@login_required
@require_POST
@once("Затруднение уже добавлено.")
def difficulty_add(request, pk):
    route = _own_route(request, pk)
    form = DifficultyForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.difficulty_add,
            success="Затруднение добавлено.",
            route=route,
            **form.cleaned_data,
        )
    else:
        messages.error(request, "Затруднение не добавлено: опишите его и укажите, откуда оно.")
    return redirect(f"{route.get_absolute_url()}#difficulties")


@login_required
@require_POST
def difficulty_delete(request, pk):
    routes = selectors.routes_for(access_for(request.user))
    difficulty = get_object_or_404(
        RouteDifficulty.objects.select_related("route"), pk=pk, route__in=routes.values("pk")
    )
    require(services.keeps(access_for(request.user), difficulty.route))
    attempt(
        request, services.difficulty_remove, success="Затруднение удалено.", difficulty=difficulty
    )
    return redirect(f"{difficulty.route.get_absolute_url()}#difficulties")


@login_required
@once("Шаг уже добавлен в маршрут.")
def step_create(request, pk):
    route = _own_route(request, pk)
    form = StepForm(request.POST or None, route=route)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.step_add,
            form=form,
            route=route,
            success="Шаг добавлен в маршрут.",
            **form.cleaned_data,
        )
        if done:
            if "another" in request.POST:
                return redirect("community:route_step_create", route.pk)
            return redirect(f"{route.get_absolute_url()}#steps")
    return render(
        request, "community/routes/step_form.html", {"form": form, "route": route, "new": True}
    )


@login_required
def step_update(request, pk):
    step = _own_step(request, pk)
    form = StepForm(
        request.POST or None,
        route=step.route,
        initial=model_to_dict(step, ["kind", "title", "deadline", "material"]),
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.step_update,
            form=form,
            step=step,
            success="Шаг изменён.",
            **form.cleaned_data,
        )
        if done:
            return redirect(f"{step.route.get_absolute_url()}#steps")
    return render(request, "community/routes/step_form.html", {"form": form, "route": step.route})


@login_required
@require_POST
def step_delete(request, pk):
    step = _own_step(request, pk)
    attempt(request, services.step_remove, success="Шаг удалён из маршрута.", step=step)
    return redirect(f"{step.route.get_absolute_url()}#steps")


@login_required
def step_done(request, pk):
    step = _own_step(request, pk)
    form = StepDoneForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.step_done,
            form=form,
            step=step,
            success=f"Шаг «{step.title}» отмечен выполненным.",
            **form.cleaned_data,
        )
        if done:
            return redirect(f"{step.route.get_absolute_url()}#steps")
    return render(
        request,
        "community/routes/step_done.html",
        {"form": form, "step": step, "route": step.route},
    )


@login_required
@require_POST
def step_reopen(request, pk):
    step = _own_step(request, pk)
    attempt(request, services.step_reopen, success=f"Шаг «{step.title}» снова в работе.", step=step)
    return redirect(f"{step.route.get_absolute_url()}#steps")


@login_required
@require_GET
def step_evidence(request, pk):
    """The evidence file of a step, for whoever sees the route: never a public media URL."""
    routes = selectors.routes_for(access_for(request.user))
    step = get_object_or_404(RouteStep, pk=pk, route__in=routes.values("pk"))
    if not step.evidence_file:
        raise Http404
    return FileResponse(
        step.evidence_file.open("rb"),
        as_attachment=True,
        filename=step.evidence_name or f"Подтверждение шага {step.pk}",
    )
