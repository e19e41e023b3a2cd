"""ГИА and diagnostic works, loaded as ВПР is: checked, previewed, confirmed, loaded in one
transaction; rejected whole with every problem; the same file twice changes nothing; a
corrected file replaces that school's data for that work. And the pages, the command, the
minimum scores and the demo."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from monitoring import demo as monitoring_demo
from monitoring import gia, services
from monitoring.gia import Layout
from monitoring.models import (
    Assessment,
    AssessmentTask,
    ImportBatch,
    MinimumScore,
    Participant,
    ResultSet,
    TaskScore,
)
from tests.tutoring.factories import SubjectFactory
from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import AuditEntry, Organization, Subject

from . import f1files, giafiles
from .factories import make_world, post_upload, upload
from .giafiles import GIA_FIRST_ROW, GiaRow

Status = ImportBatch.Status


@pytest.fixture
def world(db):
    world = make_world()
    SubjectFactory(name="Русский язык")
    return world


def check(world, data: bytes, *, layout=Layout.GIA, actor=None, school=None) -> ImportBatch:
    return services.batch_check(
        actor=actor or world.methodist,
        municipality=world.municipality,
        uploaded=upload(data, "ГИА.xlsx"),
        only_school=school,
        layout=layout,
    )


def load(world, data: bytes, **kw) -> ImportBatch:
    batch = check(world, data, **kw)
    assert batch.status == Status.READY, batch.errors
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    services.batch_load(batch.pk)
    batch.refresh_from_db()
    return batch


def schools_gia(seed: int = 0, login: str = "edu230123") -> list[GiaRow]:
    """A school's whole ГИА: ОГЭ in two subjects and ЕГЭ in Russian."""
    return [
        *giafiles.oge_rows(12, seed=seed, login=login),
        *giafiles.oge_rows(10, seed=seed + 1, subject="Русский язык", login=login),
        *giafiles.ege_rows(8, seed=seed + 2, login=login),
    ]


def test_it_loads_a_schools_whole_gia_as_one_work_per_exam_and_subject(world):
    batch = load(world, giafiles.gia_file(schools_gia()))

    assert batch.status == Status.LOADED
    works = {(a.kind, a.subject.name, a.grade, a.title) for a in Assessment.objects.all()}
    assert works == {
        ("oge", "Математика", 9, ""),
        ("oge", "Русский язык", 9, ""),
        ("ege", "Русский язык", 11, ""),
    }
    counts = dict(ResultSet.objects.values_list("assessment__subject__name", "participants"))
    assert sorted(ResultSet.objects.values_list("participants", flat=True)) == [8, 10, 12]
    assert counts["Математика"] == 12
    assert not AssessmentTask.objects.exists() and not TaskScore.objects.exists()


def test_ege_is_stored_with_its_test_score_and_no_mark_oge_with_its_mark(world):
    rows = schools_gia()
    load(world, giafiles.gia_file(rows))

    ege = next(r for r in rows if r.exam == "ЕГЭ")
    stored = Participant.objects.get(code=ege.code, result_set__assessment__kind="ege")
    assert (stored.primary_score, stored.test_score, stored.mark) == (
        ege.primary,
        ege.test_score,
        None,
    )
    oge = rows[0]
    stored = Participant.objects.get(code=oge.code, result_set__assessment__kind="oge")
    assert (stored.primary_score, stored.test_score, stored.mark, stored.class_name) == (
        oge.primary,
        None,
        oge.mark,
        oge.class_name,
    )


def test_the_preview_names_each_work_its_schools_and_participants(world):
    rows = [*schools_gia(), *giafiles.oge_rows(5, seed=9, login="edu230120")]
    batch = check(world, giafiles.gia_file(rows))

    summary = batch.summary
    assert summary["participants"] == 35
    labels = [w["label"] for w in summary["works"]]
    assert labels == [
        "ОГЭ 2025, Математика, 9 класс",
        "ОГЭ 2025, Русский язык, 9 класс",
        "ЕГЭ 2025, Русский язык, 11 класс",
    ]
    math = summary["works"][0]
    assert [(s["name"], s["participants"], s["change"]) for s in math["schools"]] == [
        ("МОБУ СОШ № 10", 12, "new"),
        ("МОБУ СОШ № 20", 5, "new"),
    ]
    assert batch.kind == "oge"


