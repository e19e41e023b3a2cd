from django.core.management.base import BaseCommand

from monitoring import gia, services


class Command(BaseCommand):
    help = (
        "Добавить минимальные баллы ГИА из справочника портала (ЕГЭ — минимальные тестовые "
        "баллы, ОГЭ по математике и русскому языку — первичный балл отметки «3») для "
        "предметов, которые есть в портале. Уже заданные минимумы не меняются."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help=f"Год; можно повторить. По умолчанию {', '.join(map(str, gia.MINIMUM_YEARS))}.",
        )

    def handle(self, *args, years, **options):
        added = services.minimum_scores_seed(actor=None, years=years or gia.MINIMUM_YEARS)
        self.stdout.write(f"Добавлено минимальных баллов: {added}.")
