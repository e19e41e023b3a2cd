from django.apps import AppConfig

ACTION_LABELS = {
    "request.create": "подана заявка",
    "request.update": "заявка изменена",
    "request.withdraw": "заявка отозвана",
    "request.accept": "заявка принята",
    "request.reject": "заявка отклонена",
    "request.cancel": "заявка отменена",
    "calendar.reset": "заменён адрес календаря",
    "request.rate": "заявитель оценил помощь",
    "session.report": "составлен отчёт о занятии",
}


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Консультационный пункт"

    def ready(self):
        from django.urls import reverse

        from tutoring import extensions

        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_navigation(
            lambda access: (
                [("Консультации", reverse("consultations:index"))] if access.roles else []
            )
        )
