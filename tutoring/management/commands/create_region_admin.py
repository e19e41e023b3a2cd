"""The one step of a new installation that needs a shell: the first region administrator.
From there on everything is done in the browser (municipalities, their methodists, schools
and people)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tutoring.errors import DomainError
from tutoring.models import Role, RoleKind, User
from tutoring.services import audit_record, people, risk_directions_seed


class Command(BaseCommand):
    help = (
        "Создаёт администратора региона и отправляет ему приглашение: "
        "create_region_admin --region «Краснодарский край» --email … --last-name … --first-name …"
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="субъект РФ, как у муниципалитетов")
        parser.add_argument("--email", required=True)
        parser.add_argument("--last-name", required=True)
        parser.add_argument("--first-name", required=True)
        parser.add_argument("--middle-name", default="")

    def handle(self, *args, **options):
        region = options["region"].strip()
        if not region:
            raise CommandError("Укажите субъект РФ.")
        try:
            with transaction.atomic():
                email = people.normalize_email(options["email"])
                person = User.objects.filter(email__iexact=email).first()
                if person is None:
                    person = people.person_create(
                        actor=None,
                        last_name=options["last_name"],
                        first_name=options["first_name"],
                        middle_name=options["middle_name"],
                        email=email,
                        roles=[],
                        invite=False,
                        allow_no_roles=True,
                    )
                role, created = Role.objects.get_or_create(
                    user=person, kind=RoleKind.REGION_ADMIN, region=region
                )
                risk_directions_seed(region)
                if created:
                    audit_record(
                        actor=None,
                        action="role.grant",
                        obj=person,
                        changes={"role": str(role)},
                    )
                if not person.has_usable_password():
                    people.invitation_send(actor=None, person=person)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{person.full_name} — администратор региона «{region}». "
            + (
                "Приглашение отправлено на " + person.email
                if not person.has_usable_password()
                else "Пароль уже задан."
            )
        )
