from django.db import migrations

# The rule of tutoring.reminders that replaces Session.reminder_sent_at.
RULE = "consultations.session.tomorrow"


def remember_reminded(apps, schema_editor):
    """A session reminded by the old task counts as reminded to everyone the rule tells (the
    tutor, the requester, the teacher): nobody gets a second «занятие завтра» of it."""
    Session = apps.get_model("consultations", "Session")
    SentReminder = apps.get_model("tutoring", "SentReminder")
    rows = []
    reminded = Session.objects.filter(reminder_sent_at__isnull=False).values_list(
        "pk", "reminder_sent_at", "tutor_id", "request__requested_by_id", "request__teacher_id"
    )
    for pk, sent_at, *people in reminded.iterator():
        for user_id in {p for p in people if p is not None}:
            rows.append(
                SentReminder(
                    rule=RULE,
                    object_key=f"consultations.session:{pk}",
                    recipient_id=user_id,
                    sent_at=sent_at,
                )
            )
    SentReminder.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def restore_reminded(apps, schema_editor):
    Session = apps.get_model("consultations", "Session")
    SentReminder = apps.get_model("tutoring", "SentReminder")
    for key, sent_at in SentReminder.objects.filter(rule=RULE).values_list("object_key", "sent_at"):
        Session.objects.filter(pk=int(key.rsplit(":", 1)[1])).update(reminder_sent_at=sent_at)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0009_calendar_sequence"),
        ("tutoring", "0012_sent_reminder"),
    ]

    operations = [
        migrations.RunPython(remember_reminded, restore_reminded),
        migrations.RemoveField(model_name="session", name="reminder_sent_at"),
    ]
