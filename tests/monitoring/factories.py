"""The people and schools of the monitoring tests: one municipality with two schools known to
ФИС ОКО, a school of another municipality, and a user of every role."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring import services
from monitoring.models import ImportBatch
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import Municipality, Organization, RoleKind, Subject, User

from . import f1files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class World:
    municipality: Municipality
    school: Organization  # edu230123
    other_school: Organization  # edu230120, same municipality
    foreign_school: Organization  # edu990001, another municipality
    subject: Subject
    methodist: User
    director: User
    school_admin: User
    other_school_admin: User
    teacher: User
    tutor: User
    regional: User


def make_world() -> World:
    municipality = MunicipalityFactory(name="Лабинский район")
    school = OrganizationFactory(
        municipality=municipality, short_name="МОБУ СОШ № 10", fis_oko_login="edu230123"
    )
    other_school = OrganizationFactory(
        municipality=municipality, short_name="МОБУ СОШ № 20", fis_oko_login="edu230120"
    )
    foreign_school = OrganizationFactory(short_name="МБОУ СОШ № 1", fis_oko_login="edu990001")
    return World(
        municipality=municipality,
        school=school,
        other_school=other_school,
        foreign_school=foreign_school,
        subject=SubjectFactory(name="Математика"),
        methodist=user_with_role(RoleKind.METHODIST, municipality=municipality),
        director=user_with_role(RoleKind.DIRECTOR, municipality=municipality),
        school_admin=user_with_role(RoleKind.SCHOOL, organization=school),
        other_school_admin=user_with_role(RoleKind.SCHOOL, organization=other_school),
        teacher=user_with_role(RoleKind.TEACHER, organization=school),
        tutor=user_with_role(RoleKind.TUTOR, municipality=municipality),
        regional=user_with_role(RoleKind.REGIONAL),
    )


def upload(data: bytes, name: str = "Ф1.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def school_file(n: int = 25, *, seed: int = 0, login="edu230123", name="МОБУ СОШ № 10", **kw):
    rows = f1files.generated_rows(n, seed=seed, school_login=login, school_name=name)
    return f1files.f1_file(rows, **kw)


def checked(world: World, data: bytes, *, actor=None, school=None) -> ImportBatch:
    return services.batch_check(
        actor=actor or world.methodist,
        municipality=world.municipality,
        uploaded=upload(data),
        only_school=school,
    )


def run_checks() -> None:
    """Run the checks the upload form queued, as the Celery worker would (in this process)."""
    from monitoring.tasks import check_batch

    for pk in ImportBatch.objects.filter(status=ImportBatch.Status.CHECKING).values_list(
        "pk", flat=True
    ):
        check_batch(pk)


def post_upload(client, data: dict):
    """Send the upload form, run the check it queued, and open the page it leads to."""
    response = client.post(reverse("monitoring:import_create"), data)
    if response.status_code != 302:
        return response
    run_checks()
    return client.get(response.url)


def loaded(world: World, data: bytes, **kw) -> ImportBatch:
    """Checked, confirmed and loaded, as the Celery task would (in this process)."""
    batch = checked(world, data, **kw)
    assert batch.status == ImportBatch.Status.READY, batch.errors
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    services.batch_load(batch.pk)
    batch.refresh_from_db()
    return batch
