from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.extensions import Section
from tutoring.models import RoleKind

from .. import selectors
from ..models import ImportBatch
from ..profiles import selectors as profile_selectors
from .minimums import READERS as MINIMUM_READERS

OVERSIGHT = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
IMPORT_READERS = (*OVERSIGHT, RoleKind.SCHOOL)


@login_required
def index(request):
    """The sections of monitoring that the user's roles open."""
    access = access_for(request.user)
    require(bool(access.roles))
    return render(request, "monitoring/index.html", {"sections": sections(access)})


def sections(access) -> list[Section]:
    found = []
    if access.has(*selectors.RESULT_READERS):
        found += [
            Section(
                "Результаты оценочных процедур",
                "ВПР, ГИА и диагностические работы по школам, предметам и классам рядом с "
                "муниципалитетом и регионом: отметки, задания, распределение баллов, динамика.",
                reverse("monitoring:results"),
                "",
            ),
            Section(
                "Где нужна помощь",
                "Школы и предметы, результаты которых говорят о трудностях, с причинами; "
                "отсюда — заявка на консультацию, закрепление тьютора, статус ШНОР/ШССУ.",
                reverse("monitoring:risks"),
                "",
            ),
        ]
    if profile_selectors.reads_profiles(access):
        found.append(
            Section(
                "Школы в программе: кураторы и рисковые профили",
                "Школы ШНОР и ШССУ учебного года, их кураторы и рисковые профили по "
                "направлениям проекта «500+»: оценка школы, согласование куратором или "
                "методистом.",
                reverse("monitoring:profile_list"),
                "",
            )
        )
    if access.has(*OVERSIGHT):
        found.append(
            Section(
                "Отчёт о школах в программе «500+»",
                "По муниципалитету и учебному году: риски школ, выполнение мероприятий, "
                "движение показателей рядом со школами вне программы, работа тьюторов и "
                "кураторов; xlsx и PDF.",
                reverse("monitoring:programme_report"),
                "",
            )
        )
    if access.has(*IMPORT_READERS):
        waiting = ""
        if access.has(RoleKind.METHODIST, RoleKind.SCHOOL):
            ready = selectors.batches_for(access).filter(status=ImportBatch.Status.READY).count()
            waiting = f"ждут подтверждения: {ready}" if ready else ""
        found.append(
            Section(
                "Загрузка результатов",
                "Выгрузки ФИС ОКО (ВПР, форма Ф1) и шаблоны ГИА и диагностических работ: "
                "проверка, сводка, загрузка.",
                reverse("monitoring:import_list"),
                waiting,
            )
        )
    if access.has(*MINIMUM_READERS):
        found.append(
            Section(
                "Минимальные баллы ГИА",
                "Минимальные баллы ЕГЭ, ОГЭ и ГВЭ по годам и предметам, по которым анализ "
                "считает, кто не преодолел порог; баллы нового года — из справочника портала.",
                reverse("monitoring:minimum_list"),
                "",
            )
        )
    if access.has(*OVERSIGHT):
        found += [
            Section(
                "Эффективность сообщества",
                "Заявки, занятия, охват школ ШНОР, оценки помощи, экспертиза и результаты "
                "поддержанных школ за учебный год.",
                reverse("monitoring:effectiveness"),
                "",
            ),
            Section(
                "Помогла ли помощь",
                "Изменение результатов ВПР у школ, где работали тьюторы, рядом с похожими "
                "школами без занятий.",
                reverse("monitoring:effect"),
                "",
            ),
            Section(
                "Отчёты",
                "Аналитические справки в PDF с цифрами на день составления.",
                reverse("monitoring:report_list"),
                "",
            ),
        ]
    found.append(
        Section(
            "Профессиональное развитие",
            "Что учителя получили от сообщества: занятия, экспертизы, закреплённые тьюторы.",
            reverse("monitoring:development_list"),
            "",
        )
    )
    return found
