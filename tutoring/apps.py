from django.apps import AppConfig

# What the list imports write in the journal (tutoring/imports/).
IMPORT_ACTION_LABELS = {
    "directory_import.check": "файл списка проверен",
    "directory_import.load": "список применён",
    "directory_import.cancel": "загрузка списка отменена",
    "directory_import.invite": "отправлены приглашения по списку",
    "organization.import": "организация добавлена или изменена по списку",
    "person.import": "человек добавлен или изменён по списку",
}
IMPORT_CHANGE_LABELS = {
    "file": "файл",
    "errors": "ошибок",
    "new": "добавится",
    "update": "обновится",
    "same": "без изменений",
    "added": "добавлено",
    "updated": "обновлено",
    "change": "что сделано",
    "details": "что изменилось",
    "people": "людей",
}


class TutoringConfig(AppConfig):
    name = "tutoring"
    verbose_name = "Справочники, люди и доступ"

    def ready(self):
        from . import extensions
        from .services import organizations

        extensions.register_action_labels(organizations.ACTION_LABELS)
        extensions.register_change_labels(organizations.CHANGE_LABELS)
        extensions.register_action_labels(IMPORT_ACTION_LABELS)
        extensions.register_change_labels(IMPORT_CHANGE_LABELS)
