"""The staff list of schools: the portal's template or the «Сетевой город» staff export
(«Сотрудник» holding the whole name, «Должность», «Предметы», «E-mail», «Телефон»). A row is
a person's role at a school: the person is found by e-mail, else by full name among the
people of that school, and is then updated, never added twice."""

import re
import secrets

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models.functions import Lower
from django.utils import timezone

from ..access import Access
from ..errors import DomainError
from ..models import (
    DirectoryImportRow,
    Invitation,
    Municipality,
    Organization,
    Role,
    RoleKind,
    Subject,
    User,
    subject_key,
)
from ..services.people import normalize_email
from ..words import plural
from . import bulk
from .lists import Checked, ListSheet, Staged, applied, by_change
from .reader import Cells, Column, Problems, Workbook, normalized

Change = DirectoryImportRow.Change

SHEET = "Сотрудники"
SCHOOL = Column(
    "Школа",
    "school",
    "Логин ФИС ОКО школы (edu230123) или её краткое наименование, как в портале. Школа, "
    "загружающая своих сотрудников, этот столбец может не заполнять.",
    width=20,
    aliases=("ОО", "Логин ОО", "Образовательная организация", "Организация", "Место работы"),
)
COLUMNS = (
    SCHOOL,
    Column("Фамилия", "last_name", "Обязательно.", required=True, width=18),
    Column("Имя", "first_name", "Обязательно.", required=True, width=16),
    Column("Отчество", "middle_name", "Если есть.", width=18),
    Column(
        "ФИО",
        "full_name",
        "Вместо трёх столбцов можно одним: «Фамилия Имя Отчество».",
        width=32,
        aliases=("Сотрудник", "Ф.И.О.", "Ф. И. О.", "ФИО сотрудника", "Фамилия Имя Отчество"),
    ),
    Column("Должность", "position", "Например «учитель математики».", width=24),
    Column(
        "Предметы",
        "subjects",
        "Через запятую, как в справочнике портала: «Математика, Информатика».",
        width=30,
        aliases=("Предмет", "Преподаваемые предметы", "Предметы (через запятую)"),
    ),
    Column(
        "E-mail",
        "email",
        "Личный адрес: по нему человек получит приглашение и будет входить на портал.",
        width=28,
        aliases=("Email", "E-mail адрес", "Эл. почта", "Электронная почта", "Адрес эл. почты"),
    ),
    Column(
        "Телефон",
        "phone",
        "Если есть.",
        width=18,
        aliases=("Мобильный телефон", "Моб. телефон", "Контактный телефон", "Телефон (моб.)"),
    ),
    Column(
        "Роль",
        "role",
        "«учитель» (если пусто) или «администрация школы». Школа загружает только учителей.",
        width=20,
    ),
)
INSTRUCTIONS = [
    f"Заполняйте лист «{SHEET}»: одна строка — один сотрудник одной школы. Столбцы находятся "
    "по заголовкам, их можно переставлять; подходит и выгрузка сотрудников из «Сетевого "
    "города» (ФИО одним столбцом «Сотрудник»).",
    "Человек находится по адресу электронной почты, если его нет — по ФИО среди людей той же "
    "школы. Найденный обновляется (должность, предметы, телефон, адрес), а не добавляется "
    "второй раз. Пустая необязательная ячейка оставляет то, что уже есть в портале.",
    "Пароли портал не создаёт и не рассылает: после загрузки можно отправить добавленным "
    "людям приглашения, и каждый сам задаст себе пароль по ссылке из письма.",
    "Портал проверит весь файл и покажет, что с каждой строкой будет: «добавится», «обновится» "
    "или «без изменений». Файл с ошибками не загружается совсем, а ошибки перечисляются по "
    "строкам и столбцам. Повторная загрузка того же файла ничего не меняет.",
]
EXAMPLES = [
    [
        "edu230110",
        "Гусева",
        "Нина",
        "Петровна",
        "учитель математики",
        "Математика, Информатика",
        "n.guseva@example.ru",
        "+7 900 123-45-67",
        "учитель",
    ]
]
ROLES = {
    "учитель": RoleKind.TEACHER,
    "педагог": RoleKind.TEACHER,
    "администрация школы": RoleKind.SCHOOL,
    "администрация": RoleKind.SCHOOL,
    "администрация оо": RoleKind.SCHOOL,
}
PHONE = re.compile(r"^[\d\s()+\-.,;]*$")
LIMITS = {"last_name": 150, "first_name": 150, "middle_name": 150, "position": 200, "phone": 40}
PERSON_FIELDS = {
    "first_name": "имя",
    "middle_name": "отчество",
    "email": "адрес",
    "phone": "телефон",
}
_CHUNK = 5000
USER_COLUMNS = (
    "username",
    "last_name",
    "first_name",
    "middle_name",
    "email",
    "phone",
    "password",
    "is_superuser",
    "is_staff",
    "is_active",
    "date_joined",
)


