from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import AcademicYear, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import exports, selectors
from ..filters import DirectoryFilter
from ..forms.rosters import RosterCreateForm, RosterEntryForm
from ..models import RosterEntry
from ..services import rosters as services

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


@role_required(*READERS)
def roster_list(request):
    access = access_for(request.user)
    rosters = selectors.rosters_for(access).order_by(
        "municipality__name", "-academic_year__start_year", "-revision"
    )
    return render(
        request,
        "community/rosters/list.html",
        {
            "page": paginate(request, rosters),
            "can_create": access.has(RoleKind.METHODIST),
            "year_starts": methodist_municipalities(access),
        },
    )


def methodist_municipalities(access) -> list:
    """The municipalities whose new academic year the user may start."""
    found = {r.municipality for r in access.roles_of(RoleKind.METHODIST) if r.municipality_id}
    return sorted(found, key=lambda m: m.name)


@role_required(RoleKind.METHODIST)
@once("Состав уже заведён: вот он.")
def roster_create(request):
    access = access_for(request.user)
    municipality = access.roles_of(RoleKind.METHODIST)[0].municipality
    form = RosterCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.roster_create,
            form=form,
            municipality=municipality,
            academic_year=form.cleaned_data["academic_year"],
            success=lambda roster: f"{roster} заведён как черновик.",
        )
        if done:
            return redirect(done.value)
    return render(request, "community/rosters/create.html", {"form": form})


@role_required(*READERS)
def roster_detail(request, pk):
    access = access_for(request.user)
    roster = get_object_or_404(selectors.rosters_for(access), pk=pk)
    is_methodist = access.holds(RoleKind.METHODIST, municipality=roster.municipality_id)
    moves = services.ROSTER.available(access, roster)
    return render(
        request,
        "community/rosters/detail.html",
        {
            "roster": roster,
            "page": paginate(request, selectors.roster_entries(roster), per_page=100),
            "can_edit": is_methodist and roster.is_draft,
            "moves": moves,
            "can_revise": services.roster_may_revise(access, roster),
            "orders": selectors.roster_orders(roster),
            "history": object_history(roster),
        },
    )


def _editable_roster(request, pk):
    access = access_for(request.user)
    roster = get_object_or_404(selectors.rosters_for(access), pk=pk)
    require(access.holds(RoleKind.METHODIST, municipality=roster.municipality_id))
    return roster


@role_required(RoleKind.METHODIST)
@once("Запись уже добавлена в состав.")
def entry_create(request, pk):
    roster = _editable_roster(request, pk)
    form = RosterEntryForm(request.POST or None, municipality=roster.municipality)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.entry_add,
            form=form,
            roster=roster,
            success=lambda entry: f"{entry.person.short_name} добавлен(а) в состав.",
            **form.cleaned_data,
        )
        if done:
            return redirect(roster)
    return render(request, "community/rosters/entry_form.html", {"form": form, "roster": roster})


def _editable_entry(request, pk):
    access = access_for(request.user)
    rosters = selectors.rosters_for(access)
    entry = get_object_or_404(
        RosterEntry.objects.select_related("roster", "person"), pk=pk, roster__in=rosters
    )
    require(access.holds(RoleKind.METHODIST, municipality=entry.roster.municipality_id))
    return entry


@role_required(RoleKind.METHODIST)
def entry_update(request, pk):
    entry = _editable_entry(request, pk)
    form = RosterEntryForm(
        request.POST or None, instance=entry, municipality=entry.roster.municipality
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.ENTRY_FIELDS}
        done = attempt(
            request,
            services.entry_update,
            form=form,
            entry=entry,
            subjects=form.cleaned_data["subjects"],
            success="Запись состава изменена.",
            **data,
        )
        if done:
            return redirect(entry.roster)
    return render(
        request,
        "community/rosters/entry_form.html",
        {"form": form, "roster": entry.roster, "entry": entry},
    )


@require_POST
@role_required(RoleKind.METHODIST)
def entry_delete(request, pk):
    entry = _editable_entry(request, pk)
    attempt(
        request,
        services.entry_remove,
        entry=entry,
        success=f"{entry.person.short_name} исключён(а) из состава.",
    )
    return redirect(entry.roster)


@require_POST
@role_required(RoleKind.METHODIST)
def roster_ready(request, pk):
    roster = _editable_roster(request, pk)
    attempt(
        request,
        services.roster_mark_ready,
        success="Состав отмечен «готов к приказу». Включите его в приказ: подписанный приказ "
        "утвердит состав.",
        roster=roster,
    )
    return redirect(roster)


@require_POST
@role_required(RoleKind.METHODIST)
def roster_unready(request, pk):
    roster = _editable_roster(request, pk)
    attempt(
        request,
        services.roster_mark_draft,
        success="Состав возвращён в черновик: его снова можно изменять.",
        roster=roster,
    )
    return redirect(roster)


@require_POST
@role_required(RoleKind.METHODIST)
@once("Новая редакция уже открыта: вот она.")
def roster_revise(request, pk):
    roster = _editable_roster(request, pk)
    done = attempt(
        request,
        services.roster_revise,
        roster=roster,
        success=lambda revision: (
            f"Открыта редакция {revision.revision}. Когда она будет готова, отметьте её «готов к "
            "приказу» и включите в изменяющий приказ: его подпись утвердит редакцию."
        ),
    )
    return redirect(done.value if done else roster)


def _directory(request):
    access = access_for(request.user)
    require(bool(access.roles))
    years = AcademicYear.objects.all()
    year = years.named(request.GET.get("year")) or years.current()
    entries = selectors.directory_entries(access, year=year)
    return DirectoryFilter(request.GET, queryset=entries), year, years


@role_required(*RoleKind.values)
def directory(request):
    filterset, year, years = _directory(request)
    return render(
        request,
        "community/rosters/directory.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "year": year,
            "years": years,
        },
    )


@role_required(*RoleKind.values)
def directory_export(request):
    filterset, year, _ = _directory(request)
    content = exports.directory_xlsx(filterset.qs, year=year)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tutors-{year}.xlsx"'.replace("/", "-")
    return response
