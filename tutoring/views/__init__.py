from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .. import documents, extensions, selectors, services
from ..access import OVERSIGHT_ROLES, REFERENCE_EDITORS, access_for, role_required
from ..filters import AuditFilter, OrganizationFilter, SubjectFilter
from ..forms import EmailChangeForm, SubjectForm
from ..forms_organizations import SchoolStatusForm
from ..health import broker_status, database_status
from ..models import AcademicYear, Document, Municipality, RoleKind, Subject
from ..once import once
from ..refusals import attempt

PAGE_SIZE = 50


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@dataclass
class OpenPage:
    """A page of a list too long to count on every view (the audit log, millions of rows):
    its rows and whether another page follows, read in one query of `per_page + 1` rows."""

    number: int
    object_list: list
    has_next: bool
    # Set by `paginate_counted`: the list has more rows than this, uncounted.
    more_than: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_open(request, queryset, per_page=PAGE_SIZE) -> OpenPage:
    """`paginate` without the COUNT of the whole list: «Назад» and «Дальше», no «из N»."""
    raw = request.GET.get("page", "")
    number = int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1
    rows = list(queryset[(number - 1) * per_page : number * per_page + 1])
    return OpenPage(number=number, object_list=rows[:per_page], has_next=len(rows) > per_page)


COUNTED_UP_TO = 1_000


def paginate_counted(request, queryset, per_page: int | None = None, *, up_to: int | None = None):
    """`paginate` with the rows counted only up to `up_to`: a list of up to that many shows
    its number and «из N» pages, a longer one «более N» and an open page («Назад»,
    «Дальше»). The people of a region are 40,000: counting them all, through their roles,
    took 49 ms on every view, ten times what a tenth of the region took, for a figure nobody
    reads at that size; a filtered list, the one whose number matters, stays exact."""
    up_to, per_page = up_to or COUNTED_UP_TO, per_page or PAGE_SIZE
    counted = queryset.order_by()[: up_to + 1].count()
    if counted > up_to:
        page = paginate_open(request, queryset, per_page)
        page.more_than = up_to
        return page
    paginator = Paginator(queryset, per_page)
    paginator.count = counted  # a cached_property: the rows are not counted again
    return paginator.get_page(request.GET.get("page"))


@login_required
def home(request):
    access = access_for(request.user)
    year = AcademicYear.objects.current()
    municipal = selectors.municipality_summaries(
        Municipality.objects.filter(pk__in=access.municipality_ids),
        year=year,
        with_status_schools=True,
    )
    regional = []
    if access.everywhere:
        regional = selectors.region_overview(access, year=year)
    summaries = {s.municipality.pk: s for s in municipal}
    own_statuses = selectors.statuses_by_organization(access.organization_ids, year=year)
    panels = extensions.home_panels(request.user, access)
    blocks = [
        {
            "role": role,
            "summary": summaries.get(role.municipality_id),
            "statuses": own_statuses.get(role.organization_id, []),
        }
        for role in selectors.user_roles(request.user)
    ]
    return render(
        request,
        "tutoring/home.html",
        {
            "blocks": blocks,
            "year": year,
            "regional": regional,
            "panels": panels,
            "waiting": any(panel.queue for panel in panels),
        },
    )


@role_required(*OVERSIGHT_ROLES, RoleKind.TUTOR, RoleKind.REGION_ADMIN)
def organization_list(request):
    access = access_for(request.user)
    year = AcademicYear.objects.current()
    filterset = OrganizationFilter(
        request.GET,
        queryset=selectors.organization_list(access, year=year),
        access=access,
        year=year,
    )
    return render(
        request,
        "tutoring/organization_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "year": year,
            "can_add": access.administered_municipalities().exists(),
        },
    )


@login_required
def organization_detail(request, pk):
    access = access_for(request.user)
    organization = get_object_or_404(selectors.organizations_visible(access), pk=pk)
    statuses = organization.statuses.select_related("academic_year").order_by(
        "-academic_year__start_year", "kind"
    )
    can_manage = access.manages_organizations_of(organization.municipality)
    return render(
        request,
        "tutoring/organization_detail.html",
        {
            "organization": organization,
            "statuses": statuses,
            "heads": organization.heads.all(),
            "head": organization.head_on(),
            "can_manage": can_manage,
            "status_form": SchoolStatusForm() if can_manage else None,
            "history": selectors.object_history(organization) if can_manage else [],
            "page": paginate(request, selectors.organization_people(organization)),
        },
    )