LIST = ListSheet(
    name=SHEET,
    title="Шаблон списка сотрудников",
    columns=COLUMNS,
    instructions=INSTRUCTIONS,
    examples=EXAMPLES,
    enough=lambda keys: "full_name" in keys or {"last_name", "first_name"} <= keys,
    no_header="Не найдена строка заголовков: нужны столбцы «Фамилия» и «Имя» (или «ФИО», "
    "«Сотрудник»). Возьмите шаблон со страницы загрузки.",
    no_rows="В файле нет ни одного сотрудника.",
    unoffered=frozenset({"full_name"}),
)
people_template = LIST.template


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def name_key(last: str, first: str, middle: str) -> str:
    return normalized(f"{last} {first} {middle}")


def _row_key(values: dict) -> tuple[int, str]:
    return (
        values["organization_id"],
        name_key(values["last_name"], values["first_name"], values["middle_name"]),
    )


class _Directory:
    """What the rows are matched against, read in a fixed number of queries."""

    def __init__(self, municipality: Municipality, only_school: Organization | None):
        orgs = list(
            Organization.objects.filter(municipality=municipality).select_related("municipality")
        )
        self.by_login = {org.fis_oko_login: org for org in orgs if org.fis_oko_login}
        self.by_short = {normalized(org.short_name): org for org in orgs}
        # The names a file may use: «Английский язык» is «Иностранный язык (английский)».
        self.subjects = Subject.objects.all().by_key()
        self.by_email: dict[str, User] = {}
        self.users: dict[int, User] = {}
        self.by_name: dict[tuple[int, str], list[int]] = {}
        self.roles: dict[int, list[Role]] = {}
        self.subjects_of: dict[int, list[int]] = {}

    def load_people(self, wanted: list[tuple[str, tuple[int, str]]]) -> None:
        """The people the rows may be: by address, and by name at the row's school for rows
        whose address matches nobody; then their roles and the roles' subjects. Plain values
        where objects are not needed: a region's list meets 40,000 people."""
        emails = [email for email, _key in wanted if email]
        for chunk in _chunks(emails):
            for user in User.objects.annotate(lower_email=Lower("email")).filter(
                lower_email__in=chunk
            ):
                self.users[user.pk] = user
                self.by_email[user.email.lower()] = user
        keys = {key for email, key in wanted if email not in self.by_email}
        schools = sorted({school for school, _name in keys})
        for chunk in _chunks(schools):
            for school, user_id, *names in Role.objects.filter(organization__in=chunk).values_list(
                "organization_id",
                "user_id",
                "user__last_name",
                "user__first_name",
                "user__middle_name",
            ):
                key = (school, name_key(*names))
                if key in keys and user_id not in self.by_name.setdefault(key, []):
                    self.by_name[key].append(user_id)
        missing = {pk for ids in self.by_name.values() for pk in ids} - set(self.users)
        for chunk in _chunks(sorted(missing)):
            self.users.update(User.objects.in_bulk(chunk))
        role_ids = []
        for chunk in _chunks(sorted(self.users)):
            for role in Role.objects.filter(user__in=chunk).select_related(
                "municipality", "organization"
            ):
                self.roles.setdefault(role.user_id, []).append(role)
                role_ids.append(role.pk)
        Through = Role.subjects.through
        for chunk in _chunks(role_ids):
            for role_id, subject_id in Through.objects.filter(role__in=chunk).values_list(
                "role_id", "subject_id"
            ):
                self.subjects_of.setdefault(role_id, []).append(subject_id)

    def school(self, text: str) -> Organization | None:
        return self.by_login.get(text.lower()) or self.by_short.get(normalized(text))


