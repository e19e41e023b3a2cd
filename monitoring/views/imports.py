from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind
from tutoring.views import paginate

from .. import selectors, services
from ..forms import VprImportForm
from ..models import DomainError, ImportBatch, ResultSet
from ..tasks import load_progress

Status = ImportBatch.Status
READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL)


@role_required(*READERS)
def import_list(request):
    access = access_for(request.user)
    return render(
        request,
        "monitoring/imports/list.html",
        {
            "page": paginate(request, selectors.batches_for(access)),
            "can_import": selectors.can_import(access),
        },
    )


def _importer(access):
    """Where the user's upload belongs: a methodist's municipality, or a school's own data."""
    for role in access.roles_of(RoleKind.METHODIST):
        return role.municipality, None
    for role in access.roles_of(RoleKind.SCHOOL):
        return role.organization.municipality, role.organization
    return None, None


@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_create(request):
    municipality, school = _importer(access_for(request.user))
    form = VprImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.batch_check(
            actor=request.user,
            municipality=municipality,
            uploaded=form.cleaned_data["file"],
            only_school=school,
        )
        if batch.status == Status.READY:
            messages.success(request, "Файл проверен. Посмотрите сводку и подтвердите загрузку.")
        else:
            messages.error(request, "Файл не принят: исправьте ошибки и загрузите его снова.")
        return redirect(batch)
    return render(
        request,
        "monitoring/imports/form.html",
        {"form": form, "municipality": municipality, "school": school},
    )


def _batch(request, pk) -> ImportBatch:
    return get_object_or_404(selectors.batches_for(access_for(request.user)), pk=pk)


@role_required(*READERS)
def import_detail(request, pk):
    batch = _batch(request, pk)
    figures = []
    if batch.status == Status.LOADED:
        figures = selectors.school_figures(ResultSet.objects.filter(batch=batch))
    return render(
        request,
        "monitoring/imports/detail.html",
        {
            "batch": batch,
            "can_load": selectors.can_load(access_for(request.user), batch),
            "figures": figures,
            "progress": load_progress(batch.pk) if batch.status == Status.LOADING else None,
        },
    )


@role_required(*READERS)
def import_progress(request, pk):
    """The progress block, polled by htmx while the load runs."""
    batch = _batch(request, pk)
    response = render(
        request,
        "monitoring/imports/_progress.html",
        {"batch": batch, "progress": load_progress(batch.pk)},
    )
    if batch.status != Status.LOADING:
        # The load is over: htmx reloads the page to show its result.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_confirm(request, pk):
    batch = _batch(request, pk)
    require(selectors.can_load(access_for(request.user), batch))
    try:
        services.batch_confirm(actor=request.user, batch=batch)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Загрузка начата.")
    return redirect(batch)


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_cancel(request, pk):
    batch = _batch(request, pk)
    require(selectors.can_load(access_for(request.user), batch))
    try:
        services.batch_cancel(actor=request.user, batch=batch)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Загрузка отменена, данные не изменились.")
    return redirect(batch)
