from django.db.models import Q, QuerySet

from ..access import Access
from ..models import DirectoryImport, Municipality, RoleKind


def imports_for(access: Access) -> QuerySet[DirectoryImport]:
    """The imports the user may see: those of the municipalities they manage (a methodist's,
    a region administrator's region), and a school's own staff lists."""
    q = Q(municipality__in=access.administered_municipalities())
    schools = {role.organization_id for role in access.roles_of(RoleKind.SCHOOL)}
    if schools:
        q |= Q(organization__in=schools, kind=DirectoryImport.Kind.PEOPLE)
    return DirectoryImport.objects.filter(q).select_related(
        "municipality", "organization", "uploaded_by"
    )


def organization_import_municipalities(access: Access) -> QuerySet[Municipality]:
    return access.administered_municipalities().order_by("name")


def people_import_municipalities(access: Access) -> QuerySet[Municipality]:
    ids = {role.municipality_id for role in access.roles_of(RoleKind.METHODIST)}
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def may_apply(access: Access, batch: DirectoryImport) -> bool:
    """Confirms, cancels and invites: who could have uploaded that file."""
    if batch.kind == DirectoryImport.Kind.ORGANIZATIONS:
        return access.manages_organizations_of(batch.municipality)
    if access.holds(RoleKind.METHODIST, municipality=batch.municipality):
        return True
    return batch.organization_id is not None and access.holds(
        RoleKind.SCHOOL, organization=batch.organization_id
    )
