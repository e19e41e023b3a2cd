from django.apps import AppConfig

ACTION_LABELS = {
    "request.create": "подана заявка",
    "request.update": "заявка изменена",
    "request.withdraw": "заявка отозвана",
    "request.accept": "заявка принята",
    "request.reject": "заявка отклонена",
    "request.cancel": "заявка отменена",
    "request.schedule": "по заявке назначено занятие",
    "request.reopen": "заявка снова ждёт занятия",
    "request.held": "занятие по заявке проведено",
    "request.close": "заявка закрыта",
    "calendar.reset": "заменён адрес календаря",
    "request.rate": "заявитель оценил помощь",
    "session.report": "составлен отчёт о занятии",
    "session.book": "назначено занятие",
    "session.cancel": "занятие отменено",
    "session.reschedule": "занятие перенесено",
    "session.own_record": "тьютор записал занятие",
    "session.own_update": "тьютор изменил занятие",
    "series.own_record": "тьютор запланировал серию занятий",
    "series.book": "по заявке назначена серия занятий",
    "schedule.create": "составлен график работы пункта",
    "schedule.build": "построен график по заявкам",
    "schedule.approve": "график утверждён",
    "point.create": "создан консультационный пункт",
    "point.update": "изменены сведения о пункте",
    "room.create": "добавлено помещение пункта",
    "room.update": "изменено помещение пункта",
    "room.delete": "удалено помещение пункта",
    "availability.slot_add": "добавлено время приёма тьютора",
    "availability.slot_remove": "удалено время приёма тьютора",
    "availability.exception_add": "отмечен период без приёма",
    "availability.exception_remove": "удалён период без приёма",
    "event.create": "создано мероприятие",
    "event.update": "мероприятие изменено",
    "event.publish": "мероприятие опубликовано",
    "event.cancel": "мероприятие отменено",
    "event.register": "запись на мероприятие",
    "event.unregister": "запись на мероприятие отменена",
}

# Russian names of the keys that the events' audit entries record.
EVENT_CHANGE_LABELS = {
    "audience": "для кого",
    "capacity": "мест",
    "description": "описание",
    "ends_at": "окончание",
    "link": "ссылка",
    "organizer": "проводит",
    "participant": "участник",
    "place": "место",
    "plan_item": "мероприятие плана",
    "registered": "записались",
    "starts_at": "начало",
    # Of a tutor's hours, which a methodist may keep for them.
    "tutor": "тьютор",
}

# Of the schedule's approval.
SCHEDULE_CHANGE_LABELS = {"sessions": "занятий", "number": "регистрационный номер"}
# Russian names of the keys that the requests', sessions' and point's entries record.
CONSULTATION_CHANGE_LABELS = {
    "difficulty": "затруднение",
    "format": "формат",
    "participants_count": "число участников",
    "priority": "в первую очередь",
    "held": "занятие состоялось",
    "pupils": "обучающихся",
    "rating": "оценка",
    "time": "время",
    "room": "кабинет",
    "sessions": "занятий",
    "sessions_cancelled": "отменено занятий",
    "unplaced": "не размещено заявок",
    "organization": "организация",
    "remote_link": "ссылка для дистанционной работы",
    "working_hours": "часы работы",
    "is_active": "работает",
    "work_form": "форма работы",
    "teachers": "учителя",
    "count": "занятий",
    "interval": "повторять",
}
# The ids some entries recorded: the request a session serves, the point a room is of.
REFERENCE_KEYS = {"request", "point", "plan_item"}
# Entries whose two values are the time and the room before and after.
MOVE_ACTIONS = {"session.reschedule", "session.own_update"}


def value_labels() -> dict:
    from .models import Event, Format, RequestKind
    from .services.schedules import SCHEDULE_DOCUMENT

    return {
        "request:kind": RequestKind,
        "request:format": Format,
        "session:format": Format,
        "event:kind": Event.Kind,
        "document:kind": {SCHEDULE_DOCUMENT: "график консультаций"},
    }


