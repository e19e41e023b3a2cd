import io

from django.core.management import call_command

from tutoring.demo import DEMO_LOGINS, KALTAN, SHNOR_SCHOOL, TUTORS
from tutoring.models import (
    AcademicYear,
    AuditEntry,
    Municipality,
    Organization,
    Role,
    RoleKind,
    SchoolStatus,
    Subject,
    User,
)

MODELS = [Municipality, Organization, AcademicYear, Subject, SchoolStatus, User, Role, AuditEntry]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_changes_nothing_when_loaded_twice(db):
    output = io.StringIO()
    call_command("load_demo", stdout=output)
    first = counts()
    call_command("load_demo", stdout=output)
    assert counts() == first
    assert "ничего не изменено" in output.getvalue()


def test_it_loads_the_21_tutors_of_the_labinsk_roster(demo):
    tutors = Role.objects.filter(kind=RoleKind.TUTOR, municipality__short_name="Лабинский район")
    assert tutors.count() == len(TUTORS) == 21
    loginova = tutors.select_related("user", "organization").get(user__last_name="Логинова")
    assert loginova.user.full_name == "Логинова Татьяна Артуровна"
    assert loginova.organization.short_name == "МОБУ СОШ № 10"
    assert [s.name for s in loginova.subjects.all()] == ["Математика"]


def test_it_marks_the_chernorechenskaya_school_as_low_results(demo):
    school = Organization.objects.get(short_name=SHNOR_SCHOOL)
    assert "Чернореченской" in school.name
    years = SchoolStatus.objects.filter(organization=school, kind=SchoolStatus.Kind.LOW_RESULTS)
    assert {str(s.academic_year) for s in years} >= {"2022/23", "2023/24", "2024/25", "2025/26"}


def test_it_gives_kaltan_its_own_time_zone(demo):
    assert Municipality.objects.get(name=KALTAN).timezone == "Asia/Novokuznetsk"


def test_it_creates_one_demo_login_per_role_with_the_demo_password(demo):
    for kind in RoleKind.values:
        user = User.objects.get(username=kind)
        assert user.check_password("demo")
        assert user.email == f"{kind}@example.ru"
        if kind == RoleKind.REGION_ADMIN:
            assert user.roles.filter(kind=kind, region="Краснодарский край").exists()
        else:
            assert user.roles.filter(kind=kind, municipality__short_name="Лабинский район").exists()
    school_staff = Role.objects.filter(user__username__in=["school", "teacher"])
    assert {r.organization.short_name for r in school_staff} == {SHNOR_SCHOOL}
    assert {*RoleKind.values, "admin"} == DEMO_LOGINS


def test_it_gives_the_other_demo_people_no_usable_password(demo):
    assert not User.objects.get(username="tutor02").has_usable_password()


def test_the_demo_municipalities_have_their_issuer_and_the_centre_its_director(demo):
    labinsk = Municipality.objects.get(short_name="Лабинский район")
    assert labinsk.issuer.short_name == "МКУ ИМЦ г. Лабинска"
    head = labinsk.issuer.head_on()
    assert (head.position, head.name) == ("Директор МКУ ИМЦ г. Лабинска", "С. И. Орлов")
    assert not Municipality.objects.filter(issuer__isnull=True).exists()


def test_a_reminder_run_right_after_the_demo_has_letters_to_send_and_a_second_none(demo):
    from tutoring import reminders
    from tutoring.models import Notification

    first = reminders.run()
    second = reminders.run()

    assert first["consultations.session.tomorrow"] >= 1
    assert first["expertise.review.due"] >= 1
    assert first["consultations.session.report_due"] >= 1
    assert sum(second.values()) == 0
    tutor = User.objects.get(username="tutor")
    kinds = set(Notification.objects.filter(recipient=tutor).values_list("kind", flat=True))
    assert {
        "consultations.session.tomorrow",
        "consultations.session.report_due",
        "expertise.review.due",
    } <= kinds


def test_send_reminders_after_load_demo_prints_what_it_sent(db):
    call_command("load_demo", stdout=io.StringIO())
    out, again = io.StringIO(), io.StringIO()

    call_command("send_reminders", stdout=out)
    call_command("send_reminders", stdout=again)

    assert "Занятие завтра: 3" in out.getvalue()
    assert "Срок экспертизы через 2 дня: 2" in out.getvalue()
    assert "Нужен отчёт о занятии: 1" in out.getvalue()
    assert "Всего отправлено: 0 напоминаний." in again.getvalue()
