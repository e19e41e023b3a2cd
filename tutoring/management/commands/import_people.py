from tutoring.imports.commands import ImportCommand
from tutoring.models import DirectoryImport


class Command(ImportCommand):
    help = (
        "Загрузить список сотрудников (xlsx, шаблон портала или выгрузка «Сетевого города»): "
        "файл проверяется целиком, файл с ошибками не загружается, иначе все строки "
        "применяются одной транзакцией. Приглашения не рассылаются."
    )
    kind = DirectoryImport.Kind.PEOPLE
    with_school = True
