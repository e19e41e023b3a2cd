"""The list of a municipality's schools (and its ИМЦ or education department): the portal's
template, or a municipal list with the same headers. A row is matched to an organization by
its ФИС ОКО login, else by its ИНН, else by its short name within the municipality; an empty
optional cell leaves what the portal has."""

import re

from django.db.models import Q
from django.utils import timezone

from ..models import DirectoryImportRow, Municipality, Organization, OrganizationHead
from ..words import plural
from .lists import Checked, ListSheet, Staged, applied, by_change
from .reader import Cells, Column, Problems, Workbook, normalized

Change = DirectoryImportRow.Change
Kind = Organization.Kind

SHEET = "Список школ"
COLUMNS = (
    Column(
        "Полное наименование",
        "name",
        "Как в уставе и в приказах, например «Муниципальное бюджетное общеобразовательное "
        "учреждение средняя общеобразовательная школа № 10».",
        required=True,
        width=50,
        aliases=("Наименование", "Полное наименование ОО", "Полное наименование организации"),
    ),
    Column(
        "Краткое наименование",
        "short_name",
        "Как школа называется в списках портала, например «МБОУ СОШ № 10». В муниципалитете "
        "не повторяется.",
        required=True,
        width=30,
        aliases=("Сокращённое наименование", "Краткое наименование ОО", "Краткое название"),
    ),
    Column(
        "Вид",
        "kind",
        "«школа», «методический центр» или «управление образования». Пусто — школа.",
        width=24,
        aliases=("Тип", "Вид/тип", "Вид / тип", "Вид организации", "Тип организации"),
    ),
    Column(
        "Логин ФИС ОКО",
        "login",
        "Только у школ: логин личного кабинета ФИС ОКО, edu и шесть цифр (edu230123).",
        width=16,
        aliases=("Логин ОО", "Логин ОО (ФИС ОКО)", "Логин"),
    ),
    Column("ИНН", "inn", "10 или 12 цифр.", width=14),
    Column("Адрес", "address", "Адрес организации.", width=40),
    Column(
        "Должность руководителя",
        "head_position",
        "Как под подписью: «Директор МБОУ СОШ № 10». Заполняется вместе с руководителем.",
        width=30,
    ),
    Column(
        "Руководитель (И. О. Фамилия)",
        "head_name",
        "Как в подписи: «С. И. Орлов» (полное ФИО «Орлов Сергей Иванович» портал сократит сам). "
        "Новый руководитель подписывает документы с сегодняшнего дня.",
        width=24,
        aliases=("Руководитель", "Руководитель ФИО", "ФИО руководителя", "Директор"),
    ),
)
INSTRUCTIONS = [
    f"Заполняйте лист «{SHEET}»: одна строка — одна организация муниципалитета. Столбцы "
    "находятся по заголовкам, их можно переставлять; пустые строки пропускаются.",
    "Строка находит организацию портала по логину ФИС ОКО, если его нет — по ИНН, если нет и "
    "его — по краткому наименованию. Найденная организация обновляется, ненайденная "
    "добавляется. Пустая необязательная ячейка оставляет то, что уже есть в портале.",
    "Портал проверит весь файл и покажет, что с каждой строкой будет: «добавится», «обновится» "
    "или «без изменений». Файл с ошибками не загружается совсем, а ошибки перечисляются по "
    "строкам и столбцам. Повторная загрузка того же файла ничего не меняет.",
]
EXAMPLES = [
    [
        "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная "
        "школа № 10",
        "МБОУ СОШ № 10",
        "школа",
        "edu230110",
        "2301234567",
        "г. Лабинск, ул. Школьная, 1",
        "Директор МБОУ СОШ № 10",
        "С. И. Орлов",
    ]
]
KINDS = {
    "школа": Kind.SCHOOL,
    "оо": Kind.SCHOOL,
    "общеобразовательная организация": Kind.SCHOOL,
    "методический центр": Kind.METHODICAL_CENTRE,
    "имц": Kind.METHODICAL_CENTRE,
    "информационно-методический центр": Kind.METHODICAL_CENTRE,
    "управление образования": Kind.EDUCATION_DEPARTMENT,
    "уо": Kind.EDUCATION_DEPARTMENT,
    "орган управления образованием": Kind.EDUCATION_DEPARTMENT,
}
LOGIN = re.compile(r"^edu\d{6}$")
INN = re.compile(r"^(\d{10}|\d{12})$")
FIELDS = {
    "name": "полное наименование",
    "short_name": "краткое наименование",
    "kind": "вид",
    "fis_oko_login": "логин ФИС ОКО",
    "inn": "ИНН",
    "address": "адрес",
}
LIMITS = {"name": 500, "short_name": 200, "address": 500, "head_position": 300, "head_name": 200}


