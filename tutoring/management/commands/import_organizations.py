from tutoring.imports.commands import ImportCommand
from tutoring.models import DirectoryImport


class Command(ImportCommand):
    help = (
        "Загрузить список организаций муниципалитета (xlsx): файл проверяется целиком, "
        "файл с ошибками не загружается, иначе все строки применяются одной транзакцией."
    )
    kind = DirectoryImport.Kind.ORGANIZATIONS
