from django.core.management.base import BaseCommand

from tutoring.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные (повторный запуск ничего не меняет)."

    def handle(self, *args, **options):
        result = load_demo()
        if result.created:
            self.stdout.write(f"Создано записей: {result.created}.")
        else:
            self.stdout.write("Демонстрационные данные уже загружены, ничего не изменено.")
        self.stdout.write(
            f"Демо-входы (пароль «{DEMO_PASSWORD}»): {', '.join(sorted(DEMO_LOGINS))}."
        )
