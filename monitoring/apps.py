from django.apps import AppConfig

ACTION_LABELS = {
    "import.upload": "файл результатов отправлен на проверку",
    "import.check": "файл результатов проверен",
    "import.retry": "проверка или загрузка результатов повторена",
    "import.confirm": "загрузка результатов подтверждена",
    "import.cancel": "загрузка результатов отменена",
    "import.load": "результаты загружены",
    "import.fail": "сбой проверки или загрузки результатов",
    "minimum.seed": "добавлены минимальные баллы ГИА",
    "minimum.create": "минимальный балл ГИА добавлен",
    "minimum.update": "минимальный балл ГИА изменён",
    "minimum.delete": "минимальный балл ГИА удалён",
    "report.create": "отчёт составлен",
    "curatorship.assign": "назначен куратор школы",
    "curatorship.remove": "куратор снят со школы",
    "risk_profile.create": "рисковый профиль создан",
    "risk_profile.update": "оценки рискового профиля изменены",
    "risk_profile.submit": "рисковый профиль отправлен на согласование",
    "risk_profile.agree": "рисковый профиль согласован",
    "risk_profile.return": "рисковый профиль возвращён на доработку",
    "programme.create": "программа создана",
    "programme.update": "текст программы изменён",
    "programme.measure_add": "мероприятие добавлено в программу",
    "programme.measure_update": "мероприятие программы изменено",
    "programme.measure_remove": "мероприятие удалено из программы",
    "programme.measure_done": "выполнение мероприятия отмечено",
    "programme.measure_undone": "отметка о выполнении мероприятия снята",
    "programme.indicator_add": "показатель добавлен в программу",
    "programme.indicator_update": "показатель программы изменён",
    "programme.indicator_remove": "показатель удалён из программы",
    "programme.indicator_value": "внесено значение показателя",
    "programme.submit": "программа отправлена на согласование",
    "programme.agree": "программа согласована методистом",
    "programme.return": "программа возвращена на доработку",
    "programme.approve": "программа утверждена руководителем школы",
    "programme.revise": "составлена новая редакция программы",
    "programme.exit": "подтверждён выход школы из списка ШНОР/ШССУ",
    "exit_rule.update": "правило выхода из списка изменено",
}

CHANGE_LABELS = {
    "assessment": "работа",
    "errors": "ошибок",
    "stage": "этап",
    "reason": "причина",
    "file": "файл",
    "participants": "участников",
    "schools": "школ",
    "unchanged": "школ без изменений",
    "minimums": "минимальных баллов",
    "works": "работ",
    "years": "годы",
    "year": "год",
    "scope": "о чём",
    "subject": "предмет",
    "exam": "экзамен",
    "grade": "класс",
    "score": "минимальный балл",
    # Qualified by the object they describe: other apps name `comment`, `head`, `replaced`
    # otherwise.
    "curatorship:curator": "куратор",
    "curatorship:replaced": "вместо",
    "risk_profile:ratings": "оценки",
    "risk_profile:comment": "замечания",
    "programme:comment": "замечания методиста",
    "programme:fields": "изменено",
    "programme:measure": "мероприятие",
    "programme:indicator": "показатель",
    "programme:head": "утвердил",
    "programme:version": "редакция",
    "programme:value": "значение",
    "programme:reasons": "на основании",
    "programme:removed": "снят статус на следующий год",
    "exit_rule:years": "лет подряд",
    "exit_rule:confirmed_min": "подтверждено отметок не менее, %",
}


# Who uploaded a results file learns how its check and load ended.
NOTIFICATION_KINDS = [
    ("monitoring.import.checked", "Файл результатов проверен"),
    ("monitoring.import.loaded", "Файл результатов загружен"),
    ("monitoring.import.failed", "Файл результатов не принят или не загружен"),
]
# The school, its curator and the methodist learn how its risk profile moves.
PROFILE_NOTIFICATION_KINDS = [
    ("monitoring.curatorship.assigned", "Вас назначили куратором школы"),
    ("monitoring.risk_profile.submitted", "Рисковый профиль школы ждёт согласования"),
    ("monitoring.risk_profile.agreed", "Рисковый профиль школы согласован"),
    ("monitoring.risk_profile.returned", "Рисковый профиль школы возвращён на доработку"),
    ("monitoring.programme.submitted", "Программа школы ждёт согласования"),
    ("monitoring.programme.agreed", "Программа школы согласована"),
    ("monitoring.programme.returned", "Программа школы возвращена на доработку"),
]


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Мониторинг результатов"

    def ready(self):

        from tutoring import documents, extensions, notifications, outbox

        from . import demo, panels, reports, route_sources, tasks

        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_change_labels(CHANGE_LABELS)
        from .models import RiskProfile, SchoolProgramme
        from .programmes import documents as programme_documents
        from .programmes.services import DOCUMENT as PROGRAMME_DOCUMENT

        extensions.register_value_labels(
            {
                "document:kind": {reports.DOCUMENT: "отчёт", PROGRAMME_DOCUMENT: "программа школы"},
                "risk_profile:status": RiskProfile.Status,
                "programme:status": SchoolProgramme.Status,
            }
        )
        extensions.register_demo_loader(demo.load)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_home_panel(panels.programme_panel)
        # Suggested difficulties of a teacher's development route (community).
        extensions.register_difficulty_source(route_sources.results_difficulties)
        documents.register(
            PROGRAMME_DOCUMENT,
            template=programme_documents.TEMPLATE,
            build_context=programme_documents.programme_context,
            title=programme_documents.programme_title,
            can_view=programme_documents.programme_visible,
        )
        documents.register(
            reports.DOCUMENT,
            template=reports.TEMPLATE,
            build_context=reports.report_context,
            title=reports.report_title,
            can_view=reports.report_visible,
        )
        extensions.register_navigation(navigation)
        for key, label in NOTIFICATION_KINDS:
            notifications.register_kind(key, label, group="Результаты ВПР и ГИА")
        for key, label in PROFILE_NOTIFICATION_KINDS:
            notifications.register_kind(key, label, group="Школы в программе «500+»")
        outbox.on_give_up("monitoring.tasks.check_batch", tasks.give_up)
        outbox.on_give_up("monitoring.tasks.load_batch", tasks.give_up)


def navigation(access):
    """One entry: the monitoring page lists the sections the user's roles open; and the ГИА
    minimum scores among the reference data of those who keep them."""
    from django.urls import reverse

    from tutoring.extensions import ADMINISTRATION, NavItem
    from tutoring.models import RoleKind

    items = []
    if access.takes_part:
        items.append(NavItem("Мониторинг", reverse("monitoring:index")))
    if access.admin_regions:
        # The region administrator takes no part in the work, but reads the region's report.
        items.append(
            NavItem(
                "Школы в программе «500+»",
                reverse("monitoring:programme_report"),
                group=ADMINISTRATION,
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.REGION_ADMIN):
        items.append(
            NavItem(
                "Минимальные баллы ГИА", reverse("monitoring:minimum_list"), group=ADMINISTRATION
            )
        )
    return items
