"""`manage.py backup DIR`: the database and every stored file into a new folder, with a
manifest; `manage.py backup --verify DIR` checks an existing copy against its manifest."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from tutoring import backup
from tutoring.words import plural


class Command(BaseCommand):
    help = (
        "Резервная копия базы данных и всех файлов в новую папку (с описью manifest.json); "
        "с --verify — проверка уже сделанной копии по её описи."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="папка копии (новая или пустая)")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="не делать копию, а проверить размеры и SHA-256 файлов копии по описи",
        )

    def handle(self, *args, directory, verify, **options):
        try:
            if verify:
                self.verify(directory)
            else:
                summary = backup.backup(
                    directory, database=backup.Database.default(), storage=default_storage
                )
                self.stdout.write(
                    f"Копия в {directory}: база данных — "
                    f"{plural(summary.tables, 'таблица', 'таблицы', 'таблиц')}, "
                    f"{plural(summary.rows, 'строка', 'строки', 'строк')}; "
                    f"{plural(summary.files, 'файл', 'файла', 'файлов')}, "
                    f"{summary.bytes / 1024 / 1024:.1f} МБ."
                )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None

    def verify(self, directory):
        problems = backup.verify(directory)
        if problems:
            count = plural(len(problems), "ошибка", "ошибки", "ошибок")
            raise CommandError(f"Копия {directory} повреждена ({count}):\n" + "\n".join(problems))
        manifest = backup.read_manifest(directory)
        self.stdout.write(
            f"Копия {directory} от {manifest['created']} цела: база данных и "
            f"{plural(len(manifest['files']), 'файл', 'файла', 'файлов')} совпадают с описью."
        )
