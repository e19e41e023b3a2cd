"""What `import_organizations` and `import_people` share: the same check and load as the
pages, run by technical support (`actor=None`) for a whole region's files."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from ..errors import DomainError
from ..models import DirectoryImport, Municipality, Organization
from . import services
from .reader import problem_text


class ImportCommand(BaseCommand):
    kind = ""
    with_school = False

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--municipality", required=True, help="Название муниципалитета.")
        if self.with_school:
            parser.add_argument(
                "--school",
                help="Логин ФИС ОКО школы, если файл — сотрудники одной школы (столбец "
                "«Школа» тогда не нужен).",
            )

    def handle(self, *args, file: Path, municipality: str, school: str | None = None, **options):
        place = Municipality.objects.filter(name=municipality).first()
        if place is None:
            raise CommandError(f"Муниципальное образование «{municipality}» не найдено.")
        organization = None
        if school:
            organization = Organization.objects.filter(
                municipality=place, fis_oko_login=school.lower()
            ).first()
            if organization is None:
                raise CommandError(f"Школа с логином {school} в «{place}» не найдена.")
        if not file.is_file():
            raise CommandError(f"Нет файла {file}.")
        with file.open("rb") as stream:
            batch = services.directory_import_check(
                actor=None,
                kind=self.kind,
                municipality=place,
                uploaded=File(stream, name=file.name),
                school=organization,
            )
        if batch.status == DirectoryImport.Status.REJECTED:
            for problem in batch.errors:
                self.stderr.write(problem_text(problem))
            raise CommandError(f"{file}: не загружен, ошибок: {len(batch.errors)}.")
        try:
            services.directory_import_confirm(actor=None, batch=batch)
        except DomainError as error:
            raise CommandError(str(error)) from None
        counts = batch.counts
        self.stdout.write(
            f"{file}: добавлено {counts['new']}, обновлено {counts['update']}, "
            f"без изменений {counts['same']}."
        )