def test_a_rejected_file_lists_its_problems_and_saves_nothing(world):
    rows = schools_gia()
    rows[2].mark = 7
    rows[-1].mark = 4
    batch = check(world, giafiles.gia_file(rows))

    assert batch.status == Status.REJECTED
    assert {(e["row"], e["column"]) for e in batch.errors} == {
        (GIA_FIRST_ROW + 2, "Отметка"),
        (GIA_FIRST_ROW + len(rows) - 1, "Отметка"),
    }
    assert not batch.staging
    assert not Assessment.objects.exists()
    assert not Participant.objects.exists()


def test_an_unknown_subject_or_school_is_rejected_at_its_row(world):
    rows = [
        GiaRow(code="1"),
        GiaRow(code="2", subject="Астрономия"),
        GiaRow(code="3", login="edu000777"),
    ]

    batch = check(world, giafiles.gia_file(rows))

    assert batch.status == Status.REJECTED
    found = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "Астрономия" in found[(GIA_FIRST_ROW + 1, "Предмет")]
    assert "edu000777" in found[(GIA_FIRST_ROW + 2, "Логин ОО (ФИС ОКО)")]


def test_the_same_file_twice_changes_nothing(world):
    data = giafiles.gia_file(schools_gia())
    first = load(world, data)
    before = set(Participant.objects.values_list("pk", flat=True))

    second = check(world, data)
    assert {s["change"] for w in second.summary["works"] for s in w["schools"]} == {"same"}
    services.batch_confirm(actor=world.methodist, batch=second, queue=False)
    services.batch_load(second.pk)

    assert set(Participant.objects.values_list("pk", flat=True)) == before
    assert set(ResultSet.objects.values_list("batch", flat=True)) == {first.pk}


def test_a_corrected_file_replaces_that_schools_data_for_that_work_only(world):
    rows = schools_gia()
    load(world, giafiles.gia_file(rows))
    load(world, giafiles.gia_file(schools_gia(seed=20, login="edu230120")))
    ege = set(Participant.objects.filter(result_set__assessment__kind="ege").values_list("pk"))

    corrected = [row for row in rows if row.exam == "ОГЭ" and row.subject == "Математика"][:9]
    batch = check(world, giafiles.gia_file(corrected))
    assert [s["change"] for s in batch.summary["works"][0]["schools"]] == ["replace"]
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    services.batch_load(batch.pk)

    math = ResultSet.objects.get(
        assessment__kind="oge", assessment__subject__name="Математика", organization=world.school
    )
    assert math.participants == 9 and math.participants_set.count() == 9
    other = ResultSet.objects.get(
        assessment__kind="oge",
        assessment__subject__name="Математика",
        organization=world.other_school,
    )
    assert other.participants_set.count() == 12
    assert (
        set(Participant.objects.filter(result_set__assessment__kind="ege").values_list("pk")) == ege
    )


def test_base_level_math_is_loaded_as_a_titled_work(world):
    rows = [
        GiaRow(exam="ЕГЭ", subject="Математика (базовый уровень)", class_name="11А", code="1",
               primary=15, mark=4),
        GiaRow(exam="ЕГЭ", subject="Математика", class_name="11А", code="2", primary=15,
               test_score=70, mark=None),
    ]  # fmt: skip
    load(world, giafiles.gia_file(rows))

    assert set(Assessment.objects.values_list("kind", "title")) == {
        ("ege", gia.BASE_MATH_TITLE),
        ("ege", ""),
    }
    base = Participant.objects.get(result_set__assessment__title=gia.BASE_MATH_TITLE)
    assert (base.mark, base.test_score) == (4, None)


