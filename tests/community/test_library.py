"""The library of methodical materials: authors write, the methodist moderates, everyone in
the municipality searches and downloads what is published."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import library
from community.models import DomainError, Material
from community.services import library as services
from tests.expertise import badfiles
from tests.tutoring.factories import SubjectFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

from .factories import MaterialFactory, municipality_cast

Status = Material.Status
# The tutor and the methodist come last: their successful actions change what others get.
ROLES = ["director", "school", "teacher", "regional", "other_methodist", "tutor", "methodist"]


def statuses(client, cast, url, *, post=False):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = (client.post(url) if post else client.get(url)).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def form_data(**overrides):
    data = {
        "kind": Material.Kind.RECOMMENDATIONS,
        "title": "Подготовка к ВПР по математике: типичные ошибки",
        "description": "Разбор заданий, в которых пятиклассники ошибаются чаще всего.",
        "grade_from": "5",
        "grade_to": "5",
        "link": "",
    }
    return data | overrides


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / "library"
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def actions(material) -> list[str]:
    entries = AuditEntry.objects.filter(object_type="community.Material", object_id=material.pk)
    return list(entries.order_by("at", "pk").values_list("action", flat=True))


@pytest.fixture
def cast(db):
    return municipality_cast()


def material(cast, status=Status.DRAFT, **fields):
    """A material of the cast's tutor, in the given state."""
    published = timezone.now() if status in (Status.PUBLISHED, Status.ARCHIVED) else None
    return MaterialFactory(
        municipality=cast.municipality,
        status=status,
        published_at=published,
        authors=[cast.tutor],
        created_by=cast.tutor,
        **fields,
    )


def create(cast, actor=None, **fields):
    fields = {
        "kind": Material.Kind.CASE,
        "title": "Кейс «Учебная неуспешность в 7 классе»",
        "description": "Как по результатам ВПР найти неосвоенные темы.",
        "link": "https://fioco.ru/",
    } | fields
    return services.material_create(
        actor=actor or cast.tutor, municipality=cast.municipality, **fields
    )


# Services: the moves of a material -------------------------------------------------------------


def test_it_creates_a_draft_whose_author_is_its_creator(cast):
    created = create(cast)
    assert created.status == Status.DRAFT
    assert list(created.authors.all()) == [cast.tutor]
    assert created.created_by == cast.tutor
    assert len(created.token) == 32
    assert actions(created) == ["material.create"]


def test_it_keeps_every_named_author(cast):
    colleague = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)
    created = create(cast, authors=[cast.tutor, colleague, cast.methodist])
    assert set(created.authors.all()) == {cast.tutor, colleague, cast.methodist}


def test_it_refuses_an_author_who_is_not_a_tutor_of_the_municipality(cast):
    with pytest.raises(DomainError, match="Авторами могут быть тьюторы и методисты"):
        create(cast, authors=[cast.tutor, cast.teacher])
    outsider = user_with_role(RoleKind.TUTOR)
    with pytest.raises(DomainError, match="Иванова"):
        create(cast, authors=[outsider])
    assert not Material.objects.exists()


def test_it_keeps_a_tutor_among_the_authors_of_what_they_write(cast):
    colleague = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)
    with pytest.raises(DomainError, match="Оставьте себя среди авторов"):
        create(cast, authors=[colleague])
    on_behalf = create(cast, actor=cast.methodist, authors=[colleague])
    assert list(on_behalf.authors.all()) == [colleague]


def test_it_needs_a_file_or_a_link(cast):
    with pytest.raises(DomainError, match="Приложите файл или укажите ссылку"):
        create(cast, link="")
    assert not Material.objects.exists()


def test_it_refuses_classes_in_the_wrong_order(cast):
    with pytest.raises(DomainError, match="Классы указаны наоборот"):
        create(cast, grade_from=9, grade_to=5)


def test_it_takes_a_material_from_draft_to_archive_with_an_entry_per_move(cast):
    draft = create(cast)
    services.material_submit(actor=cast.tutor, material=draft)
    published = services.material_publish(actor=cast.methodist, material=draft)
    assert (published.status, published.published_by) == (Status.PUBLISHED, cast.methodist)
    assert published.published_at is not None
    archived = services.material_archive(actor=cast.methodist, material=draft)
    assert archived.status == Status.ARCHIVED
    assert actions(draft) == [
        "material.create",
        "material.submit",
        "material.publish",
        "material.archive",
    ]


