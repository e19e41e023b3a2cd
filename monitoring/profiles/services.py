"""State changes of curators and risk profiles. Each is one transaction with one audit entry."""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutoring.access import Access, access_for
from tutoring.models import AcademicYear, Organization, RoleKind, SchoolStatus, User
from tutoring.services import audit_record
from tutoring.workflow import Move, Notice, Workflow, holders, send_notices

from ..models import Curatorship, DomainError, RiskLevel, RiskProfile, RiskRating
from . import evidence, selectors

Status = RiskProfile.Status
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# A direction rated high or medium gets an antirisk programme: its rating must say why.
NEEDS_JUSTIFICATION = frozenset({RiskLevel.HIGH, RiskLevel.MEDIUM})


def school_staff(organization_id: int):
    return User.objects.filter(
        is_active=True, roles__kind=RoleKind.SCHOOL, roles__organization_id=organization_id
    ).distinct()


def _in_programme(organization: Organization, academic_year: AcademicYear) -> bool:
    return SchoolStatus.objects.filter(
        organization=organization, academic_year=academic_year
    ).exists()


# Curators.


def _check_manager(actor: User | None, organization: Organization) -> None:
    if actor is not None and not access_for(actor).holds(
        RoleKind.METHODIST, municipality=organization.municipality_id
    ):
        raise DomainError("Куратора школы назначает методист муниципалитета.")


@transaction.atomic
def curator_assign(
    *, actor: User | None, organization: Organization, academic_year: AcademicYear, curator: User
) -> Curatorship:
    """Make `curator` the school's curator for the year, in place of the one it had."""
    _check_manager(actor, organization)
    if not _in_programme(organization, academic_year):
        raise DomainError(
            f"Школа не в программе (ШНОР/ШССУ) на {academic_year} учебный год: куратор ей "
            "не назначается."
        )
    if (
        not selectors.curator_candidates(organization.municipality_id)
        .filter(pk=curator.pk)
        .exists()
    ):
        raise DomainError(
            "Куратором может быть тьютор или методист этого муниципалитета.", field="curator"
        )
    current = (
        Curatorship.objects.select_for_update()
        .filter(organization=organization, academic_year=academic_year)
        .select_related("curator")
        .first()
    )
    if current is not None and current.curator_id == curator.pk:
        raise DomainError(f"{curator.short_name} уже куратор этой школы.", field="curator")
    before = current.curator.full_name if current is not None else ""
    if current is None:
        try:
            with transaction.atomic():
                current = Curatorship.objects.create(
                    municipality_id=organization.municipality_id,
                    academic_year=academic_year,
                    organization=organization,
                    curator=curator,
                    assigned_by=actor,
                )
        except IntegrityError:
            # Two methodists at once: the second reads what the first did.
            raise DomainError("Куратор школы только что назначен: обновите страницу.") from None
    else:
        current.curator, current.assigned_by = curator, actor
        current.assigned_at = timezone.now()
        current.save(update_fields=["curator", "assigned_by", "assigned_at"])
    audit_record(
        actor=actor,
        action="curatorship.assign",
        obj=current,
        changes={"curator": curator.full_name, **({"replaced": before} if before else {})},
    )
    send_notices(
        [
            Notice(
                [curator],
                "monitoring.curatorship.assigned",
                f"Вы назначены куратором школы {organization.short_name} на {academic_year} "
                "учебный год.",
                _profiles_url(academic_year),
            )
        ],
        actor=actor,
        obj=current,
    )
    return current


@transaction.atomic
def curator_remove(*, actor: User | None, curatorship: Curatorship) -> None:
    curatorship = (
        Curatorship.objects.select_for_update()
        .select_related("organization", "curator")
        .filter(pk=curatorship.pk)
        .first()
    )
    if curatorship is None:
        raise DomainError("Куратор этой школы уже снят.")
    _check_manager(actor, curatorship.organization)
    audit_record(
        actor=actor,
        action="curatorship.remove",
        obj=curatorship,
        changes={"curator": curatorship.curator.full_name},
    )
    curatorship.delete()


def _profiles_url(academic_year: AcademicYear) -> str:
    from django.urls import reverse

    return f"{reverse('monitoring:profile_list')}?year={academic_year.pk}"


# Risk profiles.


def drafts(access: Access, profile: RiskProfile) -> bool:
    """The school's own staff draft and send its profile."""
    return access.holds(RoleKind.SCHOOL, organization=profile.organization_id)


def reviews(access: Access, profile: RiskProfile) -> bool:
    """The school's curator of the year or a methodist of its municipality agree or return."""
    if access.holds(RoleKind.METHODIST, municipality=profile.municipality_id):
        return True
    return (
        access.user_id is not None
        and Curatorship.objects.filter(
            organization=profile.organization_id,
            academic_year=profile.academic_year_id,
            curator_id=access.user_id,
        ).exists()
    )


