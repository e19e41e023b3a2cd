from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..forms.points import PointFilter, PointForm, RoomForm
from ..models import Room, Session
from ..services import points as services


def _managed(access) -> set[int]:
    return {role.municipality_id for role in access.roles_of(RoleKind.METHODIST)}


def _visible_points(access):
    """Everyone in the municipality finds its working points; its methodists also the closed
    ones, which they may open again."""
    points = selectors.points_for(access)
    if access.everywhere:
        return points
    return points.filter(Q(is_active=True) | Q(municipality__in=_managed(access)))


@role_required(*RoleKind.values)
def point_list(request):
    access = access_for(request.user)
    points = (
        _visible_points(access)
        .annotate(room_count=Count("rooms", filter=Q(rooms__is_active=True)))
        .order_by("municipality__name", "name", "pk")
    )
    municipalities = access.municipalities()
    filterset = PointFilter(request.GET, queryset=points, municipalities=municipalities)
    return render(
        request,
        "consultations/points/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_create": access.has(RoleKind.METHODIST),
            # A filter is only worth showing across several municipalities.
            "show_filter": access.everywhere or len({r.municipality_id for r in access.roles}) > 1,
        },
    )


@role_required(RoleKind.METHODIST)
@once("Пункт уже создан: вот он.")
def point_create(request):
    access = access_for(request.user)
    form = PointForm(request.POST or None, municipalities=_managed(access))
    if request.method == "POST" and form.is_valid():
        point = services.point_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Пункт «{point.name}» создан. Добавьте его помещения.")
        return redirect(point)
    return render(request, "consultations/points/form.html", {"form": form})


@role_required(*RoleKind.values)
def point_detail(request, pk):
    access = access_for(request.user)
    point = get_object_or_404(_visible_points(access), pk=pk)
    can_edit = access.holds(RoleKind.METHODIST, municipality=point.municipality_id)
    rooms = point.rooms.all()
    if can_edit:
        rooms = rooms.annotate(has_sessions=Exists(Session.objects.filter(room=OuterRef("pk"))))
    else:
        rooms = rooms.filter(is_active=True)
    return render(
        request,
        "consultations/points/detail.html",
        {
            "point": point,
            "rooms": rooms,
            "can_edit": can_edit,
            # The permanent link joins every remote session that has no link of its own: it is
            # the coordinators' and the tutors' who hold them; a participant gets it on the
            # session's page, its letters and its calendar entry.
            "sees_link": any(
                access.holds(kind, municipality=point.municipality_id)
                for kind in (*selectors.COORDINATORS, RoleKind.TUTOR)
            ),
            "history": object_history(point) if can_edit else None,
        },
    )


def _editable_point(request, pk):
    access = access_for(request.user)
    point = get_object_or_404(selectors.points_for(access), pk=pk)
    require(access.holds(RoleKind.METHODIST, municipality=point.municipality_id))
    return point


@role_required(RoleKind.METHODIST)
def point_update(request, pk):
    point = _editable_point(request, pk)
    form = PointForm(request.POST or None, instance=point, municipalities=[point.municipality_id])
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            services.point_update,
            form=form,
            point=point,
            success="Сведения о пункте сохранены.",
            **form.cleaned_data,
        )
    ):
        return redirect(point)
    return render(request, "consultations/points/form.html", {"form": form, "point": point})


@role_required(RoleKind.METHODIST)
@once("Помещение уже добавлено.")
def room_create(request, pk):
    point = _editable_point(request, pk)
    form = RoomForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            services.room_create,
            form=form,
            point=point,
            success=lambda room: f"Помещение «{room.name}» добавлено.",
            **form.cleaned_data,
        )
    ):
        return redirect(point)
    return render(request, "consultations/points/room_form.html", {"form": form, "point": point})


def _editable_room(request, pk):
    access = access_for(request.user)
    room = get_object_or_404(
        Room.objects.select_related("point__municipality"),
        pk=pk,
        point__in=selectors.points_for(access),
    )
    require(access.holds(RoleKind.METHODIST, municipality=room.point.municipality_id))
    return room


@role_required(RoleKind.METHODIST)
def room_update(request, pk):
    room = _editable_room(request, pk)
    form = RoomForm(request.POST or None, instance=room)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            services.room_update,
            form=form,
            room=room,
            success="Помещение сохранено.",
            **form.cleaned_data,
        )
    ):
        return redirect(room.point)
    return render(
        request,
        "consultations/points/room_form.html",
        {"form": form, "point": room.point, "room": room},
    )


@require_POST
@role_required(RoleKind.METHODIST)
def room_delete(request, pk):
    room = _editable_room(request, pk)
    attempt(request, services.room_delete, room=room, success=f"Помещение «{room.name}» удалено.")
    return redirect(room.point)
