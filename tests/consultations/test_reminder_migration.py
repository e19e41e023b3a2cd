"""Migration 0010 turns Session.reminder_sent_at into sent reminders: a session the old task
reminded of is not reminded of again, to anyone the new rule tells."""

from datetime import timedelta

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tutoring import reminders
from tutoring.models import Notification, SentReminder

BEFORE = [("consultations", "0009_calendar_sequence")]


def migrate_back():
    MigrationExecutor(connection).migrate(BEFORE)
    # The models as the database now has them: going back also unapplies what depends on the
    # later consultations migrations in other apps (monitoring's programme measures).
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_session_reminded_by_the_old_task_is_not_reminded_again(transactional_db):
    apps = migrate_back()
    try:
        municipality = apps.get_model("tutoring", "Municipality").objects.create(
            name="Лабинский район", short_name="Лабинский"
        )
        organizations = apps.get_model("tutoring", "Organization").objects
        centre = organizations.create(
            municipality=municipality, kind="methodical_centre", name="ИМЦ", short_name="ИМЦ"
        )
        school = organizations.create(municipality=municipality, name="СОШ 20", short_name="СОШ")
        users = apps.get_model("tutoring", "User").objects
        tutor, requester, teacher = (users.create(username=name) for name in "abc")
        point = apps.get_model("consultations", "ConsultationPoint").objects.create(
            municipality=municipality, organization=centre, name="Пункт", address="ул. 1"
        )
        subject, _ = apps.get_model("tutoring", "Subject").objects.get_or_create(name="Математика")
        request = apps.get_model("consultations", "ConsultationRequest").objects.create(
            municipality=municipality,
            organization=school,
            requested_by=requester,
            teacher=teacher,
            kind="individual",
            subject=subject,
            topic="Дроби",
            difficulty="—",
            participants="учитель",
            participants_count=1,
            format="remote",
            status="scheduled",
        )
        starts = timezone.now() + timedelta(hours=20)
        sessions = apps.get_model("consultations", "Session").objects
        common = {
            "municipality": municipality,
            "request": request,
            "point": point,
            "tutor": tutor,
            "kind": "individual",
            "format": "remote",
        }
        reminded = sessions.create(
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            reminder_sent_at=timezone.now(),
            **common,
        )
        later = starts + timedelta(hours=2)
        not_yet = sessions.create(starts_at=later, ends_at=later + timedelta(hours=1), **common)
    finally:
        migrate_forward()

    assert set(SentReminder.objects.values_list("object_key", "recipient_id")) == {
        (f"consultations.session:{reminded.pk}", person.pk)
        for person in (tutor, requester, teacher)
    }
    reminders.run()
    told = set(Notification.objects.values_list("object_key", flat=True))
    assert told == {f"consultations.session:{not_yet.pk}"}