def check(
    workbook: Workbook,
    municipality: Municipality,
    *,
    access: Access | None,
    only_school: Organization | None,
    limit: int,
) -> Checked:
    problems = Problems(limit)
    table = LIST.table(workbook, problems)
    if table is None:
        return LIST.outcome(problems)
    if only_school is None and "school" not in table.columns:
        problems.add(
            table.header_row,
            SCHOOL.header,
            "Нет столбца «Школа» («ОО»): укажите в нём логин ФИС ОКО или краткое "
            "наименование школы каждого сотрудника.",
        )
    directory = _Directory(municipality, only_school)
    parsed = LIST.parse(table, problems, lambda row: _values(row, directory, access, only_school))
    directory.load_people(
        [
            (values["email"].lower(), _row_key(values))
            for _row, values in parsed
            if values["organization_id"]
        ]
    )
    staged = []
    seen: dict[tuple, int] = {}
    for row, values in parsed:
        if not values["organization_id"]:
            continue
        _check_repeats(row, values, seen)
        person = _match(row, values, directory)
        if not row.failed:
            staged.append(_staged(row.number, values, person, directory, access))
    return LIST.outcome(problems, parsed, staged)


def _values(row: Cells, directory: _Directory, access, only_school) -> dict:
    values = {}
    if row.has("full_name") and row.text("full_name"):
        parts = row.text("full_name").split()
        if len(parts) < 2:
            row.bad("full_name", "Нужны хотя бы фамилия и имя через пробел.")
        parts += ["", ""]
        values["last_name"], values["first_name"] = parts[0], parts[1]
        values["middle_name"] = " ".join(parts[2:]).strip()
    else:
        for key in ("last_name", "first_name", "middle_name"):
            values[key] = row.text(key)
        if not values["last_name"]:
            row.bad("last_name" if row.has("last_name") else "full_name", "Пусто: укажите фамилию.")
        if not values["first_name"]:
            row.bad("first_name" if row.has("first_name") else "full_name", "Пусто: укажите имя.")
    values["position"] = row.text("position")
    values["phone"] = row.text("phone")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            row.bad(
                key if row.has(key) else "full_name",
                f"Длиннее {plural(limit, 'знака', 'знаков', 'знаков')}.",
            )
    if values["phone"] and not PHONE.match(values["phone"]):
        row.bad("phone", f"«{values['phone']}» не похоже на номер телефона.")
    try:
        values["email"] = normalize_email(row.text("email"))
    except DomainError as error:
        row.bad("email", str(error))
        values["email"] = ""
    values["subject_ids"] = _subjects(row, directory)
    values["kind"] = _kind(row)
    values["organization_id"] = None
    school = _school(row, directory, only_school)
    if school is not None:
        values["organization_id"] = school.pk
        values["school"] = school.short_name
        if access is not None and not access.may_grant(values["kind"], organization=school):
            label = RoleKind(values["kind"]).label
            row.bad(
                "role" if row.has("role") else "school",
                f"Вы не можете назначить роль «{label}» в «{school}»."
                + (" Школа загружает только учителей." if only_school else ""),
            )
    return values


def _subjects(row: Cells, directory: _Directory) -> list[int]:
    ids = []
    for name in re.split(r"[,;]", row.text("subjects")):
        name = name.strip()
        if not name:
            continue
        subject = directory.subjects.get(subject_key(name))
        if subject is None:
            row.bad("subjects", f"Предмета «{name}» нет в справочнике портала.")
        elif not subject.is_active:
            row.bad(
                "subjects",
                f"Предмет «{subject.name}» выведен из употребления: выберите другой или "
                "верните его в «Управление» → «Предметы».",
            )
        elif subject.pk not in ids:
            ids.append(subject.pk)
    return sorted(ids)


def _kind(row: Cells) -> str:
    text = row.text("role")
    if not text:
        return RoleKind.TEACHER
    kind = ROLES.get(normalized(text))
    if kind is None:
        row.bad(
            "role", f"Роль «{text}» списком не назначается: «учитель» или «администрация школы»."
        )
        return RoleKind.TEACHER
    return kind


