"""Pages of the community plan (план-график) and of tutors' personal plans."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.forms import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tutoring.access import Access, access_for, require
from tutoring.documents import document_visible
from tutoring.models import Document, Municipality, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..forms.plans import (
    TIMING_LIST_ID,
    MunicipalityYearForm,
    PlanCreateForm,
    PlanFilter,
    PlanGroupingForm,
    PlanItemForm,
    PlanReturnForm,
    TutorPlanFilter,
    TutorPlanItemForm,
    TutorPlanReturnForm,
)
from ..models import TIMING_SUGGESTIONS, Activity, PlanItem, TutorPlanItem
from ..services import plans as services

# The roles that open the list of tutors' plans (a tutor sees only their own there).
TUTOR_PLAN_READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.TUTOR)


def municipalities_where(access: Access, kind: str) -> list[Municipality]:
    """Where the user holds `kind`: the municipalities they may act for with that role."""
    found = {role.municipality for role in access.roles_of(kind) if role.municipality_id}
    return sorted(found, key=lambda m: m.name)


@dataclass
class ActivityGroup:
    activity: str
    label: str
    items: list = field(default_factory=list)


def by_activity(items, *, keep_empty: bool) -> list[ActivityGroup]:
    """A tutor's plan's items grouped by the five activities in the order of seed 002, 5.1,
    numbered through the whole plan."""
    groups = {value: ActivityGroup(value, label) for value, label in Activity.choices}
    for item in items:
        groups[item.activity].items.append(item)
    number = 0
    for group in groups.values():
        for item in group.items:
            number += 1
            item.number = number
    return [group for group in groups.values() if keep_empty or group.items]


def _item_form_context(form, plan, **extra):
    return {
        "form": form,
        "plan": plan,
        "timing_suggestions": TIMING_SUGGESTIONS,
        "timing_list_id": TIMING_LIST_ID,
        **extra,
    }


# Community plan -------------------------------------------------------------------------------


@login_required
def plan_list(request):
    access = access_for(request.user)
    require(bool(access.roles))
    plans = (
        selectors.plans_for(access)
        .annotate(item_count=Count("items"))
        .order_by("-academic_year__start_year", "municipality__name", "pk")
    )
    filterset = PlanFilter(request.GET, queryset=plans, access=access)
    return render(
        request,
        "community/plans/plan_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_create": access.has(RoleKind.METHODIST),
        },
    )


@login_required
@once("План уже создан: вот он.")
def plan_create(request):
    municipalities = municipalities_where(access_for(request.user), RoleKind.METHODIST)
    require(bool(municipalities))
    form = PlanCreateForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "copy_from"}
        done = attempt(
            request,
            services.plan_create,
            success="План создан. Добавьте мероприятия по видам деятельности.",
            **data,
        )
        if done:
            return redirect(done.value)
    return render(request, "community/plans/plan_create.html", {"form": form})


@login_required
@require_POST
@once("План уже создан: вот он.")
def plan_copy(request):
    municipalities = municipalities_where(access_for(request.user), RoleKind.METHODIST)
    require(bool(municipalities))
    form = PlanCreateForm(request.POST, municipalities=municipalities)
    if form.is_valid():
        done = attempt(
            request,
            services.plan_copy,
            municipality=form.cleaned_data["municipality"],
            academic_year=form.cleaned_data["academic_year"],
            from_year=form.cleaned_data.get("copy_from"),
            success="План создан по плану более раннего года. Проверьте сроки и ответственных, "
            "затем отправьте его на утверждение.",
        )
        if done:
            return redirect(done.value)
    return render(request, "community/plans/plan_create.html", {"form": form})


@login_required
def plan_detail(request, pk):
    access = access_for(request.user)
    plan = get_object_or_404(selectors.plans_for(access).select_related("approved_by"), pk=pk)
    can_edit = plan.is_editable and access.holds(
        RoleKind.METHODIST, municipality=plan.municipality_id
    )
    document = Document.objects.filter(kind=services.PLAN_DOCUMENT, object_id=str(plan.pk)).first()
    return render(
        request,
        "community/plans/plan_detail.html",
        {
            "plan": plan,
            "sections": selectors.plan_sections(plan, keep_empty=can_edit),
            "can_edit": can_edit,
            "moves": services.PLAN.available(access, plan),
            "return_form": PlanReturnForm(),
            "grouping_form": PlanGroupingForm(
                initial={"group_by_activity": plan.group_by_activity}
            ),
            "document": document if document and document_visible(access, document) else None,
            "history": object_history(plan, document),
        },
    )


def _plan_for_methodist(request, pk):
    access = access_for(request.user)
    plan = get_object_or_404(selectors.plans_for(access), pk=pk)
    require(access.holds(RoleKind.METHODIST, municipality=plan.municipality_id))
    return plan


def _item_for_methodist(request, pk):
    access = access_for(request.user)
    items = PlanItem.objects.filter(plan__in=selectors.plans_for(access))
    item = get_object_or_404(
        items.select_related("plan__municipality", "plan__academic_year"), pk=pk
    )
    require(access.holds(RoleKind.METHODIST, municipality=item.plan.municipality_id))
    return item


@login_required
@once("Мероприятие уже добавлено в план.")
def plan_item_create(request, pk):
    plan = _plan_for_methodist(request, pk)
    if not plan.is_editable:
        messages.error(request, services.plan_locked_message(plan))
        return redirect(plan)
    form = PlanItemForm(request.POST or None, initial={"activity": request.GET.get("activity")})
    if request.method == "POST" and form.is_valid():
        added = attempt(
            request,
            services.plan_item_add,
            success="Мероприятие добавлено в план.",
            plan=plan,
            **form.cleaned_data,
        )
        if added and "another" in request.POST:
            url = reverse("community:plan_item_create", args=[plan.pk])
            return redirect(f"{url}?activity={form.cleaned_data['activity']}")
        return redirect(plan)
    return render(
        request, "community/plans/plan_item_form.html", _item_form_context(form, plan, new=True)
    )


@login_required
def plan_item_update(request, pk):
    item = _item_for_methodist(request, pk)
    if not item.plan.is_editable:
        messages.error(request, services.plan_locked_message(item.plan))
        return redirect(item.plan)
    # The form starts from the item's values but leaves the item alone: the service compares
    # the old values with the new ones for the audit log.
    form = PlanItemForm(request.POST or None, initial=model_to_dict(item))
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            services.plan_item_update,
            success="Мероприятие изменено.",
            item=item,
            **form.cleaned_data,
        )
        return redirect(item.plan)
    return render(
        request, "community/plans/plan_item_form.html", _item_form_context(form, item.plan)
    )


@login_required
@require_POST
def plan_item_delete(request, pk):
    item = _item_for_methodist(request, pk)
    attempt(request, services.plan_item_remove, success="Мероприятие удалено из плана.", item=item)
    return redirect(item.plan)


@login_required
@require_POST
def plan_item_move(request, pk):
    item = _item_for_methodist(request, pk)
    direction = request.POST.get("direction", "")
    attempt(
        request,
        services.plan_item_move,
        success="Порядок мероприятий изменён.",
        item=item,
        direction=direction,
    )
    return redirect(item.plan)


@login_required
@require_POST
def plan_grouping(request, pk):
    plan = _plan_for_methodist(request, pk)
    form = PlanGroupingForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.plan_grouping_set,
            success="Вид плана сохранён: так он показывается и печатается.",
            plan=plan,
            **form.cleaned_data,
        )
    return redirect(plan)


def _plan_for_move(request, pk, move: str):
    """The plan, once the user is the one who makes the move (403 otherwise); whether the plan
    is where the move starts is the service's to say."""
    access = access_for(request.user)
    plan = get_object_or_404(selectors.plans_for(access), pk=pk)
    require(services.PLAN.by_name[move].allowed(access, plan))
    return plan


