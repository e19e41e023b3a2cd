from django.apps import AppConfig

ACTION_LABELS = {
    "nomination.create": "подано предложение о включении в состав",
    "nomination.accept": "предложение принято",
    "nomination.reject": "предложение отклонено",
    "roster.create": "заведён состав",
    "roster.entry_add": "тьютор добавлен в состав",
    "roster.entry_update": "изменена запись состава",
    "roster.entry_remove": "тьютор исключён из состава",
    "roster.approve": "состав утверждён",
    "roster.revise": "открыта новая редакция состава",
    "order.create": "подготовлен проект приказа",
    "order.update": "изменён проект приказа",
    "order.appendix_add": "добавлено приложение",
    "order.appendix_remove": "удалено приложение",
    "order.approve": "приказ подписан",
    "order.amend": "подготовлен изменяющий приказ",
    "plan.create": "создан план работы сообщества",
    "plan.copy": "план скопирован с прошлого года",
    "plan.item_add": "добавлено мероприятие плана",
    "plan.item_update": "изменено мероприятие плана",
    "plan.item_remove": "удалено мероприятие плана",
    "plan.item_move": "изменён порядок мероприятий",
    "plan.approve": "план утверждён",
    "tutor_plan.create": "создан план тьютора",
    "tutor_plan.item_add": "добавлен пункт плана тьютора",
    "tutor_plan.item_update": "изменён пункт плана тьютора",
    "tutor_plan.item_remove": "удалён пункт плана тьютора",
    "tutor_plan.submit": "план тьютора отправлен на согласование",
    "tutor_plan.approve": "план тьютора утверждён",
    "tutor_plan.return": "план тьютора возвращён на доработку",
    "assignment.create": "тьютор закреплён за учителем",
    "assignment.delete": "закрепление снято",
}


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Сообщество тьюторов"

    def ready(self):
        from tutoring import documents, extensions

        from . import demo, panels
        from .documents import order_context, order_title
        from .services.orders import ORDER_DOCUMENT

        documents.register(
            ORDER_DOCUMENT,
            template="documents/order.html",
            build_context=order_context,
            title=order_title,
        )
        extensions.register_demo_loader(demo.load)
        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_navigation(panels.navigation)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_profile_panel(panels.profile_panel)
