"""What an expert conclusion shows, frozen at issue, and how it prints."""

from datetime import date

from django.utils import timezone

from tutoring.documents import DocumentError
from tutoring.models import Role, RoleKind
from tutoring.selectors import issuer_name
from tutoring.signatures import person_name, person_signature, position_at

from ..models import CaseKind, Conclusion, Verdict


def _signatory(conclusion: Conclusion) -> dict:
    """The methodist who reconciled the verdict, or who assigned the experts, signing for the
    organization that issues the municipality's documents: «Методист МКУ ИМЦ г. Лабинска —
    А. П. Смирнова»."""
    methodist = conclusion.issued_by if conclusion.reconciled else conclusion.case.assigned_by
    issuer = conclusion.case.municipality.issuer
    if methodist is None:
        return {"name": "", "position": position_at("Методист", issuer)}
    role = (
        Role.objects.filter(
            user=methodist, kind=RoleKind.METHODIST, municipality=conclusion.municipality_id
        )
        .select_related("organization")
        .first()
    )
    position = (role.position if role else "") or "Методист"
    organization = (role.organization if role else None) or issuer
    return person_signature(methodist, position, organization).as_dict()


def conclusion_snapshot(conclusion: Conclusion) -> dict:
    case = conclusion.case
    round_ = conclusion.round
    reviews = list(
        round_.reviews.select_related("expert").prefetch_related("scores").order_by("pk")
    )
    by_criterion = {
        review.pk: {score.criterion_id: score for score in review.scores.all()}
        for review in reviews
    }
    criteria = []
    for criterion in case.rubric.criteria.order_by("number"):
        scores = []
        for review in reviews:
            score = by_criterion[review.pk].get(criterion.pk)
            scores.append(
                {
                    "expert": review.expert.short_name,
                    "score": score.score if score else 0,
                    "comment": score.comment if score else "",
                }
            )
        criteria.append(
            {
                "number": criterion.number,
                "title": criterion.title,
                "max_score": criterion.max_score,
                "required": criterion.required,
                "scores": scores,
            }
        )
    max_total = sum(c["max_score"] for c in criteria)
    experts = [
        {
            "name": review.expert.full_name,
            "short_name": review.expert.short_name,
            # Under the conclusion: «Эксперт — И. В. Абрамович».
            "signature_name": person_name(review.expert),
            "total": review.total,
            "max_total": max_total,
            "verdict": review.verdict,
            "verdict_label": Verdict(review.verdict).label if review.verdict else "",
            "conclusion": review.conclusion,
        }
        for review in reviews
    ]
    issued = timezone.localtime(conclusion.issued_at)
    return {
        "round": round_.number,
        "date": issued.date().isoformat(),
        "municipality": case.municipality.name,
        "issuer": issuer_name(case.municipality_id),
        "place": case.municipality.locality,
        "kind": case.kind,
        "kind_label": CaseKind(case.kind).label,
        "title": case.title,
        "subject": case.subject.name,
        "grades": case.grades,
        "academic_year": str(case.academic_year),
        # Only the experts worked blind: the issued conclusion, which they do not see, names
        # the teacher and the school like any other.
        "blind": case.blind,
        "author": case.author.full_name,
        "school": case.organization.name,
        "files": [f.original_name for f in round_.files.all()],
        "files_count": round_.files.count(),
        "rubric": {
            "title": case.rubric.title,
            "edition": case.rubric.edition,
            "upper": case.rubric.upper,
            "lower": case.rubric.lower,
        },
        "criteria": criteria,
        "experts": experts,
        "verdict": conclusion.verdict,
        "verdict_label": Verdict(conclusion.verdict).label,
        "reconciled": conclusion.reconciled,
        "reason": conclusion.reason,
        "methodist": _signatory(conclusion),
    }


def conclusion_heading(kind_label: str, title: str) -> str:
    """«Рабочая программа «Рабочая программа по биологии»» says the kind twice, and so does
    «Портфолио педагога «Портфолио учителя математики»»: a title that begins with the kind's
    noun is the heading by itself."""
    title = " ".join(title.split())
    kind_noun = kind_label.split()[:1]
    title_noun = title.split()[:1]
    if kind_noun and [w.casefold() for w in kind_noun] == [w.casefold() for w in title_noun]:
        return title
    return f"{kind_label.capitalize()} «{title}»"


def conclusion_context(object_id: str):
    conclusion = Conclusion.objects.select_related("case", "municipality").get(pk=object_id)
    snapshot = conclusion.snapshot
    if not snapshot:
        raise DocumentError("Заключение ещё не выдано.")
    return conclusion, {
        "conclusion": snapshot,
        "organization": snapshot["issuer"] or snapshot["municipality"],
        "organization_note": snapshot["municipality"] if snapshot["issuer"] else "",
        "document_type": "Экспертное заключение",
        "date": date.fromisoformat(snapshot["date"]),
        "number": conclusion.number,
        # A conclusion issued before the place was kept is printed where it is now.
        "place": snapshot.get("place", conclusion.municipality.locality),
        "heading": conclusion_heading(snapshot["kind_label"], snapshot["title"]),
        "signatory_position": snapshot["methodist"]["position"],
        "signatory_name": snapshot["methodist"]["name"],
    }


def conclusion_title(conclusion: Conclusion) -> str:
    return f"Экспертное заключение № {conclusion.number}"