def test_minimum_scores_tell_how_many_fell_below_and_warn_of_a_mark_that_contradicts(world):
    services.minimum_scores_seed(actor=None, years=[2025])
    rows = [
        GiaRow(code="1", primary=5, mark=2),
        GiaRow(code="2", primary=6, mark=3),  # under the minimum of 8, yet a «3»
        GiaRow(code="3", primary=20, mark=4),
        GiaRow(exam="ЕГЭ", subject="Русский язык", class_name="11А", code="4", primary=10,
               test_score=20, mark=None),
        GiaRow(exam="ЕГЭ", subject="Русский язык", class_name="11А", code="5", primary=30,
               test_score=60, mark=None),
    ]  # fmt: skip
    batch = check(world, giafiles.gia_file(rows))

    assert batch.status == Status.READY
    oge, ege = batch.summary["works"]
    assert (oge["minimum"], oge["below_minimum"]) == (8, 1)
    assert (ege["minimum"], ege["below_minimum"]) == (24, 1)
    assert [(w["row"], w["column"]) for w in batch.warnings] == [(GIA_FIRST_ROW + 1, "Отметка")]
    assert "ниже минимального (8)" in batch.warnings[0]["message"]


def test_minimum_scores_are_seeded_once_for_the_subjects_the_portal_has(world):
    added = services.minimum_scores_seed(actor=world.methodist, years=[2025, 2026])

    # Migration 0004 seeds every ВПР and ГИА subject: the ten ЕГЭ subjects, five foreign
    # languages and the two ОГЭ ones of `gia.MINIMUM_SCORES`, for each year.
    assert added == 2 * (10 + 5 + 2)
    assert MinimumScore.objects.get(kind="ege", year=2026, subject__name="Математика").score == 27
    assert MinimumScore.objects.get(kind="oge", year=2025, subject__name="Русский язык").score == 15
    MinimumScore.objects.filter(kind="ege", year=2026, subject__name="Математика").update(score=28)
    assert services.minimum_scores_seed(actor=world.methodist, years=[2025, 2026]) == 0
    assert MinimumScore.objects.get(kind="ege", year=2026, subject__name="Математика").score == 28
    assert AuditEntry.objects.filter(action="minimum.seed").count() == 1


def test_a_school_loads_only_its_own_gia(world):
    rows = [GiaRow(code="1"), GiaRow(code="2", login="edu230120")]

    batch = check(world, giafiles.gia_file(rows), actor=world.school_admin, school=world.school)

    assert batch.status == Status.REJECTED
    assert [(e["row"], e["message"]) for e in batch.errors] == [
        (
            GIA_FIRST_ROW + 1,
            "Результаты МОБУ СОШ № 20 (edu230120): МОБУ СОШ № 10 загружает только свои результаты.",
        )
    ]


def test_a_school_of_another_municipality_is_rejected(world):
    batch = check(world, giafiles.gia_file([GiaRow(login="edu990001")]))

    assert "другого муниципального образования" in batch.errors[0]["message"]


def test_every_step_of_a_gia_load_is_audited(world):
    batch = load(world, giafiles.gia_file(schools_gia()))

    entries = AuditEntry.objects.filter(object_id=str(batch.pk)).order_by("at", "pk")
    assert [e.action for e in entries] == [
        "import.upload",
        "import.check",
        "import.confirm",
        "import.load",
    ]
    assert entries[3].changes["participants"] == 30
    assert entries[3].changes["works"] == 3
    assert entries[3].changes["schools"] == 1


# Diagnostic works


def test_a_diagnostic_work_loads_with_its_tasks_and_scores(world):
    rows = giafiles.diagnostic_rows(10, seed=3)
    batch = load(world, giafiles.diagnostic_file(rows), layout=Layout.DIAGNOSTIC)

    assessment = Assessment.objects.get()
    assert (assessment.kind, assessment.title, assessment.year, assessment.grade) == (
        "diagnostic",
        "Пробный ОГЭ (декабрь)",
        2026,
        9,
    )
    assert str(assessment.held_on) == "2025-12-10" and assessment.max_primary == 7
    assert list(assessment.tasks.values_list("number", "level")) == [
        (n, level) for n, _m, level in giafiles.DIAGNOSTIC_TASKS
    ]
    assert TaskScore.objects.count() == 10 * len(giafiles.DIAGNOSTIC_TASKS)
    first = Participant.objects.get(code=rows[0][1])
    scores = list(first.scores.order_by("task__position").values_list("score", flat=True))
    assert scores == rows[0][4] and first.mark == rows[0][6]
    assert batch.kind == "diagnostic"


