from django.apps import AppConfig

ACTION_LABELS = {
    "nomination.create": "подано предложение о включении в состав",
    "nomination.accept": "предложение принято",
    "nomination.reject": "предложение отклонено",
    "roster.create": "заведён состав",
    "roster.entry_add": "тьютор добавлен в состав",
    "roster.entry_update": "изменена запись состава",
    "roster.entry_remove": "тьютор исключён из состава",
    "roster.ready": "состав отмечен «готов к приказу»",
    "roster.unready": "состав возвращён в черновик",
    "roster.approve": "состав утверждён приказом",
    "roster.revise": "открыта новая редакция состава",
    "roster.carry_over": "черновик состава составлен по утверждённому составу прошлого года",
    "year.start": "начат новый учебный год",
    "order.create": "подготовлен проект приказа",
    "order.update": "изменён проект приказа",
    "order.appendix_add": "добавлено приложение",
    "order.appendix_remove": "удалено приложение",
    "order.send": "приказ отправлен на подпись",
    "order.return": "приказ возвращён на доработку",
    "order.approve": "приказ подписан",
    "order.amend": "подготовлен изменяющий приказ",
    "plan.create": "создан план работы сообщества",
    "plan.copy": "план создан по плану другого учебного года",
    "plan.item_add": "добавлено мероприятие плана",
    "plan.item_update": "изменено мероприятие плана",
    "plan.item_remove": "удалено мероприятие плана",
    "plan.item_move": "изменён порядок мероприятий",
    "plan.grouping": "изменён вид плана (группировка по видам деятельности)",
    "plan.submit": "план отправлен на утверждение",
    "plan.approve": "план утверждён",
    "plan.return": "план возвращён на доработку",
    "tutor_plan.create": "создан план тьютора",
    "tutor_plan.copy": "план тьютора перенесён с прошлого учебного года",
    "tutor_plan.item_add": "добавлен пункт плана тьютора",
    "tutor_plan.item_update": "изменён пункт плана тьютора",
    "tutor_plan.item_remove": "удалён пункт плана тьютора",
    "tutor_plan.submit": "план тьютора отправлен на согласование",
    "tutor_plan.approve": "план тьютора утверждён",
    "tutor_plan.return": "план тьютора возвращён на доработку",
    "year_report.create": "начат отчёт тьютора за год",
    "year_report.write": "изменены выводы в отчёте тьютора",
    "year_report.submit": "отчёт тьютора отправлен на проверку",
    "year_report.accept": "отчёт тьютора принят",
    "year_report.return": "отчёт тьютора возвращён на доработку",
    "assignment.create": "тьютор закреплён за учителем",
    "assignment.delete": "закрепление снято",
    "assignment.pair_create": "создана наставническая пара «учитель — учитель»",
    "assignment.pair_end": "наставническая пара завершена",
    "assignment.pair_delete": "наставническая пара удалена",
    "diagnosis.record": "записана диагностика профессиональных дефицитов",
    "diagnosis.update": "изменена диагностика профессиональных дефицитов",
    "diagnosis.delete": "удалена диагностика профессиональных дефицитов",
    "material.create": "материал добавлен в библиотеку (черновик)",
    "material.update": "материал изменён",
    "material.submit": "материал отправлен на модерацию",
    "material.publish": "материал опубликован",
    "material.return": "материал возвращён на доработку",
    "material.archive": "материал убран в архив",
    "route.create": "составляется индивидуальный маршрут",
    "route.update": "изменены тема и цели маршрута",
    "route.difficulty_add": "добавлено затруднение",
    "route.difficulty_remove": "удалено затруднение",
    "route.step_add": "добавлен шаг маршрута",
    "route.step_update": "изменён шаг маршрута",
    "route.step_remove": "удалён шаг маршрута",
    "route.start": "маршрут начат",
    "route.step_done": "шаг маршрута выполнен",
    "route.step_reopen": "шаг маршрута возвращён в работу",
    "route.close": "маршрут завершён",
    "achievement.create": "добавлено достижение тьютора",
    "achievement.update": "изменено достижение тьютора",
    "achievement.delete": "удалено достижение тьютора",
}

# Russian names of the keys that the routes' audit entries record.
ROUTE_CHANGE_LABELS = {
    "teacher": "учитель",
    "tutor": "тьютор",
    "topic": "тема",
    "goals": "цели",
    "source": "откуда",
    "text": "текст",
    "step": "шаг",
    "steps": "шагов",
    "deadline": "срок",
    "material": "материал",
    "evidence": "подтверждение",
    "done": "выполнено шагов",
    "reflection": "рефлексия",
}

