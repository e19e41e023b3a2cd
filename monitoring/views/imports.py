import io

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind, Subject
from tutoring.refusals import attempt
from tutoring.views import paginate

from .. import gia, gia_selectors, selectors, services
from ..filters import ImportBatchFilter
from ..forms import ResultImportForm
from ..models import ImportBatch, ResultSet
from ..tasks import load_progress
from .minimums import READERS as MINIMUM_READERS

Status = ImportBatch.Status
READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL)


@role_required(*READERS)
def import_list(request):
    access = access_for(request.user)
    filterset = ImportBatchFilter(request.GET, queryset=selectors.batches_for(access))
    return render(
        request,
        "monitoring/imports/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
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
    access = access_for(request.user)
    municipality, school = _importer(access)
    form = ResultImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.batch_upload(
            actor=request.user,
            municipality=municipality,
            uploaded=form.cleaned_data["file"],
            only_school=school,
            layout=form.cleaned_data["layout"],
        )
        # Without a broker the check runs at once: the message says what the status says.
        batch.refresh_from_db(fields=["status"])
        if batch.status == Status.READY:
            messages.success(request, "Файл проверен. Посмотрите сводку и подтвердите загрузку.")
        elif batch.status == Status.REJECTED:
            messages.error(request, "Файл не принят: исправьте ошибки и загрузите его снова.")
        elif batch.status == Status.CHECKING:
            messages.success(request, "Файл получен и проверяется.")
        return redirect(batch)
    return render(
        request,
        "monitoring/imports/form.html",
        {
            "form": form,
            "municipality": municipality,
            "school": school,
            "sees_minimums": access.has(*MINIMUM_READERS),
        },
    )


def _batch(request, pk) -> ImportBatch:
    return get_object_or_404(selectors.batches_for(access_for(request.user)), pk=pk)


@role_required(*READERS)
def import_detail(request, pk):
    access = access_for(request.user)
    batch = _batch(request, pk)
    figures = []
    if batch.status == Status.LOADED:
        result_sets = ResultSet.objects.filter(batch=batch)
        if "works" in batch.summary:
            figures = gia_selectors.result_figures(result_sets)
        else:
            figures = selectors.school_figures(result_sets)
    return render(
        request,
        "monitoring/imports/detail.html",
        {
            "batch": batch,
            "errors": selectors.import_errors(access, batch),
            "error_count": services.batch_error_count(batch),
            "warning_count": len(batch.warnings) + batch.summary.get("more_warnings", 0),
            "moves": services.IMPORT.available(access, batch),
            "figures": figures,
            "progress": load_progress(batch.pk) if batch.status == Status.LOADING else None,
            "retry": selectors.can_load(access, batch) and services.batch_retry_stage(batch),
        },
    )


@role_required(*READERS)
def import_progress(request, pk):
    """The progress block, polled by htmx while the check or the load runs."""
    batch = _batch(request, pk)
    response = render(
        request,
        "monitoring/imports/_progress.html",
        {"batch": batch, "progress": load_progress(batch.pk)},
    )
    if batch.status not in (Status.CHECKING, Status.LOADING):
        # The check or the load is over: htmx reloads the page to show its result.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_confirm(request, pk):
    batch = _batch(request, pk)
    require(selectors.can_load(access_for(request.user), batch))
    if attempt(request, services.batch_confirm, batch=batch):
        # Without a broker the load runs at once: the message says what the status says.
        batch.refresh_from_db(fields=["status"])
        if batch.status == Status.LOADING:
            messages.success(request, "Загрузка начата.")
        elif batch.status == Status.LOADED:
            messages.success(request, "Файл загружен: результаты в портале.")
        # A failed load is told by the page itself, with its reason.
    return redirect(batch)


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_retry(request, pk):
    batch = _batch(request, pk)
    require(selectors.can_load(access_for(request.user), batch))
    attempt(
        request,
        services.batch_retry,
        success="Повторяем: страница обновится сама, когда всё закончится.",
        batch=batch,
    )
    return redirect(batch)


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_cancel(request, pk):
    batch = _batch(request, pk)
    require(selectors.can_load(access_for(request.user), batch))
    attempt(
        request,
        services.batch_cancel,
        success="Загрузка отменена, данные не изменились.",
        batch=batch,
    )
    return redirect(batch)


TEMPLATES = {
    gia.Layout.GIA: (gia.gia_template, "Шаблон ГИА.xlsx"),
    gia.Layout.DIAGNOSTIC: (gia.diagnostic_template, "Шаблон диагностической работы.xlsx"),
}


@role_required(*READERS)
def import_template(request, layout):
    """A blank template to fill, its lists made of the portal's subjects and the user's
    schools."""
    if layout not in TEMPLATES:
        raise Http404
    write, filename = TEMPLATES[layout]
    kinds = [Subject.Kind.SUBJECT]
    if layout == gia.Layout.DIAGNOSTIC:
        kinds.append(Subject.Kind.PRIMARY)  # комплексные работы of the primary school
    schools = gia_selectors.template_schools(access_for(request.user))
    content = write(
        subjects=list(
            Subject.objects.active().filter(kind__in=kinds).values_list("name", flat=True)
        ),
        schools=list(schools.values_list("fis_oko_login", "short_name")),
    )
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename)
