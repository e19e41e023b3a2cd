from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import Document, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import CaseFilter
from ..forms import AssignForm, CaseForm, ReconcileForm, ResubmitForm, WithdrawForm
from ..models import CaseFile, Conclusion, ExpertiseCase, Review, Round
from ..services import cases as services
from ..services.cases import CONCLUSION_DOCUMENT

Status = ExpertiseCase.Status


@role_required(*RoleKind.values)
def case_list(request):
    access = access_for(request.user)
    cases = selectors.cases_for(access)
    mine = request.GET.get("mine") == "review"
    if mine:
        # The reviews the home page counts: pending, of cases under review.
        cases = cases.filter(pk__in=selectors.reviews_to_do(access).values("round__case"))
    filterset = CaseFilter(request.GET, queryset=cases, access=access)
    return render(
        request,
        "expertise/cases/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "mine": mine,
            "can_submit": access.has(RoleKind.SCHOOL, RoleKind.TEACHER),
        },
    )


@role_required(RoleKind.SCHOOL, RoleKind.TEACHER)
@once()
def case_create(request):
    access = access_for(request.user)
    organization, for_self = access.filer()
    author = request.user if for_self else None
    form = CaseForm(
        request.POST or None, request.FILES or None, organization=organization, author=author
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = attempt(
            request,
            services.case_submit,
            form=form,
            success=lambda case: (
                f"{case} подана. Методист назначит экспертов, вы увидите ход здесь."
            ),
            organization=organization,
            author=data["author"],
            kind=data["kind"],
            title=data["title"],
            subject=data["subject"],
            grades=data["grades"],
            academic_year=data["academic_year"],
            comment=data["comment"],
            files=data["files"],
        )
        if done:
            return redirect(done.value)
    return render(
        request, "expertise/cases/form.html", {"form": form, "organization": organization}
    )


def visible_case(request, pk) -> ExpertiseCase:
    reviews = Review.objects.select_related("expert").prefetch_related("scores__criterion")
    rounds = Round.objects.prefetch_related(
        "files", Prefetch("reviews", queryset=reviews.order_by("pk"))
    ).select_related("conclusion")
    return get_object_or_404(
        selectors.cases_for(access_for(request.user))
        .select_related("rubric", "assigned_by")
        .prefetch_related(Prefetch("rounds", queryset=rounds.order_by("number"))),
        pk=pk,
    )


def _round_views(case, *, coordinator: bool, user_id: int) -> list[dict]:
    """What the user may see of each round: the files always; an expert their own review;
    everyone who sees the case the reviews of a round whose conclusion is issued; the
    methodist everything. Score changes against the previous round come along."""
    criteria = list(case.rubric.criteria.all())
    views, previous = [], {}
    for round_ in case.rounds.all():
        issued = hasattr(round_, "conclusion")
        reviews = []
        for review in round_.reviews.all():
            scores = {score.criterion_id: score for score in review.scores.all()}
            visible = coordinator or review.expert_id == user_id or issued
            rows = []
            for criterion in criteria:
                score = scores.get(criterion.pk)
                before = previous.get((review.expert_id, criterion.pk))
                rows.append(
                    {
                        "criterion": criterion,
                        "score": score,
                        "before": before,
                        "delta": (score.score - before.score) if score and before else None,
                    }
                )
            reviews.append({"review": review, "visible": visible, "rows": rows})
            for criterion_id, score in scores.items():
                previous[(review.expert_id, criterion_id)] = score
        views.append({"round": round_, "reviews": reviews, "issued": issued})
    return views


@role_required(*RoleKind.values)
def case_detail(request, pk):
    access = access_for(request.user)
    case = visible_case(request, pk)
    coordinator = selectors.can_coordinate(access, case)
    requester = selectors.is_requester(access, case)
    conclusions = list(case.conclusions.select_related("round").order_by("round__number"))
    documents = {
        d.object_id: d
        for d in Document.objects.filter(
            kind=CONCLUSION_DOCUMENT, object_id__in=[str(c.pk) for c in conclusions]
        )
    }
    for conclusion in conclusions:
        # An expert of a blind case does not get the issued conclusion: it names the author.
        conclusion.document = None if case.author_hidden else documents.get(str(conclusion.pk))
    latest = conclusions[-1] if conclusions else None
    moves = services.CASE.available(access, case)
    my_review = None
    if case.status == Status.REVIEW:
        current = case.rounds.all()[case.round_number - 1]
        pending = Review.Status.PENDING
        my_review = next(
            (
                r
                for r in current.reviews.all()
                if r.expert_id == request.user.pk and r.status == pending
            ),
            None,
        )
    return render(
        request,
        "expertise/cases/detail.html",
        {
            "case": case,
            "rounds": _round_views(case, coordinator=coordinator, user_id=request.user.pk),
            "conclusions": conclusions,
            "my_review": my_review,
            "deficit_request_url": _deficit_request_url(case, latest) if requester else "",
            "moves": moves,
            # Where the experts differ, concluding is the methodist's reconciliation.
            "can_reconcile": case.status == Status.DISAGREEMENT and "conclude" in moves,
            "reconcile_form": ReconcileForm(case=case),
            "withdraw_form": WithdrawForm(),
            "history": object_history(case) if (coordinator or requester) else None,
        },
    )


def _deficit_request_url(case: ExpertiseCase, conclusion: Conclusion | None) -> str:
    """A consultation request on the criteria the experts found wanting, filled in from the
    conclusion: the school or teacher only adds when suits them."""
    if conclusion is None:
        return ""
    deficits = selectors.case_deficits(conclusion)
    if not deficits:
        return ""
    lines = [f"По итогам экспертизы № {case.pk} («{case.title}»), не выполнено полностью:"]
    for row in deficits:
        comments = "; ".join(r["comment"] for r in row["remarks"] if r["comment"])
        lines.append(f"— {row['title']}" + (f" ({comments})" if comments else ""))
    query = {
        "kind": "individual",
        "subject": case.subject_id,
        "topic": f"Доработка: {case.title}"[:300],
        "difficulty": "\n".join(lines),
        "teacher": case.author_id,
    }
    return reverse("consultations:request_create") + "?" + urlencode(query)


def _coordinated(request, pk) -> ExpertiseCase:
    case = get_object_or_404(selectors.cases_for(access_for(request.user)), pk=pk)
    require(selectors.can_coordinate(access_for(request.user), case))
    return case


def _requested(request, pk) -> ExpertiseCase:
    case = get_object_or_404(selectors.cases_for(access_for(request.user)), pk=pk)
    require(selectors.is_requester(access_for(request.user), case))
    return case


@role_required(RoleKind.METHODIST)
def case_assign(request, pk):
    case = _coordinated(request, pk)
    if not services.CASE.can(access_for(request.user), case, "assign"):
        messages.error(request, "Эксперты уже назначены.")
        return redirect(case)
    candidates = selectors.expert_candidates(case)
    form = AssignForm(request.POST or None, candidates=candidates.ranked)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.case_assign,
            form=form,
            success="Эксперты назначены. Они увидят экспертизу в своём списке.",
            case=case,
            **form.cleaned_data,
        )
        if done:
            return redirect(case)
    return render(
        request,
        "expertise/cases/assign.html",
        {"case": case, "form": form, "candidates": candidates},
    )