def _reviewers(profile: RiskProfile) -> list[User]:
    people = list(holders(RoleKind.METHODIST, municipality_id=profile.municipality_id))
    curator = selectors.curator_of(profile.organization_id, profile.academic_year_id)
    if curator is not None and curator.curator not in people:
        people.append(curator.curator)
    return people


def _to_school(text: str, kind: str):
    def notices(profile: RiskProfile, actor: User) -> list[Notice]:
        return [
            Notice(
                school_staff(profile.organization_id),
                kind,
                text.format(p=profile),
                profile.get_absolute_url(),
            )
        ]

    return notices


REVIEWERS = "Согласует и возвращает рисковый профиль куратор школы или методист муниципалитета."
PROFILE = Workflow(
    "monitoring.risk_profile",
    model=RiskProfile,
    noun="Профиль",
    error=DomainError,
    moves=[
        Move(
            "submit",
            sources=EDITABLE,
            target=Status.SUBMITTED,
            allowed=drafts,
            forbidden="Отправляет рисковый профиль на согласование сама школа.",
            refusal="Отправить на согласование можно черновик или профиль, возвращённый на "
            "доработку.",
            action="risk_profile.submit",
            notices=lambda profile, actor: [
                Notice(
                    _reviewers(profile),
                    "monitoring.risk_profile.submitted",
                    f"{profile.organization.short_name} отправила на согласование рисковый "
                    f"профиль на {profile.academic_year} учебный год.",
                    profile.get_absolute_url(),
                )
            ],
        ),
        Move(
            "agree",
            sources={Status.SUBMITTED},
            target=Status.AGREED,
            allowed=reviews,
            forbidden=REVIEWERS,
            refusal="Согласовать можно только профиль, отправленный на согласование.",
            action="risk_profile.agree",
            notices=_to_school(
                "Рисковый профиль школы на {p.academic_year} учебный год согласован.",
                "monitoring.risk_profile.agreed",
            ),
        ),
        Move(
            "return",
            sources={Status.SUBMITTED, Status.AGREED},
            target=Status.RETURNED,
            allowed=reviews,
            forbidden=REVIEWERS,
            refusal="Вернуть на доработку можно профиль на согласовании или согласованный.",
            action="risk_profile.return",
            notices=_to_school(
                "Рисковый профиль школы на {p.academic_year} учебный год возвращён на "
                "доработку: {p.reviewer_comment}",
                "monitoring.risk_profile.returned",
            ),
        ),
    ],
)


def locked_message(profile: RiskProfile) -> str:
    if profile.status == Status.SUBMITTED:
        return (
            "Профиль на согласовании и не меняется, пока куратор или методист его не "
            "согласует или не вернёт на доработку."
        )
    return (
        "Профиль согласован и больше не меняется; изменить его можно, если его вернут на доработку."
    )


def _editable(actor: User | None, profile: RiskProfile) -> RiskProfile:
    profile = RiskProfile.objects.select_for_update().get(pk=profile.pk)
    if actor is not None and not drafts(access_for(actor), profile):
        raise DomainError("Рисковый профиль составляет и меняет сама школа.")
    if profile.status not in EDITABLE:
        raise DomainError(locked_message(profile))
    return profile


@transaction.atomic
def risk_profile_create(
    *, actor: User | None, organization: Organization, academic_year: AcademicYear
) -> RiskProfile:
    """The school's profile of the year: every direction of its region, each justification
    started with what the portal knows, for the school to correct."""
    if actor is not None and not access_for(actor).holds(
        RoleKind.SCHOOL, organization=organization
    ):
        raise DomainError("Рисковый профиль составляет сама школа.")
    if not _in_programme(organization, academic_year):
        raise DomainError(
            f"Рисковый профиль составляют школы в программе (ШНОР/ШССУ) на {academic_year} "
            "учебный год; эта школа в неё не включена."
        )
    taken = (
        f"Рисковый профиль школы на {academic_year} учебный год уже есть: откройте его из списка."
    )
    if RiskProfile.objects.filter(organization=organization, academic_year=academic_year).exists():
        raise DomainError(taken)
    try:
        with transaction.atomic():
            profile = RiskProfile.objects.create(
                municipality_id=organization.municipality_id,
                academic_year=academic_year,
                organization=organization,
                created_by=actor,
            )
    except IntegrityError:
        raise DomainError(taken) from None
    found = evidence.offered(organization, academic_year)
    directions = selectors.directions_for(organization.municipality.region)
    RiskRating.objects.bulk_create(
        RiskRating(
            profile=profile,
            direction=direction,
            justification=found.get(direction.evidence, ""),
        )
        for direction in directions
    )
    audit_record(actor=actor, action="risk_profile.create", obj=profile)
    return profile