@pytest.mark.parametrize(
    "status, move, message",
    [
        (Status.DRAFT, "archive", "Убрать в архив можно только опубликованный материал"),
        (Status.DRAFT, "return", "Вернуть на доработку можно только материал, отправленный"),
        (Status.SUBMITTED, "submit", "Отправить на модерацию можно только черновик"),
        (Status.PUBLISHED, "publish", "Опубликовать можно материал, отправленный на модерацию"),
        (Status.ARCHIVED, "archive", "Сейчас материал: «в архиве»"),
    ],
)
def test_it_refuses_an_illegal_move(cast, status, move, message):
    subject = material(cast, status)
    service = getattr(services, f"material_{move}")
    extra = {"comment": "Доработать."} if move == "return" else {}
    with pytest.raises(DomainError, match=message):
        service(actor=cast.methodist, material=subject, **extra)
    subject.refresh_from_db()
    assert subject.status == status
    assert actions(subject) == []


def test_it_publishes_only_a_methodists_own_draft_without_moderation(cast):
    tutors_draft = material(cast)
    with pytest.raises(DomainError, match="ещё не отправили на модерацию"):
        services.material_publish(actor=cast.methodist, material=tutors_draft)
    own = create(cast, actor=cast.methodist)
    assert services.material_publish(actor=cast.methodist, material=own).status == "published"


def test_it_wants_a_comment_to_return_a_material(cast):
    submitted = material(cast, Status.SUBMITTED)
    with pytest.raises(DomainError, match="Напишите, что нужно доработать"):
        services.material_return(actor=cast.methodist, material=submitted, comment="  ")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_it_locks_a_material_on_moderation_against_edits(cast):
    submitted = material(cast, Status.SUBMITTED)
    with pytest.raises(DomainError, match="Материал на модерации и не меняется"):
        services.material_update(
            actor=cast.tutor,
            material=submitted,
            kind=submitted.kind,
            title="Другое название",
            description=submitted.description,
            authors=[cast.tutor],
            link=submitted.link,
        )
    submitted.refresh_from_db()
    assert submitted.title != "Другое название"


def test_it_records_what_an_edit_changed(cast):
    draft = create(cast, subjects=[SubjectFactory(name="Математика")])
    services.material_update(
        actor=cast.tutor,
        material=draft,
        kind=draft.kind,
        title="Кейс «Неуспешность в 7 классе»",
        description=draft.description,
        subjects=[SubjectFactory(name="Алгебра")],
        authors=[cast.tutor],
        link=draft.link,
    )
    entry = AuditEntry.objects.get(action="material.update")
    assert entry.changes["title"] == [
        "Кейс «Учебная неуспешность в 7 классе»",
        "Кейс «Неуспешность в 7 классе»",
    ]
    assert entry.changes["subjects"] == [["Математика"], ["Алгебра"]]
    assert "kind" not in entry.changes