@require_POST
@role_required(RoleKind.METHODIST)
def case_reconcile(request, pk):
    case = _coordinated(request, pk)
    form = ReconcileForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, "Выберите итоговый вывод и обоснуйте его.")
        return redirect(case)
    attempt(
        request,
        services.case_reconcile,
        success="Итоговый вывод принят, заключение выдано.",
        case=case,
        **form.cleaned_data,
    )
    return redirect(case)


@require_POST
@role_required(RoleKind.SCHOOL, RoleKind.TEACHER)
def case_withdraw(request, pk):
    case = _requested(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Напишите, почему экспертиза больше не нужна.")
        return redirect(case)
    attempt(
        request,
        services.case_withdraw,
        success="Заявка на экспертизу отозвана.",
        case=case,
        reason=form.cleaned_data["reason"],
    )
    return redirect(case)


@role_required(RoleKind.SCHOOL, RoleKind.TEACHER)
def case_resubmit(request, pk):
    case = _requested(request, pk)
    if not services.CASE.can(access_for(request.user), case, "resubmit"):
        messages.error(request, "Доработанную версию загружают после вывода «на доработку».")
        return redirect(case)
    form = ResubmitForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.case_resubmit,
            form=form,
            success="Доработанная версия отправлена тем же экспертам.",
            case=case,
            **form.cleaned_data,
        )
        if done:
            return redirect(case)
    return render(request, "expertise/cases/resubmit.html", {"case": case, "form": form})


@role_required(*RoleKind.values)
def file_download(request, pk):
    access = access_for(request.user)
    case_file = get_object_or_404(
        CaseFile.objects.select_related("round"),
        pk=pk,
        round__case__in=selectors.cases_for(access).values("pk"),
    )
    case = selectors.cases_for(access).get(pk=case_file.round.case_id)
    # A blind case's file names may carry the author's name: an expert gets a neutral one.
    name = (
        f"Экспертиза {case.pk}, раунд {case_file.round.number}, файл {case_file.pk}"
        f"{case_file.extension}"
        if case.author_hidden
        else case_file.original_name
    )
    return FileResponse(
        case_file.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=case_file.content_type,
    )