@login_required
@require_POST
def plan_submit(request, pk):
    plan = _plan_for_move(request, pk, "submit")
    attempt(
        request,
        services.plan_submit,
        success="План отправлен руководителю муниципалитета на утверждение.",
        plan=plan,
    )
    return redirect(plan)


@login_required
@require_POST
def plan_approve(request, pk):
    plan = _plan_for_move(request, pk, "approve")
    attempt(
        request,
        services.plan_approve,
        success="План утверждён. Теперь его видят все участники сообщества муниципалитета.",
        plan=plan,
    )
    return redirect(plan)


@login_required
@require_POST
def plan_return(request, pk):
    plan = _plan_for_move(request, pk, "return")
    form = PlanReturnForm(request.POST)
    # An empty comment goes to the service too, which refuses it with the same message.
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    attempt(
        request,
        services.plan_return,
        success="План возвращён методисту на доработку с вашими замечаниями.",
        plan=plan,
        comment=comment,
    )
    return redirect(plan)


# Tutor plans --------------------------------------------------------------------------------


@login_required
def tutor_plan_list(request):
    access = access_for(request.user)
    require(access.has(*TUTOR_PLAN_READERS))
    plans = (
        selectors.tutor_plans_for(access)
        .annotate(item_count=Count("items"))
        .order_by("-academic_year__start_year", "tutor__last_name", "tutor__first_name", "pk")
    )
    filterset = TutorPlanFilter(request.GET, queryset=plans, access=access)
    oversees = access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
    return render(
        request,
        "community/tutor_plans/tutor_plan_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "oversees": oversees,
            "can_create": access.has(RoleKind.TUTOR),
        },
    )


