"""A community plan keeps its items in one order through the whole plan and is grouped by
activity only when chosen. The plans made before were numbered within each activity and shown
grouped: they are renumbered through in the order they were shown and stay grouped, so that
nothing a methodist has seen or printed is renumbered. New plans are not grouped."""

from django.db import migrations, models

# The activities in the order the plans were grouped by (seed 002, 5.1).
ACTIVITY_ORDER = ["informational", "educational", "expert", "consulting", "monitoring"]


def number_through(apps, schema_editor):
    CommunityPlan = apps.get_model("community", "CommunityPlan")
    PlanItem = apps.get_model("community", "PlanItem")
    rank = {activity: index for index, activity in enumerate(ACTIVITY_ORDER)}
    for plan in CommunityPlan.objects.all().iterator():
        items = sorted(
            PlanItem.objects.filter(plan=plan),
            key=lambda item: (rank.get(item.activity, len(rank)), item.position, item.pk),
        )
        for position, item in enumerate(items):
            item.position = position
        PlanItem.objects.bulk_update(items, ["position"])
    CommunityPlan.objects.update(group_by_activity=True)


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_order_signature_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="communityplan",
            name="group_by_activity",
            field=models.BooleanField(
                default=False, verbose_name="группировать по видам деятельности"
            ),
        ),
        migrations.RunPython(number_through, migrations.RunPython.noop),
    ]
