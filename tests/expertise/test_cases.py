"""An expertise case from submission to its conclusion, through the services."""

import datetime

import pytest
from django.utils import timezone

from expertise.models import (
    CaseFile,
    Conclusion,
    DomainError,
    ExpertiseCase,
    Review,
    Verdict,
)
from expertise.services import cases as services
from expertise.services import reviews as review_services
from tests.tutoring.factories import OrganizationFactory, user_with_role
from tutoring.models import AuditEntry, Document, RoleKind

from . import badfiles
from .factories import assign, checked, full, make_world, partly, score, submit, tutor_of

Status = ExpertiseCase.Status


@pytest.fixture
def world(db):
    return make_world()


def test_it_stores_the_files_of_a_submission_under_generated_names(world):
    case = submit(world, files=[checked(badfiles.good_pdf("Петренко программа.pdf"))])
    stored = CaseFile.objects.get(round__case=case)
    assert case.status == Status.NEW and case.round_number == 1
    assert stored.original_name == "Петренко программа.pdf"
    assert stored.file.name.startswith("expertise/") and stored.file.name.endswith(".pdf")
    assert "Петренко" not in stored.file.name
    assert stored.file.storage.exists(stored.file.name)
    assert stored.content_type == "application/pdf" and len(stored.sha256) == 64
    entry = AuditEntry.objects.get(action="case.submit")
    assert entry.actor == world.teacher and entry.changes["kind"] == "рабочая программа"


def test_it_refuses_an_author_who_is_not_a_teacher_of_the_school(world):
    stranger = user_with_role(RoleKind.TEACHER, organization=OrganizationFactory())
    with pytest.raises(DomainError, match="учителем этой школы"):
        services.case_submit(
            actor=world.school_admin,
            organization=world.school,
            author=stranger,
            kind="work_programme",
            title="Программа",
            subject=world.subject,
            academic_year=submit(world).academic_year,
            files=[checked(badfiles.good_pdf())],
        )
    assert ExpertiseCase.objects.count() == 1  # only the one made for its academic year


