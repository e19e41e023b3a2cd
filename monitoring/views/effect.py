from django.shortcuts import render

from tutoring.access import access_for, role_required
from tutoring.models import RoleKind

from .. import effect
from .community import year_form


@role_required(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
def tutoring_effect(request):
    form = year_form(request, access_for(request.user))
    rows, chosen = [], None
    if form.is_valid():
        chosen = form.cleaned_data
        rows = effect.tutoring_effect(chosen["municipality"], chosen["year"])
    return render(
        request,
        "monitoring/effect.html",
        {"form": form, "rows": rows, "chosen": chosen, "similar": effect.SIMILAR},
    )
