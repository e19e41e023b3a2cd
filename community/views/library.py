"""Pages of the library of methodical materials: search and read, write, moderate, download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import Access, access_for, require
from tutoring.models import Municipality, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import library
from ..filters import MaterialFilter
from ..forms.library import MaterialForm, MaterialReturnForm, material_initial
from ..models import Material
from ..services import library as services


def _writes_in(access: Access) -> list[Municipality]:
    """Where the user may add materials: as a tutor or a methodist of the municipality."""
    found = {
        role.municipality
        for role in access.roles
        if role.kind in services.AUTHOR_ROLES and role.municipality_id
    }
    return sorted(found, key=lambda m: m.name)


def _material(request, pk) -> Material:
    materials = library.with_people(library.materials_for(access_for(request.user)))
    return get_object_or_404(materials.select_related("published_by"), pk=pk)


def _for_moderator(request, pk) -> Material:
    material = _material(request, pk)
    require(services.moderates(access_for(request.user), material))
    return material


@login_required
def material_list(request):
    access = access_for(request.user)
    require(bool(access.roles))
    materials = library.with_people(library.newest_first(library.materials_for(access)))
    filterset = MaterialFilter(request.GET, queryset=materials, access=access)
    return render(
        request,
        "community/library/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_create": bool(_writes_in(access)),
            "moderates": access.has(RoleKind.METHODIST),
        },
    )


@login_required
def material_detail(request, pk):
    access = access_for(request.user)
    material = _material(request, pk)
    author, moderator = services.is_author(access, material), services.moderates(access, material)
    return render(
        request,
        "community/library/detail.html",
        {
            "material": material,
            "can_edit": (author or moderator) and services.can_edit(material),
            "moves": services.MATERIAL.available(access, material),
            "return_form": MaterialReturnForm(),
            # The remarks of moderation, also in the history, are for authors and methodists.
            "insider": author or moderator,
            "history": object_history(material) if author or moderator else None,
        },
    )


@login_required
@once("Материал уже добавлен: вот он.")
def material_create(request):
    municipalities = _writes_in(access_for(request.user))
    require(bool(municipalities))
    chosen = request.GET.get("municipality", "")
    municipality = next((m for m in municipalities if str(m.pk) == chosen), municipalities[0])
    form = MaterialForm(
        request.POST or None,
        request.FILES or None,
        municipality=municipality,
        initial={"authors": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.material_create,
            form=form,
            municipality=municipality,
            success="Материал сохранён как черновик. Проверьте его и отправьте на модерацию: "
            "после публикации его увидят все педагоги муниципалитета.",
            **form.cleaned_data,
        )
        if done:
            return redirect(done.value)
    return render(
        request,
        "community/library/form.html",
        {"form": form, "municipality": municipality, "municipalities": municipalities},
    )


@login_required
def material_update(request, pk):
    access = access_for(request.user)
    material = _material(request, pk)
    require(services.is_author(access, material) or services.moderates(access, material))
    if not services.can_edit(material):
        messages.error(request, services.LOCKED[material.status])
        return redirect(material)
    form = MaterialForm(
        request.POST or None,
        request.FILES or None,
        municipality=material.municipality,
        material=material,
        initial=material_initial(material),
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.material_update,
            form=form,
            material=material,
            success="Изменения сохранены.",
            **form.cleaned_data,
        )
        if done:
            return redirect(material)
    return render(
        request,
        "community/library/form.html",
        {"form": form, "material": material, "municipality": material.municipality},
    )


@login_required
@require_POST
def material_submit(request, pk):
    material = _material(request, pk)
    require(services.is_author(access_for(request.user), material))
    attempt(
        request,
        services.material_submit,
        success="Материал отправлен методисту на модерацию. Когда его опубликуют, он появится "
        "в библиотеке для всех.",
        material=material,
    )
    return redirect(material)


@login_required
@require_POST
def material_publish(request, pk):
    material = _for_moderator(request, pk)
    attempt(
        request,
        services.material_publish,
        success="Материал опубликован: теперь его находят и скачивают педагоги муниципалитета.",
        material=material,
    )
    return redirect(material)


@login_required
@require_POST
def material_return(request, pk):
    material = _for_moderator(request, pk)
    form = MaterialReturnForm(request.POST)
    # An empty comment goes to the service too, which refuses it with the same message.
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    attempt(
        request,
        services.material_return,
        success="Материал возвращён авторам на доработку с вашими замечаниями.",
        material=material,
        comment=comment,
    )
    return redirect(material)


@login_required
@require_POST
def material_archive(request, pk):
    material = _for_moderator(request, pk)
    attempt(
        request,
        services.material_archive,
        success="Материал убран в архив: в библиотеке его больше не видят, "
        "авторы и методисты — видят.",
        material=material,
    )
    return redirect(material)


@login_required
def material_download(request, pk):
    """The file under its original name, to whoever may see the material: files are never
    served from a public address, since drafts must stay with their authors."""
    material = get_object_or_404(library.materials_for(access_for(request.user)), pk=pk)
    if not material.file:
        raise Http404("У материала нет файла.")
    try:
        stream = material.file.open("rb")
    except FileNotFoundError:
        raise Http404("Файл материала не найден в хранилище.") from None
    return FileResponse(stream, as_attachment=True, filename=material.file_name)
