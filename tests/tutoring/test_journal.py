"""The journal and the «История» blocks read in Russian: every audit action the code writes,
every key it records and every coded value, walked from the source itself so that a new
action or key without a Russian name fails here."""

import ast
import datetime
import importlib
import pathlib
import re

import pytest
from django.db.models import BooleanField
from django.template.loader import render_to_string

from community.models import (
    Achievement,
    DeficitDiagnosis,
    DeficitKind,
    DevelopmentRoute,
    Material,
    Order,
    PlanItem,
    RosterEntry,
    RouteStep,
    TutorPlanItem,
)
from community.services.library import SIMPLE_FIELDS
from community.services.orders import ORDER_FIELDS
from community.services.plans import PLAN_ITEM_FIELDS, TUTOR_PLAN_ITEM_FIELDS
from community.services.rosters import ENTRY_FIELDS
from community.services.routes import STEP_FIELDS
from consultations.models import (
    ConsultationPoint,
    ConsultationRequest,
    Event,
    Room,
    ScheduleBuild,
    Session,
)
from consultations.services.events import EVENT_FIELDS
from consultations.services.points import POINT_FIELDS, ROOM_FIELDS
from consultations.services.requests import REQUEST_FIELDS
from expertise.models import Criterion, Rubric
from expertise.services.rubrics import CRITERION_FIELDS, RUBRIC_FIELDS
from monitoring.models import MinimumScore
from tutoring import documents, extensions
from tutoring.models import AuditEntry, Municipality, Organization, Subject, User
from tutoring.services.people import PERSON_FIELDS