def test_it_replaces_the_file_and_removes_the_old_one_once_committed(
    cast, django_capture_on_commit_callbacks
):
    draft = create(cast, file=badfiles.good_pdf("первая редакция.pdf"), link="")
    old = Path(draft.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        services.material_update(
            actor=cast.tutor,
            material=draft,
            kind=draft.kind,
            title=draft.title,
            description=draft.description,
            authors=[cast.tutor],
            file=badfiles.good_docx("вторая редакция.docx"),
        )
    draft.refresh_from_db()
    assert draft.file_name == "вторая редакция.docx"
    assert draft.file.name.endswith(f"{draft.token}.docx")
    assert Path(draft.file.path).exists()
    assert not old.exists()


# Access ----------------------------------------------------------------------------------------


def test_it_shows_a_draft_only_to_its_authors_and_the_municipalitys_methodists(client, cast):
    draft = material(cast)
    got = statuses(client, cast, f"/community/library/{draft.pk}/")
    assert got == expect(404, 404, 404, 404, 404, 200, 200)


def test_it_hides_a_draft_from_another_tutor_of_the_municipality(client, cast):
    draft = material(cast, title="Черновик Тьюторовой")
    client.force_login(user_with_role(RoleKind.TUTOR, municipality=cast.municipality))
    assert client.get(f"/community/library/{draft.pk}/").status_code == 404
    assert "Черновик Тьюторовой" not in client.get("/community/library/").content.decode()


def test_it_shows_a_material_on_moderation_only_to_its_authors_and_methodists(client, cast):
    submitted = material(cast, Status.SUBMITTED)
    got = statuses(client, cast, f"/community/library/{submitted.pk}/")
    assert got == expect(404, 404, 404, 404, 404, 200, 200)


def test_it_shows_a_published_material_to_the_municipality_and_the_region(client, cast):
    published = material(cast, Status.PUBLISHED)
    got = statuses(client, cast, f"/community/library/{published.pk}/")
    assert got == expect(200, 200, 200, 200, 404, 200, 200)


def test_it_keeps_an_archived_material_for_its_authors_and_methodists(client, cast):
    archived = material(cast, Status.ARCHIVED)
    got = statuses(client, cast, f"/community/library/{archived.pk}/")
    assert got == expect(404, 404, 404, 404, 404, 200, 200)


def test_it_shows_another_municipality_nothing(client, cast):
    published = material(cast, Status.PUBLISHED, title="Рекомендации Лабинского района")
    stranger = user_with_role(RoleKind.TEACHER)
    client.force_login(stranger)
    assert client.get(f"/community/library/{published.pk}/").status_code == 404
    assert client.get(f"/community/library/{published.pk}/download/").status_code == 404
    page = client.get("/community/library/").content.decode()
    assert "Рекомендации Лабинского района" not in page
    assert "В библиотеке пока нет материалов" in page


def test_it_lists_drafts_only_for_those_who_may_see_them(client, cast):
    material(cast, Status.PUBLISHED, title="Опубликованные рекомендации")
    material(cast, title="Черновик кейса")
    client.force_login(cast.teacher)
    page = client.get("/community/library/").content.decode()
    assert "Опубликованные рекомендации" in page
    assert "Черновик кейса" not in page
    for reader in (cast.tutor, cast.methodist):
        client.force_login(reader)
        page = client.get("/community/library/").content.decode()
        assert "Опубликованные рекомендации" in page
        assert "Черновик кейса" in page


def test_it_opens_the_new_material_form_to_tutors_and_methodists(client, cast):
    got = statuses(client, cast, "/community/library/new/")
    assert got == expect(403, 403, 403, 403, 200, 200, 200)


def test_it_lets_only_authors_and_methodists_edit_a_draft(client, cast):
    draft = material(cast)
    got = statuses(client, cast, f"/community/library/{draft.pk}/edit/")
    assert got == expect(404, 404, 404, 404, 404, 200, 200)


def test_it_lets_only_the_municipalitys_methodist_publish(client, cast):
    submitted = material(cast, Status.SUBMITTED)
    got = statuses(client, cast, f"/community/library/{submitted.pk}/publish/", post=True)
    assert got == expect(404, 404, 404, 404, 404, 403, 302)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.published_by) == (Status.PUBLISHED, cast.methodist)


def test_it_lets_only_the_municipalitys_methodist_archive(client, cast):
    published = material(cast, Status.PUBLISHED)
    got = statuses(client, cast, f"/community/library/{published.pk}/archive/", post=True)
    assert got == expect(403, 403, 403, 403, 404, 403, 302)
    published.refresh_from_db()
    assert published.status == Status.ARCHIVED


def test_it_offers_the_moderation_buttons_only_to_the_methodist(client, cast):
    submitted = material(cast, Status.SUBMITTED)
    client.force_login(cast.tutor)
    page = client.get(f"/community/library/{submitted.pk}/").content.decode()
    assert "Материал на модерации" in page
    assert "Опубликовать" not in page
    client.force_login(cast.methodist)
    page = client.get(f"/community/library/{submitted.pk}/").content.decode()
    assert "Опубликовать" in page
    assert "Вернуть на доработку" in page


# Moderation in the pages ---------------------------------------------------------------------


def test_it_returns_a_material_with_a_comment_the_author_sees_and_acts_on(client, cast):
    submitted = material(cast, Status.SUBMITTED)
    client.force_login(cast.methodist)
    comment = "Добавьте ответы к заданиям и укажите источник."
    response = client.post(
        f"/community/library/{submitted.pk}/return/", {"comment": comment}, follow=True
    )
    assert "возвращён авторам на доработку" in response.content.decode()
    client.force_login(cast.tutor)
    page = client.get(f"/community/library/{submitted.pk}/").content.decode()
    assert "Замечания методиста" in page
    assert comment in page
    assert "возвращён на доработку" in page
    data = form_data(link="https://fipi.ru/", authors=[cast.tutor.pk])
    client.post(f"/community/library/{submitted.pk}/edit/", data)
    client.post(f"/community/library/{submitted.pk}/submit/")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert submitted.title == "Подготовка к ВПР по математике: типичные ошибки"