def test_two_diagnostic_works_of_one_subject_are_kept_apart_by_title(world):
    load(world, giafiles.diagnostic_file(giafiles.diagnostic_rows(5)), layout=Layout.DIAGNOSTIC)
    load(
        world,
        giafiles.diagnostic_file(giafiles.diagnostic_rows(6), title="Пробный ОГЭ (март)"),
        layout=Layout.DIAGNOSTIC,
    )

    assert sorted(Assessment.objects.values_list("title", "results__participants")) == [
        ("Пробный ОГЭ (декабрь)", 5),
        ("Пробный ОГЭ (март)", 6),
    ]


def test_a_corrected_diagnostic_file_replaces_the_schools_results(world):
    load(world, giafiles.diagnostic_file(giafiles.diagnostic_rows(10, seed=1)), layout="diagnostic")

    load(world, giafiles.diagnostic_file(giafiles.diagnostic_rows(7, seed=2)), layout="diagnostic")

    assert ResultSet.objects.get().participants == 7
    assert Participant.objects.count() == 7
    assert TaskScore.objects.count() == 7 * len(giafiles.DIAGNOSTIC_TASKS)


def test_a_diagnostic_file_with_other_tasks_than_the_loaded_work_is_rejected(world):
    load(world, giafiles.diagnostic_file(giafiles.diagnostic_rows(5)), layout="diagnostic")
    tasks = [("1", 1, "Б"), ("2", 3, "Б")]
    rows = giafiles.diagnostic_rows(5, seed=4, login="edu230120", tasks=tasks)

    batch = check(world, giafiles.diagnostic_file(rows, tasks=tasks), layout="diagnostic")

    assert batch.status == Status.REJECTED
    assert "не совпадают" in batch.errors[0]["message"]


def test_the_vpr_import_still_reads_only_a_ф1(world):
    batch = check(world, f1files.f1_file(f1files.generated_rows(5)), layout=Layout.VPR)

    assert batch.status == Status.READY
    assert batch.summary["subject"] == "Математика" and "works" not in batch.summary


# Pages


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_import_page_offers_the_three_kinds_and_the_templates(client, world):
    page = signed_in(client, world.methodist).get(reverse("monitoring:import_create"))

    text = page.content.decode()
    for label in Layout.labels:
        assert label in text
    assert reverse("monitoring:import_template", args=["gia"]) in text
    assert reverse("monitoring:import_template", args=["diagnostic"]) in text
    assert 'type="radio"' in text and "<script" not in text.split("<main")[-1]


def test_the_gia_template_downloads_with_the_municipalitys_schools(client, world):
    response = signed_in(client, world.methodist).get(
        reverse("monitoring:import_template", args=["gia"])
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [cell.value for cell in book[gia.GIA_SHEET][2] if cell.value]
    assert headers[:3] == ["Логин ОО (ФИС ОКО)", "Год", "Экзамен"]
    lists = list(book[gia.LISTS_SHEET].iter_rows(min_row=2, values_only=True))
    logins = {row[1] for row in lists if row[1]}
    assert logins == {"edu230123", "edu230120"}  # not the other municipality's school
    subjects = {row[0] for row in lists}
    assert {"Математика", "Русский язык", gia.BASE_MATH} <= subjects


def test_a_school_gets_a_diagnostic_template_listing_only_itself(client, world):
    response = signed_in(client, world.school_admin).get(
        reverse("monitoring:import_template", args=["diagnostic"])
    )

    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert gia.INSTRUCTIONS_SHEET in book.sheetnames
    lists = book[gia.LISTS_SHEET].iter_rows(min_row=2, values_only=True)
    assert [row[1] for row in lists if row[1]] == ["edu230123"]


def test_an_unknown_template_is_not_found(client, world):
    response = signed_in(client, world.methodist).get("/monitoring/imports/templates/vpr.xlsx")

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["teacher", "tutor"])
def test_teachers_and_tutors_get_no_template(client, world, role):
    response = signed_in(client, getattr(world, role)).get(
        reverse("monitoring:import_template", args=["gia"])
    )

    assert response.status_code == 403


