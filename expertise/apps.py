"""Expertise cases, rubrics, reviews and conclusions."""

from django.apps import AppConfig

ACTION_LABELS = {
    "case.submit": "подана заявка на экспертизу",
    "case.withdraw": "заявка на экспертизу отозвана",
    "case.assign": "назначены эксперты",
    "case.resubmit": "загружена доработанная версия",
    "case.disagreement": "выводы экспертов разошлись",
    "case.reconcile": "методист принял итоговый вывод",
    "review.save": "эксперт сохранил оценки",
    "review.submit": "эксперт отправил оценку",
    "conclusion.issue": "выдано экспертное заключение",
    "rubric.install": "установлены наборы критериев по умолчанию",
    "rubric.new_edition": "создана новая редакция критериев",
    "rubric.update": "изменён набор критериев",
    "rubric.activate": "набор критериев введён в действие",
    "rubric.discard": "удалён черновик набора критериев",
    "criterion.add": "добавлен критерий",
    "criterion.update": "изменён критерий",
    "criterion.remove": "удалён критерий",
}

CHANGE_LABELS = {
    "blind": "скрыть автора",
    "deadline": "срок",
    "description": "описание",
    "edition": "редакция",
    "experts": "эксперты",
    "from": "из редакции",
    "guidance": "подсказка эксперту",
    "kinds": "виды",
    "lower": "нижний порог, %",
    "max_score": "максимальный балл",
    "reconciled": "решение методиста",
    "required": "обязательный",
    "retired": "выведена редакция",
    "round": "раунд",
    "total": "сумма баллов",
    "upper": "верхний порог, %",
    "verdict": "вывод",
}


# Whom a case's moves tell (tutoring.notifications): key, label. The moves that send them are
# declared with the case's workflow (services/cases.py).
NOTIFICATION_KINDS = [
    ("expertise.case.assigned", "Назначена экспертиза"),
    ("expertise.case.disagreement", "Расхождение оценок экспертов"),
    ("expertise.case.revision", "Работа возвращена на доработку"),
    ("expertise.case.conclusion", "Выдано заключение экспертизы"),
]


def value_labels() -> dict:
    from .models import CaseKind, Verdict
    from .services.cases import CONCLUSION_DOCUMENT

    return {
        "rubric:kinds": CaseKind,
        "case:kind": CaseKind,
        "verdict": Verdict,
        "document:kind": {CONCLUSION_DOCUMENT: "экспертное заключение"},
    }


def conclusion_visible(access, document) -> bool:
    """Whoever sees the case, but an expert of a blind case: the issued conclusion names the
    author and the school, which the expert worked without."""
    from .selectors import cases_for, conclusions_for

    open_cases = cases_for(access).filter(author_hidden=False).values("pk")
    return conclusions_for(access).filter(pk=document.object_id, case__in=open_cases).exists()


class ExpertiseConfig(AppConfig):
    name = "expertise"
    verbose_name = "Экспертиза"

    def ready(self):
        from django.urls import reverse

        from tutoring import documents, extensions, notifications

        from . import demo, panels, route_sources
        from .services.cases import CONCLUSION_DOCUMENT
        from .services.conclusions import conclusion_context, conclusion_title

        documents.register(
            CONCLUSION_DOCUMENT,
            template="documents/conclusion.html",
            build_context=conclusion_context,
            title=conclusion_title,
            can_view=conclusion_visible,
        )
        for key, label in NOTIFICATION_KINDS:
            notifications.register_kind(key, label, group="Экспертиза")
        extensions.register_action_labels(ACTION_LABELS)
        extensions.register_change_labels(CHANGE_LABELS)
        extensions.register_value_labels(value_labels())
        extensions.register_demo_loader(demo.load)
        # Suggested difficulties of a teacher's development route (community).
        extensions.register_difficulty_source(route_sources.expertise_difficulties)
        extensions.register_home_panel(panels.home_panel)
        extensions.register_navigation(
            lambda access: [("Экспертиза", reverse("expertise:index"))] if access.takes_part else []
        )
        # The clock's notifications (tutoring.reminders): what is due soon, what is late.
        from tutoring import reminders

        from . import reminders as app_reminders

        reminders.register(app_reminders.KINDS, app_reminders.RULES)
