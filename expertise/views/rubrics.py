from functools import partial

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history

from .. import selectors
from ..forms import CriterionForm, RubricForm
from ..models import Criterion, Rubric
from ..services import rubrics as services

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


@role_required(*READERS)
def rubric_list(request):
    access = access_for(request.user)
    return render(
        request,
        "expertise/rubrics/list.html",
        {
            "rubrics": selectors.rubrics_for(access).order_by(
                "municipality__name", "kind", "-edition"
            ),
            "can_install": [
                m
                for m in access.municipalities()
                if access.holds(RoleKind.METHODIST, municipality=m)
            ],
        },
    )


@require_POST
@role_required(RoleKind.METHODIST)
def rubric_install(request):
    access = access_for(request.user)
    for municipality in access.municipalities():
        if access.holds(RoleKind.METHODIST, municipality=municipality):
            created = services.rubrics_install_defaults(
                actor=request.user, municipality=municipality
            )
            if created:
                messages.success(
                    request, f"{municipality}: установлено наборов критериев — {len(created)}."
                )
            else:
                messages.info(request, f"{municipality}: наборы критериев всех видов уже есть.")
    return redirect("expertise:rubric_list")


@role_required(*READERS)
def rubric_detail(request, pk):
    access = access_for(request.user)
    rubric = get_object_or_404(selectors.rubrics_for(access), pk=pk)
    can_edit = rubric.is_draft and access.holds(
        RoleKind.METHODIST, municipality=rubric.municipality_id
    )
    return render(
        request,
        "expertise/rubrics/detail.html",
        {
            "rubric": rubric,
            "criteria": rubric.criteria.all(),
            "can_edit": can_edit,
            "can_new_edition": not rubric.is_draft
            and access.holds(RoleKind.METHODIST, municipality=rubric.municipality_id),
            "history": object_history(rubric),
        },
    )


def _managed(request, pk) -> Rubric:
    rubric = get_object_or_404(selectors.rubrics_for(access_for(request.user)), pk=pk)
    require(access_for(request.user).holds(RoleKind.METHODIST, municipality=rubric.municipality_id))
    return rubric


def _act(request, rubric, service, success, redirect_to=None, **kwargs):
    """Run `service` on the rubric (or on what `kwargs` name) and go back to its page."""
    done = attempt(request, service, success=success, **(kwargs or {"rubric": rubric}))
    if not done:
        return redirect(rubric)
    return redirect(redirect_to(done.value) if redirect_to else rubric)


@require_POST
@role_required(RoleKind.METHODIST)
@once("Новая редакция уже создана: вот она.")
def rubric_new_edition(request, pk):
    rubric = _managed(request, pk)
    return _act(
        request,
        rubric,
        services.rubric_new_edition,
        "Создан черновик новой редакции. Измените его и введите в действие.",
        redirect_to=lambda copy: copy,
    )


@require_POST
@role_required(RoleKind.METHODIST)
def rubric_activate(request, pk):
    rubric = _managed(request, pk)
    return _act(
        request,
        rubric,
        services.rubric_activate,
        "Редакция введена в действие: новые экспертизы оцениваются по ней.",
    )


@require_POST
@role_required(RoleKind.METHODIST)
def rubric_discard(request, pk):
    rubric = _managed(request, pk)
    return _act(
        request,
        rubric,
        services.rubric_discard,
        "Черновик удалён.",
        redirect_to=lambda _: "expertise:rubric_list",
    )


def _editable_or_back(request, rubric):
    if not rubric.is_draft:
        messages.error(request, "Действующий набор не меняется. Создайте новую редакцию.")
        return redirect(rubric)
    return None


def _edit(request, rubric, form, save, success: str, template: str, **context):
    """The one shape of the rubric's edit pages: a valid form goes to `save(**data)`, whose
    refusal shows on the form, and the rubric's page follows."""
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(request, save, form=form, success=success, **form.cleaned_data)
    ):
        return redirect(rubric)
    return render(request, template, {"rubric": rubric, "form": form, **context})


@role_required(RoleKind.METHODIST)
def rubric_update(request, pk):
    rubric = _managed(request, pk)
    if back := _editable_or_back(request, rubric):
        return back
    return _edit(
        request,
        rubric,
        RubricForm(request.POST or None, instance=Rubric.objects.get(pk=rubric.pk)),
        partial(services.rubric_update, rubric=rubric),
        "Набор критериев изменён.",
        "expertise/rubrics/form.html",
    )


@role_required(RoleKind.METHODIST)
@once("Критерий уже добавлен.")
def criterion_add(request, pk):
    rubric = _managed(request, pk)
    if back := _editable_or_back(request, rubric):
        return back
    return _edit(
        request,
        rubric,
        CriterionForm(request.POST or None),
        partial(services.criterion_add, rubric=rubric),
        "Критерий добавлен.",
        "expertise/rubrics/criterion_form.html",
    )


def _criterion(request, pk) -> Criterion:
    criterion = get_object_or_404(
        Criterion.objects.filter(rubric__in=selectors.rubrics_for(access_for(request.user))),
        pk=pk,
    )
    _managed(request, criterion.rubric_id)
    return criterion


@role_required(RoleKind.METHODIST)
def criterion_update(request, pk):
    criterion = _criterion(request, pk)
    rubric = criterion.rubric
    if back := _editable_or_back(request, rubric):
        return back
    return _edit(
        request,
        rubric,
        CriterionForm(request.POST or None, instance=Criterion.objects.get(pk=criterion.pk)),
        partial(services.criterion_update, criterion=criterion),
        "Критерий изменён.",
        "expertise/rubrics/criterion_form.html",
        criterion=criterion,
    )


@role_required(RoleKind.METHODIST)
def criterion_remove(request, pk):
    criterion = _criterion(request, pk)
    return _act(
        request,
        criterion.rubric,
        services.criterion_remove,
        "Критерий удалён.",
        criterion=criterion,
    )