# Russian names of the keys that the diagnoses' entries record: a kind's rating under its
# code.
DIAGNOSIS_CHANGE_LABELS = {
    "diagnosis:deficits": "дефициты",
    "diagnosis:subject": "предметные дефициты",
    "diagnosis:methodical": "методические дефициты",
    "diagnosis:psychological": "психолого-педагогические дефициты",
    "diagnosis:communicative": "коммуникативные дефициты",
}

# Russian names of the keys that the mentoring pairs' entries record.
PAIR_CHANGE_LABELS = {
    "assignment:mentor": "наставник",
    "assignment:mentee": "наставляемый",
    "assignment:programme": "программа наставничества",
    "assignment:result": "результат наставничества",
}

# Russian names of the keys that the copies into a new academic year record.
YEAR_CHANGE_LABELS = {
    "academic_year": "учебный год",
    "from_roster": "по составу",
    "from_plan": "по плану (номер записи)",
    "from_year": "с плана учебного года",
    "plan_from": "план работы сообщества скопирован с учебного года",
    "entries": "тьюторов в составе",
    "items": "пунктов",
    "left_out": "не перенесены (учётная запись закрыта)",
    "tutor_plans": "перенесено планов тьюторов",
    "tutor_plans_skipped": "планов тьюторов уже было",
    "assignments": "перенесено закреплений",
    "assignments_skipped": "закреплений уже было",
}

# Russian names of the keys that the plans', rosters' and orders' audit entries record.
COMMUNITY_CHANGE_LABELS = {
    "activity": "вид деятельности",
    "content": "содержание",
    "timing": "сроки",
    "responsible": "ответственный",
    "expected_result": "ожидаемый результат",
    "direction": "перемещено",
    "person": "тьютор",
    "organization": "организация",
    "level": "уровень тьютора",
    "warnings": "замечания",
    "tutor_roles_granted": "назначено ролей тьютора",
    "heading": "заголовок",
    "place": "место издания",
    "preamble": "преамбула",
    "points": "распорядительная часть",
    "signatory_position": "должность подписывающего",
    "signatory_name": "подписывающий",
    "amends": "изменяет приказ",
}
# The ids some entries recorded: the journal names the object otherwise or not at all.
REFERENCE_KEYS = {"item", "step", "roster", "from_revision", "from_plan"}

# Russian names of the keys that the orders' and rosters' audit entries record.
ORDER_CHANGE_LABELS = {
    "heading": "заголовок",
    "organization": "издающая организация",
    "place": "место издания",
    "preamble": "преамбула",
    "points": "пункты приказа",
    "signatory_position": "должность подписывающего",
    "signatory_name": "подписывающий",
    "rosters_approved": "утверждены составы",
    "order": "приказ",
    "tutor_roles_granted": "получили роль тьютора",
    "amends": "изменяет приказ",
}

# Russian names of the keys that the community plan's audit entries record.
PLAN_CHANGE_LABELS = {
    "grouping": "мероприятия",
    "item_number": "номер мероприятия в плане",
    "conclusion": "выводы тьютора",
}

# Russian names of the keys that the library's audit entries record.
MATERIAL_CHANGE_LABELS = {
    "authors": "авторы",
    "subjects": "предметы",
    "description": "описание",
    "grade_from": "с класса",
    "grade_to": "по класс",
    "link": "ссылка",
}

# Russian names of the keys that the achievements' audit entries record.
ACHIEVEMENT_CHANGE_LABELS = {
    "achievement:kind": "вид",
    "achievement:level": "уровень",
    "achievement:title": "название",
    "achievement:date": "дата",
    "achievement:link": "ссылка",
    "achievement:files": "файлы",
}


def value_labels() -> dict:
    """The choices that name the codes the community's entries record (see
    `tutoring.extensions.register_value_labels`)."""
    from .models import (
        Achievement,
        AchievementLevel,
        Activity,
        Appendix,
        Material,
        RouteStep,
        TutorLevel,
        TutorPlan,
    )
    from .services.orders import ORDER_DOCUMENT
    from .services.plans import PLAN_DOCUMENT
    from .services.routes import ROUTE_DOCUMENT

    return {
        "plan:activity": Activity,
        "tutor_plan:activity": Activity,
        "tutor_plan:status": TutorPlan.Status,
        "plan:direction": {"up": "выше", "down": "ниже"},
        "order:kind": Appendix.Kind,
        "roster:level": TutorLevel,
        "route:kind": RouteStep.Kind,
        "material:kind": Material.Kind,
        "achievement:kind": Achievement.Kind,
        "achievement:level": AchievementLevel,
        "material:status": Material.Status,
        "document:kind": {
            ORDER_DOCUMENT: "приказ",
            PLAN_DOCUMENT: "план сообщества",
            ROUTE_DOCUMENT: "индивидуальный маршрут",
        },
    }


