"""Hourly contracts on the web: the offer for an hourly project (prefilled at the proposal's
rate, its summary per hour and per week, revising keeps it), the hourly section of the contract
page in both languages and bounded queries, logging time (timer and by hand, the limit's
refusal shown), and the statement actions of each party — strangers get 404, nothing changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiedan.contracts.models import Contract, Kind, StatementStatus, TimeEntry, WeeklyStatement
from jiedan.contracts.services import statement_query
from jiedan.contracts.services.hourly import platform_today, week_ends_at, week_of
from jiedan.contracts.services.statements import statements_close_and_bill
from jiedan.ledger.models import Purpose
from jiedan.ledger.selectors import account_balance
from jiedan.proposals.services import proposal_hire
from tests.factories import UserFactory
from tests.ledger.helpers import top_up
from tests.projects.factories import open_project
from tests.proposals.factories import proposal_on

from .factories import active_hourly_contract, logged, offered_contract
from .test_views import LANGUAGES, signed_in, url

pytestmark = pytest.mark.django_db


def _hourly_proposal():
    project = open_project(
        budget_type="hourly", budget_min=Decimal("100.00"), budget_max=Decimal("200.00")
    )
    proposal = proposal_on(project, amount=Decimal("150.00"))
    return proposal_hire(client=project.client, proposal_id=proposal.pk)


def _closed_week(contract, *minutes) -> WeeklyStatement:
    for each in minutes:
        logged(contract, each, now=timezone.now())
    statements_close_and_bill(now=week_ends_at(week_of(platform_today(timezone.now()))))
    return WeeklyStatement.objects.get(contract=contract)


def test_offer_for_an_hourly_project_starts_hourly_and_sums_up_per_hour_and_week():
    proposal = _hourly_proposal()
    web = signed_in(proposal.project.client)
    # when
    response = web.get(url("offer", proposal.pk), HTTP_ACCEPT_LANGUAGE="en")
    # then
    html = response.content.decode()
    assert '<option value="hourly" selected>' in html
    assert 'name="hourly_rate" value="150.00"' in html
    assert (
        "The client pays ¥150.00 an hour for the time logged, at most 20 hours (¥3,000.00)" in html
    )
    assert "The freelancer receives ¥135.00 an hour after the 10% service fee." in html


def test_client_sends_an_hourly_offer_and_revises_it():
    proposal = _hourly_proposal()
    web = signed_in(proposal.project.client)
    form = {
        "kind": "hourly",
        "hourly_rate": "120.00",
        "weekly_limit": "10",
        "scope": "Maintain the shop.",
        "deliverables": "",
        "revisions": "1",
        "deadline": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "delay_policy": "renegotiate",
        "ip_transfer": "on_full_payment",
        "milestone_1_title": "Ignored for hourly",
        "milestone_1_amount": "500",
    }
    preview = web.post(url("offer", proposal.pk), {**form, "preview": "1"})
    fingerprint = preview.context["summary"].fingerprint
    sent = web.post(url("offer", proposal.pk), {**form, "send": "1", "reviewed": fingerprint})
    contract = Contract.objects.get()
    assert sent.status_code == 302
    assert (contract.kind, contract.terms.hourly_rate, contract.terms.weekly_limit) == (
        Kind.HOURLY,
        Decimal("120.00"),
        10,
    )
    assert contract.terms.milestones == []
    # revising starts from the hourly terms
    page = web.get(url("revise", contract.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="hourly_rate" value="120.00"' in page and 'name="weekly_limit" value="10"' in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hourly_section_renders_for_both_parties_in_bounded_queries(
    lang, django_assert_max_num_queries
):
    contract = active_hourly_contract()
    _closed_week(contract, 60, 30)
    statement_query(
        client=contract.client,
        statement_id=WeeklyStatement.objects.get().pk,
        message="Why 30 minutes?",
    )
    logged(contract, 45, now=timezone.now())
    for person in (contract.client, contract.freelancer):
        web = signed_in(person)
        with django_assert_max_num_queries(16):
            response = web.get(url("detail", contract.pk, lang=lang))
        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('class="card statement"') == 1
        assert 'data-minutes="45"' in html
        assert "Why 30 minutes?" in html
        is_freelancer = person == contract.freelancer
        assert ('class="answer-form"' in html) is is_freelancer
        assert ('class="timer-start-form' in html) is is_freelancer
        assert ('class="approve-form"' in html) is not is_freelancer


def test_freelancer_logs_time_and_sees_the_limits_refusal():
    contract = active_hourly_contract(limit=1)
    web = signed_in(contract.freelancer)
    today = platform_today(timezone.now()).isoformat()
    entry = {"entry-work_date": today, "entry-hours": "0", "entry-minutes": "50", "entry-memo": "Q"}
    assert web.post(url("entry_add", contract.pk), entry).status_code == 302
    # when more than is left is logged
    over = {**entry, "entry-minutes": "20"}
    response = web.post(url("entry_add", contract.pk), over, HTTP_ACCEPT_LANGUAGE="en")
    # then the page shows why, and what was typed
    assert response.status_code == 200
    html = response.content.decode()
    assert "only 0 h 10 min is left" in html
    assert list(TimeEntry.objects.values_list("minutes", flat=True)) == [50]
    # strangers and the client cannot log
    assert signed_in(UserFactory()).post(url("entry_add", contract.pk), entry).status_code == 404
    signed_in(contract.client).post(url("entry_add", contract.pk), entry)
    assert TimeEntry.objects.count() == 1


def test_freelancer_starts_and_stops_the_timer_on_the_page():
    contract = active_hourly_contract()
    web = signed_in(contract.freelancer)
    web.post(url("timer_start", contract.pk), {"timer-memo": "Fixing the cart"})
    timer = TimeEntry.objects.get()
    assert timer.minutes is None
    TimeEntry.objects.update(started_at=timezone.now() - timedelta(minutes=25))
    web.post(url("timer_stop", contract.pk), {"timer-stop-memo": ""})
    timer.refresh_from_db()
    assert (timer.minutes, timer.memo) == (25, "Fixing the cart")


def test_query_answer_approve_and_pay_on_the_page():
    contract = active_hourly_contract(rate="100.00")
    statement = _closed_week(contract, 60)
    client_web, freelancer_web = signed_in(contract.client), signed_in(contract.freelancer)
    stranger = signed_in(UserFactory())
    assert stranger.post(url("statement_approve", statement.pk)).status_code == 404
    client_web.post(url("statement_query", statement.pk), {f"query-{statement.pk}-message": "?"})
    entry = statement.entries.get()
    freelancer_web.post(
        url("entry_update", entry.pk),
        {
            f"entry-{entry.pk}-hours": "0",
            f"entry-{entry.pk}-minutes": "45",
            f"entry-{entry.pk}-memo": "Less",
        },
    )
    freelancer_web.post(
        url("statement_answer", statement.pk), {f"answer-{statement.pk}-message": "Reduced."}
    )
    statement.refresh_from_db()
    assert (statement.status, statement.amount) == (StatementStatus.REVIEW, Decimal("75.00"))
    # the wallet is short: approval leaves it waiting for payment
    response = client_web.post(url("statement_approve", statement.pk), follow=True)
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PAYMENT_DUE
    assert 'class="pay-form"' in response.content.decode()
    top_up(contract.client, "75.00")
    client_web.post(url("statement_pay", statement.pk))
    statement.refresh_from_db()
    assert statement.status == StatementStatus.BILLED
    assert account_balance(purpose=Purpose.WALLET, currency="CNY", owner=contract.client) == 0


def test_a_fixed_contract_has_no_hourly_section():
    contract = offered_contract()
    html = signed_in(contract.client).get(url("detail", contract.pk)).content.decode()
    assert 'class="card hourly"' not in html
