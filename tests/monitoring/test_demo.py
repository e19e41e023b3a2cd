from monitoring import demo as monitoring_demo
from monitoring.effect import tutoring_effect
from monitoring.models import ImportBatch, Participant, ResultSet
from monitoring.selectors import school_figures
from tutoring.demo import LABINSK, SHNOR_SCHOOL, load_demo
from tutoring.models import AcademicYear, Municipality, Organization


def twos(year: int, school: str) -> float:
    result_sets = ResultSet.objects.filter(
        assessment__kind="vpr",
        assessment__year=year,
        assessment__subject__name="Математика",
        organization__short_name=school,
        organization__municipality__name=LABINSK,
    )
    return school_figures(result_sets)[0]["marks"][0]


def test_every_demo_school_has_its_fis_oko_login(demo):
    schools = Organization.objects.filter(kind=Organization.Kind.SCHOOL)

    assert schools.exists()
    assert not schools.filter(fis_oko_login="").exists()
    assert all(login.startswith("edu") for login in schools.values_list("fis_oko_login", flat=True))


def test_the_demo_has_three_years_of_vpr_loaded_as_a_methodist_loads_them(demo):
    batches = ImportBatch.objects.filter(kind="vpr")

    assert {b.status for b in batches} == {ImportBatch.Status.LOADED}
    assert sorted({b.summary["year"] for b in batches}) == monitoring_demo.years()
    assert all(b.uploaded_by.username == "methodist" for b in batches)
    schools = Organization.objects.filter(municipality__name=LABINSK).exclude(fis_oko_login="")
    assert (
        ResultSet.objects.filter(assessment__kind="vpr").count() == len(batches) * schools.count()
    )


def test_the_shnor_school_is_among_the_weakest_and_improves_after_tutoring(demo):
    before, after = monitoring_demo.years()[-2:]

    shares = {
        school: twos(before, school)
        for school in Organization.objects.filter(municipality__name=LABINSK)
        .exclude(fis_oko_login="")
        .values_list("short_name", flat=True)
    }
    assert sorted(shares, key=shares.get, reverse=True).index(SHNOR_SCHOOL) < 2
    assert twos(after, SHNOR_SCHOOL) <= twos(before, SHNOR_SCHOOL) - 8


def test_loading_the_demo_again_adds_no_results(demo):
    participants = Participant.objects.count()

    load_demo()

    assert Participant.objects.count() == participants
    assert ImportBatch.objects.filter(kind="vpr").count() == 2 * len(monitoring_demo.years())


def test_the_effect_page_compares_the_shnor_school_with_a_similar_one(demo):
    # The year of the tutoring began in the autumn after the spring before the last one.
    year = AcademicYear.objects.get(start_year=monitoring_demo.years()[-2])
    labinsk = Municipality.objects.get(name=LABINSK)

    rows = [r for r in tutoring_effect(labinsk, year) if r.school.short_name == SHNOR_SCHOOL]

    assert rows
    for row in rows:
        assert row.comparison is not None and row.comparison.schools >= 1
        assert row.difference < 0  # the share of «2» fell more than at the similar schools