# The consultation point's kinds of notification (tutoring.notifications): key, label, group.
# The moves that send them are declared with their workflows (consultations/services).
NOTIFICATION_KINDS = [
    ("consultations.request.filed", "Новая заявка на консультацию", "Консультации"),
    ("consultations.request.accepted", "Заявка принята", "Консультации"),
    ("consultations.request.rejected", "Заявка отклонена", "Консультации"),
    ("consultations.request.scheduled", "Назначено занятие", "Консультации"),
    ("consultations.request.rescheduled", "Занятие перенесено", "Консультации"),
    ("consultations.request.cancelled", "Заявка или занятие отменены", "Консультации"),
    # A new event reaches every teacher of the municipality: gathered into the day's letter.
    ("consultations.session.own_planned", "Тьютор запланировал занятие", "Консультации"),
    ("consultations.session.own_changed", "Тьютор изменил занятие", "Консультации"),
    ("consultations.session.own_cancelled", "Тьютор отменил занятие", "Консультации"),
    ("consultations.event.published", "Новое мероприятие", "Мероприятия", "daily"),
    ("consultations.event.changed", "Мероприятие изменено", "Мероприятия"),
    ("consultations.event.cancelled", "Мероприятие отменено", "Мероприятия"),
]


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Консультационный пункт"

    def ready(self):
        from tutoring import documents, extensions, notifications, outbox

        from . import demo, demo_events, demo_own, panels
        from .calendar import request_invitations
        from .documents import schedule_context, schedule_title
        from .services.calendar import calendar_feed_rotate
        from .services.schedules import SCHEDULE_DOCUMENT

        documents.register(
            SCHEDULE_DOCUMENT,
            template="documents/schedule.html",
            build_context=schedule_context,
            title=schedule_title,
        )
        for key, label, group, *email in NOTIFICATION_KINDS:
            notifications.register_kind(key, label, group=group, email=email[0] if email else "now")
        # A letter about a request carries its sessions, for the recipient's calendar.
        notifications.register_attachments("consultations.request.", request_invitations)
        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_demo_loader(demo.load)
        # After the point's demo: the events take the same people and the community's plan.
        extensions.register_demo_loader(demo_events.load)
        # The demo tutor's own month at СОШ № 20, after the booked sessions it must not clash with.
        extensions.register_demo_loader(demo_own.load)
        extensions.register_home_panel(panels.queues_panel)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_plan_item_action(panels.event_from_plan_item)
        extensions.register_change_labels(EVENT_CHANGE_LABELS)
        extensions.register_change_labels(CONSULTATION_CHANGE_LABELS)
        extensions.register_change_labels(SCHEDULE_CHANGE_LABELS)
        extensions.register_reference_keys(REFERENCE_KEYS)
        extensions.register_move_actions(MOVE_ACTIONS)
        extensions.register_value_labels(value_labels())
        extensions.register_navigation(navigation)
        extensions.register_password_hook(calendar_feed_rotate)
        from .services.schedule_batches import schedule_build_give_up

        outbox.on_give_up("consultations.tasks.run_schedule_build", schedule_build_give_up)
        # The clock's notifications (tutoring.reminders): what is due soon, what is late.
        from tutoring import notifications, reminders

        from . import reminders as app_reminders

        reminders.register(app_reminders.KINDS, app_reminders.RULES)
        notifications.register_attachments(
            app_reminders.SESSION_TOMORROW, app_reminders.session_invitation
        )


def navigation(access):
    from django.urls import reverse

    from tutoring.extensions import ADMINISTRATION, NavItem
    from tutoring.models import RoleKind

    if not access.takes_part:
        return []
    items = [NavItem("Консультации", reverse("consultations:index"))]
    if access.has(RoleKind.METHODIST):
        items.append(
            NavItem(
                "Время приёма тьюторов",
                reverse("consultations:hours_tutor_list"),
                group=ADMINISTRATION,
            )
        )
    return items
