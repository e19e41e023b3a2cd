from django.core.management.base import BaseCommand

from tutoring import letters
from tutoring.words import plural


class Command(BaseCommand):
    help = (
        "Собрать ежедневные сводки уведомлений тем, у кого настало выбранное время, и "
        "поставить письма в очередь. Celery beat делает это каждые 15 минут; команда — для "
        "cron, если beat не запущен. Повторный запуск в тот же день второй сводки не отправит."
    )

    def handle(self, *args, **options):
        ids = letters.claim_digests()
        self.stdout.write(
            f"Поставлено в очередь: {plural(len(ids), 'сводка', 'сводки', 'сводок')}."
            if ids
            else "Сводок к отправке нет."
        )
