"""The community plan prints once, at approval, under the «УТВЕРЖДАЮ» of the issuing
organization's head, and the plan page offers the PDF."""

import pytest

from community.models import CommunityPlan
from community.services.plans import PLAN_DOCUMENT
from tests.pdftext import pages_of
from tests.tutoring.factories import issuer_with_head
from tutoring.models import Document
from tutoring.tasks import render_document

from .factories import CommunityPlanFactory, PlanItemFactory, municipality_cast


@pytest.fixture
def cast(db):
    cast = municipality_cast()
    issuer_with_head(cast.municipality)
    return cast


@pytest.fixture
def plan(cast):
    plan = CommunityPlanFactory(municipality=cast.municipality)
    for position, content in enumerate(["Посещение уроков", "Аудит плана"], start=1):
        PlanItemFactory(plan=plan, position=position, content=content)
    return plan


def approve(client, cast, plan):
    CommunityPlan.objects.filter(pk=plan.pk).update(status=CommunityPlan.Status.SUBMITTED)
    client.force_login(cast.director)
    return client.post(f"/community/plans/{plan.pk}/approve/", follow=True)


def rendered_pages(plan) -> list[str]:
    document = Document.objects.get(kind=PLAN_DOCUMENT, object_id=str(plan.pk))
    render_document(document.pk)
    document.refresh_from_db()
    return pages_of(document)


def test_it_asks_for_the_plans_pdf_at_approval(client, cast, plan):
    approve(client, cast, plan)
    assert Document.objects.get(kind=PLAN_DOCUMENT, object_id=str(plan.pk)).is_pending


def test_it_prints_the_plan_under_the_heads_approval(client, cast, plan):
    approve(client, cast, plan)
    lines = rendered_pages(plan)[0].splitlines()
    stamp = lines[lines.index("УТВЕРЖДАЮ") :][:4]
    assert stamp[1] == "Директор МКУ ИМЦ г. Лабинска"
    assert stamp[2].endswith("С. И. Орлов")
    plan.refresh_from_db()
    assert stamp[3] == f"{plan.approved_at.astimezone(plan.municipality.tzinfo):%d.%m.%Y}"


def test_it_names_the_kind_of_plan_once(client, cast, plan):
    approve(client, cast, plan)
    text = " ".join(" ".join(rendered_pages(plan)).split())
    assert "ПЛАН-ГРАФИК" in text and "работы тьюторского сообщества на" in text
    assert text.count("План-график") == 0
    assert "Посещение уроков" in text and "г. Лабинск" in text


def test_it_offers_the_pdf_on_the_plan_page(client, cast, plan):
    approve(client, cast, plan)
    document = Document.objects.get(kind=PLAN_DOCUMENT, object_id=str(plan.pk))
    render_document(document.pk)
    client.force_login(cast.teacher)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f"/documents/{document.pk}/download/" in page


def test_it_says_why_the_plan_cannot_print_without_the_issuers_head(client, cast, plan):
    cast.municipality.issuer.heads.all().delete()
    approve(client, cast, plan)
    assert CommunityPlan.objects.get(pk=plan.pk).status == "approved"
    document = Document.objects.get(kind=PLAN_DOCUMENT, object_id=str(plan.pk))
    render_document(document.pk)
    document.refresh_from_db()
    assert document.is_failed and "Не указан руководитель" in document.error


def test_it_keeps_the_approvers_signature_with_the_plan(client, cast, plan):
    from tutoring.models import OrganizationHead

    approve(client, cast, plan)
    plan.refresh_from_db()
    assert plan.approval["name"] == "С. И. Орлов"
    # A head's record edited afterwards does not change what the plan was approved under.
    OrganizationHead.objects.filter(organization=cast.municipality.issuer).update(name="Другой")
    lines = rendered_pages(plan)[0].splitlines()
    assert lines[lines.index("УТВЕРЖДАЮ") + 2].endswith("С. И. Орлов")
