from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tutoring import notifications, reminders
from tutoring.words import plural


class Command(BaseCommand):
    help = (
        "Разослать напоминания, срок которых наступил: занятия и мероприятия завтра, отчёты и "
        "оценки после занятий, сроки экспертизы и шагов маршрута, приказы на подписи. Каждое "
        "напоминание приходит человеку один раз. Celery beat делает это каждые полчаса; "
        "команда — для cron, если beat не запущен."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Момент, на который проверять сроки (ISO 8601, например 2026-12-03T09:00+03:00); "
            "по умолчанию — сейчас.",
        )

    def handle(self, *args, now=None, **options):
        moment = timezone.now()
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError(f"Не понимаю момент времени {now!r}: нужен ISO 8601.")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        counts = reminders.run(moment)
        by_kind: dict[str, int] = {}
        for rule in reminders.rules():
            by_kind[rule.kind] = by_kind.get(rule.kind, 0) + counts.get(rule.key, 0)
        for kind, sent in by_kind.items():
            self.stdout.write(f"{notifications.kind_label(kind)}: {sent}")
        total = sum(counts.values())
        self.stdout.write(
            f"Всего отправлено: {plural(total, 'напоминание', 'напоминания', 'напоминаний')}."
        )
