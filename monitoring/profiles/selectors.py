"""Who sees which risk profiles and programme schools. A school sees its own; a curator the
schools they accompany in that year; the methodist and the director their municipality;
`regional` every municipality. A tutor who curates no school sees none."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tutoring.access import Access
from tutoring.models import AcademicYear, Organization, RiskDirection, RoleKind, User

from ..models import Curatorship, RiskLevel, RiskProfile, SchoolProgramme

# Who reads the profiles of a whole municipality.
OVERSEERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)
NOTHING = Q(pk__in=[])


def _overseen(access: Access) -> set[int]:
    return {role.municipality_id for role in access.roles if role.kind in OVERSEERS}


def _own_schools(access: Access) -> set[int]:
    return {role.organization_id for role in access.roles if role.kind == RoleKind.SCHOOL}


def curates(access: Access) -> bool:
    """Whether the user accompanies some school as its curator, in any year."""
    return (
        access.user_id is not None
        and Curatorship.objects.filter(curator_id=access.user_id).exists()
    )


def reads_profiles(access: Access) -> bool:
    return access.has(*OVERSEERS, RoleKind.REGIONAL, RoleKind.SCHOOL) or curates(access)


def school_year_q(access: Access) -> Q:
    """Records of a school and an academic year (`organization`, `academic_year`, and
    `municipality`) that the user sees: profiles and programmes alike."""
    if access.everywhere:
        return Q()
    q = NOTHING
    if municipalities := _overseen(access):
        q |= Q(municipality__in=municipalities)
    if schools := _own_schools(access):
        q |= Q(organization__in=schools)
    if access.user_id is not None:
        q |= Exists(
            Curatorship.objects.filter(
                curator_id=access.user_id,
                organization=OuterRef("organization"),
                academic_year=OuterRef("academic_year"),
            )
        )
    return q


def profiles_for(access: Access) -> QuerySet[RiskProfile]:
    return RiskProfile.objects.select_related(
        "organization", "municipality", "academic_year"
    ).filter(school_year_q(access))


# What the list can narrow to: the schools where something waits for agreement.
WAITING = {
    "profiles": "рисковый профиль ждёт согласования",
    "programmes": "программа ждёт согласования методистом",
}


def programme_schools(
    access: Access, academic_year: AcademicYear, *, waiting: str = ""
) -> QuerySet[Organization]:
    """The schools in the programme (ШНОР/ШССУ) of the year that the user sees: those whose
    profiles the list shows, with or without one; with `waiting`, those where a profile or a
    programme waits for agreement."""
    schools = Organization.objects.filter(statuses__academic_year=academic_year).select_related(
        "municipality"
    )
    if not access.everywhere:
        q = NOTHING
        if municipalities := _overseen(access):
            q |= Q(municipality__in=municipalities)
        if own := _own_schools(access):
            q |= Q(pk__in=own)
        if access.user_id is not None:
            q |= Q(
                pk__in=Curatorship.objects.filter(
                    curator_id=access.user_id, academic_year=academic_year
                ).values("organization")
            )
        schools = schools.filter(q)
    if waiting == "profiles":
        schools = schools.filter(
            pk__in=RiskProfile.objects.filter(
                academic_year=academic_year, status=RiskProfile.Status.SUBMITTED
            ).values("organization")
        )
    elif waiting == "programmes":
        schools = schools.filter(
            pk__in=SchoolProgramme.objects.filter(
                academic_year=academic_year, status=SchoolProgramme.Status.SUBMITTED
            ).values("organization")
        )
    return schools.distinct().order_by("municipality__name", "short_name", "pk")


def curator_of(organization_id: int, academic_year_id: int) -> Curatorship | None:
    return (
        Curatorship.objects.filter(organization=organization_id, academic_year=academic_year_id)
        .select_related("curator")
        .first()
    )


def curator_candidates(municipality_id: int):
    """Who may curate a school of the municipality: its active tutors and methodists."""
    return (
        User.objects.filter(
            is_active=True,
            roles__municipality_id=municipality_id,
            roles__kind__in=[RoleKind.TUTOR, RoleKind.METHODIST],
        )
        .distinct()
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def directions_for(region: str) -> QuerySet[RiskDirection]:
    return RiskDirection.objects.filter(region=region, is_active=True).order_by("position", "pk")


@dataclass
class RatingRow:
    """A direction of a profile as its page shows it: rated or not yet, with the portal's
    data for it."""

    direction: RiskDirection
    level: str = ""
    justification: str = ""
    evidence: str = ""

    @property
    def level_label(self) -> str:
        return RiskLevel(self.level).label if self.level else "не оценено"


def rating_rows(profile: RiskProfile, offered: dict[str, str] | None = None) -> list[RatingRow]:
    """The profile's ratings, then the directions the region added since it was made; with
    `offered` (an editable profile) the portal's data as it is now, else as it was sent."""
    rows = [
        RatingRow(
            rating.direction,
            rating.level,
            rating.justification,
            rating.evidence if offered is None else offered.get(rating.direction.evidence, ""),
        )
        for rating in profile.ratings.select_related("direction")
        if rating.direction.is_active or rating.level
    ]
    if offered is not None:
        rated = {row.direction.pk for row in rows}
        rows += [
            RatingRow(
                direction,
                justification=offered.get(direction.evidence, ""),
                evidence=offered.get(direction.evidence, ""),
            )
            for direction in directions_for(profile.municipality.region)
            if direction.pk not in rated
        ]
    rows.sort(key=lambda row: (row.direction.position, row.direction.pk))
    return rows
