import io

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..access import access_for, require, role_required
from ..models import DirectoryImport, RoleKind
from ..once import once
from ..refusals import attempt
from ..views import paginate
from . import organizations, people, selectors, services
from .forms import DirectoryImportFilter, DirectoryImportForm, RowFilter
from .reader import problem_text

Kind = DirectoryImport.Kind
Status = DirectoryImport.Status
VIEWERS = (RoleKind.METHODIST, RoleKind.REGION_ADMIN, RoleKind.SCHOOL)
UPLOADED_ONCE = "Этот файл уже загружен: вот его проверка."


@role_required(*VIEWERS)
def import_list(request):
    access = access_for(request.user)
    filterset = DirectoryImportFilter(request.GET, queryset=selectors.imports_for(access))
    return render(
        request,
        "tutoring/imports/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "imports_schools": access.has(RoleKind.METHODIST, RoleKind.REGION_ADMIN),
            "imports_staff": access.has(RoleKind.METHODIST, RoleKind.SCHOOL),
        },
    )


def _create(request, kind: str, municipalities, school=None):
    form = DirectoryImportForm(
        request.POST or None, request.FILES or None, municipalities=municipalities
    )
    if request.method == "POST" and form.is_valid():
        municipality = school.municipality if school else form.cleaned_data["municipality"]
        done = attempt(
            request,
            services.directory_import_upload,
            kind=kind,
            municipality=municipality,
            uploaded=form.cleaned_data["file"],
            school=school,
        )
        if done:
            _tell_outcome(request, done.value)
            return redirect(done.value)
    return render(
        request,
        "tutoring/imports/form.html",
        {"form": form, "kind": kind, "school": school},
    )


OUTCOMES = {
    Status.CHECKING: (messages.SUCCESS, "Файл загружен на проверку: её итог — на этой странице."),
    Status.READY: (messages.SUCCESS, "Файл проверен. Посмотрите, что изменится, и подтвердите."),
    Status.REJECTED: (messages.ERROR, "Файл не принят: исправьте ошибки и загрузите его снова."),
    Status.LOADING: (messages.SUCCESS, "Список применяется."),
    Status.LOADED: (messages.SUCCESS, "Список применён."),
}


def _tell_outcome(request, batch: DirectoryImport) -> None:
    # Without a broker (the demo) the task has run already when the change commits. A failed
    # one is told by the page itself, with its reason.
    batch.refresh_from_db(fields=["status", "failure"])
    if batch.status in OUTCOMES and not batch.failure:
        level, text = OUTCOMES[batch.status]
        messages.add_message(request, level, text)


@role_required(RoleKind.METHODIST, RoleKind.REGION_ADMIN)
@once(UPLOADED_ONCE)
def organizations_new(request):
    municipalities = selectors.organization_import_municipalities(access_for(request.user))
    return _create(request, Kind.ORGANIZATIONS, municipalities)


@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
@once(UPLOADED_ONCE)
def people_new(request):
    access = access_for(request.user)
    municipalities = selectors.people_import_municipalities(access)
    if municipalities.exists():
        return _create(request, Kind.PEOPLE, municipalities)
    school = access.roles_of(RoleKind.SCHOOL)[0].organization
    return _create(request, Kind.PEOPLE, None, school=school)


def _batch(request, pk) -> DirectoryImport:
    return get_object_or_404(selectors.imports_for(access_for(request.user)), pk=pk)


@role_required(*VIEWERS)
def import_detail(request, pk):
    batch = _batch(request, pk)
    rows = RowFilter(request.GET or None, queryset=batch.rows.order_by("number"))
    return render(
        request,
        "tutoring/imports/detail.html",
        {
            "batch": batch,
            "errors": [problem_text(problem) for problem in batch.errors],
            "filter": rows,
            "page": paginate(request, rows.qs, per_page=100),
            "may_apply": selectors.may_apply(access_for(request.user), batch),
            "may_retry": services.may_retry(batch),
            "moves": services.IMPORT.available(access_for(request.user), batch),
            "invitees": (
                services.invitees(batch).count()
                if batch.kind == Kind.PEOPLE
                and batch.status == Status.LOADED
                and not batch.invited_at
                else 0
            ),
        },
    )


@role_required(*VIEWERS)
def import_progress(request, pk):
    """The progress block, polled by htmx while the file is being checked or loaded."""
    batch = _batch(request, pk)
    response = render(
        request,
        "tutoring/imports/partials/progress.html",
        {"batch": batch, "may_apply": selectors.may_apply(access_for(request.user), batch)},
    )
    if batch.status not in (Status.CHECKING, Status.LOADING):
        # The task is over: htmx reloads the page to show its outcome.
        response["HX-Refresh"] = "true"
    return response


def _act(request, pk, action, done: str = ""):
    """`done`: the message of a success; without one, what the import's status then says."""
    batch = _batch(request, pk)
    require(selectors.may_apply(access_for(request.user), batch))
    success = (lambda result: done.format(result=result)) if done else ""
    if attempt(request, action, batch=batch, success=success) and not done:
        _tell_outcome(request, batch)
    return redirect(batch)


@require_POST
@role_required(*VIEWERS)
def import_confirm(request, pk):
    return _act(request, pk, services.directory_import_queue_load)


@require_POST
@role_required(*VIEWERS)
def import_cancel(request, pk):
    return _act(
        request, pk, services.directory_import_cancel, "Загрузка отменена, данные не изменились."
    )


@require_POST
@role_required(*VIEWERS)
def import_retry(request, pk):
    return _act(request, pk, services.directory_import_retry)


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def import_invite(request, pk):
    return _act(
        request,
        pk,
        services.directory_import_invite,
        "Приглашения отправляются (людей: {result}). Кто ещё не задал пароль, видно в "
        "списке людей.",
    )


TEMPLATES = {
    Kind.ORGANIZATIONS: (organizations.organizations_template, "Шаблон списка школ.xlsx"),
    Kind.PEOPLE: (people.people_template, "Шаблон списка сотрудников.xlsx"),
}


@role_required(*VIEWERS)
def import_template(request, kind):
    if kind not in TEMPLATES:
        raise Http404
    write, filename = TEMPLATES[kind]
    return FileResponse(io.BytesIO(write()), as_attachment=True, filename=filename)
