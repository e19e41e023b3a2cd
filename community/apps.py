from django.apps import AppConfig


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
        extensions.register_navigation(panels.navigation)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_profile_panel(panels.profile_panel)
