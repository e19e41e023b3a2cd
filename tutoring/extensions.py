"""Places where the apps above `tutoring` add to its pages without `tutoring` importing them
(apps import downwards only): sections of the navigation bar, and panels of the home and
profile pages. Apps register in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    """A block of a page: a template rendered with its own context."""

    template: str
    context: dict = field(default_factory=dict)
    # A panel of what waits for the user: a home without any says that nothing waits.
    queue: bool = False


@dataclass(frozen=True)
class Waiting:
    """A line of a home panel: what waits for the user, how many (a badge; none for a line
    that names one object) and the page that lists exactly those."""

    label: str
    url: str
    count: int | None = None
    note: str = ""


def queue_panel(title: str, items: list[Waiting], *, slug: str) -> Panel | None:
    """The panel of an app's queues on the home page; none when nothing waits."""
    if not items:
        return None
    return Panel("tutoring/panels/queue.html", {"title": title, "items": items, "slug": slug}, True)


# The menu of the navigation bar that gathers the pages that set the portal up (reference
# lists, people, the journal), so that the bar keeps to one line as such pages are added.
ADMINISTRATION = "Управление"


@dataclass(frozen=True)
class NavItem:
    """An entry of the navigation bar. Without `group` it is a section of its own; with one
    (`ADMINISTRATION`, or any other name) it is an item of that group's dropdown menu, the
    groups standing after the sections in the order they first appear."""

    label: str
    url: str
    group: str = ""


@dataclass(frozen=True)
class Section:
    """A card of an app's hub page: a section the user's roles open, with what awaits."""

    title: str
    description: str
    url: str
    badge: str = ""


_navigation: list[Callable] = []
_home_panels: list[Callable] = []
_profile_panels: list[Callable] = []
_demo_loaders: list[Callable] = []
_last_demo_loaders: list[Callable] = []
_difficulty_sources: list[Callable] = []
_plan_item_actions: list[Callable] = []
_password_hooks: list[Callable] = []
_action_labels: dict[str, str] = {
    "demo.load": "загружены демонстрационные данные",
    "document.request": "запрошен PDF документа",
    "document.retry": "PDF документа запрошен повторно",
    "password.change": "изменён пароль",
    "school_status.set": "школе присвоен статус ШНОР/ШССУ",
    "region.generate": "создан тестовый регион",
    "person.create": "добавлен человек",
    "person.update": "изменены данные человека",
    "person.deactivate": "учётная запись отключена",
    "person.reactivate": "учётная запись включена",
    "person.email_change": "подтверждён новый адрес электронной почты",
    "role.grant": "назначена роль",
    "role.update": "изменена роль",
    "role.revoke": "снята роль",
    "invitation.send": "отправлено приглашение",
    "invitation.accept": "приглашение принято, пароль задан",
    "password.reset": "пароль восстановлен по ссылке из письма",
    "subject.create": "добавлен предмет",
    "subject.update": "изменён предмет",
    "subject.retire": "предмет выведен из употребления",
    "subject.restore": "предмет возвращён в употребление",
}


# Russian names of the keys of audit changes that several apps share.
_change_labels: dict[str, str] = {
    "comment": "комментарий",
    "created": "создано записей",
    "document:created": "запрошен впервые",
    "email": "адрес электронной почты",
    "first_name": "имя",
    "last_name": "фамилия",
    "middle_name": "отчество",
    "full_name": "ФИО",
    "phone": "телефон",
    "position": "должность",
    "role": "роль",
    "subjects": "предметы",
    "date": "дата",
    "files": "файлы",
    "kind": "вид",
    "name": "название",
    "number": "номер",
    "reason": "причина",
    "status": "состояние",
    "title": "название",
}


def register_navigation(builder: Callable) -> None:
    """`builder(access) -> list[NavItem]`: the entries of the navigation bar that the user's
    roles open (a plain `(label, url)` pair is a section of its own). A page that sets the
    portal up goes into the «Управление» menu with one line in the builder's list:

        NavItem("Предметы", reverse("subject_list"), group=ADMINISTRATION)
    """
    _navigation.append(builder)


def register_home_panel(builder: Callable) -> None:
    """`builder(user, access) -> Panel | None`: what the user should do next."""
    _home_panels.append(builder)


def register_profile_panel(builder: Callable) -> None:
    """`builder(user, access) -> Panel | None`: what the profile shows of the user's work."""
    _profile_panels.append(builder)


def register_password_hook(hook: Callable) -> None:
    """`hook(user)`: runs inside the transaction that sets a user's password (changed, reset
    or set from an invitation), for the secrets an app keeps for that user (a calendar feed's
    address) to be replaced along with it."""
    _password_hooks.append(hook)


