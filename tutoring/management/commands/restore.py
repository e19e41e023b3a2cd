"""`manage.py restore DIR`: a backup into an EMPTY database and an empty file storage, then a
check that every table has its rows and every file its bytes."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from tutoring import backup
from tutoring.words import plural


class Command(BaseCommand):
    help = (
        "Восстановление резервной копии в пустую базу данных и пустое хранилище файлов "
        "с проверкой числа строк каждой таблицы и SHA-256 каждого файла."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="папка копии, сделанной manage.py backup")
        parser.add_argument(
            "--database-url",
            help="восстановить в эту базу, а не в DATABASE_URL (например, в проверочную)",
        )

    def handle(self, *args, directory, database_url, **options):
        try:
            database = (
                backup.Database.from_url(database_url)
                if database_url
                else backup.Database.default()
            )
            problems = backup.restore(directory, database=database, storage=default_storage)
            manifest = backup.read_manifest(directory)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if problems:
            raise CommandError("Восстановленное отличается от копии:\n" + "\n".join(problems))
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Копия от {manifest['created']} восстановлена в «{database.name}»: "
            f"{plural(len(tables), 'таблица', 'таблицы', 'таблиц')}, "
            f"{plural(sum(tables.values()), 'строка', 'строки', 'строк')}, "
            f"{plural(len(manifest['files']), 'файл', 'файла', 'файлов')} — всё совпадает с описью."
        )
