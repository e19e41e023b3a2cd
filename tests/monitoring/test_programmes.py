"""A school's programmes: an antirisk programme for a direction its agreed profile rates high,
measures tied to the tutors' work, indicators, agreement, approval, print and revision."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Session, SessionSeries
from monitoring.models import DomainError, Indicator, Measure, RiskLevel, SchoolProgramme
from monitoring.profiles import services as profiles
from monitoring.programmes import selectors, services
from tests.consultations.factories import OwnSessionFactory
from tests.pdftext import one_line, pages_of
from tutoring.models import Document, OrganizationHead
from tutoring.tasks import render_document

from .test_risk_profiles import LEARNING, drafted, programme_world, rate_all

Kind = SchoolProgramme.Kind
Status = SchoolProgramme.Status


@pytest.fixture
def world(db):
    return programme_world()


@pytest.fixture
def profile(world):
    return drafted(world)


def agree(world, profile):
    rate_all(world, profile, **{LEARNING: (RiskLevel.HIGH, "Доля «2» выше муниципальной.")})
    profiles.risk_profile_submit(actor=world.school_admin, profile=profile)
    return profiles.risk_profile_agree(actor=world.curator, profile=profile)


def antirisk_of(world, direction):
    return services.programme_create(
        actor=world.school_admin,
        organization=world.school,
        academic_year=world.year,
        kind=Kind.ANTIRISK,
        direction=direction,
    )


@pytest.fixture
def agreed(world, profile):
    return agree(world, profile)


@pytest.fixture
def direction(agreed):
    return agreed.ratings.get(direction__name=LEARNING).direction


@pytest.fixture
def antirisk(world, direction):
    return antirisk_of(world, direction)


def in_year(world, month, day):
    start = world.year.start_year
    return datetime.date(start if month >= 9 else start + 1, month, day)


def measure(world, programme, **fields):
    values = {
        "title": "Серия занятий по решению текстовых задач",
        "starts_on": in_year(world, 10, 1),
        "ends_on": in_year(world, 12, 25),
        "responsible": "Заместитель директора по УВР",
        "expected_result": "учителя применяют приёмы",
    }
    return services.measure_add(actor=world.school_admin, programme=programme, **(values | fields))


def indicator(world, programme, **fields):
    values = {
        "title": "Доля «2» по математике в 5 классе",
        "source": Indicator.Source.MANUAL,
        "subject": None,
        "grade": None,
        "baseline": Decimal("40.0"),
        "target": Decimal("25.0"),
        "value": None,
        "evidence": "",
    }
    return services.indicator_add(
        actor=world.school_admin, programme=programme, **(values | fields)
    )


def ready(world, programme):
    services.programme_update(
        actor=world.school_admin,
        programme=programme,
        goal="Снизить долю обучающихся с рисками учебной неуспешности.",
        tasks="Выявить пробелы\nОрганизовать занятия",
        text="",
    )
    measure(world, programme)
    indicator(world, programme)
    return programme


def approved(world, programme):
    ready(world, programme)
    OrganizationHead.objects.create(
        organization=world.school,
        position="Директор МОБУ СОШ № 10",
        name="Н. В. Гринько",
        since=datetime.date(2019, 9, 1),
    )
    services.programme_submit(actor=world.school_admin, programme=programme)
    services.programme_agree(actor=world.methodist, programme=programme)
    return services.programme_approve(actor=world.school_admin, programme=programme)


# Creation.


def test_it_writes_an_antirisk_programme_for_a_direction_rated_high(antirisk, direction):
    assert (antirisk.kind, antirisk.direction, antirisk.status) == (
        Kind.ANTIRISK,
        direction,
        Status.DRAFT,
    )


def test_it_refuses_an_antirisk_programme_for_a_low_direction(world, agreed):
    low = agreed.ratings.exclude(direction__name=LEARNING).first().direction
    with pytest.raises(DomainError, match="высокий или средний риск"):
        services.programme_create(
            actor=world.school_admin,
            organization=world.school,
            academic_year=world.year,
            kind=Kind.ANTIRISK,
            direction=low,
        )
    assert not SchoolProgramme.objects.exists()


def test_it_refuses_an_antirisk_programme_before_the_profile_is_agreed(world, profile):
    rate_all(world, profile, **{LEARNING: (RiskLevel.HIGH, "Да.")})
    high = profile.ratings.get(direction__name=LEARNING).direction
    with pytest.raises(DomainError, match="согласованный рисковый профиль"):
        services.programme_create(
            actor=world.school_admin,
            organization=world.school,
            academic_year=world.year,
            kind=Kind.ANTIRISK,
            direction=high,
        )


def test_it_makes_one_programme_of_a_kind_a_year(world, antirisk, direction):
    with pytest.raises(DomainError, match="уже есть"):
        services.programme_create(
            actor=world.school_admin,
            organization=world.school,
            academic_year=world.year,
            kind=Kind.ANTIRISK,
            direction=direction,
        )


def test_the_concept_needs_no_profile(world):
    concept = services.programme_create(
        actor=world.school_admin,
        organization=world.school,
        academic_year=world.year,
        kind=Kind.CONCEPT,
    )
    assert concept.direction is None


# Measures and indicators: every problem at once, nothing saved.


def test_a_measure_without_owner_and_with_dates_outside_the_year_is_refused(world, antirisk):
    with pytest.raises(DomainError) as refused:
        measure(
            world,
            antirisk,
            responsible=" ",
            starts_on=datetime.date(world.year.start_year, 5, 1),
            ends_on=datetime.date(world.year.start_year + 2, 1, 1),
        )
    problems = refused.value.problems
    assert problems["responsible"] == "Укажите ответственного: кто отвечает за мероприятие."
    assert problems["starts_on"].startswith("Дата начала вне срока программы (01.09.")
    assert problems["ends_on"].startswith("Срок вне срока программы")
    assert not Measure.objects.exists()


def test_the_form_shows_each_problem_at_its_field(client, world, antirisk):
    client.force_login(world.school_admin)
    url = reverse("monitoring:measure_create", args=[antirisk.pk])
    page = client.post(url, {"title": "", "starts_on": "", "ends_on": "", "responsible": ""})
    text = page.content.decode()
    assert page.status_code == 200
    for message in (
        "Напишите, что будет сделано.",
        "Укажите ответственного",
        "Укажите дату начала.",
        "Укажите срок выполнения.",
    ):
        assert message in text
    assert not Measure.objects.exists()


def test_a_measure_is_tied_to_a_series_of_the_school(world, antirisk):
    first = OwnSessionFactory(
        municipality=world.municipality, organization=world.school, tutor=world.tutor
    )
    series = SessionSeries.objects.create(
        municipality=world.municipality, tutor=world.tutor, count=1
    )
    Session.objects.filter(pk=first.pk).update(series=series)
    tied = measure(world, antirisk, series=series)
    row = selectors.measure_rows(antirisk)[0]
    assert tied.series == series
    assert row.tie.startswith("Серия из 1 занятия") and row.note == "проведено 0 из 1"


def test_a_measure_cannot_be_tied_to_another_schools_session(world, antirisk):
    other = OwnSessionFactory(
        municipality=world.municipality, organization=world.other_school, tutor=world.tutor
    )
    with pytest.raises(DomainError) as refused:
        measure(world, antirisk, session=other)
    assert refused.value.problems == {"session": "Это не относится к школе программы."}


def test_a_measure_tied_to_a_held_session_is_done_by_itself(world, antirisk):
    held = OwnSessionFactory(
        municipality=world.municipality,
        organization=world.school,
        tutor=world.tutor,
        status=Session.Status.HELD,
        starts_at=datetime.datetime(world.year.start_year, 10, 15, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(world.year.start_year, 10, 15, 11, tzinfo=datetime.UTC),
    )
    measure(world, antirisk, session=held)
    row = selectors.measure_rows(antirisk)[0]
    assert (row.state, row.done_on) == ("done", datetime.date(world.year.start_year, 10, 15))


def test_a_measure_past_its_deadline_is_late(world, antirisk):
    measure(world, antirisk, starts_on=in_year(world, 9, 1), ends_on=in_year(world, 9, 30))
    today = in_year(world, 10, 5)
    assert selectors.measure_rows(antirisk, today)[0].state == "late"


def test_an_indicator_without_a_baseline_is_refused(world, antirisk):
    with pytest.raises(DomainError) as refused:
        indicator(world, antirisk, baseline=None, target=None)
    assert refused.value.problems["baseline"] == (
        "Укажите базовое значение: с чего программа начинает."
    )
    assert "target" in refused.value.problems
    assert not Indicator.objects.exists()


def test_a_computed_indicator_without_data_needs_a_baseline(world, antirisk):
    with pytest.raises(DomainError) as refused:
        indicator(
            world,
            antirisk,
            source=Indicator.Source.VPR_TWOS,
            subject=world.subject,
            grade=5,
            baseline=None,
        )
    assert "У портала нет данных" in refused.value.problems["baseline"]


def test_a_vpr_indicator_needs_its_work(world, antirisk):
    with pytest.raises(DomainError) as refused:
        indicator(world, antirisk, source=Indicator.Source.VPR_TWOS)
    assert set(refused.value.problems) == {"subject", "grade"}


# Moves.


def test_a_programme_without_measures_is_not_sent(world, antirisk):
    with pytest.raises(DomainError) as refused:
        services.programme_submit(actor=world.school_admin, programme=antirisk)
    assert refused.value.message == (
        "Программа не отправлена: не указана цель; нет ни одного мероприятия; нет ни одного "
        "показателя."
    )
    antirisk.refresh_from_db()
    assert antirisk.status == Status.DRAFT


def test_the_methodist_agrees_and_the_head_approves_it_frozen(world, antirisk):
    programme = approved(world, antirisk)
    assert programme.status == Status.APPROVED
    assert programme.snapshot["head"] == {
        "position": "Директор МОБУ СОШ № 10",
        "name": "Н. В. Гринько",
    }
    assert programme.snapshot["measures"][0]["responsible"] == "Заместитель директора по УВР"
    with pytest.raises(DomainError, match="утверждена и больше не меняется"):
        measure(world, programme)
    assert Document.objects.filter(kind=services.DOCUMENT, object_id=str(programme.pk)).exists()


def test_the_curator_cannot_agree_a_programme(world, antirisk):
    ready(world, antirisk)
    services.programme_submit(actor=world.school_admin, programme=antirisk)
    with pytest.raises(DomainError, match="методист муниципалитета"):
        services.programme_agree(actor=world.curator, programme=antirisk)


def test_it_is_not_approved_without_the_schools_head(world, antirisk):
    ready(world, antirisk)
    services.programme_submit(actor=world.school_admin, programme=antirisk)
    services.programme_agree(actor=world.methodist, programme=antirisk)
    with pytest.raises(DomainError, match="Не указан руководитель школы"):
        services.programme_approve(actor=world.school_admin, programme=antirisk)
    antirisk.refresh_from_db()
    assert antirisk.status == Status.AGREED


def test_the_print_reads_as_the_approved_programme(world, antirisk):
    programme = approved(world, antirisk)
    document = Document.objects.get(kind=services.DOCUMENT, object_id=str(programme.pk))
    render_document(document.pk)
    document.refresh_from_db()
    assert document.is_ready, document.error
    text = one_line(pages_of(document))
    # The two grifs stand side by side: their lines interleave in the extracted text.
    assert "СОГЛАСОВАНО УТВЕРЖДАЮ Методист муниципалитета Директор МОБУ СОШ" in text
    assert "Н. В. Гринько" in text
    assert "АНТИРИСКОВАЯ ПРОГРАММА" in text
    assert f"по направлению «{LEARNING}»" in text
    assert "СОГЛАСОВАНО" in text
    # The measure's cell wraps beside the others: its first words stay together.
    assert "1 Серия занятий по 01.10." in text and "Заместитель учителя" in text


def test_a_revision_copies_the_programme_and_replaces_it_once_approved(world, antirisk):
    first = approved(world, antirisk)
    revision = services.programme_revise(actor=world.school_admin, programme=first)
    assert (revision.version, revision.status, revision.previous) == (2, Status.DRAFT, first)
    assert revision.measures.count() == 1 and revision.indicators.count() == 1
    services.programme_submit(actor=world.school_admin, programme=revision)
    services.programme_agree(actor=world.methodist, programme=revision)
    services.programme_approve(actor=world.school_admin, programme=revision)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED


def test_the_school_marks_a_measure_done_in_an_approved_programme(world, antirisk):
    programme = approved(world, antirisk)
    done = programme.measures.get()
    services.measure_mark_done(
        actor=world.school_admin, measure=done, done_on=in_year(world, 11, 1)
    )
    assert selectors.measure_rows(programme)[0].state == "done"


# Pages and access.


@pytest.mark.parametrize(
    "role, expected",
    [
        ("school_admin", 200),
        ("curator", 200),
        ("methodist", 200),
        ("director", 200),
        ("regional", 200),
        ("other_school_admin", 404),
        ("tutor", 404),
        ("teacher", 404),
    ],
)
def test_who_reads_a_programme(client, world, antirisk, role, expected):
    client.force_login(getattr(world, role))
    assert client.get(antirisk.get_absolute_url()).status_code == expected


def test_only_the_school_edits_it(client, world, antirisk):
    for role in ("curator", "methodist", "regional"):
        client.force_login(getattr(world, role))
        assert (
            client.get(reverse("monitoring:programme_update", args=[antirisk.pk])).status_code
            == 403
        )
        assert (
            client.post(reverse("monitoring:measure_create", args=[antirisk.pk]), {}).status_code
            == 403
        )
    assert not Measure.objects.exists()


def test_the_school_page_offers_the_antirisk_programme_of_its_high_direction(client, world, agreed):
    client.force_login(world.school_admin)
    page = client.get(
        reverse("monitoring:programme_list", args=[world.school.pk, world.year.pk])
    ).content.decode()
    assert f"Антирисковая программа «{LEARNING}»" in page
    assert "Концепция развития" in page


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_programme_page_keeps_its_queries(client, world, antirisk):
    ready(world, antirisk)
    client.force_login(world.methodist)
    few = queries(client, antirisk.get_absolute_url())
    for n in range(4):
        measure(world, antirisk, title=f"Мероприятие {n}")
        indicator(world, antirisk, title=f"Показатель {n}")
    assert queries(client, antirisk.get_absolute_url()) == few
