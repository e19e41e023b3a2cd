from expertise.models import CaseKind, Verdict
from expertise.scoring import Marked, outcome


def marks(*scores, max_score=2, required=()):
    return [Marked(s, max_score, i in required) for i, s in enumerate(scores)]


def test_it_gives_complies_at_exactly_the_upper_threshold():
    # 17 of 20 is 85 %: the threshold itself belongs to the better band; 16 of 20 does not.
    at = outcome(kind=CaseKind.WORK_PROGRAMME, upper=85, lower=60, marks=marks(*[2] * 8, 1, 0))
    under = outcome(kind=CaseKind.WORK_PROGRAMME, upper=85, lower=60, marks=marks(*[2] * 8, 0, 0))
    assert (at.total, at.max_total, at.percent, at.verdict) == (17, 20, 85, Verdict.COMPLIES)
    assert (under.total, under.percent, under.verdict) == (16, 80, Verdict.REVISION)


def test_it_gives_fails_below_the_lower_threshold():
    result = outcome(kind=CaseKind.CALENDAR_PLAN, upper=85, lower=60, marks=marks(1, 1, 1, 2, 0))
    assert result.percent == 50 and result.verdict == Verdict.FAILS


def test_it_keeps_a_document_with_a_zero_on_a_required_criterion_out_of_complies():
    result = outcome(
        kind=CaseKind.WORK_PROGRAMME,
        upper=85,
        lower=60,
        marks=marks(0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, required={0}),
    )
    assert result.percent == 95 and result.verdict == Verdict.REVISION


def test_it_gives_a_portfolio_a_level_rather_than_compliance():
    high = outcome(kind=CaseKind.PORTFOLIO, upper=80, lower=50, marks=marks(3, 3, 2, max_score=3))
    low = outcome(kind=CaseKind.PORTFOLIO, upper=80, lower=50, marks=marks(1, 0, 1, max_score=3))
    middle = outcome(kind=CaseKind.PORTFOLIO, upper=80, lower=50, marks=marks(2, 2, 1, max_score=3))
    assert (high.verdict, middle.verdict, low.verdict) == (
        Verdict.HIGH,
        Verdict.SUFFICIENT,
        Verdict.LOW,
    )