@pytest.mark.parametrize("role", ["director", "regional"])
def test_readers_may_download_a_template_but_not_upload(client, world, role):
    client = signed_in(client, getattr(world, role))

    assert client.get(reverse("monitoring:import_template", args=["gia"])).status_code == 200
    assert client.get(reverse("monitoring:import_create")).status_code == 403


def test_a_methodist_uploads_a_gia_file_and_sees_each_work(client, world):
    response = post_upload(
        signed_in(client, world.methodist),
        {"layout": "gia", "file": upload(giafiles.gia_file(schools_gia()), "ГИА.xlsx")},
    )

    text = response.content.decode()
    assert "проверен, ждёт подтверждения" in text
    assert "результаты ГИА" in text
    assert "ОГЭ 2025, Математика, 9 класс" in text
    assert "ЕГЭ 2025, Русский язык, 11 класс" in text
    assert "МОБУ СОШ № 10" in text and "добавятся" in text
    assert "Подтвердить загрузку" in text


def test_a_rejected_gia_upload_lists_its_problems(client, world):
    rows = schools_gia()
    rows[-1].mark = 5
    response = post_upload(
        signed_in(client, world.methodist),
        {"layout": "gia", "file": upload(giafiles.gia_file(rows), "ГИА.xlsx")},
    )

    text = response.content.decode()
    assert "в портал ничего не записано" in text
    assert "У ЕГЭ отметки нет" in text
    assert f"<td>{GIA_FIRST_ROW + len(rows) - 1}</td>" in text
    assert not Participant.objects.exists()


def test_a_gia_file_sent_as_vpr_is_refused_with_a_hint_of_what_it_needs(client, world):
    response = post_upload(
        signed_in(client, world.methodist),
        {"layout": "vpr", "file": upload(giafiles.gia_file(schools_gia()), "ГИА.xlsx")},
    )

    assert "Ф1 Индивидуальные результаты" in response.content.decode()
    assert ImportBatch.objects.get().status == Status.REJECTED


def test_a_school_uploads_its_own_diagnostic_work(client, world):
    data = giafiles.diagnostic_file(giafiles.diagnostic_rows(5))

    response = post_upload(
        signed_in(client, world.school_admin),
        {"layout": "diagnostic", "file": upload(data, "Пробный.xlsx")},
    )

    batch = ImportBatch.objects.get()
    assert (batch.organization, batch.status) == (world.school, Status.READY)
    text = response.content.decode()
    assert "Пробный ОГЭ (декабрь) 2026, Математика, 9 класс" in text
    assert "проведена 10.12.2025" in text and "заданий: 5" in text


def test_a_loaded_gia_file_shows_the_schools_figures_and_no_names(client, world, settings):
    services.minimum_scores_seed(actor=None, years=[2025])
    rows = schools_gia()
    batch = load(world, giafiles.hand_made_gia_file(rows))

    text = signed_in(client, world.director).get(batch.get_absolute_url()).content.decode()

    assert "Результаты школ" in text and "отметок нет" in text
    ege = [r for r in rows if r.exam == "ЕГЭ"]
    mean_test = round(sum(r.test_score for r in ege) / len(ege), 1)
    assert str(mean_test).replace(".", ",") in text
    under = round(100 * sum(r.test_score < 24 for r in ege) / len(ege), 1)
    assert f"<td>{str(under).replace('.', ',')}</td>" in text
    for row in rows:
        assert row.name not in text and row.name.split()[0] not in text


def test_the_list_names_the_first_work_and_how_many_more(client, world):
    load(world, giafiles.gia_file(schools_gia()))

    text = (
        signed_in(client, world.methodist).get(reverse("monitoring:import_list")).content.decode()
    )

    assert "ОГЭ 2025, Математика, 9 класс" in text
    assert "и ещё работ: 2" in text


def test_the_detail_page_keeps_its_query_count(client, world, django_assert_max_num_queries):
    batch = load(world, giafiles.gia_file(schools_gia()))
    client = signed_in(client, world.methodist)
    client.get(batch.get_absolute_url())

    with django_assert_max_num_queries(8):
        assert client.get(batch.get_absolute_url()).status_code == 200


# The command