@login_required
@once("План уже создан: вот он.")
def tutor_plan_create(request):
    municipalities = municipalities_where(access_for(request.user), RoleKind.TUTOR)
    require(bool(municipalities))
    form = MunicipalityYearForm(request.POST or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.tutor_plan_create,
            success="План создан. Добавьте в него пункты работы на год.",
            **form.cleaned_data,
        )
        if done:
            return redirect(done.value)
    return render(request, "community/tutor_plans/tutor_plan_create.html", {"form": form})


@login_required
def tutor_plan_detail(request, pk):
    access = access_for(request.user)
    plans = selectors.tutor_plans_for(access).select_related("approved_by")
    plan = get_object_or_404(plans, pk=pk)
    owner = services.tutor_owns(access, plan)
    can_edit = owner and services.tutor_plan_can_edit(plan)
    return render(
        request,
        "community/tutor_plans/tutor_plan_detail.html",
        {
            "plan": plan,
            "groups": by_activity(plan.items.all(), keep_empty=can_edit),
            "can_edit": can_edit,
            "moves": services.TUTOR_PLAN.available(access, plan),
            "return_form": TutorPlanReturnForm(),
            "history": object_history(plan),
        },
    )


def _own_plan(request, pk):
    access = access_for(request.user)
    plan = get_object_or_404(selectors.tutor_plans_for(access), pk=pk)
    require(services.tutor_owns(access, plan))
    return plan


def _own_item(request, pk):
    access = access_for(request.user)
    items = TutorPlanItem.objects.filter(plan__in=selectors.tutor_plans_for(access))
    item = get_object_or_404(items.select_related("plan__tutor", "plan__academic_year"), pk=pk)
    require(services.tutor_owns(access, item.plan))
    return item


def _plan_for_reviewer(request, pk):
    access = access_for(request.user)
    plan = get_object_or_404(selectors.tutor_plans_for(access), pk=pk)
    # Approving and returning are the same person's: whoever may approve may return.
    require(services.TUTOR_PLAN.by_name["approve"].allowed(access, plan))
    return plan


@login_required
@once("Пункт уже добавлен в план.")
def tutor_plan_item_create(request, pk):
    plan = _own_plan(request, pk)
    if not services.tutor_plan_can_edit(plan):
        messages.error(request, services.tutor_plan_locked_message(plan))
        return redirect(plan)
    form = TutorPlanItemForm(
        request.POST or None, initial={"activity": request.GET.get("activity")}
    )
    if request.method == "POST" and form.is_valid():
        added = attempt(
            request,
            services.tutor_plan_item_add,
            success="Пункт добавлен в план.",
            plan=plan,
            **form.cleaned_data,
        )
        if added and "another" in request.POST:
            url = reverse("community:tutor_plan_item_create", args=[plan.pk])
            return redirect(f"{url}?activity={form.cleaned_data['activity']}")
        return redirect(plan)
    return render(
        request,
        "community/tutor_plans/tutor_plan_item_form.html",
        _item_form_context(form, plan, new=True),
    )


@login_required
def tutor_plan_item_update(request, pk):
    item = _own_item(request, pk)
    if not services.tutor_plan_can_edit(item.plan):
        messages.error(request, services.tutor_plan_locked_message(item.plan))
        return redirect(item.plan)
    form = TutorPlanItemForm(request.POST or None, initial=model_to_dict(item))
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            services.tutor_plan_item_update,
            success="Пункт плана изменён.",
            item=item,
            **form.cleaned_data,
        )
        return redirect(item.plan)
    return render(
        request,
        "community/tutor_plans/tutor_plan_item_form.html",
        _item_form_context(form, item.plan),
    )


@login_required
@require_POST
def tutor_plan_item_delete(request, pk):
    item = _own_item(request, pk)
    attempt(request, services.tutor_plan_item_remove, success="Пункт удалён из плана.", item=item)
    return redirect(item.plan)


@login_required
@require_POST
def tutor_plan_submit(request, pk):
    plan = _own_plan(request, pk)
    attempt(
        request,
        services.tutor_plan_submit,
        success="План отправлен методисту на согласование.",
        plan=plan,
    )
    return redirect(plan)


@login_required
@require_POST
def tutor_plan_approve(request, pk):
    plan = _plan_for_reviewer(request, pk)
    attempt(request, services.tutor_plan_approve, success="План тьютора утверждён.", plan=plan)
    return redirect(plan)


@login_required
@require_POST
def tutor_plan_return(request, pk):
    plan = _plan_for_reviewer(request, pk)
    form = TutorPlanReturnForm(request.POST)
    # An empty comment goes to the service too, which refuses it with the same message.
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    attempt(
        request,
        services.tutor_plan_return,
        success="План возвращён тьютору на доработку с вашими замечаниями.",
        plan=plan,
        comment=comment,
    )
    return redirect(plan)