from .factories import MunicipalityFactory

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("community", "consultations", "expertise", "monitoring", "tutoring")
ORGANIZATION_KEYS = ("full_name", "short_name", "kind", "fis_oko_login", "inn", "address")
# The keys of the entries whose `changes` are built in code rather than written out at the
# call: the model they describe (for its choices) and the keys they may hold.
BUILT = {
    "achievement.update": (Achievement, ("kind", "level", "title", "date", "link", "files")),
    "material.update": (Material, (*SIMPLE_FIELDS, "files", "subjects", "authors")),
    "order.update": (Order, ORDER_FIELDS),
    "plan.item_update": (PlanItem, PLAN_ITEM_FIELDS),
    "tutor_plan.item_update": (TutorPlanItem, TUTOR_PLAN_ITEM_FIELDS),
    "roster.entry_update": (RosterEntry, (*ENTRY_FIELDS, "subjects")),
    "route.update": (DevelopmentRoute, ("topic", "goals")),
    # A diagnosis' date and each kind of deficits whose rating changed.
    "diagnosis.update": (DeficitDiagnosis, ("date", *DeficitKind.values)),
    "route.step_add": (RouteStep, ("title", "deadline")),
    "route.step_update": (RouteStep, STEP_FIELDS),
    "route.step_remove": (RouteStep, ("title", "deadline")),
    "route.step_reopen": (RouteStep, ("title", "evidence")),
    "availability.slot_add": (None, ("tutor",)),
    "availability.slot_remove": (None, ("tutor",)),
    "availability.exception_add": (None, ("tutor",)),
    "availability.exception_remove": (None, ("tutor",)),
    "event.update": (Event, EVENT_FIELDS),
    # A series' occurrences moved, changed or cancelled together (`audit_records`).
    "session.reschedule": (Session, ("time", "room", "link", "count")),
    "session.own_update": (
        Session,
        ("time", "work_form", "place", "link", "topic", "teachers", "count"),
    ),
    "session.cancel": (Session, ("reason", "count")),
    # A built schedule's bookings, written in bulk (`schedule_batches`).
    "session.book": (Session, ("request", "tutor", "time", "room", "format", "link")),
    "request.schedule": (ConsultationRequest, ()),
    "schedule.build": (ScheduleBuild, ("sessions", "unplaced", "reason")),
    "point.update": (ConsultationPoint, POINT_FIELDS),
    "room.update": (Room, ROOM_FIELDS),
    "request.update": (ConsultationRequest, REQUEST_FIELDS),
    # The curator, and whom they replace when the school had one.
    "curatorship.assign": (None, ("curator", "replaced")),
    # A measure noted done records the date; taking the note back, the measure alone.
    "programme.measure_done": (None, ("measure", "date")),
    "programme.measure_undone": (None, ("measure",)),
    "exit_rule.update": (None, ("years", "confirmed_min")),
    "rubric.update": (Rubric, RUBRIC_FIELDS),
    "criterion.update": (Criterion, CRITERION_FIELDS),
    "report.create": (None, ("year", "scope", "subject")),
    "minimum.create": (MinimumScore, ("exam", "year", "subject", "grade", "score")),
    "minimum.update": (MinimumScore, ("exam", "year", "subject", "grade", "score")),
    "minimum.delete": (MinimumScore, ("exam", "year", "subject", "grade", "score")),
    "import.load": (None, ("assessment", "schools", "unchanged", "participants", "works")),
    "directory_import.check": (None, ("new", "update", "same")),
    "region.generate": (
        None,
        (
            "municipalities",
            "organizations",
            "schools",
            "users",
            "teacher_roles",
            "tutor_roles",
            "role_subjects",
            "low_results",
            "hard_conditions",
        ),
    ),
    "subject.update": (Subject, ("name", "kind")),
    "municipality.update": (
        Municipality,
        ("municipality_name", "short_name", "region", "timezone", "issuer"),
    ),
    "organization.create": (Organization, (*ORGANIZATION_KEYS, "head", "issuer")),
    "organization.update": (Organization, (*ORGANIZATION_KEYS, "head", "head_since")),
    "person.update": (User, PERSON_FIELDS),
    "email.settings": (None, ("kinds", "digest_time")),
    "email.unsubscribe": (None, ("kinds",)),
}
LATIN_WORD = re.compile(r"\b[a-z_]{2,}\b")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def audit_calls(*, coded=None):
    """(action, keys) of every `audit_record(...)` call of the apps, read from the source;
    with `coded` (names of choice fields), the (action, key) pairs whose value is written
    as such a field itself (`item.activity`, `kind`), that is as a code."""
    calls = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                name = getattr(node, "func", None)
                if not isinstance(node, ast.Call):
                    continue
                called = getattr(name, "id", getattr(name, "attr", ""))
                if called in ("Move", "finish"):
                    if coded is None:
                        calls.extend(_workflow_calls(path, node))
                    continue
                if called not in ("audit_record", "audit_records"):
                    continue
                arguments = {keyword.arg: keyword.value for keyword in node.keywords}
                if "action" not in arguments:
                    continue
                if called == "audit_records":  # (object, changes) pairs, built in code
                    arguments["changes"] = arguments.get("entries")
                actions = [
                    constant.value
                    for constant in ast.walk(arguments["action"])
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str)
                ]
                changes = arguments.get("changes")
                keys, built = [], changes is not None and not isinstance(changes, ast.Dict)
                if isinstance(changes, ast.Dict):
                    for key, value in zip(changes.keys, changes.values, strict=True):
                        if key is None:
                            built = True
                            continue
                        keys.append(key.value)
                        name = getattr(value, "attr", getattr(value, "id", None))
                        if coded is not None and name in coded:
                            calls.extend((action, (key.value,)) for action in actions)
                for action in actions if coded is None else ():
                    if built:
                        assert action in BUILT, f"{path}: name the keys of «{action}» in BUILT"
                        keys = [*keys, *BUILT[action][1]]
                    calls.append((action, tuple(keys)))
    return calls


def _workflow_calls(path, node):
    """A move's audit action (`Move(..., action=...)`), and the keys a service's
    `WF.finish(actor, obj, "move", changes={...})` records under that move's action: the
    workflow is looked up by its name in the service's module."""
    arguments = {keyword.arg: keyword.value for keyword in node.keywords}
    if isinstance(node.func, ast.Name):  # Move(...)
        action = arguments.get("action")
        return [(action.value, ())] if isinstance(action, ast.Constant) else []
    changes = arguments.get("changes")
    if not isinstance(changes, ast.Dict) or len(node.args) < 3:
        return []
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    workflow = getattr(importlib.import_module(module), ast.unparse(node.func.value), None)
    moves = getattr(workflow, "by_name", {})
    move = node.args[2]
    names = [move.value] if isinstance(move, ast.Constant) else list(moves)
    keys = tuple(key.value for key in changes.keys if key is not None)
    return [(moves[name].action, keys) for name in names if name in moves]