def _rating_text(level: str) -> str:
    return RiskLevel(level).label if level else "не оценено"


@transaction.atomic
def risk_profile_update(
    *, actor: User | None, profile: RiskProfile, ratings: Mapping[int, tuple[str, str]]
) -> RiskProfile:
    """`ratings`: (level, justification) by direction id. A direction the region added since
    the profile was made gets its rating here."""
    profile = _editable(actor, profile)
    directions = {d.pk: d for d in selectors.directions_for(profile.municipality.region)}
    existing = {r.direction_id: r for r in profile.ratings.select_related("direction")}
    changes, saved, added = [], [], []
    for direction_id, (level, justification) in ratings.items():
        if level and level not in RiskLevel.values:
            raise DomainError("Выберите уровень риска из списка.")
        justification = justification.strip()
        rating = existing.get(direction_id)
        if rating is None:
            if direction_id not in directions:
                raise DomainError("Этого направления нет в справочнике региона.")
            rating = RiskRating(profile=profile, direction=directions[direction_id])
            added.append(rating)
        elif (rating.level, rating.justification) == (level, justification):
            continue
        else:
            saved.append(rating)
        if rating.level != level:
            changes.append(
                f"«{rating.direction.name}»: {_rating_text(rating.level)} → {_rating_text(level)}"
            )
        elif rating.justification != justification:
            changes.append(f"«{rating.direction.name}»: обоснование изменено")
        rating.level, rating.justification = level, justification
    if not saved and not added:
        return profile
    RiskRating.objects.bulk_update(saved, ["level", "justification"])
    RiskRating.objects.bulk_create(added)
    audit_record(
        actor=actor, action="risk_profile.update", obj=profile, changes={"ratings": changes}
    )
    return profile


@transaction.atomic
def risk_profile_submit(*, actor: User | None, profile: RiskProfile) -> RiskProfile:
    profile = PROFILE.start(actor, profile, "submit")
    old = profile.status
    ratings = {r.direction_id: r for r in profile.ratings.select_related("direction")}
    unrated = [
        direction.name
        for direction in selectors.directions_for(profile.municipality.region)
        if not getattr(ratings.get(direction.pk), "level", "")
    ]
    unrated += [
        r.direction.name for r in ratings.values() if not r.level and not r.direction.is_active
    ]
    unjustified = [
        r.direction.name
        for r in ratings.values()
        if r.level in NEEDS_JUSTIFICATION and not r.justification.strip()
    ]
    problems = []
    if unrated:
        problems.append("не оценены направления: " + ", ".join(f"«{n}»" for n in unrated))
    if unjustified:
        problems.append(
            "нет обоснования у направлений с высоким или средним риском: "
            + ", ".join(f"«{n}»" for n in unjustified)
        )
    if problems:
        raise DomainError("Профиль не отправлен: " + "; ".join(problems) + ".")
    # What the portal knew when the school sent it stays with the profile as agreed.
    found = evidence.offered(profile.organization, profile.academic_year)
    for rating in ratings.values():
        rating.evidence = found.get(rating.direction.evidence, "")
    RiskRating.objects.bulk_update(list(ratings.values()), ["evidence"])
    profile.submitted_at = timezone.now()
    return PROFILE.finish(
        actor,
        profile,
        "submit",
        fields=["submitted_at"],
        changes={"status": [old, Status.SUBMITTED]},
    )


@transaction.atomic
def risk_profile_agree(*, actor: User | None, profile: RiskProfile) -> RiskProfile:
    profile = PROFILE.start(actor, profile, "agree")
    profile.agreed_by, profile.agreed_at = actor, timezone.now()
    return PROFILE.finish(
        actor,
        profile,
        "agree",
        fields=["agreed_by", "agreed_at"],
        changes={"status": [Status.SUBMITTED, Status.AGREED]},
    )


@transaction.atomic
def risk_profile_return(*, actor: User | None, profile: RiskProfile, comment: str) -> RiskProfile:
    profile = PROFILE.start(actor, profile, "return")
    if not comment.strip():
        raise DomainError("Напишите, что нужно доработать: школа увидит этот комментарий.")
    old = profile.status
    profile.reviewer_comment = comment.strip()
    profile.agreed_by, profile.agreed_at = None, None
    return PROFILE.finish(
        actor,
        profile,
        "return",
        fields=["reviewer_comment", "agreed_by", "agreed_at"],
        changes={"status": [old, Status.RETURNED], "comment": profile.reviewer_comment},
    )