def _school(row: Cells, directory: _Directory, only_school) -> Organization | None:
    text = row.text("school")
    if only_school is not None:
        if text and directory.school(text) != only_school:
            row.bad(
                "school",
                f"«{text}» — не ваша школа: загружать можно только сотрудников «{only_school}».",
            )
            return None
        return only_school
    if not text:
        if row.has("school"):
            row.bad("school", "Пусто: укажите логин ФИС ОКО или краткое наименование школы.")
        return None
    school = directory.school(text)
    if school is None:
        row.bad(
            "school",
            f"Школа «{text}» не найдена в муниципалитете: проверьте логин или наименование.",
        )
        return None
    if school.is_closed:
        row.bad("school", f"«{school}» закрыта: сотрудников закрытой школы не добавляют.")
        return None
    return school


def _check_repeats(row: Cells, values: dict, seen: dict) -> None:
    if values["email"]:
        first = seen.setdefault(("email", values["email"].lower()), row.number)
        if first != row.number:
            row.bad("email", f"Тот же адрес, что в строке {first}: у каждого человека свой адрес.")
        return
    key = (
        "name",
        values["organization_id"],
        name_key(values["last_name"], values["first_name"], values["middle_name"]),
    )
    first = seen.setdefault(key, row.number)
    if first != row.number:
        row.bad(
            "full_name" if row.has("full_name") else "last_name",
            f"Тот же человек той же школы, что в строке {first}.",
        )


def _match(row: Cells, values: dict, directory: _Directory) -> User | None:
    if values["email"]:
        person = directory.by_email.get(values["email"].lower())
        if person is not None:
            if normalized(person.last_name) != normalized(values["last_name"]):
                row.bad(
                    "email",
                    f"Адрес {values['email']} уже указан у другого человека портала "
                    f"({person.short_name}): проверьте адрес.",
                )
                return None
            if not person.is_active:
                row.bad(
                    "email",
                    f"Учётная запись {person.short_name} отключена: включите её на странице "
                    "людей и загрузите файл снова.",
                )
                return None
            return person
    found = [directory.users[pk] for pk in directory.by_name.get(_row_key(values), [])]
    if len(found) > 1:
        row.bad(
            "email",
            f"В «{values['school']}» несколько человек с таким ФИО: укажите адрес, чтобы "
            "портал понял, о ком строка.",
        )
        return None
    # The same name at the same school under another address is the same person with a new
    # address: the preview shows the change («адрес: … → …»), and nobody is added twice.
    return found[0] if found else None


def _staged(number: int, values: dict, person: User | None, directory, access) -> Staged:
    title = " ".join(
        p for p in (values["last_name"], values["first_name"], values["middle_name"]) if p
    )
    title = f"{title} — {values['school']}"
    label = RoleKind(values["kind"]).label
    if person is None:
        # What the person will be, so that a wrong role or a missing address shows now.
        details = [label, values["position"], values["email"] or "без эл. почты — без приглашения"]
        return Staged(number, Change.NEW, title, ", ".join(d for d in details if d), None, values)
    roles = directory.roles.get(person.pk, [])
    details = []
    person_changes = {}
    differ = {
        key: (getattr(person, key), values[key])
        for key in PERSON_FIELDS
        if values[key] and values[key] != getattr(person, key)
    }
    # A person who also works outside the user's scope keeps their name, address and phone:
    # those are changed by whoever manages all of the person's roles. The role is still added.
    if differ and (access is None or access.manages_person(person, roles)):
        for key, (old, new) in differ.items():
            person_changes[key] = new
            details.append(f"{PERSON_FIELDS[key]}: {old or '—'} → {new}")
    role = next(
        (
            r
            for r in roles
            if r.kind == values["kind"] and r.organization_id == values["organization_id"]
        ),
        None,
    )
    role_changes = {}
    if role is None:
        details.append(f"роль «{label}» добавится")
    else:
        if values["position"] and values["position"] != role.position:
            role_changes["position"] = values["position"]
            details.append(f"должность: {role.position or '—'} → {values['position']}")
        current = sorted(directory.subjects_of.get(role.pk, []))
        if values["subject_ids"] and values["subject_ids"] != current:
            role_changes["subject_ids"] = values["subject_ids"]
            names = {s.pk: s.name for s in directory.subjects.values()}
            details.append(
                "предметы: "
                + (", ".join(names[i] for i in current) or "—")
                + " → "
                + ", ".join(names[i] for i in values["subject_ids"])
            )
    data = {
        **values,
        "person_changes": person_changes,
        "role_id": role.pk if role else None,
        "role_changes": role_changes,
    }
    change = Change.UPDATE if details else Change.SAME
    return Staged(number, change, title, "; ".join(details), person.pk, data)