# The community's kinds of notification (tutoring.notifications): key, label, group. The moves
# that send them are declared with their workflows (community/services).
NOTIFICATION_KINDS = [
    ("community.order.sent", "Приказ на подписи", "Приказы"),
    ("community.order.returned", "Приказ возвращён на доработку", "Приказы"),
    ("community.order.approved", "Приказ подписан", "Приказы"),
    ("community.nomination.filed", "Предложение в состав сообщества", "Состав сообщества"),
    ("community.nomination.decided", "Решение по предложению", "Состав сообщества"),
    ("community.material.submitted", "Материал на модерации", "Библиотека"),
    ("community.material.published", "Материал опубликован", "Библиотека"),
    ("community.material.returned", "Материал возвращён на доработку", "Библиотека"),
    ("community.plan.submitted", "План сообщества на утверждении", "Планы"),
    ("community.plan.approved", "План сообщества утверждён", "Планы"),
    ("community.plan.returned", "План сообщества возвращён на доработку", "Планы"),
    ("community.tutor_plan.submitted", "План тьютора на согласовании", "Планы"),
    ("community.tutor_plan.approved", "План тьютора утверждён", "Планы"),
    ("community.tutor_plan.returned", "План тьютора возвращён на доработку", "Планы"),
    ("community.year_report.submitted", "Отчёт тьютора на проверке", "Отчёты тьюторов"),
    ("community.year_report.accepted", "Отчёт тьютора принят", "Отчёты тьюторов"),
    ("community.year_report.returned", "Отчёт тьютора возвращён на доработку", "Отчёты тьюторов"),
]


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Сообщество тьюторов"

    def ready(self):
        from tutoring import documents, extensions, notifications

        from . import (
            demo,
            demo_diagnoses,
            demo_library,
            demo_routes,
            demo_year_report,
            panels,
            route_sources,
        )
        from .documents import (
            order_context,
            order_title,
            plan_context,
            plan_title,
            plan_visible,
            route_context,
            route_title,
            route_visible,
            year_report_context,
            year_report_title,
            year_report_visible,
        )
        from .services.orders import ORDER_DOCUMENT
        from .services.plans import PLAN_DOCUMENT
        from .services.routes import ROUTE_DOCUMENT
        from .services.year_reports import YEAR_REPORT_DOCUMENT

        documents.register(
            ORDER_DOCUMENT,
            template="documents/order.html",
            build_context=order_context,
            title=order_title,
        )
        documents.register(
            PLAN_DOCUMENT,
            template="documents/community/plan.html",
            build_context=plan_context,
            title=plan_title,
            can_view=plan_visible,
        )
        documents.register(
            ROUTE_DOCUMENT,
            template="documents/community/route.html",
            build_context=route_context,
            title=route_title,
            can_view=route_visible,
        )
        documents.register(
            YEAR_REPORT_DOCUMENT,
            template="documents/community/year_report.html",
            build_context=year_report_context,
            title=year_report_title,
            can_view=year_report_visible,
        )
        for key, label, group in NOTIFICATION_KINDS:
            notifications.register_kind(key, label, group=group)
        extensions.register_demo_loader(demo.load)
        # Before the routes: a step of a route may name a material of the library.
        extensions.register_demo_loader(demo_library.load)
        extensions.register_demo_loader(demo_routes.load)
        # After the routes' assignments: the demo tutor diagnoses the teacher assigned to her.
        extensions.register_demo_loader(demo_diagnoses.load)
        # After every app's records: the tutor's year report sums them up and is frozen.
        extensions.register_demo_loader(demo_year_report.load, last=True)
        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_change_labels(ROUTE_CHANGE_LABELS)
        extensions.register_change_labels(MATERIAL_CHANGE_LABELS)
        extensions.register_change_labels(ACHIEVEMENT_CHANGE_LABELS)
        extensions.register_change_labels(YEAR_CHANGE_LABELS)
        extensions.register_change_labels(COMMUNITY_CHANGE_LABELS)
        extensions.register_change_labels(ORDER_CHANGE_LABELS)
        extensions.register_change_labels(PLAN_CHANGE_LABELS)
        extensions.register_change_labels(DIAGNOSIS_CHANGE_LABELS)
        extensions.register_change_labels(PAIR_CHANGE_LABELS)
        extensions.register_reference_keys(REFERENCE_KEYS)
        extensions.register_value_labels(value_labels())
        # First of the route's suggestions: Р-201 builds the route on the diagnosis.
        extensions.register_difficulty_source(route_sources.diagnosis_difficulties)
        extensions.register_navigation(panels.navigation)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_profile_panel(panels.profile_panel)
        # The clock's notifications (tutoring.reminders): what is due soon, what is late.
        from tutoring import reminders

        from . import reminders as app_reminders

        reminders.register(app_reminders.KINDS, app_reminders.RULES)