CALLS = audit_calls()


def sample(action: str, key: str):
    """A value as the services record it: a code where the key's values are coded."""
    codes = list(extensions.value_labels(action, key))
    edit = "update" in action.rpartition(".")[2]
    if codes:
        return [codes[0], codes[-1]] if edit else codes[0]
    return ["было", "стало"] if edit else "значение"


def test_it_walks_the_audit_calls_of_every_app():
    actions = {action for action, _keys in CALLS}
    assert {"order.update", "plan.item_add", "session.book", "conclusion.issue"} <= actions
    assert len(actions) > 120


@pytest.mark.parametrize("action", sorted({action for action, _keys in CALLS}))
def test_it_names_every_action_in_russian(action):
    assert extensions.action_label(action) != action


def test_it_names_every_recorded_key_in_russian():
    unnamed = {
        (action, key)
        for action, keys in CALLS
        for key in keys
        if not extensions.has_change_label(key, action) and not extensions.is_reference_key(key)
    }
    assert unnamed == set()


def test_it_names_the_coded_values_of_every_edited_field():
    uncoded = set()
    for action, (model, keys) in BUILT.items():
        for key in keys:
            field = next((f for f in model._meta.fields if f.name == key), None) if model else None
            if field is not None and field.choices and not extensions.value_labels(action, key):
                uncoded.add((action, key))
    assert uncoded == set()


def test_it_names_the_codes_recorded_at_every_call():
    from django.apps import apps

    coded = {
        field.name
        for model in apps.get_models()
        for field in model._meta.fields
        if field.choices and not isinstance(field, BooleanField)
    }
    calls = audit_calls(coded=coded)
    assert ("plan.item_add", ("activity",)) in calls
    assert [call for call in calls if not extensions.value_labels(call[0], call[1][0])] == []


def test_it_renders_every_action_without_a_key_a_code_or_an_iso_date(db):
    municipality = MunicipalityFactory()
    history = [
        AuditEntry(
            at=datetime.datetime(2026, 12, 1, 11, 30, tzinfo=datetime.UTC),
            action=action,
            object_type="tutoring.Municipality",
            municipality=municipality,
            changes={key: sample(action, key) for key in keys},
        )
        for action, keys in CALLS
    ]
    page = render_to_string("includes/history.html", {"history": history})
    text = re.sub(r"<[^>]+>", " ", page)
    assert LATIN_WORD.findall(text) == []
    assert ISO_DATE.findall(text) == []


def history_of(*objects) -> str:
    from tutoring.selectors import object_history

    page = render_to_string("includes/history.html", {"history": object_history(*objects)})
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_it_says_what_an_edit_of_an_order_changed(db):
    from community.services.orders import order_update
    from tests.community.factories import OrderFactory
    from tests.tutoring.factories import RoleKind, user_with_role

    order = OrderFactory(heading="О составе")
    methodist = user_with_role(RoleKind.METHODIST, municipality=order.municipality)
    fields = {name: getattr(order, name) for name in ORDER_FIELDS}
    order_update(actor=methodist, order=order, **{**fields, "heading": "О составе сообщества"})
    assert "Заголовок: «О составе» → «О составе сообщества»" in history_of(order)


def test_it_names_an_activity_of_a_plan_by_its_label(db):
    from community.models import Activity
    from community.services.plans import plan_item_update
    from tests.community.factories import PlanItemFactory

    item = PlanItemFactory(activity=Activity.CONSULTING)
    fields = {name: getattr(item, name) for name in PLAN_ITEM_FIELDS}
    plan_item_update(actor=None, item=item, **{**fields, "activity": Activity.EDUCATIONAL})
    text = history_of(item.plan)
    assert f"Вид деятельности: {Activity.CONSULTING.label} → {Activity.EDUCATIONAL.label}" in text
    assert "consulting" not in text
    assert str(item.pk) not in text.split("мероприятие плана")[-1]


