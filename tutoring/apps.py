from django.apps import AppConfig


class TutoringConfig(AppConfig):
    name = "tutoring"
    verbose_name = "Справочники, люди и доступ"

    def ready(self):
        from . import extensions
        from .services.organizations import ACTION_LABELS, CHANGE_LABELS

        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_change_labels(CHANGE_LABELS)
