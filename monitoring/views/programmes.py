"""A school's programmes of a year: the concept, the medium-term programme and the antirisk
programmes, their measures and indicators, agreement, approval and print."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require
from tutoring.documents import document_visible
from tutoring.models import AcademicYear, Document, RiskDirection, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history

from ..models import Indicator, Measure, RiskLevel, RiskProfile, SchoolProgramme
from ..profiles import selectors as profile_selectors
from ..profiles.forms import ReturnForm
from ..programmes import documents as programme_documents
from ..programmes import selectors, services
from ..programmes.forms import (
    IndicatorForm,
    IndicatorValueForm,
    MeasureDoneForm,
    MeasureForm,
    ProgrammeTextForm,
)

Kind = SchoolProgramme.Kind


@login_required
def programme_list(request, school, year):
    """The programmes of a school for a year, with what the school may start next."""
    access = access_for(request.user)
    require(profile_selectors.reads_profiles(access))
    academic_year = get_object_or_404(AcademicYear, pk=year)
    organization = get_object_or_404(
        profile_selectors.programme_schools(access, academic_year), pk=school
    )
    programmes = list(
        selectors.programmes_for(access)
        .filter(organization=organization, academic_year=academic_year)
        .order_by("kind", "direction__position", "version")
    )
    progress = selectors.progress_for(programmes)
    profile = RiskProfile.objects.filter(
        organization=organization, academic_year=academic_year
    ).first()
    # A year that is over gets no new programmes; its own stay to be read.
    drafts = access.holds(RoleKind.SCHOOL, organization=organization.pk) and (
        academic_year.ends_on >= timezone.localdate()
    )
    return render(
        request,
        "monitoring/programmes/list.html",
        {
            "school": organization,
            "year": academic_year,
            "rows": [(programme, progress[programme.pk]) for programme in programmes],
            "profile": profile,
            "startable": _startable(programmes, profile) if drafts else [],
            "waits_for_profile": drafts
            and (profile is None or profile.status != RiskProfile.Status.AGREED),
        },
    )


def _startable(programmes, profile) -> list[tuple[str, RiskDirection | None, str]]:
    """The documents the school has not started yet: (kind, direction, label)."""
    have = {(p.kind, p.direction_id) for p in programmes}
    found = [
        (kind, None, label)
        for kind, label in (
            (Kind.CONCEPT, "Концепция развития"),
            (Kind.MEDIUM_TERM, "Среднесрочная программа развития"),
        )
        if (kind, None) not in have
    ]
    if profile is not None and profile.status == RiskProfile.Status.AGREED:
        for rating in profile.ratings.select_related("direction").order_by("direction__position"):
            if (
                rating.level in (RiskLevel.HIGH, RiskLevel.MEDIUM)
                and (
                    Kind.ANTIRISK,
                    rating.direction_id,
                )
                not in have
            ):
                found.append(
                    (
                        Kind.ANTIRISK,
                        rating.direction,
                        f"Антирисковая программа «{rating.direction}»",
                    )
                )
    return found


@login_required
@require_POST
@once("Программа уже создана: вот она.")
def programme_create(request):
    access = access_for(request.user)
    organization, _for_self = access.filer()
    require(
        organization is not None and access.holds(RoleKind.SCHOOL, organization=organization.pk)
    )
    year = AcademicYear.objects.named(request.POST.get("year"))
    kind = request.POST.get("kind")
    require(year is not None and kind in Kind.values)
    direction = RiskDirection.objects.filter(pk=request.POST.get("direction") or None).first()
    done = attempt(
        request,
        services.programme_create,
        success="Программа создана: заполните цель, задачи, мероприятия и показатели.",
        organization=organization,
        academic_year=year,
        kind=kind,
        direction=direction,
    )
    if done:
        return redirect(done.value)
    return redirect("monitoring:programme_list", organization.pk, year.pk)


def _programme(request, pk) -> SchoolProgramme:
    programmes = selectors.programmes_for(access_for(request.user)).select_related("agreed_by")
    return get_object_or_404(programmes, pk=pk)


@login_required
def programme_detail(request, pk):
    access = access_for(request.user)
    programme = _programme(request, pk)
    document = Document.objects.filter(kind=services.DOCUMENT, object_id=str(programme.pk)).first()
    drafts = services.drafts(access, programme)
    return render(
        request,
        "monitoring/programmes/detail.html",
        {
            "programme": programme,
            "sections": programme_documents.sections(programme.text),
            "tasks": [line.strip() for line in programme.tasks.splitlines() if line.strip()],
            "measures": selectors.measure_rows(programme),
            "indicators": selectors.indicator_rows(programme),
            "can_edit": drafts and programme.status in services.EDITABLE,
            "marks": drafts and programme.status != SchoolProgramme.Status.SUPERSEDED,
            "can_revise": drafts
            and programme.status == SchoolProgramme.Status.APPROVED
            and not SchoolProgramme.objects.filter(previous=programme).exists(),
            "moves": services.PROGRAMME.available(access, programme),
            "return_form": ReturnForm(),
            "document": document if document and document_visible(access, document) else None,
            "newer": SchoolProgramme.objects.filter(previous=programme).first(),
            "history": object_history(programme),
        },
    )


def _own(request, pk) -> SchoolProgramme:
    programme = _programme(request, pk)
    require(services.drafts(access_for(request.user), programme))
    return programme


def _editable_or_message(request, programme) -> bool:
    if programme.status in services.EDITABLE:
        return True
    messages.error(request, services.locked_message(programme))
    return False


@login_required
def programme_update(request, pk):
    programme = _own(request, pk)
    if not _editable_or_message(request, programme):
        return redirect(programme)
    form = ProgrammeTextForm(
        request.POST or None,
        initial={"goal": programme.goal, "tasks": programme.tasks, "text": programme.text},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.programme_update,
            form=form,
            success="Программа сохранена.",
            programme=programme,
            **form.cleaned_data,
        )
        if done:
            return redirect(programme)
    return render(
        request, "monitoring/programmes/text_form.html", {"programme": programme, "form": form}
    )


@dataclass(frozen=True)
class Part:
    """A measure or an indicator: the rows a programme is written in, edited the same way."""

    model: type
    name: str
    fields: tuple[str, ...]
    form: Callable
    add: Callable
    update: Callable
    remove: Callable
    initial: dict
    added: str
    saved: str
    removed: str


MEASURES = Part(
    Measure,
    "measure",
    (*services.MEASURE_FIELDS, *services.TIES),
    lambda data, programme, initial: MeasureForm(data, programme=programme, initial=initial),
    services.measure_add,
    services.measure_update,
    services.measure_remove,
    {},
    "Мероприятие добавлено.",
    "Мероприятие сохранено.",
    "Мероприятие удалено.",
)
INDICATORS = Part(
    Indicator,
    "indicator",
    services.INDICATOR_FIELDS,
    lambda data, programme, initial: IndicatorForm(data, initial=initial),
    services.indicator_add,
    services.indicator_update,
    services.indicator_remove,
    {"source": Indicator.Source.VPR_TWOS},
    "Показатель добавлен.",
    "Показатель сохранён.",
    "Показатель удалён.",
)


def _row(request, part: Part, pk):
    """A measure or an indicator of a programme the user's school drafts."""
    access = access_for(request.user)
    rows = part.model.objects.filter(programme__in=selectors.programmes_for(access))
    row = get_object_or_404(rows.select_related("programme"), pk=pk)
    require(services.drafts(access, row.programme))
    return row


