from django.core.management.base import BaseCommand

from tutoring import outbox


class Command(BaseCommand):
    help = (
        "Отправить в очередь задачи, которые не были переданы (очередь была недоступна) или не "
        "были завершены (обработчик остановился), и оставить те, что прерывались трижды. "
        "Celery beat делает это каждую минуту; команда — для cron, если beat не запущен."
    )

    def handle(self, *args, **options):
        counts = outbox.sweep()
        self.stdout.write(
            f"Передано в очередь: {counts['sent']}, отправлено снова: {counts['resent']}, "
            f"оставлено: {counts['given_up']}, ждут очереди: {counts['waiting']}, "
            f"удалено старых записей: {counts['pruned']}."
        )