def test_the_command_loads_a_gia_template(world, tmp_path: Path, capsys):
    path = tmp_path / "ГИА.xlsx"
    path.write_bytes(giafiles.gia_file(schools_gia()))

    call_command(
        "import_vpr", str(path), "--kind", "gia", "--municipality", world.municipality.name
    )

    assert Participant.objects.count() == 30
    assert "ЕГЭ 2025, Русский язык, 11 класс: участников 8" in capsys.readouterr().out


def test_the_command_refuses_a_broken_template(world, tmp_path: Path, capsys):
    rows = schools_gia()
    rows[0].mark = None
    path = tmp_path / "ГИА.xlsx"
    path.write_bytes(giafiles.gia_file(rows))

    with pytest.raises(CommandError):
        call_command("import_vpr", str(path), "--kind", "gia")

    assert f"строка {GIA_FIRST_ROW}, «Отметка»" in capsys.readouterr().err
    assert not Participant.objects.exists()


def test_the_seed_command_adds_the_minimums(world, capsys):
    call_command("seed_minimum_scores", "--year", "2026")

    assert MinimumScore.objects.filter(year=2026).count() == 17  # every subject of migration 0004
    assert "Добавлено минимальных баллов: 17" in capsys.readouterr().out


# The demo


def gia_under(year: int, school: str, *, kind: str, subject: str) -> float:
    """The share of a school's participants below the minimum: «2» at ОГЭ, under the
    minimum test score at ЕГЭ."""
    minimum = MinimumScore.objects.get(kind=kind, year=year, subject__name=subject).score
    participants = Participant.objects.filter(
        result_set__assessment__kind=kind,
        result_set__assessment__year=year,
        result_set__assessment__subject__name=subject,
        result_set__assessment__title="",
        result_set__organization__short_name=school,
        result_set__organization__municipality__name=LABINSK,
    )
    if kind == "ege":
        below = participants.filter(test_score__lt=minimum)
    else:
        below = participants.filter(mark=2)
    return 100 * below.count() / participants.count()


def labinsk_schools() -> list[str]:
    return list(
        Organization.objects.filter(municipality__name=LABINSK)
        .exclude(fis_oko_login="")
        .values_list("short_name", flat=True)
    )


def test_the_demo_has_three_years_of_gia_loaded_as_a_methodist_loads_them(demo):
    batches = ImportBatch.objects.filter(summary__layout="gia")
    years = monitoring_demo.years()

    assert batches.count() == 3
    assert {b.status for b in batches} == {Status.LOADED}
    assert all(b.uploaded_by.username == "methodist" for b in batches)
    works = set(
        Assessment.objects.exclude(kind="vpr").values_list("kind", "year", "subject__name", "grade")
    )
    for year in years:
        assert {
            ("oge", year, "Математика", 9),
            ("oge", year, "Русский язык", 9),
            ("ege", year, "Русский язык", 11),
            ("ege", year, "Математика", 11),
        } <= works
    schools = len(labinsk_schools())
    assert ResultSet.objects.filter(assessment__kind__in=["oge", "ege"]).count() == 3 * 4 * schools
    assert not Participant.objects.filter(
        result_set__assessment__kind="ege", mark__isnull=False
    ).exists()


@pytest.mark.parametrize(
    ("kind", "subject"), [("oge", "Математика"), ("oge", "Русский язык"), ("ege", "Русский язык")]
)
def test_in_the_demo_the_shnor_school_is_weak_at_gia_and_improves_after_tutoring(
    demo, kind, subject
):
    before, after = monitoring_demo.years()[-2:]

    shares = {s: gia_under(before, s, kind=kind, subject=subject) for s in labinsk_schools()}
    assert sorted(shares, key=shares.get, reverse=True).index(SHNOR_SCHOOL) < 2
    assert gia_under(after, SHNOR_SCHOOL, kind=kind, subject=subject) <= shares[SHNOR_SCHOOL] - 8


def test_the_demo_seeds_the_minimum_scores_and_loads_no_gia_twice(demo):
    from tutoring.demo import load_demo

    assert MinimumScore.objects.get(kind="ege", year=2025, subject__name="Русский язык").score == 24
    participants = Participant.objects.count()

    load_demo()

    assert Participant.objects.count() == participants
    assert ImportBatch.objects.filter(summary__layout="gia").count() == 3
    assert Subject.objects.filter(name="Математика").exists()