def _row_form(request, part: Part, programme, row=None):
    initial = part.initial
    if row is not None:
        initial = {name: getattr(row, name) for name in part.fields}
    form = part.form(request.POST or None, programme, initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            part.update if row else part.add,
            form=form,
            success=part.saved if row else part.added,
            **({part.name: row} if row else {"programme": programme}),
            **form.cleaned_data,
        )
        if done:
            return redirect(programme)
    return render(
        request,
        f"monitoring/programmes/{part.name}_form.html",
        {"programme": programme, "form": form, part.name: row},
    )


def _create(request, pk, part: Part):
    programme = _own(request, pk)
    if not _editable_or_message(request, programme):
        return redirect(programme)
    return _row_form(request, part, programme)


def _update(request, pk, part: Part):
    row = _row(request, part, pk)
    if not _editable_or_message(request, row.programme):
        return redirect(row.programme)
    return _row_form(request, part, row.programme, row)


def _delete(request, pk, part: Part):
    row = _row(request, part, pk)
    attempt(request, part.remove, success=part.removed, **{part.name: row})
    return redirect(row.programme)


@login_required
@once("Мероприятие уже добавлено.")
def measure_create(request, pk):
    return _create(request, pk, MEASURES)


@login_required
def measure_update(request, pk):
    return _update(request, pk, MEASURES)


