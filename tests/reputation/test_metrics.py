"""The published formulas as pure functions, with exact expected numbers."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from jiedan.reputation import formulas
from jiedan.reputation.metrics import (
    DisputeOutcome,
    DueMilestone,
    EndedContract,
    FirstContact,
    PaymentItem,
    RatedWork,
    Standing,
    completion_rate,
    hire_rate,
    job_success,
    lost_by_client,
    lost_by_freelancer,
    median,
    money_band,
    on_time_delivery,
    payment_record,
    percent,
    recency_factor,
    repeat_client_rate,
    response_time,
    verdict,
    weighted_rating,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
YEAR = timedelta(days=365)


def test_percent_rounds_half_up_and_has_no_value_for_nothing():
    assert percent(1, 8) == 13  # 12.5 → 13
    assert percent(2, 3) == 67
    assert percent(0, 4) == 0
    assert percent(0, 0) is None


def test_recency_halves_every_half_life():
    assert recency_factor(NOW, now=NOW) == 1
    assert recency_factor(NOW - YEAR, now=NOW) == Decimal("0.5")
    assert recency_factor(NOW - 2 * YEAR, now=NOW) == Decimal("0.25")
    # work that ends "in the future" (clock skew) does not count more than new work
    assert recency_factor(NOW + YEAR, now=NOW) == 1


def test_weighted_rating_weighs_value_and_recency():
    # given a 5★ review on 1,000 that just ended and a 3★ on 1,000 a year ago
    works = [RatedWork(5, Decimal(1000), NOW), RatedWork(3, Decimal(1000), NOW - YEAR)]
    # then (5×1000 + 3×500) / 1500
    assert weighted_rating(works, now=NOW) == Decimal("4.33")


def test_weighted_rating_bigger_contracts_count_more():
    works = [RatedWork(5, Decimal(3000), NOW), RatedWork(2, Decimal(1000), NOW)]
    assert weighted_rating(works, now=NOW) == Decimal("4.25")  # (15000 + 2000) / 4000


def test_weighted_rating_a_contract_without_money_weighs_one_unit():
    works = [RatedWork(1, Decimal(0), NOW), RatedWork(5, Decimal(3), NOW)]
    assert weighted_rating(works, now=NOW) == Decimal("4.00")  # (1×1 + 5×3) / 4


def test_weighted_rating_of_nothing_is_none():
    assert weighted_rating([], now=NOW) is None


@pytest.mark.parametrize(
    ("status", "opener", "to_freelancer", "freelancer_lost", "client_lost"),
    [
        ("decided", "client", "499.99", True, False),  # the client got back more than half
        ("decided", "client", "500.00", False, False),  # exactly half is not lost
        ("settled", "client", "600.00", False, True),  # the client opened and got 40 %
        ("settled", "freelancer", "600.00", False, False),  # the freelancer opened it
        ("decided", "freelancer", "0.00", True, False),
        ("mediation", "client", "0.00", False, False),  # still open: nobody lost yet
        ("withdrawn", "client", "1000.00", False, False),
    ],
)
def test_lost_dispute_definition(status, opener, to_freelancer, freelancer_lost, client_lost):
    freelancer_amount = Decimal(to_freelancer)
    outcome = DisputeOutcome(
        status=status,
        opener_side=opener,
        amount=Decimal("1000.00"),
        freelancer_amount=freelancer_amount,
        client_amount=Decimal("1000.00") - freelancer_amount,
    )
    assert lost_by_freelancer(outcome) is freelancer_lost
    assert lost_by_client(outcome) is client_lost


def _ended(n, *, completed=True, ago=timedelta(days=30), **kwargs):
    return [EndedContract(ended_at=NOW - ago, completed=completed, **kwargs) for _ in range(n)]


def test_job_success_needs_five_ended_contracts():
    assert job_success(_ended(4), now=NOW) is None
    assert job_success(_ended(5), now=NOW) == 100


def test_job_success_counts_only_the_window():
    old = _ended(3, ago=timedelta(days=731))
    assert job_success(_ended(4) + old, now=NOW) is None
    assert job_success(_ended(4) + _ended(1, ago=timedelta(days=729)), now=NOW) == 100


@pytest.mark.parametrize(
    ("contract", "good"),
    [
        (EndedContract(NOW, completed=True), True),
        (EndedContract(NOW, completed=False), False),
        (EndedContract(NOW, completed=True, lost_dispute=True), False),
        (EndedContract(NOW, completed=True, private_rating=7, rating=4), True),
        (EndedContract(NOW, completed=True, private_rating=6), False),
        (EndedContract(NOW, completed=True, rating=3), False),
    ],
)
def test_what_counts_as_a_good_contract(contract, good):
    assert contract.good is good


def test_job_success_score_is_the_share_of_good_contracts():
    # given 8 ended: 5 good, one cancelled, one with a low private rating, one lost dispute
    contracts = (
        _ended(5, rating=5)
        + _ended(1, completed=False)
        + _ended(1, private_rating=3)
        + _ended(1, lost_dispute=True)
    )
    # then 5 / 8 = 62.5 → 63
    assert job_success(contracts, now=NOW) == 63


def test_completion_and_repeat_client_rates():
    assert completion_rate(_ended(3) + _ended(1, completed=False)) == 75
    assert completion_rate([]) is None
    # clients 1 (3 contracts), 2 (1), 3 (2): two of three came back
    assert repeat_client_rate([1, 1, 2, 3, 1, 3]) == 67
    assert repeat_client_rate([]) is None


def test_on_time_delivery_counts_delivered_and_overdue_milestones():
    today = date(2026, 6, 1)
    milestones = [
        DueMilestone(date(2026, 5, 10), delivered_on=date(2026, 5, 10)),  # on the day: on time
        DueMilestone(date(2026, 5, 10), delivered_on=date(2026, 5, 11)),  # late
        DueMilestone(date(2026, 5, 20), delivered_on=None),  # overdue, still open: late
        DueMilestone(date(2026, 6, 5), delivered_on=None),  # not due yet: not counted
        DueMilestone(date(2026, 5, 20), delivered_on=None, closed_on=date(2026, 5, 2)),  # closed
    ]
    assert on_time_delivery(milestones, today=today) == (33, 3)
    assert on_time_delivery([], today=today) == (None, 0)


def test_median():
    assert median([Decimal(3), Decimal(1), Decimal(2)]) == 2
    assert median([Decimal(4), Decimal(1), Decimal(2), Decimal(3)]) == Decimal("2.5")
    assert median([]) is None


def test_response_time_is_the_median_hours_to_a_first_answer():
    hour = timedelta(hours=1)
    contacts = [
        FirstContact(NOW - 10 * hour, NOW - 9 * hour),  # 1 h
        FirstContact(NOW - 50 * hour, NOW - 47 * hour),  # 3 h
        FirstContact(NOW - 30 * hour, None),  # unanswered for 30 h: counts 30 h
        FirstContact(NOW - 2 * hour, None),  # unanswered for 2 h: not yet
    ]
    assert response_time(contacts, now=NOW) == (Decimal("3.0"), 3)
    quick = [FirstContact(NOW - hour, NOW - hour + timedelta(minutes=20))]
    assert response_time(quick, now=NOW) == (Decimal("0.3"), 1)
    assert response_time([], now=NOW) == (None, 0)


@pytest.mark.parametrize(
    ("total", "band"),
    [("0", 0), ("999.99", 0), ("1000", 1), ("9999.99", 1), ("10000", 2), ("100000", 3)],
)
def test_money_bands(total, band):
    assert money_band(Decimal(total)) == band


def test_band_labels():
    with translation.override("en"):
        assert formulas.band_label(0) == "¥0.00 – ¥1,000.00"
        assert formulas.band_label(3) == "¥100,000.00 and more"


def test_client_rates():
    assert hire_rate(ended_projects=4, hired_projects=3) == 75
    assert hire_rate(ended_projects=0, hired_projects=0) is None
    items = [PaymentItem(), PaymentItem(), PaymentItem(lost_by_client=True)]
    items.append(PaymentItem(waiting_for_payment=True))
    assert payment_record(items) == 50
    assert payment_record([]) is None


def _standing(**overrides) -> Standing:
    values = {
        "completed_contracts": 0,
        "job_success": None,
        "rating": None,
        "lost_disputes_recent": 0,
        "earned_band": 0,
        "account_age": timedelta(days=30),
        "clean_since": NOW - timedelta(days=30),
        "response_hours": None,
        "response_count": 0,
        "on_time_rate": None,
        "on_time_count": 0,
    }
    return Standing(**{**values, **overrides})


RISING = {"completed_contracts": 3, "rating": Decimal("4.5")}
TOP = {
    "completed_contracts": 10,
    "job_success": 90,
    "rating": Decimal("4.8"),
    "earned_band": 2,
    "account_age": timedelta(days=183),
}


def test_everyone_starts_new_with_every_criterion_listed():
    result = verdict(_standing(), now=NOW)
    assert result.level == "new"
    assert result.badges == []
    assert [c["code"] for c in result.criteria["rising"]] == list(formulas.LEVEL_CRITERIA["rising"])
    assert not result.criteria["rising"][0]["met"]
    assert set(result.criteria) == {
        "rising",
        "top_rated",
        "clean_record",
        "fast_responder",
        "on_time",
    }


def test_rising_needs_three_contracts_a_good_rating_and_no_lost_dispute():
    assert verdict(_standing(**RISING), now=NOW).level == "rising"
    # job success counts only once it is shown
    assert verdict(_standing(**RISING, job_success=79), now=NOW).level == "new"
    assert verdict(_standing(**{**RISING, "rating": Decimal("4.49")}), now=NOW).level == "new"
    assert verdict(_standing(**RISING, lost_disputes_recent=1), now=NOW).level == "new"


def test_top_rated_needs_every_threshold():
    assert verdict(_standing(**TOP), now=NOW).level == "top_rated"
    result = verdict(_standing(**{**TOP, "earned_band": 1}), now=NOW)
    assert result.level == "rising"
    assert {c["code"]: c["met"] for c in result.criteria["top_rated"]}["top_earned"] is False
    assert verdict(_standing(**{**TOP, "account_age": timedelta(days=182)}), now=NOW).level == (
        "rising"
    )
    assert verdict(_standing(**{**TOP, "job_success": None}), now=NOW).level == "rising"
    assert verdict(_standing(**{**TOP, "lost_disputes_recent": 1}), now=NOW).level == "new"


def test_badges():
    standing = _standing(
        completed_contracts=1,
        clean_since=NOW - timedelta(days=3 * 365 + 10),
        response_hours=Decimal("1.9"),
        response_count=3,
        on_time_rate=90,
        on_time_count=5,
    )
    assert verdict(standing, now=NOW).badges == [
        {"code": "clean_record", "years": 3},
        {"code": "fast_responder"},
        {"code": "on_time"},
    ]


@pytest.mark.parametrize(
    "overrides",
    [
        {"completed_contracts": 0},  # no work yet: no clean-record badge
        {"clean_since": NOW - timedelta(days=364)},
    ],
)
def test_no_clean_record_badge(overrides):
    standing = _standing(**{"completed_contracts": 1, "clean_since": NOW - 2 * YEAR, **overrides})
    assert verdict(standing, now=NOW).badges == []


def test_fast_responder_and_on_time_need_enough_samples():
    slow = _standing(response_hours=Decimal("2.0"), response_count=10)
    few = _standing(
        response_hours=Decimal("0.5"), response_count=2, on_time_rate=100, on_time_count=4
    )
    assert verdict(slow, now=NOW).badges == []
    assert verdict(few, now=NOW).badges == []
