"""Migration 0004 gives existing orders their academic year and existing approved rosters the
order that approved them, on PostgreSQL, with rows in the tables."""

import datetime

from django.utils import timezone

from community.models import Order, Roster
from tests.migration_steps import migrate_back, migrate_forward

BEFORE = [("community", "0003_material_search_index")]


def test_it_fills_the_year_and_the_approving_order_of_existing_records(transactional_db):
    apps = migrate_back(BEFORE)
    try:
        municipality = apps.get_model("tutoring", "Municipality").objects.create(
            name="Лабинский район", short_name="Лабинский"
        )
        centre = apps.get_model("tutoring", "Organization").objects.create(
            municipality=municipality, kind="methodical_centre", name="ИМЦ", short_name="ИМЦ"
        )
        years = apps.get_model("tutoring", "AcademicYear").objects
        year_2022 = years.create(start_year=2022)
        roster = apps.get_model("community", "Roster").objects.create(
            municipality=municipality, academic_year=year_2022, status="approved"
        )
        orders = apps.get_model("community", "Order").objects
        common = {
            "municipality": municipality,
            "organization": centre,
            "place": "г. Лабинск",
            "points": "Утвердить состав.",
            "signatory_position": "Директор",
            "signatory_name": "С. И. Орлов",
        }
        signed = orders.create(
            heading="С составом",
            status="approved",
            number="01-03/24",
            date=datetime.date(2024, 1, 9),  # the 2023/24 year by date; the roster's wins
            approved_at=timezone.now(),
            **common,
        )
        apps.get_model("community", "Appendix").objects.create(
            order=signed, number=1, kind="roster", title="Состав", roster=roster
        )
        orders.create(
            heading="Без приложений",
            created_at=datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC),
            **common,
        )
    finally:
        migrate_forward()

    assert Order.objects.get(heading="С составом").academic_year.start_year == 2022
    assert Order.objects.get(heading="Без приложений").academic_year.start_year == 2025
    assert Roster.objects.get().approved_order == Order.objects.get(heading="С составом")