@login_required
@require_POST
def measure_delete(request, pk):
    return _delete(request, pk, MEASURES)


@login_required
@require_POST
def measure_done(request, pk):
    measure = _row(request, MEASURES, pk)
    form = MeasureDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите дату выполнения в виде дд.мм.гггг.")
        return redirect(measure.programme)
    done_on = form.cleaned_data["done_on"]
    attempt(
        request,
        services.measure_mark_done,
        success="Выполнение отмечено." if done_on else "Отметка о выполнении снята.",
        measure=measure,
        done_on=done_on,
    )
    return redirect(measure.programme)


@login_required
@once("Показатель уже добавлен.")
def indicator_create(request, pk):
    return _create(request, pk, INDICATORS)


@login_required
def indicator_update(request, pk):
    return _update(request, pk, INDICATORS)


@login_required
@require_POST
def indicator_delete(request, pk):
    return _delete(request, pk, INDICATORS)


@login_required
def indicator_value(request, pk):
    indicator = _row(request, INDICATORS, pk)
    form = IndicatorValueForm(
        request.POST or None, initial={"value": indicator.value, "evidence": indicator.evidence}
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.indicator_value_set,
            form=form,
            success="Значение показателя внесено.",
            indicator=indicator,
            **form.cleaned_data,
        )
        if done:
            return redirect(indicator.programme)
    return render(
        request,
        "monitoring/programmes/indicator_value_form.html",
        {"programme": indicator.programme, "indicator": indicator, "form": form},
    )


def _move(request, pk, service, success, **kwargs):
    programme = _programme(request, pk)
    done = attempt(request, service, success=success, programme=programme, **kwargs)
    return redirect(done.value if done and done.value else programme)


@login_required
@require_POST
def programme_submit(request, pk):
    return _move(
        request, pk, services.programme_submit, "Программа отправлена методисту на согласование."
    )


@login_required
@require_POST
def programme_agree(request, pk):
    return _move(
        request,
        pk,
        services.programme_agree,
        "Программа согласована. Школа может её утвердить.",
    )


@login_required
@require_POST
def programme_return(request, pk):
    form = ReturnForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _move(
        request,
        pk,
        services.programme_return,
        "Программа возвращена школе на доработку с вашими замечаниями.",
        comment=comment,
    )


@login_required
@require_POST
def programme_approve(request, pk):
    return _move(
        request,
        pk,
        services.programme_approve,
        "Программа утверждена. Её печатная форма готовится и больше не изменится.",
    )


@login_required
@require_POST
@once("Новая редакция уже составляется: вот она.")
def programme_revise(request, pk):
    return _move(
        request,
        pk,
        services.programme_revise,
        "Составлена новая редакция: измените её и отправьте на согласование. Утверждённая "
        "редакция действует, пока новая не утверждена.",
    )
