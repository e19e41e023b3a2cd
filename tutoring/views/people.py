"""People pages: who works in the portal, and — for those who manage them — adding people,
their roles, invitations and deactivation. What a user may do to whom is
`tutoring.access.Access.manages_person` / `manages_role`; the services check it again."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import selectors
from ..access import OVERSIGHT_ROLES, access_for, require, role_required
from ..filters import PersonFilter
from ..forms import PersonCreateForm, PersonForm, RoleForm, RoleUpdateForm
from ..models import RoleKind, User
from ..once import once
from ..refusals import attempt
from ..services import people
from . import paginate_counted

PEOPLE_ROLES = (*OVERSIGHT_ROLES, RoleKind.SCHOOL, RoleKind.REGION_ADMIN)


def _people_page(request, *, template, pending_only=False):
    access = access_for(request.user)
    queryset = selectors.people_list(access)
    if pending_only:
        queryset = queryset.filter(invitation_pending=True, is_active=True)
    filterset = PersonFilter(request.GET, queryset=queryset, access=access)
    if pending_only:
        del filterset.form.fields["pending"]
    page = paginate_counted(request, filterset.qs)
    for person in page.object_list:
        person.managed = access.manages_person(person, person.all_roles)
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "may_add": access.manages_people},
    )


@role_required(*PEOPLE_ROLES)
def people_list(request):
    return _people_page(request, template="tutoring/people_list.html")


@role_required(*PEOPLE_ROLES)
def invitation_list(request):
    """Who has been invited and has not set a password yet, with «Отправить ещё раз»."""
    return _people_page(request, template="tutoring/people/invitations.html", pending_only=True)


def _person(request, pk) -> tuple[User, list]:
    """A person of the user's people pages, with all their roles; 404 for anybody else."""
    access = access_for(request.user)
    person = get_object_or_404(selectors.people_list(access), pk=pk)
    return person, person.all_roles


def _managed_person(request, pk) -> User:
    person, roles = _person(request, pk)
    require(access_for(request.user).manages_person(person, roles))
    return person


@role_required(*PEOPLE_ROLES)
@once("Этот человек уже добавлен: вот его страница.")
def person_create(request):
    access = access_for(request.user)
    require(access.manages_people)
    form = PersonCreateForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            people.person_create,
            form=form,
            success=_added,
            last_name=data["last_name"],
            first_name=data["first_name"],
            middle_name=data["middle_name"],
            email=data["email"],
            phone=data["phone"],
            roles=[form.role_spec()],
        )
        if done:
            return redirect("person_detail", done.value.pk)
    return render(request, "tutoring/people/person_create.html", {"form": form})


def _added(person) -> str:
    invited = f" Приглашение отправлено на {person.email}." if person.email else ""
    return f"{person.full_name} добавлен(а) на портал.{invited}"


@role_required(*PEOPLE_ROLES)
def person_detail(request, pk):
    access = access_for(request.user)
    person, _ = _person(request, pk)
    roles = list(selectors.person_roles(person))
    managed = access.manages_person(person, roles)
    for role in roles:
        role.editable = managed and access.manages_role(role)
        role.revocable = role.editable and role.kind != RoleKind.TUTOR
    return render(
        request,
        "tutoring/people/person_detail.html",
        {
            "person": person,
            "roles": roles,
            "managed": managed,
            "may_grant": managed and person.is_active,
            "invitations": selectors.person_invitations(person),
            "history": selectors.object_history(person),
        },
    )


@role_required(*PEOPLE_ROLES)
def person_update(request, pk):
    person = _managed_person(request, pk)
    initial = {name: getattr(person, name) for name in people.PERSON_FIELDS}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            people.person_update,
            form=form,
            success="Данные сохранены.",
            person=person,
            **form.cleaned_data,
        )
        if done:
            return redirect("person_detail", person.pk)
    return render(request, "tutoring/people/person_form.html", {"form": form, "person": person})


@role_required(*PEOPLE_ROLES)
def role_grant(request, pk):
    access = access_for(request.user)
    person = _managed_person(request, pk)
    form = RoleForm(request.POST or None, access=access)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            people.role_grant,
            form=form,
            success=lambda role: f"Роль «{role}» назначена.",
            person=person,
            spec=form.role_spec(),
        )
        if done:
            return redirect("person_detail", person.pk)
    return render(request, "tutoring/people/role_form.html", {"form": form, "person": person})


@role_required(*PEOPLE_ROLES)
def role_update(request, pk, role_pk):
    """A role's position and subjects (a teacher who now also teaches physics)."""
    access = access_for(request.user)
    person = _managed_person(request, pk)
    role = get_object_or_404(selectors.person_roles(person), pk=role_pk)
    require(access.manages_role(role))
    initial = {"position": role.position, "subjects": list(role.subjects.all())}
    form = RoleUpdateForm(request.POST or None, initial=initial, role=role)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            people.role_update,
            form=form,
            success=f"Роль «{role}» изменена.",
            role=role,
            **form.cleaned_data,
        )
        if done:
            return redirect("person_detail", person.pk)
    return render(
        request,
        "tutoring/people/role_form.html",
        {"form": form, "person": person, "role": role},
    )


@require_POST
@role_required(*PEOPLE_ROLES)
def role_revoke(request, pk, role_pk):
    person, roles = _person(request, pk)
    role = next((r for r in roles if r.pk == role_pk), None)
    if role is None:
        return redirect("person_detail", person.pk)
    attempt(request, people.role_revoke, success=f"Роль «{role}» снята.", role=role)
    return redirect("person_detail", person.pk)


@require_POST
@role_required(*PEOPLE_ROLES)
def person_deactivate(request, pk):
    person, _ = _person(request, pk)
    attempt(
        request,
        people.person_deactivate,
        success=f"Учётная запись {person.full_name} отключена: войти на портал больше нельзя, "
        "всё сделанное сохранено.",
        person=person,
    )
    return redirect("person_detail", person.pk)


@require_POST
@role_required(*PEOPLE_ROLES)
def person_reactivate(request, pk):
    person, _ = _person(request, pk)
    attempt(
        request,
        people.person_reactivate,
        success=f"Учётная запись {person.full_name} снова включена.",
        person=person,
    )
    return redirect("person_detail", person.pk)


@require_POST
@role_required(*PEOPLE_ROLES)
def invitation_send(request, pk):
    person, _ = _person(request, pk)
    attempt(
        request,
        people.invitation_send,
        success=f"Приглашение отправлено на {person.email}. Прежняя ссылка больше не действует.",
        person=person,
    )
    back = request.POST.get("next", "")
    if back == "invitations":
        return redirect(reverse("invitation_list"))
    return redirect("person_detail", person.pk)
