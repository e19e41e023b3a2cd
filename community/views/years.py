"""«Начать учебный год»: the methodist prepares the new year from the last one."""

from django.shortcuts import get_object_or_404, redirect, render

from tutoring.access import access_for, role_required
from tutoring.models import Municipality, RoleKind
from tutoring.refusals import attempt

from ..forms.years import YearStartForm
from ..services import years as services


def _summary(done: services.YearStart) -> str:
    parts = []
    if done.roster is not None:
        parts.append("черновик состава")
    if done.plan is not None:
        parts.append("план работы сообщества (черновик)")
    if done.tutor_plans or done.tutor_plans_skipped:
        parts.append(f"планов тьюторов: {done.tutor_plans}")
    if done.assignments or done.assignments_skipped:
        parts.append(f"закреплений: {done.assignments}")
    text = f"{done.academic_year} учебный год начат: " + (", ".join(parts) or "ничего нового")
    skipped = done.tutor_plans_skipped + done.assignments_skipped
    if skipped:
        text += f". Уже были и пропущены: {skipped}"
    if done.left_out:
        text += ". Не перенесены в состав (учётная запись закрыта): " + ", ".join(done.left_out)
    return text + "."


@role_required(RoleKind.METHODIST)
def year_start(request, pk):
    access = access_for(request.user)
    own = [role.municipality_id for role in access.roles_of(RoleKind.METHODIST)]
    municipality = get_object_or_404(Municipality.objects.filter(pk__in=own), pk=pk)
    form = YearStartForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.year_start,
            form=form,
            municipality=municipality,
            success=_summary,
            **form.cleaned_data,
        )
        if done:
            started = done.value
            return redirect(started.roster or started.plan or "community:roster_list")
    return render(
        request, "community/years/start.html", {"form": form, "municipality": municipality}
    )
