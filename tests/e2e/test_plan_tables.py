"""Plan and roster tables on a phone: nothing spills past 390 px, neither the page nor a table
inside its scroll box; and the text appendix's preview works from the keyboard."""

import pytest
from playwright.sync_api import expect

from community.models import CommunityPlan, Order, Roster
from community.services.plans import plan_copy
from tests.e2e.helpers import sign_in
from tutoring.models import AcademicYear, User

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _fits(page):
    """The page does not scroll sideways and no table is wider than its box."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth
        && [...document.querySelectorAll('table')].every(
            t => t.getBoundingClientRect().right <= window.innerWidth + 0.5)"""
    )


def test_it_fits_the_plan_and_the_roster_on_a_phone(page, demo_site):
    signed = Order.objects.get(number="01-03/24")
    plan = CommunityPlan.objects.get(appendices__order=signed)
    methodist = User.objects.get(username="methodist")
    draft = plan_copy(
        actor=methodist,
        municipality=plan.municipality,
        academic_year=AcademicYear.objects.current(),
        from_year=plan.academic_year,
    )
    roster = Roster.objects.get(appendices__order=signed)
    sign_in(page, demo_site, "methodist")
    page.set_viewport_size(PHONE)
    for url in (plan.get_absolute_url(), draft.get_absolute_url(), roster.get_absolute_url()):
        page.goto(f"{demo_site.url}{url}")
        expect(page.locator("table").first).to_be_visible()
        assert _fits(page), f"{url} spills past 390 px"
    expect(page.get_by_text("Логинова Татьяна Артуровна").first).to_be_visible()


def test_it_previews_a_text_appendix_from_the_keyboard(page, demo_site):
    signed = Order.objects.get(number="01-03/24")
    methodist = User.objects.get(username="methodist")
    draft = Order.objects.create(
        municipality=signed.municipality,
        organization=signed.organization,
        academic_year=signed.academic_year,
        place=signed.place,
        heading="Об утверждении положения",
        points="Утвердить положение (Приложение 1).",
        signatory_position=signed.signatory_position,
        signatory_name=signed.signatory_name,
        created_by=methodist,
    )
    sign_in(page, demo_site, "methodist")
    page.goto(f"{demo_site.url}/community/orders/{draft.pk}/appendices/new/")
    page.get_by_label("Текст").fill("# I. Общие положения\n- *стратегическая*: содействие")
    page.get_by_role("button", name="Предпросмотр").focus()
    page.keyboard.press("Enter")
    preview = page.locator("#markup-preview")
    expect(preview.get_by_role("heading", name="I. Общие положения")).to_be_visible()
    expect(preview.locator("em")).to_have_text("стратегическая")
    assert page.url.endswith("/appendices/new/")  # the page stayed; nothing was saved
    assert not draft.appendices.exists()
