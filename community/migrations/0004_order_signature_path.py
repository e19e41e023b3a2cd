"""The order's path to signature: an order has an academic year, goes draft → on signature →
signed or returned with a comment; a roster is marked ready and approved by the signed order.

Existing orders take the year of their appendices' roster or plan, else the academic year of
their date (or of their creation); an approved roster takes the first signed order that
carries it as the order that approved it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _start_year(day) -> int:
    # As tutoring.models.current_start_year: an academic year begins on 1 September.
    return day.year if day.month >= 9 else day.year - 1


def fill_years_and_approving_orders(apps, schema_editor):
    Order = apps.get_model("community", "Order")
    Appendix = apps.get_model("community", "Appendix")
    Roster = apps.get_model("community", "Roster")
    AcademicYear = apps.get_model("tutoring", "AcademicYear")
    for order in Order.objects.filter(academic_year__isnull=True):
        year_id = None
        for appendix in Appendix.objects.filter(order=order).order_by("number"):
            source = appendix.roster_id and Roster.objects.get(pk=appendix.roster_id)
            source = source or (appendix.plan_id and appendix.plan)
            if source:
                year_id = source.academic_year_id
                break
        if year_id is None:
            day = order.date or order.created_at.date()
            year_id = AcademicYear.objects.get_or_create(start_year=_start_year(day))[0].pk
        order.academic_year_id = year_id
        order.save(update_fields=["academic_year"])
    for roster in Roster.objects.filter(status="approved", approved_order__isnull=True):
        signed = (
            Order.objects.filter(status="approved", appendices__roster=roster)
            .order_by("approved_at", "pk")
            .first()
        )
        if signed is not None:
            roster.approved_order = signed
            roster.save(update_fields=["approved_order"])
    if schema_editor.connection.vendor == "postgresql":
        # The rows just updated leave deferred foreign-key checks pending, and PostgreSQL
        # refuses the ALTER TABLE that follows (NOT NULL) while they are.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_material_search_index"),
        ("tutoring", "0005_directory_imports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="order",
            name="order_approved_has_number_and_date",
        ),
        migrations.RemoveConstraint(
            model_name="roster",
            name="roster_one_draft",
        ),
        migrations.AddField(
            model_name="order",
            name="academic_year",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tutoring.academicyear",
                verbose_name="учебный год",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="return_comment",
            field=models.TextField(blank=True, verbose_name="замечания руководителя"),
        ),
        migrations.AddField(
            model_name="order",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="отправлен на подпись"),
        ),
        migrations.AddField(
            model_name="roster",
            name="approved_order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="approved_rosters",
                to="community.order",
                verbose_name="утверждён приказом",
            ),
        ),
        migrations.RunPython(fill_years_and_approving_orders, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="order",
            name="academic_year",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tutoring.academicyear",
                verbose_name="учебный год",
            ),
        ),
        migrations.AlterField(
            model_name="order",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "проект"),
                    ("sent", "на подписи"),
                    ("returned", "возвращён на доработку"),
                    ("approved", "подписан"),
                ],
                default="draft",
                max_length=16,
                verbose_name="статус",
            ),
        ),
        migrations.AlterField(
            model_name="roster",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "черновик"),
                    ("ready", "готов к приказу"),
                    ("approved", "утверждён"),
                ],
                default="draft",
                max_length=16,
                verbose_name="статус",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "approved"), _negated=True),
                    models.Q(models.Q(("number", ""), _negated=True), ("date__isnull", False)),
                    _connector="OR",
                ),
                name="order_approved_has_number_and_date",
                violation_error_message="У подписанного приказа должны быть номер и дата.",
            ),
        ),
        migrations.AddConstraint(
            model_name="roster",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["draft", "ready"])),
                fields=("municipality", "academic_year"),
                name="roster_one_open",
                violation_error_message="Неутверждённый состав на этот учебный год уже есть.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="appendix",
            name="appendix_unique_number",
            constraint=models.UniqueConstraint(
                fields=("order", "number"),
                name="appendix_unique_number",
                violation_error_message="Приложение с этим номером у приказа уже есть.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="appendix",
            name="appendix_kind_matches_source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "roster"), ("plan__isnull", True), ("roster__isnull", False)),
                    models.Q(("kind", "plan"), ("plan__isnull", False), ("roster__isnull", True)),
                    models.Q(("kind", "text"), ("plan__isnull", True), ("roster__isnull", True)),
                    _connector="OR",
                ),
                name="appendix_kind_matches_source",
                violation_error_message="Приложение «состав сообщества» показывает выбранный состав, «план работы» — выбранный план, текстовое — только текст: выберите то, что подходит к виду.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="order",
            name="order_unique_number",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "approved")),
                fields=("organization", "number", "date"),
                name="order_unique_number",
                violation_error_message="Приказ с этим номером и датой у организации уже есть.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="roster",
            name="roster_unique_revision",
            constraint=models.UniqueConstraint(
                fields=("municipality", "academic_year", "revision"),
                name="roster_unique_revision",
                violation_error_message="Такая редакция состава на этот учебный год уже есть.",
            ),
        ),
    ]
