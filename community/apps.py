from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Сообщество тьюторов"

    def ready(self):
        from tutoring import extensions

        from . import panels

        extensions.register_navigation(panels.navigation)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_profile_panel(panels.profile_panel)
