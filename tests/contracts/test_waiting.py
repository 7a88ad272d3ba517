"""What waits for each party on the dashboard: offers to accept, submissions to review, change
requests to answer, weekly statements to review, pay or answer — counted in one query."""

import pytest
from django.urls import reverse
from django.utils import translation

from jiedan.contracts import services
from jiedan.contracts.selectors import WaitingCounts, contracts_waiting
from jiedan.contracts.services.statements import statements_close_and_bill

from .factories import (
    active_contract,
    active_hourly_contract,
    logged,
    offered_contract,
    proposed_change,
    submitted_milestone,
)
from .test_hourly import NEXT_MONDAY, WEDNESDAY

pytestmark = pytest.mark.django_db


def test_each_party_sees_what_waits_for_them(django_assert_num_queries):
    fixed = active_contract()
    client, freelancer = fixed.client, fixed.freelancer
    submitted_milestone(fixed)
    proposed_change(active_contract(client=client, freelancer=freelancer))
    offered_contract(client=client, freelancer=freelancer)
    hourly = active_hourly_contract(client=client, freelancer=freelancer)
    logged(hourly, 90, now=WEDNESDAY)
    statements_close_and_bill(now=NEXT_MONDAY)
    with django_assert_num_queries(1):
        assert contracts_waiting(user=client) == WaitingCounts(
            offers=0, reviews=1, changes=0, statements=1
        )
    assert contracts_waiting(user=freelancer) == WaitingCounts(
        offers=1, reviews=0, changes=1, statements=0
    )
    (statement,) = hourly.statements.all()
    services.statement_query(client=client, statement_id=statement.pk, message="Which page?")
    assert contracts_waiting(user=client).statements == 0
    assert contracts_waiting(user=freelancer).statements == 1


def test_the_dashboard_links_what_waits(client):
    contract = active_contract()
    proposed_change(contract)
    client.force_login(contract.freelancer)
    with translation.override("en"):
        page = client.get(reverse("web:dashboard")).content.decode()
    assert 'data-waiting="changes"' in page and "1 change request waits for your answer" in page
