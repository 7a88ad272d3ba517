"""The recompute job over real contracts, reviews, disputes, messages and ledger earnings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiedan.messaging.models import Message
from jiedan.messaging.services import conversation_open_for_subject, message_send
from jiedan.profiles.models import ClientProfile, FreelancerProfile
from jiedan.projects.services import project_close
from jiedan.reputation.models import ClientReputation, FreelancerReputation
from jiedan.reputation.services import (
    reputation_refresh,
    reputation_refresh_later,
    reputations_recompute,
)
from tests.contracts.factories import active_contract
from tests.factories import UserFactory
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on

from .factories import (
    cancelled_contract,
    closed_dispute,
    completed_contract,
    review_of_client,
    review_of_freelancer,
)

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def _snapshot(user) -> FreelancerReputation:
    reputation_refresh(user_ids=[user.pk])
    return FreelancerReputation.objects.get(user=user)


def test_a_freelancers_figures_from_real_work():
    # given five ended contracts: four completed (one of them with a lost dispute, two with
    # the same client), one cancelled; public reviews 5★ (just now) and 3★ (a year ago)
    now = timezone.now()
    freelancer, regular = UserFactory(), UserFactory()
    fresh = completed_contract(freelancer=freelancer, client=regular)
    old = completed_contract(freelancer=freelancer, client=regular, ended_at=now - 365 * DAY)
    completed_contract(freelancer=freelancer)
    disputed = completed_contract(freelancer=freelancer)
    cancelled_contract(freelancer=freelancer)
    review_of_freelancer(fresh, 5, private_rating=9)
    review_of_freelancer(old, 3)
    closed_dispute(disputed, to_freelancer="200.00")
    # when the figures are computed
    reputation_refresh(user_ids=[freelancer.pk], now=now)
    reputation = FreelancerReputation.objects.get(user=freelancer)
    # then each follows its published formula
    assert reputation.rating == Decimal("4.33")  # (5×1000 + 3×500) / 1500
    assert reputation.rating_count == 2
    assert reputation.ended_contracts == 5
    assert reputation.completed_contracts == 4
    assert reputation.completion_rate == 80
    assert reputation.job_success == 40  # fresh and the third are good; old was rated 3★
    assert reputation.repeat_client_rate == 25  # one of four clients came back
    assert reputation.earned_band == 1  # 4 × 900 net after commission: ¥1,000 – ¥10,000
    assert reputation.lost_disputes_recent == 1
    assert reputation.level == "new"  # a lost dispute this year keeps it from rising


def test_job_success_is_hidden_until_five_contracts_ended():
    freelancer = UserFactory()
    for _ in range(4):
        completed_contract(freelancer=freelancer)
    reputation = _snapshot(freelancer)
    assert reputation.job_success is None
    assert reputation.completion_rate == 100


def test_only_public_reviews_count():
    # given a sealed review, a hidden one and a public one
    freelancer = UserFactory()
    sealed, hidden, public = (completed_contract(freelancer=freelancer) for _ in range(3))
    review_of_freelancer(sealed, 1, revealed=False)
    review_of_freelancer(hidden, 1, hidden=True)
    review_of_freelancer(public, 5)
    # then only the public one makes the rating
    reputation = _snapshot(freelancer)
    assert (reputation.rating, reputation.rating_count) == (Decimal("5.00"), 1)


def test_rising_talent_with_why():
    freelancer = UserFactory()
    for rating in (5, 5, 4):
        review_of_freelancer(completed_contract(freelancer=freelancer), rating)
    reputation = _snapshot(freelancer)
    assert reputation.rating == Decimal("4.67")
    assert reputation.level == "rising"
    assert all(item["met"] for item in reputation.criteria["rising"])
    top = {item["code"]: item["met"] for item in reputation.criteria["top_rated"]}
    assert top["top_completed"] is False
    assert top["no_recent_lost_dispute"] is True


def test_on_time_delivery_from_first_deliveries():
    # given milestones due in five days: two delivered early, one delivered after its date
    now = timezone.now()
    freelancer = UserFactory()
    due = timezone.localdate(now) + 5 * DAY
    completed_contract(freelancer=freelancer, due=due, delivered=now)
    completed_contract(freelancer=freelancer, due=due, delivered=now + DAY)
    late = now + 6 * DAY
    completed_contract(freelancer=freelancer, due=due, delivered=late, ended_at=late)
    # then two of three were on time
    reputation_refresh(user_ids=[freelancer.pk], now=now + 7 * DAY)
    reputation = FreelancerReputation.objects.get(user=freelancer)
    assert (reputation.on_time_rate, reputation.on_time_count) == (67, 3)


def test_earned_band_from_the_ledger():
    freelancer = UserFactory()
    completed_contract(freelancer=freelancer, amount="12000.00")  # 10,800 net
    assert _snapshot(freelancer).earned_band == 2


def test_a_clients_figures_and_profile_rating():
    # given a client with two hires (one project closed without a hire), two paid contracts
    # rated 4★ and 2★, and a dispute they opened and lost on one of them
    client = UserFactory()
    ClientProfile.objects.create(user=client)
    first = completed_contract(freelancer=UserFactory(), client=client, amount="6000.00")
    second = completed_contract(freelancer=UserFactory(), client=client, amount="6000.00")
    abandoned = open_project(client=client)
    proposal_on(abandoned)
    project_close(client=client, project_id=abandoned.pk)
    review_of_client(first, 4)
    review_of_client(second, 2)
    closed_dispute(second, to_freelancer="6000.00", opener="client")
    # when the figures are computed
    reputation_refresh(user_ids=[client.pk])
    reputation = ClientReputation.objects.get(user=client)
    # then
    assert reputation.hire_rate == 67  # two of three ended projects hired someone
    assert reputation.ended_projects == 3
    assert (reputation.payment_record, reputation.payment_count) == (50, 2)
    assert (reputation.rating, reputation.rating_count) == (Decimal("3.00"), 2)
    assert reputation.spent_band == 2  # ¥12,000 released
    profile = ClientProfile.objects.get(user=client)
    assert (profile.rating_average, profile.rating_count) == (Decimal("3.00"), 2)


def _client_writes(contract, *, at):
    """The client writes first in the conversation about the contract, at ``at``."""
    conversation = conversation_open_for_subject(
        user=contract.client, kind="contract", subject_id=contract.pk
    )
    asked = message_send(
        sender=contract.client, conversation_id=conversation.pk, body="Can we talk today?"
    )
    Message.objects.filter(pk=asked.pk).update(created_at=at)
    return conversation


def test_response_time_from_conversations():
    # given three contracts whose clients wrote first; answers after 1 h and 3 h, one none
    now = timezone.now()
    freelancer = UserFactory()
    waits = [timedelta(hours=1), timedelta(hours=3), None]
    for wait in waits:
        contract = active_contract(freelancer=freelancer)
        conversation = _client_writes(contract, at=now - timedelta(hours=30))
        if wait:
            answer = message_send(
                sender=freelancer, conversation_id=conversation.pk, body="Yes, at three."
            )
            Message.objects.filter(pk=answer.pk).update(created_at=now - timedelta(hours=30) + wait)
    # when computed: the unanswered one has waited 30 h
    reputation_refresh(user_ids=[freelancer.pk], now=now)
    reputation = FreelancerReputation.objects.get(user=freelancer)
    # then the median of 1 h, 3 h and 30 h
    assert (reputation.response_hours, reputation.response_count) == (Decimal("3.0"), 3)


def test_snapshots_only_for_people_with_a_side():
    # given a freelancer with a profile, a client with a profile and someone with neither
    freelancer, client, bystander = UserFactory(), UserFactory(), UserFactory()
    FreelancerProfile.objects.create(user=freelancer)
    ClientProfile.objects.create(user=client)
    # when the job runs
    reputations_recompute()
    # then each has the snapshot of their side, with no figures yet
    assert FreelancerReputation.objects.filter(user=freelancer, level="new", rating=None).exists()
    assert ClientReputation.objects.filter(user=client, hire_rate=None).exists()
    assert not FreelancerReputation.objects.filter(user__in=[client, bystander]).exists()
    assert not ClientReputation.objects.filter(user__in=[freelancer, bystander]).exists()


def test_the_job_is_idempotent():
    # given some history
    freelancer = UserFactory()
    contract = completed_contract(freelancer=freelancer)
    review_of_freelancer(contract, 4)
    now = timezone.now()
    reputations_recompute(now=now)
    first = list(FreelancerReputation.objects.values())
    clients = list(ClientReputation.objects.values())
    # when it runs again
    reputations_recompute(now=now, batch_size=1)
    # then nothing changed
    assert list(FreelancerReputation.objects.values()) == first
    assert list(ClientReputation.objects.values()) == clients


def test_deactivated_accounts_are_skipped():
    freelancer = UserFactory(is_active=False)
    FreelancerProfile.objects.create(user=freelancer)
    assert reputations_recompute() == 0
    assert not FreelancerReputation.objects.exists()


def _busy_people(count: int) -> list[int]:
    """``count`` freelancers, each with a rated contract and a conversation, and their clients."""
    ids = []
    for _ in range(count):
        contract = completed_contract(freelancer=UserFactory())
        review_of_freelancer(contract, 5)
        review_of_client(contract, 4)
        _client_writes(contract, at=timezone.now())
        ids += [contract.freelancer_id, contract.client_id]
    return ids


def test_a_batch_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    # given twenty people with contracts, reviews and conversations
    ids = _busy_people(10)
    # then one batch of all of them stays within a small fixed budget
    with django_assert_max_num_queries(20):
        assert reputation_refresh(user_ids=ids) == (10, 10)


def test_queries_do_not_grow_with_the_batch():
    small, large = _busy_people(2), _busy_people(8)
    with CaptureQueriesContext(connection) as few:
        reputation_refresh(user_ids=small)
    with CaptureQueriesContext(connection) as many:
        reputation_refresh(user_ids=large)
    assert len(many) == len(few)


def test_refresh_later_runs_after_commit(django_capture_on_commit_callbacks, eager_tasks):
    freelancer = UserFactory()
    review_of_freelancer(completed_contract(freelancer=freelancer), 5)
    with django_capture_on_commit_callbacks(execute=True):
        reputation_refresh_later(user_ids=[freelancer.pk, str(freelancer.pk)])
        assert not FreelancerReputation.objects.exists()
    assert FreelancerReputation.objects.get(user=freelancer).rating == Decimal("5.00")


def test_the_daily_job_is_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "jiedan.reputation.tasks.recompute_reputations" in tasks
