from django.apps import AppConfig

# What the list imports write in the journal (tutoring/imports/).
IMPORT_ACTION_LABELS = {
    "directory_import.upload": "файл списка загружен на проверку",
    "directory_import.check": "файл списка проверен",
    "directory_import.fail": "проверка файла списка не удалась",
    "directory_import.retry": "проверка файла списка запущена снова",
    "directory_import.confirm": "загрузка списка подтверждена",
    "directory_import.load": "список применён",
    "directory_import.load_fail": "применить список не удалось",
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
# What the region generator records (tutoring/scale.py): the counts it created or removed.
REGION_CHANGE_LABELS = {
    "municipalities": "муниципальных образований",
    "organizations": "организаций",
    "schools": "школ",
    "users": "учителей",
    "teacher_roles": "ролей учителя",
    "tutor_roles": "ролей тьютора",
    "role_subjects": "предметов в ролях",
    "low_results": "школ ШНОР",
    "hard_conditions": "школ ШССУ",
    "seed": "начальное число",
    "replaced": "удалено прежних записей",
    "roles": "ролей",
    "audit_entries": "записей журнала",
    "statuses": "статусов школ",
}
# What the region administrator's reference of risk directions records (tutoring.services);
# a rename records the `name` before and after (a move: «было» → «стало»).
RISK_DIRECTION_ACTION_LABELS = {
    "risk_direction.create": "добавлено направление рискового профиля",
    "risk_direction.rename": "направление рискового профиля переименовано",
    "risk_direction.retire": "направление рискового профиля выведено из употребления",
    "risk_direction.restore": "направление рискового профиля возвращено в употребление",
}

# tutoring's own kinds of notification (tutoring.notifications): key, label, group.
NOTIFICATION_KINDS = [
    ("tutoring.document.ready", "Документ сформирован", "Документы"),
    ("tutoring.document.failed", "Документ не сформирован", "Документы"),
    ("tutoring.import.checked", "Список проверен и ждёт подтверждения", "Загрузка списков"),
    ("tutoring.import.loaded", "Список загружен", "Загрузка списков"),
    ("tutoring.import.failed", "Список не загружен", "Загрузка списков"),
]

# A document is usually awaited on its page, where it appears within seconds: a letter for
# each would be noise, one line in the day's digest is enough. Its failure is mailed at once.
EMAIL_DEFAULTS = {"tutoring.document.ready": "daily"}
# What the e-mail settings write in the journal (tutoring/letters.py).
EMAIL_ACTION_LABELS = {
    "email.settings": "изменены настройки писем",
    "email.unsubscribe": "отписка от писем по ссылке из письма",
}
EMAIL_CHANGE_LABELS = {
    "email:kinds": "письма по видам уведомлений",
    "email:digest_time": "время сводки",
}


class TutoringConfig(AppConfig):
    name = "tutoring"
    verbose_name = "Справочники, люди и доступ"

    def ready(self):
        from . import documents, extensions, notifications, outbox
        from .imports.services import directory_import_give_up, directory_import_load_give_up
        from .services import organizations

        extensions.register_action_labels(organizations.ACTION_LABELS)
        extensions.register_change_labels(organizations.CHANGE_LABELS)
        extensions.register_action_labels(IMPORT_ACTION_LABELS)
        extensions.register_change_labels(IMPORT_CHANGE_LABELS)
        extensions.register_change_labels(REGION_CHANGE_LABELS)
        extensions.register_action_labels(RISK_DIRECTION_ACTION_LABELS)
        extensions.register_reference_keys({"object_id"})
        extensions.register_move_actions({"person.email_change", "risk_direction.rename"})
        extensions.register_value_labels(value_labels())
        for key, label, group in NOTIFICATION_KINDS:
            notifications.register_kind(
                key, label, group=group, email=EMAIL_DEFAULTS.get(key, notifications.EMAIL_NOW)
            )
        extensions.register_action_labels(EMAIL_ACTION_LABELS)
        extensions.register_change_labels(EMAIL_CHANGE_LABELS)
        # A task the workers kept dying on fails its object, whose page offers «Повторить».
        outbox.on_give_up("tutoring.tasks.render_document", documents.give_up)
        outbox.on_give_up("tutoring.imports.tasks.check_directory_import", directory_import_give_up)
        outbox.on_give_up(
            "tutoring.imports.tasks.load_directory_import", directory_import_load_give_up
        )


def value_labels() -> dict:
    from .forms_organizations import RUSSIAN_TIMEZONES
    from .models import Organization, RoleKind, SchoolStatus, Subject

    return {
        "municipality:timezone": RUSSIAN_TIMEZONES,
        "organization:kind": Organization.Kind,
        "subject:kind": Subject.Kind,
        "school_status:kind": SchoolStatus.Kind,
        "role": RoleKind,
    }
