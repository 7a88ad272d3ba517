"""A contest award gives each winner and the client a completed contract record: the contest's
rules as accepted terms, both acceptances dated when each accepted the rules, and the prize as
a paid milestone. It moves no money of its own: the books still balance."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from jiedan.contests import services as contests
from jiedan.contracts.models import (
    CONTEST_AWARDED_REASON,
    AcceptedBy,
    Contract,
    IpTransfer,
    MilestoneStatus,
    Source,
    Status,
)
from jiedan.contracts.terms import terms_digest
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.models import Journal
from tests.contests.factories import judging_contest
from tests.factories import bearer

pytestmark = pytest.mark.django_db


def _contract_of(entry) -> Contract:
    return Contract.objects.get(source=Source.CONTEST, source_id=entry.pk)


def test_each_awarded_place_gets_a_completed_contract_with_the_prize_paid():
    contest, (first, second, third) = judging_contest(entries=3)
    contests.contest_award(
        client=contest.client, contest_id=contest.pk, entry_ids=[second.pk, first.pk]
    )
    winner, runner_up = _contract_of(second), _contract_of(first)
    assert not Contract.objects.filter(source=Source.CONTEST, source_id=third.pk).exists()
    for contract, entry, prize in ((winner, second, "1000.00"), (runner_up, first, "500.00")):
        assert (contract.client, contract.freelancer) == (contest.client, entry.author)
        assert (contract.status, contract.title) == (Status.COMPLETED, contest.title)
        terms = contract.terms
        assert (terms.version, terms.total, terms.revisions) == (1, Decimal(prize), 0)
        assert (terms.scope, terms.deliverables) == (contest.brief, [entry.title])
        assert terms.ip_transfer == IpTransfer.ON_FULL_PAYMENT
        (milestone,) = contract.milestones.all()
        assert (milestone.status, milestone.amount) == (MilestoneStatus.RELEASED, Decimal(prize))
        assert milestone.released_amount == Decimal(prize)
        assert milestone.status_changes.last().reason == CONTEST_AWARDED_REASON
        assert [c.to_status for c in contract.status_changes.all()] == [
            Status.ACTIVE,
            Status.COMPLETED,
        ]
    assert ledger_audit() == []


def test_acceptances_are_dated_when_each_party_accepted_the_contest_rules():
    contest, (entry,) = judging_contest(entries=1, prizes=["800"])
    contests.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    contract = _contract_of(entry)
    terms = contract.terms
    expected = terms_digest(
        contract_id=contract.pk, version=1, parties=contract.party_ids(), doc=terms
    )
    acceptances = {a.party: a for a in terms.acceptances.all()}
    assert terms.digest == expected
    client, author = acceptances[contest.client], acceptances[entry.author]
    assert (client.by, client.accepted_at) == (AcceptedBy.PUBLISHING_CONTEST, contest.published_at)
    assert (author.by, author.accepted_at) == (AcceptedBy.ENTERING_CONTEST, entry.submitted_at)
    assert {client.digest, author.digest} == {expected}


def test_the_automatic_award_records_the_contracts_too():
    contest, (entry,) = judging_contest(entries=1, prizes=["800"])
    journals = Journal.objects.count()
    assert contests.contest_auto_award(contest_id=contest.pk, now=contest.judging_ends_at)
    contract = _contract_of(entry)
    assert contract.status == Status.COMPLETED
    assert contract.status_changes.last().actor is None
    # The award paid the prize; the contract record moved nothing more.
    assert Journal.objects.count() == journals + 1
    assert ledger_audit() == []


def test_both_parties_see_the_award_contract_and_nobody_else(client, other_user):
    contest, (entry,) = judging_contest(entries=1, prizes=["800"])
    contests.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    contract = _contract_of(entry)
    for person in (contest.client, entry.author):
        client.force_login(person)
        with translation.override("en"):
            page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
        assert "Contest award" in page and "Entered the contest" in page
        assert contest.title in page
    with translation.override("zh-hans"):
        page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "比稿获奖" in page
    client.force_login(other_user)
    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert timezone.now() >= contract.ended_at


def test_the_contest_page_links_the_parties_to_the_award_contract(client, other_user):
    contest, (entry,) = judging_contest(entries=1, prizes=["800"])
    contests.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    contract = _contract_of(entry)
    link = reverse("contracts:from_source", args=["contest", entry.pk])
    for person, page_url in (
        (contest.client, reverse("contests:detail", args=[contest.pk])),
        (entry.author, reverse("contests:my_entries")),
    ):
        client.force_login(person)
        assert link in client.get(page_url).content.decode()
        response = client.get(link)
        assert response.url == reverse("contracts:detail", args=[contract.pk])
    client.force_login(other_user)
    assert link not in client.get(reverse("contests:detail", args=[contest.pk])).content.decode()
    assert client.get(link).status_code == 404
    assert client.get(reverse("contracts:from_source", args=["contest", 999999])).status_code == 404


def test_the_api_shows_how_each_party_accepted_the_award_terms(client):
    contest, (entry,) = judging_contest(entries=1, prizes=["800"])
    contests.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    contract = _contract_of(entry)
    response = client.get(f"/api/v1/contracts/{contract.pk}", **bearer(entry.author))
    body = response.json()
    assert response.status_code == 200
    assert (body["source"], body["source_id"], body["status"]) == ("contest", entry.pk, "completed")
    accepted = {a["party_id"]: a["accepted_by"] for a in body["terms"]["acceptances"]}
    assert accepted == {contest.client.pk: "publishing", entry.author.pk: "entering"}
    assert [m["status"] for m in body["milestones"]] == ["released"]