def test_it_refuses_to_return_without_a_comment(client, cast):
    submitted = material(cast, Status.SUBMITTED)
    client.force_login(cast.methodist)
    response = client.post(f"/community/library/{submitted.pk}/return/", {}, follow=True)
    assert "Напишите, что нужно доработать" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_it_shows_an_illegal_move_as_a_message(client, cast):
    draft = material(cast)
    client.force_login(cast.methodist)
    response = client.post(f"/community/library/{draft.pk}/archive/", follow=True)
    assert "Убрать в архив можно только опубликованный материал" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_it_shows_the_history_to_the_authors_but_not_to_readers(client, cast):
    draft = create(cast)
    services.material_submit(actor=cast.tutor, material=draft)
    services.material_publish(actor=cast.methodist, material=draft)
    client.force_login(cast.tutor)
    page = client.get(f"/community/library/{draft.pk}/").content.decode()
    assert "История" in page
    assert "материал опубликован" in page
    client.force_login(cast.teacher)
    page = client.get(f"/community/library/{draft.pk}/").content.decode()
    assert "Тьюторова" in page  # the authors are shown to every reader
    assert "История" not in page


# Search and filters --------------------------------------------------------------------------


def titles(client, query) -> list[str]:
    response = client.get("/community/library/", query)
    assert response.status_code == 200
    return [m.title for m in response.context["page"].object_list]


@pytest.fixture
def shelf(cast):
    """Published materials of several kinds, subjects and classes."""
    maths, russian = SubjectFactory(name="Математика"), SubjectFactory(name="Русский язык")
    colleague = user_with_role(
        RoleKind.TUTOR, municipality=cast.municipality, last_name="Немых", first_name="Юлия"
    )
    rows = [
        ("Подготовка к ВПР по математике: типичные ошибки", Material.Kind.RECOMMENDATIONS,
         [maths], 5, 5, cast.tutor, "Разбор заданий с дробями."),
        ("Итоговое сочинение: аргументы из литературы", Material.Kind.RECOMMENDATIONS,
         [russian], 11, 11, colleague, "Как подбирать аргументы."),
        ("Кейс: неуспешность в основной школе", Material.Kind.CASE, [maths], 5, 9,
         cast.tutor, "Что показал анализ: ошибки учеников в задачах ВПР."),
        ("Формирующее оценивание", Material.Kind.PROGRAMME, [], None, None, colleague,
         "Программа тьюториала для всех учителей."),
        ("Проектная деятельность в старшей школе", Material.Kind.PROGRAMME, [], 10, None,
         colleague, "Индивидуальный проект."),
    ]  # fmt: skip
    for title, kind, subjects, low, high, author, description in rows:
        made = material(
            cast,
            Status.PUBLISHED,
            title=title,
            kind=kind,
            grade_from=low,
            grade_to=high,
            description=description,
        )
        made.subjects.set(subjects)
        made.authors.set([author])
    return cast


def test_it_finds_a_material_by_another_form_of_a_word_of_its_title(client, shelf):
    client.force_login(shelf.teacher)
    assert titles(client, {"q": "ошибка"})[0] == "Подготовка к ВПР по математике: типичные ошибки"
    assert titles(client, {"q": "математика"}) == [
        "Подготовка к ВПР по математике: типичные ошибки"
    ]
    assert titles(client, {"q": "сочинения"}) == ["Итоговое сочинение: аргументы из литературы"]


def test_it_ranks_a_match_in_the_title_above_one_in_the_description(client, shelf):
    client.force_login(shelf.teacher)
    assert titles(client, {"q": "ошибкам"}) == [
        "Подготовка к ВПР по математике: типичные ошибки",
        "Кейс: неуспешность в основной школе",
    ]


def test_it_says_so_when_nothing_is_found(client, shelf):
    client.force_login(shelf.teacher)
    page = client.get("/community/library/", {"q": "астрономия"}).content.decode()
    assert "По этому запросу материалов не нашлось" in page


def test_it_searches_only_what_the_user_may_see(client, shelf):
    material(shelf, title="Черновик: ошибки в задачах на движение")
    client.force_login(shelf.teacher)
    assert "Черновик: ошибки в задачах на движение" not in titles(client, {"q": "ошибки"})


def test_it_has_an_index_that_the_search_can_use(shelf):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = library.search(Material.objects.all(), "ошибка").explain()
    assert "community_material_search_document" in plan


def test_it_reads_each_rows_stored_words_and_computes_none(shelf):
    """The match and the rank read the stored column: no to_tsvector per row, twice."""
    sql = str(library.search(Material.objects.all(), "ошибка").query)
    assert "to_tsvector" not in sql and "search_document" in sql


def test_an_edited_title_is_found_by_its_new_words_at_once(shelf):
    found = material(shelf, Status.PUBLISHED, title="Смысловое чтение на уроках истории")
    assert not library.search(Material.objects.all(), "астрономия").filter(pk=found.pk)
    found.title = "Астрономия в 11 классе: наблюдения"
    found.save()
    assert list(library.search(Material.objects.all(), "астрономии")) == [found]


def test_it_searches_by_words_without_postgresql(shelf, monkeypatch):
    # The demo's SQLite has no stemming: each word, without its ending, must appear.
    monkeypatch.setattr(library, "connection", type("SQLite", (), {"vendor": "sqlite"})())
    found = library.search(Material.objects.all(), "МАТЕМАТИКА ошибка")
    assert [m.title for m in found] == ["Подготовка к ВПР по математике: типичные ошибки"]


def test_it_filters_by_kind_subject_and_author(client, shelf):
    client.force_login(shelf.teacher)
    maths = SubjectFactory(name="Математика")
    assert set(titles(client, {"kind": "case"})) == {"Кейс: неуспешность в основной школе"}
    assert set(titles(client, {"subject": maths.pk})) == {
        "Подготовка к ВПР по математике: типичные ошибки",
        "Кейс: неуспешность в основной школе",
    }
    assert set(titles(client, {"author": "Немых Юлия"})) == {
        "Итоговое сочинение: аргументы из литературы",
        "Формирующее оценивание",
        "Проектная деятельность в старшей школе",
    }


def test_it_filters_by_a_class_within_the_range_open_bounds_included(client, shelf):
    client.force_login(shelf.teacher)
    assert set(titles(client, {"grade": "7"})) == {
        "Кейс: неуспешность в основной школе",
        "Формирующее оценивание",
    }
    assert set(titles(client, {"grade": "11"})) == {
        "Итоговое сочинение: аргументы из литературы",
        "Формирующее оценивание",
        "Проектная деятельность в старшей школе",
    }


def test_it_offers_the_state_filter_to_methodists_only(client, shelf):
    material(shelf, Status.SUBMITTED, title="Ждёт модерации")
    client.force_login(shelf.methodist)
    assert titles(client, {"status": "submitted"}) == ["Ждёт модерации"]
    client.force_login(shelf.teacher)
    response = client.get("/community/library/", {"status": "submitted"})
    assert "status" not in response.context["filter"].form.fields
    assert "Ждёт модерации" not in [m.title for m in response.context["page"].object_list]


def test_it_shows_a_tutor_only_their_own_materials_when_asked(client, shelf):
    client.force_login(shelf.tutor)
    assert set(titles(client, {"mine": "on"})) == {
        "Подготовка к ВПР по математике: типичные ошибки",
        "Кейс: неуспешность в основной школе",
    }


def test_it_keeps_the_number_of_queries_of_the_list_constant(
    client, cast, django_assert_max_num_queries
):
    maths, russian = SubjectFactory(name="Математика"), SubjectFactory(name="Русский язык")
    colleague = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)

    def add(count):
        for _ in range(count):
            made = material(cast, Status.PUBLISHED)
            made.subjects.set([maths, russian])
            made.authors.set([cast.tutor, colleague])

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/community/library/", {"q": "рекомендации"}).status_code == 200
        return len(context)

    client.force_login(cast.methodist)
    add(2)
    few = queries()
    add(25)
    many = queries()
    # Session, user, roles, count, page, subjects and authors of the page, the subjects of
    # the filter: 8 whatever the number of materials.
    assert many == few
    with django_assert_max_num_queries(8):
        client.get("/community/library/", {"q": "рекомендации"})


# Files -----------------------------------------------------------------------------------------


def test_it_refuses_a_file_of_a_forbidden_type_and_saves_nothing(client, cast):
    before = stored_files()
    client.force_login(cast.tutor)
    response = client.post(
        "/community/library/new/",
        form_data(authors=[cast.tutor.pk], file=badfiles.exe_as_pdf("материал.exe")),
    )
    page = response.content.decode()
    assert "Файл «материал.exe» не является документом (PDF, DOCX, ODT, XLSX)" in page
    assert not Material.objects.exists()
    assert stored_files() == before
    assert not AuditEntry.objects.filter(action="material.create").exists()