@role_required(*OVERSIGHT_ROLES)
def audit_list(request):
    access = access_for(request.user)
    filterset = AuditFilter(request.GET, queryset=selectors.audit_list(access))
    return render(
        request,
        "tutoring/audit_list.html",
        {"filter": filterset, "page": paginate_open(request, filterset.qs)},
    )


@login_required
def profile(request):
    return profile_page(request)


def profile_page(request, *, email_form=None):
    access = access_for(request.user)
    panels = extensions.profile_panels(request.user, access)
    return render(
        request,
        "tutoring/profile.html",
        {"access": access, "panels": panels, "email_form": email_form or EmailChangeForm()},
    )


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        # Keep the user signed in: changing the password rotates the session hash.
        update_session_auth_hash(request, request.user)
        messages.success(request, "Пароль изменён.")
        return redirect("profile")
    return render(request, "registration/password_change_form.html", {"form": form})


@require_GET
def favicon(request):
    """The icon under the name a browser asks for; the file has a hashed name in production."""
    return redirect(static("favicon.svg"), permanent=True)


@require_GET
@never_cache
def healthz(request):
    checks = {"database": database_status()}
    broker = broker_status()
    if broker is not None:
        checks["broker"] = broker
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks},
        status=200 if healthy else 503,
    )


def visible_document(request, pk) -> Document:
    """The document, if its kind's rule lets the user see it; 404 otherwise, so that nobody
    learns which documents exist elsewhere."""
    document = get_object_or_404(Document, pk=pk)
    if not documents.document_visible(access_for(request.user), document):
        raise Http404
    return document


@login_required
@require_GET
@never_cache
def document_status(request, pk):
    """The progress of a render, polled by htmx until the file is ready."""
    document = visible_document(request, pk)
    return render(request, "includes/document_status.html", {"document": document})


@login_required
@require_POST
def document_retry(request, pk):
    """«Повторить»: render again a document whose render failed or is held up. Whoever may see
    the document may ask: a render changes nothing but the file of a document not yet made."""
    document = documents.document_retry(actor=request.user, document=visible_document(request, pk))
    document.refresh_from_db()  # rendered already when tasks run in-process (the demo)
    if request.headers.get("HX-Request"):
        return render(request, "includes/document_status.html", {"document": document})
    messages.info(request, "Документ поставлен в очередь на формирование.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "home"
    return redirect(back)


@login_required
@require_GET
def document_download(request, pk):
    document = visible_document(request, pk)
    if not document.is_ready:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type="application/pdf",
    )


@role_required(*REFERENCE_EDITORS)
def subject_list(request):
    filterset = SubjectFilter(request.GET, queryset=selectors.subject_list())
    return render(
        request,
        "tutoring/subject_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


@role_required(*REFERENCE_EDITORS)
@once("Предмет уже добавлен.")
def subject_create(request):
    form = SubjectForm(request.POST or None, initial={"kind": Subject.Kind.SUBJECT})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.subject_create,
            form=form,
            success=lambda subject: f"Предмет «{subject.name}» добавлен.",
            **form.cleaned_data,
        )
        if done:
            return redirect("subject_list")
    return render(request, "tutoring/subject_form.html", {"form": form})


@role_required(*REFERENCE_EDITORS)
def subject_update(request, pk):
    subject = get_object_or_404(Subject, pk=pk)
    form = SubjectForm(request.POST or None, initial={"name": subject.name, "kind": subject.kind})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.subject_update,
            form=form,
            success="Предмет сохранён.",
            subject=subject,
            **form.cleaned_data,
        )
        if done:
            return redirect("subject_list")
    return render(
        request,
        "tutoring/subject_form.html",
        {"form": form, "subject": subject, "history": selectors.object_history(subject)},
    )


@require_POST
@role_required(*REFERENCE_EDITORS)
def subject_retire(request, pk):
    subject = get_object_or_404(Subject, pk=pk)
    attempt(
        request,
        services.subject_retire,
        success=f"Предмет «{subject.name}» выведен из употребления: он остаётся в прежних "
        "записях, но больше не предлагается для выбора.",
        subject=subject,
    )
    return redirect("subject_list")


@require_POST
@role_required(*REFERENCE_EDITORS)
def subject_restore(request, pk):
    subject = get_object_or_404(Subject, pk=pk)
    attempt(
        request,
        services.subject_restore,
        success=f"Предмет «{subject.name}» снова предлагается для выбора.",
        subject=subject,
    )
    return redirect("subject_list")
