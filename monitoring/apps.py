from django.apps import AppConfig

ACTION_LABELS = {
    "import.check": "файл результатов проверен",
    "import.confirm": "загрузка результатов подтверждена",
    "import.cancel": "загрузка результатов отменена",
    "import.load": "результаты загружены",
    "import.fail": "сбой загрузки результатов",
    "minimum.seed": "добавлены минимальные баллы ГИА",
    "report.create": "отчёт составлен",
}

CHANGE_LABELS = {
    "assessment": "работа",
    "errors": "ошибок",
    "file": "файл",
    "participants": "участников",
    "schools": "школ",
    "unchanged": "школ без изменений",
    "minimums": "минимальных баллов",
    "works": "работ",
    "years": "годы",
}


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Мониторинг результатов"

    def ready(self):
        from django.urls import reverse

        from tutoring import documents, extensions
        from tutoring.models import RoleKind

        from . import demo, reports

        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_change_labels(CHANGE_LABELS)
        extensions.register_demo_loader(demo.load)
        documents.register(
            reports.DOCUMENT,
            template=reports.TEMPLATE,
            build_context=reports.report_context,
            title=reports.report_title,
            can_view=reports.report_visible,
        )
        readers = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL)
        extensions.register_navigation(
            lambda access: (
                [("Результаты ВПР", reverse("monitoring:import_list"))]
                if access.has(*readers)
                else []
            )
        )
        oversight = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)

        def community(access):
            sections = []
            if access.has(*oversight):
                sections.append(("Эффективность сообщества", reverse("monitoring:effectiveness")))
            if access.has(*oversight, RoleKind.SCHOOL, RoleKind.TUTOR, RoleKind.TEACHER):
                sections.append(
                    ("Профессиональное развитие", reverse("monitoring:development_list"))
                )
            return sections

        extensions.register_navigation(community)