def test_it_refuses_an_old_word_document_with_a_hint(client, cast):
    client.force_login(cast.tutor)
    response = client.post(
        "/community/library/new/",
        form_data(authors=[cast.tutor.pk], file=badfiles.legacy_doc("рекомендации.doc")),
    )
    assert "сохраните его как docx" in response.content.decode()
    assert not Material.objects.exists()


def test_it_asks_for_a_file_or_a_link_and_saves_nothing(client, cast):
    client.force_login(cast.tutor)
    response = client.post("/community/library/new/", form_data(authors=[cast.tutor.pk]))
    assert "Приложите файл или укажите ссылку на материал" in response.content.decode()
    assert not Material.objects.exists()


def test_it_saves_a_draft_with_its_file_and_the_tutor_as_author(client, cast):
    client.force_login(cast.tutor)
    response = client.post(
        "/community/library/new/",
        form_data(authors=[cast.tutor.pk], file=badfiles.good_pdf("ВПР — ошибки.pdf")),
        follow=True,
    )
    assert "Материал сохранён как черновик" in response.content.decode()
    saved = Material.objects.get()
    assert (saved.status, saved.file_name) == (Status.DRAFT, "ВПР — ошибки.pdf")
    assert list(saved.authors.all()) == [cast.tutor]
    # Stored under the token, never under the name the user gave it.
    assert saved.file.name.startswith("library/")
    assert saved.file.name.endswith(f"{saved.token}.pdf")


def test_it_downloads_the_file_under_its_original_name(client, cast):
    published = create(cast, file=badfiles.good_pdf("Типичные ошибки ВПР.pdf"), link="")
    published.status = Status.PUBLISHED
    published.save()
    client.force_login(cast.teacher)
    response = client.get(f"/community/library/{published.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%D0%A2%D0%B8%D0%BF%D0%B8%D1%87" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_keeps_a_drafts_file_from_readers(client, cast):
    draft = create(cast, file=badfiles.good_docx(), link="")
    client.force_login(cast.teacher)
    assert client.get(f"/community/library/{draft.pk}/download/").status_code == 404
    client.force_login(cast.tutor)
    assert client.get(f"/community/library/{draft.pk}/download/").status_code == 200


# Hub and home page -----------------------------------------------------------------------------


def test_it_tells_the_methodist_how_many_materials_await_moderation(client, cast):
    material(cast, Status.SUBMITTED)
    material(cast, Status.SUBMITTED)
    client.force_login(cast.methodist)
    page = client.get("/").content.decode()
    assert "Материалы библиотеки ждут модерации" in page
    assert re.search(r"ждут модерации</span></span>\s*<span[^>]*>2</span>", page)
    hub = client.get("/community/").content.decode()
    assert "Библиотека материалов" in hub
    assert "на модерации: 2" in hub
    client.force_login(cast.teacher)
    assert "Библиотека материалов" in client.get("/community/").content.decode()


# Demo ------------------------------------------------------------------------------------------


def test_it_gives_the_demo_a_dozen_materials_in_every_state(demo):
    from community.demo_library import MATERIALS
    from tutoring.uploads import inspect_upload

    materials = Material.objects.filter(municipality__short_name="Лабинский район")
    assert materials.count() == len(MATERIALS) == 12
    by_status = {s: materials.filter(status=s).count() for s in Status.values}
    assert by_status == {"draft": 1, "submitted": 1, "published": 9, "archived": 1}
    assert materials.values("kind").distinct().count() >= 5
    assert not materials.filter(authors__isnull=True).exists()
    with_files = materials.exclude(file="")
    assert with_files.count() >= 2
    for item in with_files:
        with item.file.open("rb") as stream:
            upload = SimpleUploadedFile(item.file_name, stream.read())
        assert inspect_upload(upload, allowed=services.LIBRARY_TYPES).type in ("pdf", "docx")
    assert materials.get(status=Status.DRAFT).authors.get().username == "tutor"


def test_it_adds_no_materials_when_the_demo_is_loaded_again(demo):
    from tutoring.demo import load_demo

    def counts():
        entries = AuditEntry.objects.filter(action__startswith="material.")
        return Material.objects.count(), entries.count()

    before = counts()
    load_demo()
    assert counts() == before


def test_it_lets_the_demo_teacher_find_a_material_by_another_word_form(client, demo, sign_in):
    sign_in("teacher")
    found = titles(client, {"q": "ошибка"})
    assert found[0].startswith("Подготовка к ВПР по математике в 5 классе")
