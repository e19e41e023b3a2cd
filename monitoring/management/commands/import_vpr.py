from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from monitoring import services
from monitoring.gia import Layout
from monitoring.models import ImportBatch
from tutoring.models import Municipality
from tutoring.words import plural


class Command(BaseCommand):
    help = (
        "Загрузить выгрузки ВПР «Ф1 Индивидуальные результаты» (xlsx) или, с --kind, "
        "заполненные шаблоны ГИА и диагностических работ: каждый файл проверяется целиком и "
        "загружается одной транзакцией; файл с ошибками не загружается."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--municipality",
            help="Название муниципального образования, если файлы — его выгрузки; без него "
            "файл может содержать школы всего региона.",
        )
        parser.add_argument(
            "--kind",
            choices=Layout.values,
            default=Layout.VPR,
            help="Что в файлах: vpr — выгрузка «Ф1» (по умолчанию), gia — шаблон ГИА, "
            "diagnostic — шаблон диагностической работы.",
        )

    def handle(self, *args, files, municipality, kind, **options):
        place = None
        if municipality:
            place = Municipality.objects.filter(name=municipality).first()
            if place is None:
                raise CommandError(f"Муниципальное образование «{municipality}» не найдено.")
        rejected = 0
        for path in files:
            if not path.is_file():
                raise CommandError(f"Нет файла {path}.")
            with path.open("rb") as stream:
                batch = services.batch_check(
                    actor=None,
                    municipality=place,
                    uploaded=File(stream, name=path.name),
                    layout=kind,
                )
            if batch.status == ImportBatch.Status.REJECTED:
                rejected += 1
                count = services.batch_error_count(batch)
                self.stderr.write(f"{path}: не загружен, ошибок: {count}")
                for problem in batch.errors:
                    where = f"строка {problem['row']}, " if problem["row"] else ""
                    letter = f" (столбец {problem['letter']})" if problem.get("letter") else ""
                    column = f"«{problem['column']}»{letter}: " if problem["column"] else ""
                    self.stderr.write(f"  {where}{column}{problem['message']}")
                if more := batch.summary.get("more_errors"):
                    self.stderr.write(f"  и ещё {plural(more, 'ошибка', 'ошибки', 'ошибок')}")
                continue
            services.batch_confirm(actor=None, batch=batch, queue=False)
            services.batch_load(batch.pk)
            summary = batch.summary
            if "works" in summary:
                for work in summary["works"]:
                    self.stdout.write(
                        f"{path}: {work['label']}: участников {work['participants']}, "
                        f"школ {len(work['schools'])}"
                    )
                continue
            self.stdout.write(
                f"{path}: ВПР {summary['year']}, {summary['subject']}, {summary['grade']} кл.: "
                f"участников {summary['participants']}, школ {len(summary['schools'])}"
            )
        if rejected:
            raise CommandError(f"Не загружено файлов: {rejected} из {len(files)}.")