def password_hooks() -> list[Callable]:
    return list(_password_hooks)


def register_demo_loader(loader: Callable, *, last: bool = False) -> None:
    """`loader(result)`: adds an app's demo records inside `load_demo`'s transaction; it must
    be idempotent and count what it creates with `result.count(created)`. A `last` loader
    runs after every app's: a report that sums up the others' records (a tutor's year)."""
    (_last_demo_loaders if last else _demo_loaders).append(loader)


def demo_loaders() -> list[Callable]:
    return [*_demo_loaders, *_last_demo_loaders]


def register_difficulty_source(builder: Callable) -> None:
    """`builder(teacher, academic_year) -> list[(source, text)]`: difficulties another app
    has found for a teacher (expertise verdicts, the school's results), offered when a
    development route is drawn up. `source` is a value of `RouteDifficulty.Source`."""
    if builder not in _difficulty_sources:
        _difficulty_sources.append(builder)


def difficulty_suggestions(teacher, academic_year) -> list[tuple[str, str]]:
    return [item for builder in _difficulty_sources for item in builder(teacher, academic_year)]


def register_action_labels(labels: dict[str, str]) -> None:
    """Russian names of an app's audit actions, for the journal and the history blocks."""
    _action_labels.update(labels)


def action_label(action: str) -> str:
    return _action_labels.get(action, action)


def register_change_labels(labels: dict[str, str]) -> None:
    """Russian names of the keys an app's audit entries record in `changes`: "key" for every
    action, "prefix:key" or "action:key" where one kind of entry means another thing by it."""
    _change_labels.update(labels)


def _qualified(action: str, key: str) -> tuple[str, ...]:
    if not action:
        return (key,)
    return (f"{action}:{key}", f"{action.split('.')[0]}:{key}", key)


def change_label(key: str, action: str = "") -> str:
    return next(
        (_change_labels[name] for name in _qualified(action, key) if name in _change_labels), key
    )


def has_change_label(key: str, action: str = "") -> bool:
    return any(name in _change_labels for name in _qualified(action, key))


# The Russian names of the coded values that entries record (a choice's code, a document's
# kind), by the key they are recorded under: "key" for every action, "prefix:key" for the
# actions of one kind of object ("plan:activity"), "action:key" for one action. A registry
# rather than the choices of the audited object's model: an item's activity, an appendix's
# kind or a step's kind are recorded on the plan, the order or the route, whose models have
# no such field or one with other choices.
_value_labels: dict[str, dict[str, str]] = {}
# Keys under which entries recorded the bare id of another object: the journal leaves such a
# number out, the object being named elsewhere in the entry or on the page.
_reference_keys: set[str] = set()
# Actions whose two-item lists are [before, after] although they are not edits (the
# `.update`s are): a reschedule, a confirmed address.
_move_actions: set[str] = set()


def register_value_labels(labels: dict) -> None:
    """`{"plan:activity": Activity, "order.appendix_add:kind": Appendix.Kind, ...}`: the
    choices (a `TextChoices`, pairs or a dict) that name the values recorded under a key."""
    for key, choices in labels.items():
        pairs = getattr(choices, "choices", choices)
        labels_of_key = _value_labels.setdefault(key, {})
        labels_of_key.update({str(code): str(label) for code, label in dict(pairs).items()})


def value_labels(action: str, key: str) -> dict[str, str]:
    return next(
        (_value_labels[name] for name in _qualified(action, key) if name in _value_labels), {}
    )


def register_reference_keys(keys) -> None:
    _reference_keys.update(keys)


def is_reference_key(key: str) -> bool:
    return key in _reference_keys


def register_move_actions(actions) -> None:
    _move_actions.update(actions)


def is_move_action(action: str) -> bool:
    return action in _move_actions


def navigation(access) -> list[NavItem]:
    return [
        item if isinstance(item, NavItem) else NavItem(*item)
        for builder in _navigation
        for item in builder(access)
    ]


def home_panels(user, access) -> list[Panel]:
    return [panel for builder in _home_panels if (panel := builder(user, access))]


def profile_panels(user, access) -> list[Panel]:
    return [panel for builder in _profile_panels if (panel := builder(user, access))]


def register_plan_item_action(builder: Callable) -> None:
    """`builder(access, plan, item) -> (label, url) | None`: a link that an item of a community
    plan offers the user, made by an app above `community` (an event from the item)."""
    _plan_item_actions.append(builder)


def plan_item_actions(access, plan, item) -> list[tuple[str, str]]:
    return [action for builder in _plan_item_actions if (action := builder(access, plan, item))]