LIST = ListSheet(
    name=SHEET,
    title="Шаблон списка школ муниципалитета",
    columns=COLUMNS,
    instructions=INSTRUCTIONS,
    examples=EXAMPLES,
    enough=lambda keys: {"name", "short_name"} <= keys,
    no_header="Не найдена строка заголовков: нужны столбцы «Полное наименование» и «Краткое "
    "наименование». Возьмите шаблон со страницы загрузки.",
    no_rows="В файле нет ни одной организации.",
)
organizations_template = LIST.template


def signature_name(text: str) -> str:
    """«Орлов Сергей Иванович» → «С. И. Орлов»; a name already in that form stays."""
    parts = text.split()
    if len(parts) in (2, 3) and not any("." in part for part in parts):
        surname, *given = parts
        return " ".join([*(f"{name[0]}." for name in given), surname])
    return text


class _Directory:
    """The organizations a file may meet, read once: the municipality's own, and those of
    other municipalities holding one of the file's logins or ИНН."""

    def __init__(self, municipality: Municipality, logins: set[str], inns: set[str]):
        own = list(Organization.objects.filter(municipality=municipality))
        self.by_id = {org.pk: org for org in own}
        self.by_login = {org.fis_oko_login: org for org in own if org.fis_oko_login}
        self.by_inn = {org.inn: org for org in own if org.inn}
        self.by_short = {normalized(org.short_name): org for org in own}
        self.foreign = {
            key: org
            for org in Organization.objects.filter(Q(fis_oko_login__in=logins) | Q(inn__in=inns))
            .exclude(municipality=municipality)
            .select_related("municipality")
            for key in (org.fis_oko_login, org.inn)
            if key
        }
        today = timezone.localdate()
        self.heads: dict[int, OrganizationHead] = {}
        for head in OrganizationHead.objects.filter(
            organization__municipality=municipality, since__lte=today
        ).order_by("organization_id", "since", "pk"):
            self.heads[head.organization_id] = head  # the latest wins


def check(workbook: Workbook, municipality: Municipality, limit: int) -> Checked:
    problems = Problems(limit)
    table = LIST.table(workbook, problems)
    if table is None:
        return LIST.outcome(problems)
    parsed = LIST.parse(table, problems, _values)
    logins = {values["fis_oko_login"] for _row, values in parsed if values["fis_oko_login"]}
    inns = {values["inn"] for _row, values in parsed if values["inn"]}
    directory = _Directory(municipality, logins, inns)
    staged = []
    seen: dict[tuple[str, str], int] = {}
    for row, values in parsed:
        _check_repeats(row, values, seen)
        target = _match(row, values, directory)
        if not row.failed:
            staged.append(_staged(row.number, values, target, directory))
    return LIST.outcome(problems, parsed, staged)


def _values(row: Cells) -> dict:
    values = {key: row.text(key) for key in ("name", "short_name", "address")}
    values["head_position"] = row.text("head_position")
    values["head_name"] = signature_name(row.text("head_name"))
    for key in ("name", "short_name"):
        if not values[key]:
            row.bad(key, "Пусто: укажите наименование.")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            row.bad(key, f"Длиннее {plural(limit, 'знака', 'знаков', 'знаков')}.")
    kind_text = row.text("kind")
    values["kind"] = KINDS.get(normalized(kind_text)) if kind_text else Kind.SCHOOL
    if values["kind"] is None:
        row.bad(
            "kind",
            f"«{kind_text}» — неизвестный вид: напишите «школа», «методический центр» или "
            "«управление образования».",
        )
        values["kind"] = Kind.SCHOOL
    login = row.text("login").lower()
    if login and not LOGIN.match(login):
        row.bad("login", f"«{login}» не похоже на логин ФИС ОКО: edu и шесть цифр (edu230123).")
    elif login and values["kind"] != Kind.SCHOOL:
        row.bad("login", "Логин ФИС ОКО бывает только у школ.")
    values["fis_oko_login"] = login
    inn = row.text("inn").replace(" ", "")
    if inn and not INN.match(inn):
        row.bad("inn", f"«{inn}» — не ИНН: нужно 10 или 12 цифр.")
    values["inn"] = inn
    if bool(values["head_position"]) != bool(values["head_name"]):
        missing = "head_name" if values["head_position"] else "head_position"
        row.bad(missing, "Укажите и должность руководителя, и его имя — или ни того, ни другого.")
    return values


