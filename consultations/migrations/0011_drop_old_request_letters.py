"""The requester's letters are notifications now, by each person's preference: the letter task
of the request (consultations.tasks.send_request_email) is gone, so a letter of it still
waiting in the outbox at the upgrade would be retried by the sweep and sent by no worker. It
is dropped: the request's page shows what the letter would have said."""

from django.db import migrations

OLD_TASK = "consultations.tasks.send_request_email"


def drop_queued(apps, schema_editor):
    apps.get_model("tutoring", "QueuedTask").objects.filter(task=OLD_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0010_reminders_sent_once"),
        ("tutoring", "0012_sent_reminder"),
    ]

    operations = [migrations.RunPython(drop_queued, migrations.RunPython.noop)]