def test_a_submission_failing_after_a_file_was_written_leaves_nothing_on_disk(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    unchecked = badfiles.good_docx()  # never inspected: storing it fails after the first file
    with pytest.raises(AttributeError):
        submit(world, files=[checked(badfiles.good_pdf()), unchecked])
    assert not ExpertiseCase.objects.exists() and not CaseFile.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("who", ["teacher", "colleague_tutor"])
def test_it_refuses_a_conflict_of_interest_whatever_the_form_sent(world, who):
    case = submit(world)
    expert = getattr(world, who)
    message = "автор документа" if who == "teacher" else "той же школе"
    with pytest.raises(DomainError, match=message):
        services.case_assign(
            actor=world.methodist, case=case, experts=[expert], deadline=None, blind=False
        )
    case.refresh_from_db()
    assert case.status == Status.NEW and not Review.objects.exists()


def test_it_refuses_more_than_two_experts_the_same_expert_twice_and_a_past_deadline(world):
    case = submit(world)
    third = tutor_of(world.subject, world.municipality, OrganizationFactory())
    attempts = [
        ([world.expert1, world.expert2, third], None, "одного или двух"),
        ([world.expert1, world.expert1], None, "одного или двух"),
        ([world.expert1], timezone.localdate() - datetime.timedelta(days=1), "в прошлом"),
    ]
    for experts, deadline, message in attempts:
        with pytest.raises(DomainError, match=message):
            services.case_assign(
                actor=world.methodist, case=case, experts=experts, deadline=deadline, blind=False
            )
    assert not Review.objects.exists()


def test_it_refuses_a_tutor_of_another_subject(world):
    case = submit(world)
    other = user_with_role(
        RoleKind.TUTOR, municipality=world.municipality, organization=OrganizationFactory()
    )
    with pytest.raises(DomainError, match="не тьютор по предмету"):
        assign(world, case, other)


def test_agreeing_experts_issue_the_conclusion_and_queue_its_pdf(world):
    case = assign(world, submit(world))
    assert case.status == Status.REVIEW
    score(case, world.expert1, full)
    case.refresh_from_db()
    assert case.status == Status.REVIEW  # waits for the second expert
    score(case, world.expert2, full)
    case.refresh_from_db()
    assert (case.status, case.verdict) == (Status.CONCLUDED, Verdict.COMPLIES)
    conclusion = Conclusion.objects.get(case=case)
    assert not conclusion.reconciled
    assert Document.objects.filter(
        kind="expertise.conclusion", object_id=str(conclusion.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="conclusion.issue").count() == 1


def test_differing_verdicts_wait_for_the_methodist_who_records_the_final_one(world):
    case = assign(world, submit(world))
    score(case, world.expert1, full)
    score(case, world.expert2, lambda criterion: 0)
    case.refresh_from_db()
    assert case.status == Status.DISAGREEMENT and not Conclusion.objects.exists()
    with pytest.raises(DomainError, match="Обоснуйте"):
        services.case_reconcile(
            actor=world.methodist, case=case, verdict=Verdict.COMPLIES, reason=" "
        )
    conclusion = services.case_reconcile(
        actor=world.methodist,
        case=case,
        verdict=Verdict.REVISION,
        reason="Второй эксперт прав: нет планируемых результатов.",
    )
    case.refresh_from_db()
    assert (case.status, case.verdict) == (Status.REVISION, Verdict.REVISION)
    assert conclusion.reconciled and conclusion.reason.startswith("Второй эксперт")
    assert conclusion.snapshot["verdict_label"] == "соответствует при условии доработки"
    assert conclusion.snapshot["reason"] == conclusion.reason
    entry = AuditEntry.objects.get(action="case.reconcile")
    assert (
        entry.actor == world.methodist
        and entry.changes["verdict"] == "соответствует при условии доработки"
    )


def test_a_revision_opens_a_second_round_that_keeps_the_first(world):
    case = assign(world, submit(world))
    score(case, world.expert1, partly, comment="Нет цифровых ресурсов.")
    score(case, world.expert2, partly)
    case.refresh_from_db()
    assert case.verdict == Verdict.REVISION and case.status == Status.REVISION

    with pytest.raises(DomainError, match="что исправлено"):
        services.case_resubmit(
            actor=world.teacher, case=case, files=[checked(badfiles.good_docx())], note=""
        )
    services.case_resubmit(
        actor=world.teacher,
        case=case,
        files=[checked(badfiles.good_docx())],
        note="Добавлены ЦОР к каждой теме.",
    )
    case.refresh_from_db()
    assert (case.status, case.round_number, case.verdict) == (Status.REVIEW, 2, "")
    first, second = case.rounds.order_by("number")
    assert first.files.count() == 1 and second.files.count() == 1
    assert {r.expert for r in second.reviews.all()} == {world.expert1, world.expert2}
    assert first.reviews.filter(scores__comment="Нет цифровых ресурсов.").exists()
    assert hasattr(first, "conclusion")

    score(case, world.expert1, full)
    score(case, world.expert2, full)
    case.refresh_from_db()
    assert (case.status, case.verdict) == (Status.CONCLUDED, Verdict.COMPLIES)
    assert case.conclusions.count() == 2


def test_a_withdrawn_case_drops_the_experts_unfinished_work(world):
    case = assign(world, submit(world))
    score(case, world.expert1, full, submit=False)
    with pytest.raises(DomainError, match="почему"):
        services.case_withdraw(actor=world.teacher, case=case, reason="")
    services.case_withdraw(actor=world.teacher, case=case, reason="Программа заменена.")
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN and case.status_reason == "Программа заменена."
    assert not Review.objects.exists()
    with pytest.raises(DomainError, match="Сейчас экспертиза: «отозвана»"):
        assign(world, case)


def test_an_expert_cannot_submit_a_review_with_a_criterion_unscored(world):
    case = assign(world, submit(world))
    review = case.rounds.get().reviews.get(expert=world.expert1)
    criteria = list(case.rubric.criteria.all())
    scores = {c.pk: (c.max_score, "") for c in criteria[1:]} | {criteria[0].pk: (None, "")}
    with pytest.raises(DomainError):
        review_services.review_save(
            actor=world.expert1, review=review, scores=scores, conclusion="Текст", submit=True
        )
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING


def test_a_score_above_the_criterion_scale_is_refused(world):
    case = assign(world, submit(world))
    review = case.rounds.get().reviews.get(expert=world.expert1)
    criterion = case.rubric.criteria.first()
    with pytest.raises(DomainError):
        review_services.review_save(
            actor=world.expert1,
            review=review,
            scores={criterion.pk: (criterion.max_score + 1, "")},
            conclusion="",
            submit=False,
        )
    assert not review.scores.exists()