def _username(email: str, taken: set[str]) -> str:
    if email and email.lower() not in taken:
        taken.add(email.lower())
        return email.lower()
    return f"u{secrets.token_hex(6)}"


def apply(rows: list[DirectoryImportRow], municipality: Municipality) -> list[tuple]:
    """Create the people, roles and subjects of checked rows in bulk and update the changed
    ones; returns (object type, id, name, change) for the audit."""
    new, updated = by_change(rows)
    emails = [row.data["email"].lower() for row in new if row.data["email"]]
    taken = set()
    for chunk in _chunks(emails):
        taken |= set(
            User.objects.annotate(lower=Lower("username"))
            .filter(lower__in=chunk)
            .values_list("lower", flat=True)
        )
    now = timezone.now()
    # What `set_unusable_password` stores: a marker nobody can sign in with.
    created = bulk.insert(
        User,
        USER_COLUMNS,
        (
            (
                _username(row.data["email"], taken),
                row.data["last_name"],
                row.data["first_name"],
                row.data["middle_name"],
                row.data["email"],
                row.data["phone"],
                UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20),
                False,
                False,
                True,
                now,
            )
            for row in new
        ),
        ids=True,
    )
    people: dict[int, User] = {}
    for chunk in _chunks([row.target_id for row in updated]):
        people.update(User.objects.in_bulk(chunk))
    fields: set[str] = set()
    for row in updated:
        for key, value in row.data["person_changes"].items():
            setattr(people[row.target_id], key, value)
            fields.add(key)
    if fields:
        changed = [people[row.target_id] for row in updated if row.data["person_changes"]]
        User.objects.bulk_update(changed, sorted(fields), batch_size=1000)
    readdressed = [row.target_id for row in updated if "email" in row.data["person_changes"]]
    # An open invitation went to the old address: it stops working, as after `person_update`.
    for chunk in _chunks(readdressed):
        Invitation.objects.filter(
            user__in=chunk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)

    new_roles = list(zip(new, created, strict=True))
    new_roles += [(row, row.target_id) for row in updated if row.data["role_id"] is None]
    roles = bulk.insert(
        Role,
        ("user_id", "kind", "municipality_id", "organization_id", "position", "region"),
        (
            (
                user_id,
                row.data["kind"],
                municipality.pk,
                row.data["organization_id"],
                row.data["position"],
                "",
            )
            for row, user_id in new_roles
        ),
        ids=True,
    )
    Through = Role.subjects.through
    links = [
        (role, subject)
        for (row, _user), role in zip(new_roles, roles, strict=True)
        for subject in row.data["subject_ids"]
    ]
    changed_roles = [row for row in updated if row.data["role_id"] and row.data["role_changes"]]
    positions = [
        Role(pk=row.data["role_id"], position=row.data["role_changes"]["position"])
        for row in changed_roles
        if "position" in row.data["role_changes"]
    ]
    if positions:
        Role.objects.bulk_update(positions, ["position"], batch_size=1000)
    resubjected = [row for row in changed_roles if "subject_ids" in row.data["role_changes"]]
    for chunk in _chunks([row.data["role_id"] for row in resubjected]):
        Through.objects.filter(role_id__in=chunk).delete()
    links += [
        (row.data["role_id"], subject)
        for row in resubjected
        for subject in row.data["role_changes"]["subject_ids"]
    ]
    bulk.insert(Through, ("role_id", "subject_id"), links)
    return applied(
        User,
        ((pk, _full_name(row.data), row.details) for row, pk in zip(new, created, strict=True)),
        ((row.target_id, people[row.target_id].full_name, row.details) for row in updated),
    )


def _full_name(data: dict) -> str:
    return " ".join(p for p in (data["last_name"], data["first_name"], data["middle_name"]) if p)