def test_it_shows_dates_moments_and_yes_no_in_words(db):
    entry = AuditEntry.objects.create(
        action="case.assign",
        object_type="expertise.ExpertiseCase",
        municipality=MunicipalityFactory(timezone="Asia/Novokuznetsk"),
        changes={
            "deadline": "2026-12-01",
            "starts_at": "2026-12-01T07:30:00+00:00",
            "blind": True,
            "required": "False",
            "experts": ["Орлова А. П.", "Смирнова В. К."],
        },
    )
    assert dict(entry.change_items) == {
        "срок": "01.12.2026",
        "начало": "01.12.2026 14:30",
        "скрыть автора": "да",
        "обязательный": "нет",
        "эксперты": "Орлова А. П., Смирнова В. К.",
    }


def test_it_leaves_out_bare_ids_and_names_unknown_keys_readably(db):
    entry = AuditEntry.objects.create(
        action="session.book",
        object_type="consultations.Session",
        changes={"request": 17, "format": "очно", "ends_at_local": "x", "room": "каб. 12"},
    )
    assert entry.change_items == [("формат", "очно"), ("прочее", "x"), ("кабинет", "каб. 12")]


def test_it_shows_the_journal_in_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries
):
    from tests.tutoring.factories import RoleKind, user_with_role

    municipality = MunicipalityFactory()
    for number in range(30):
        AuditEntry.objects.create(
            action="order.update",
            object_type="community.Order",
            municipality=municipality,
            changes={"heading": [f"было {number}", "стало"], "date": "2026-12-01"},
        )
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    with django_assert_max_num_queries(12):
        page = client.get("/audit/").content.decode()
    assert "Заголовок: «было 29» → «стало»" in page
    assert "2026-12-01" not in page


def test_it_names_a_printed_documents_kind_and_leaves_out_its_id(db):
    entry = AuditEntry.objects.create(
        action="document.request",
        object_type="tutoring.Document",
        changes={"kind": "community.order", "object_id": "5", "created": True},
    )
    assert entry.change_items == [("вид", "приказ"), ("запрошен впервые", "да")]


@pytest.mark.parametrize(
    "kind",
    [
        "community.order",
        "community.plan",
        "community.route",
        "consultations.schedule",
        "expertise.conclusion",
        "monitoring.report",
    ],
)
def test_it_names_every_kind_of_printed_document(db, kind):
    # The «История» block of a plan showed «Вид: community.plan».
    documents.get_kind(kind)  # a kind the portal prints
    entry = AuditEntry(action="document.request", changes={"kind": kind})
    assert not re.search(r"[a-z]", entry.change_items[0][1])


def test_the_journal_pages_without_counting_the_whole_log(client, db):
    """At millions of entries a COUNT on every view is the page's cost: the list reads one
    row more than it shows to know whether another page follows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.tutoring.factories import RoleKind, user_with_role

    municipality = MunicipalityFactory()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="order.update",
            object_type="community.Order",
            municipality=municipality,
            changes={"heading": [f"было {number}", "стало"]},
        )
        for number in range(60)
    )
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    with CaptureQueriesContext(connection) as captured:
        first = client.get("/audit/").content.decode()
    journal = [q["sql"] for q in captured.captured_queries if "tutoring_auditentry" in q["sql"]]
    assert journal and not any("COUNT(" in sql for sql in journal)
    assert (
        "Страница 1" in first
        and "page=2" in first
        and "из " not in first.split("Страница 1")[1][:10]
    )
    second = client.get("/audit/?page=2").content.decode()
    assert "page=1" in second and "page=3" not in second
    assert second.count("Заголовок:") == 10
    assert "На этой странице записей нет." in client.get("/audit/?page=9").content.decode()
    assert "Страница 1" in client.get("/audit/?page=junk").content.decode()
