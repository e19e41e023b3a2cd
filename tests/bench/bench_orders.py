"""Signing and printing orders: the demo order № 01-03/24 (seed 002: a 21-tutor roster, the
regulation, a 15-item plan) and an order whose roster has 1,000 tutors.

Not part of the suite: run it on purpose with `make bench`. It prints seconds and memory and
asserts no timings; the query counts of the roster pages are pinned in tests/community.
"""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Appendix, Order, Roster, RosterEntry
from community.services import orders as services
from tests.community.factories import OrderFactory, RosterFactory
from tests.tutoring.factories import (
    OrganizationFactory,
    SubjectFactory,
    UserFactory,
    user_with_role,
)
from tutoring.models import Document, RoleKind
from tutoring.tasks import render_document


def rss_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field))
    return int(line.split()[1]) / 1024


def measure(label, action):
    # No tracemalloc: it slows WeasyPrint several times over. Instead the process's peak
    # resident size is reset (Linux: clear_refs 5) and read after the step: what a worker
    # rendering this document needs.
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    before = rss_mb("VmRSS")
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    peak = rss_mb("VmHWM")
    print(f"{label:<48} {seconds:6.2f} s   пик RSS {peak:5.0f} МБ (+{peak - before:.0f})")
    return result


def render(order):
    document = Document.objects.get(kind=services.ORDER_DOCUMENT, object_id=str(order.pk))
    Document.objects.filter(pk=document.pk).update(status=Document.Status.PENDING, file="")
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def big_order(size):
    order = OrderFactory(status=Order.Status.SENT)
    roster = RosterFactory(
        municipality=order.municipality,
        academic_year=order.academic_year,
        status=Roster.Status.READY,
    )
    school = OrganizationFactory(municipality=order.municipality)
    subject = SubjectFactory()
    people = UserFactory.create_batch(size)
    entries = RosterEntry.objects.bulk_create(
        RosterEntry(roster=roster, person=p, position="учитель математики", organization=school)
        for p in people
    )
    RosterEntry.subjects.through.objects.bulk_create(
        RosterEntry.subjects.through(rosterentry_id=e.pk, subject_id=subject.pk) for e in entries
    )
    Appendix.objects.create(order=order, number=1, kind="roster", title="Состав", roster=roster)
    return order, roster


@pytest.mark.django_db
def test_it_reports_signing_and_printing_orders(demo):
    print("\nприказ                                            время      память")
    demo_order = Order.objects.get(number="01-03/24")
    document = measure("демо-приказ № 01-03/24: PDF", lambda: render(demo_order))
    print(f"  {document.file.size / 1024:.0f} КБ")
    order, roster = big_order(1000)
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    measure(
        "состав из 1 000 тьюторов: подписание (снимок, утверждение состава)",
        lambda: services.order_approve(
            actor=director, order=order, number="1000", date=order.created_at.date()
        ),
    )
    document = measure("состав из 1 000 тьюторов: PDF", lambda: render(order))
    print(f"  {document.file.size / 1024:.0f} КБ")
    client = Client()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=order.municipality))
    for url in (f"/community/rosters/{roster.pk}/", f"/community/orders/{order.pk}/"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            assert client.get(url).status_code == 200
        print(f"{url:<48} {time.perf_counter() - started:7.2f} s   запросов {len(queries)}")