def _check_repeats(row: Cells, values: dict, seen: dict) -> None:
    for key, column, what in (
        ("fis_oko_login", "login", "логин ФИС ОКО"),
        ("inn", "inn", "ИНН"),
        ("short_name", "short_name", "краткое наименование"),
    ):
        value = normalized(values[key])
        if not value:
            continue
        first = seen.setdefault((key, value), row.number)
        if first != row.number:
            row.bad(
                column,
                f"{what[0].upper()}{what[1:]} повторяет строку {first}: одна организация — "
                "одна строка.",
            )


def _match(row: Cells, values: dict, directory: _Directory) -> Organization | None:
    login, inn = values["fis_oko_login"], values["inn"]
    for value, column, what in ((login, "login", "Логин ФИС ОКО"), (inn, "inn", "ИНН")):
        other = directory.foreign.get(value) if value else None
        if other is not None:
            row.bad(
                column,
                f"{what} {value} принадлежит организации «{other}» другого муниципалитета "
                f"({other.municipality}).",
            )
    target = (
        (directory.by_login.get(login) if login else None)
        or (directory.by_inn.get(inn) if inn else None)
        or directory.by_short.get(normalized(values["short_name"]))
    )
    owners = (
        ("login", "логин ФИС ОКО", directory.by_login.get(login) if login else None),
        ("inn", "ИНН", directory.by_inn.get(inn) if inn else None),
        (
            "short_name",
            "краткое наименование",
            directory.by_short.get(normalized(values["short_name"])),
        ),
    )
    for column, what, owner in owners:
        if owner is not None and target is not None and owner.pk != target.pk:
            row.bad(
                column,
                f"Этот {what} уже у организации «{owner}», а строка относится к «{target}» "
                "(найдена по логину или ИНН). Проверьте строку.",
            )
    return target


def _staged(number: int, values: dict, target: Organization | None, directory) -> Staged:
    title = values["short_name"]
    if target is None:
        return Staged(number, Change.NEW, title, "", None, values)
    details = []
    for key, label in FIELDS.items():
        new = values[key]
        old = getattr(target, key)
        if new and new != old:
            shown = Kind(new).label if key == "kind" else new
            before = (Kind(old).label if key == "kind" else old) or "—"
            details.append(f"{label}: {before} → {shown}")
    head = directory.heads.get(target.pk)
    if values["head_name"] and (
        head is None or (head.position, head.name) != (values["head_position"], values["head_name"])
    ):
        details.append(f"руководитель: {head.name if head else '—'} → {values['head_name']}")
    else:
        values = {**values, "head_name": "", "head_position": ""}
    change = Change.UPDATE if details else Change.SAME
    return Staged(number, change, title, "; ".join(details), target.pk, values)


def apply(rows: list[DirectoryImportRow], municipality: Municipality) -> list[tuple]:
    """Create and update the organizations of checked rows in bulk; returns what changed as
    (object type, id, name, change) for the audit."""
    today = timezone.localdate()
    new, updated = by_change(rows)
    created = Organization.objects.bulk_create(
        [
            Organization(
                municipality=municipality,
                **{key: row.data[key] for key in FIELDS},
            )
            for row in new
        ]
    )
    targets = Organization.objects.select_for_update().in_bulk([row.target_id for row in updated])
    changed_fields = set()
    for row in updated:
        org = targets[row.target_id]
        for key in FIELDS:
            if row.data[key] and row.data[key] != getattr(org, key):
                setattr(org, key, row.data[key])
                changed_fields.add(key)
    if changed_fields:
        Organization.objects.bulk_update(list(targets.values()), sorted(changed_fields))
    heads = [
        OrganizationHead(
            organization=org,
            position=row.data["head_position"],
            name=row.data["head_name"],
            since=today,
        )
        for row, org in [
            *zip(new, created, strict=True),
            *((row, targets[row.target_id]) for row in updated),
        ]
        if row.data["head_name"]
    ]
    OrganizationHead.objects.bulk_create(heads)
    return applied(
        Organization,
        ((org.pk, str(org), row.details) for row, org in zip(new, created, strict=True)),
        ((row.target_id, str(targets[row.target_id]), row.details) for row in updated),
    )
