from django.core.management.base import BaseCommand, CommandError

from tutoring.scale import DEFAULTS, REGION, USERNAME_PREFIX, RegionError, generate_region


class Command(BaseCommand):
    help = (
        f"Создать тестовый регион «{REGION}» в масштабе края (муниципалитеты, школы, учителя, "
        "тьюторы) для проверки скорости страниц. Не для рабочей базы."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipalities",
            type=int,
            default=DEFAULTS["municipalities"],
            help="Сколько муниципальных образований создать (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--schools",
            type=int,
            default=DEFAULTS["schools"],
            help="Сколько школ распределить по муниципалитетам (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--teachers",
            type=int,
            default=DEFAULTS["teachers"],
            help="Сколько учителей распределить по школам (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--tutors",
            type=int,
            default=DEFAULTS["tutors"],
            help="Сколько учителей сделать ещё и тьюторами (по умолчанию %(default)s).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="Начальное значение генератора: с одним и тем же регион получается тем же.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Сначала удалить созданный ранее тестовый регион (всё, что относится "
                f"к «{REGION}», и пользователей {USERNAME_PREFIX}…)."
            ),
        )

    def handle(self, *args, **options):
        try:
            counts = generate_region(
                municipalities=options["municipalities"],
                schools=options["schools"],
                teachers=options["teachers"],
                tutors=options["tutors"],
                seed=options["seed"],
                replace=options["replace"],
                stdout=self.stdout,
            )
        except RegionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Создано: муниципальных образований — {counts['municipalities']}, "
                f"школ — {counts['schools']} (ШНОР — {counts['low_results']}, "
                f"ШССУ — {counts['hard_conditions']}), учителей — {counts['teacher_roles']}, "
                f"из них тьюторов — {counts['tutor_roles']}."
            )
        )
