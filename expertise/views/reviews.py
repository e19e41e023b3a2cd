from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from tutoring.access import access_for, role_required
from tutoring.models import RoleKind
from tutoring.refusals import attempt
from tutoring.views import paginate

from .. import selectors
from ..filters import DeficitFilter
from ..forms import ReviewForm
from ..models import Review, Score
from ..scoring import Marked, outcome
from ..services import reviews as services


@role_required(RoleKind.TUTOR)
def review(request, pk):
    """The expert's scoring page: only the expert the review belongs to opens it."""
    review = get_object_or_404(
        Review.objects.select_related("round__case__rubric", "round__case__subject"),
        pk=pk,
        expert=request.user,
    )
    case = selectors.cases_for(access_for(request.user)).get(pk=review.round.case_id)
    if review.status == Review.Status.SUBMITTED or review.round.number != case.round_number:
        messages.info(request, "Эта оценка уже отправлена.")
        return redirect(case)
    criteria = list(case.rubric.criteria.all())
    saved = {score.criterion_id: score for score in review.scores.all()}
    form = ReviewForm(
        request.POST or None,
        criteria=criteria,
        scores=saved,
        previous=_previous_scores(review),
        initial={"conclusion": review.conclusion},
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        done = attempt(
            request,
            services.review_save,
            form=form,
            success="Оценка отправлена. Спасибо!" if submit else "Черновик оценки сохранён.",
            review=review,
            scores=form.scores(),
            conclusion=form.cleaned_data["conclusion"],
            submit=submit,
        )
        if done:
            return redirect(case if submit else review)
    preview = None
    if saved and len(saved) == len(criteria):
        by_id = {c.pk: c for c in criteria}
        preview = outcome(
            kind=case.kind,
            upper=case.rubric.upper,
            lower=case.rubric.lower,
            marks=[
                Marked(s.score, by_id[k].max_score, by_id[k].required) for k, s in saved.items()
            ],
        )
    return render(
        request,
        "expertise/review.html",
        {
            "review": review,
            "case": case,
            "form": form,
            "preview": preview,
            "files": review.round.files.all(),
        },
    )


def _previous_scores(review: Review) -> dict:
    """The same expert's scores of the previous round, to see what the revision changed."""
    if review.round.number == 1:
        return {}
    scores = Score.objects.filter(
        review__round__case=review.round.case_id,
        review__round__number=review.round.number - 1,
        review__expert=review.expert_id,
    )
    return {score.criterion_id: score for score in scores}


@role_required(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL)
def deficits(request):
    filterset = DeficitFilter(request.GET, queryset=selectors.deficits(access_for(request.user)))
    return render(
        request,
        "expertise/deficits.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )
