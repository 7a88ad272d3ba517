"""Dispute pages: the links on the contract page, the opening form, the dispute page for each
viewer (with the time limits in plain words), every action as a plain POST, the mediator's
case file and decision, the assigners' queue — both languages, bounded queries, and 404 with
nothing changed for everyone else."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from jiedan.contracts.models import MilestoneStatus
from jiedan.disputes import services
from jiedan.disputes.models import Dispute, DisputeEvidence, DisputeOffer
from jiedan.ledger.audit import ledger_audit
from jiedan.ledger.fees import release_split
from jiedan.messaging.services import conversation_open_for_subject, message_send
from tests.contracts.factories import active_contract, funded_milestone, stranger

from .factories import (
    AMOUNT,
    assigner,
    books,
    closed_week,
    in_mediation,
    mediator,
    milestone_in_escrow,
    money,
    opened,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"disputes:{name}", args=args)


def contract_url(contract, lang="en"):
    with translation.override(lang):
        return reverse("contracts:detail", args=[contract.pk])


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("proof.png", buffer.getvalue(), content_type="image/png")


def _decidable(dispute):
    """Move the evidence time of a dispute in mediation into the past."""
    Dispute.objects.filter(pk=dispute.pk).update(
        evidence_ends_at=timezone.now() - timedelta(minutes=1)
    )


# --- the contract page ---------------------------------------------------------------------


def test_the_contract_page_offers_a_dispute_next_to_a_milestone_in_escrow_and_lists_disputes():
    contract = active_contract(plan=(("Design", "300.00"), ("Build", "700.00")))
    milestone = funded_milestone(contract)
    html = signed_in(contract.client).get(contract_url(contract)).content.decode()
    assert f'href="{url("open_milestone", milestone.pk)}"' in html
    unfunded = contract.milestones.get(position=2)
    assert url("open_milestone", unfunded.pk) not in html
    assert 'id="disputes"' not in html
    # once disputed, the milestone says so and the dispute is listed
    dispute = services.dispute_open_milestone(
        actor=contract.freelancer,
        milestone_id=milestone.pk,
        claim=services.Claim("not_approved", "The client went silent.", "release"),
    )
    html = signed_in(contract.client).get(contract_url(contract)).content.decode()
    assert 'data-disputed="yes"' in html
    assert f'href="{url("detail", dispute.pk)}"' in html
    assert url("open_milestone", milestone.pk) not in html


def test_the_contract_page_offers_a_dispute_on_a_week_in_review():
    statement = closed_week()
    html = signed_in(statement.contract.freelancer).get(contract_url(statement.contract))
    assert url("open_week", statement.pk) in html.content.decode()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contract_page_with_disputes_stays_in_bounded_queries(
    lang, django_assert_max_num_queries
):
    dispute = opened("client")
    contract = dispute.contract
    for person in contract.party_ids():
        web = signed_in(type(contract.client).objects.get(pk=person))
        with django_assert_max_num_queries(16):
            response = web.get(contract_url(contract, lang=lang))
        assert response.status_code == 200
        assert f'data-dispute="{dispute.pk}"' in response.content.decode()


# --- opening ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_opening_form_states_the_rules_and_opens_the_dispute(lang):
    milestone = milestone_in_escrow()
    contract = milestone.contract
    web = signed_in(contract.client)
    page = web.get(url("open_milestone", milestone.pk, lang=lang))
    html = page.content.decode()
    assert page.status_code == 200 and f'<html lang="{lang}">' in html
    assert 'class="card dispute-rules"' in html
    response = web.post(
        url("open_milestone", milestone.pk, lang=lang),
        {
            "reason": "quality",
            "details": "The logo is a stock image.",
            "desired_outcome": "split",
            "desired_freelancer_amount": "200",
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", dispute.pk, lang=lang)
    assert dispute.desired_freelancer_amount == Decimal("200.00")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DISPUTED
    # the form again goes to the open dispute
    again = web.get(url("open_milestone", milestone.pk, lang=lang))
    assert again.status_code == 302 and again.url == url("detail", dispute.pk, lang=lang)


def test_an_incomplete_opening_shows_why_and_moves_nothing():
    milestone = milestone_in_escrow()
    before = books()
    with translation.override("en"):
        response = signed_in(milestone.contract.client).post(
            url("open_milestone", milestone.pk),
            {"reason": "quality", "details": "Bad.", "desired_outcome": "split"},
        )
    assert response.status_code == 200
    assert "Say how much of it the freelancer should get." in response.content.decode()
    assert books() == before
    assert not Dispute.objects.exists()


def test_a_week_the_client_cannot_pay_says_so_on_the_form():
    statement = closed_week(wallet="10.00")
    with translation.override("en"):
        response = signed_in(statement.contract.freelancer).post(
            url("open_week", statement.pk),
            {"reason": "hours", "details": "Unpaid.", "desired_outcome": "release"},
        )
    assert "still waiting for the client&#x27;s payment" in response.content.decode()
    assert not Dispute.objects.exists()


def test_strangers_get_404_on_the_opening_forms():
    milestone = milestone_in_escrow()
    statement = closed_week()
    web = signed_in(stranger())
    for target in (url("open_milestone", milestone.pk), url("open_week", statement.pk)):
        assert web.get(target).status_code == 404
        assert web.post(target, {"reason": "late", "details": "x", "desired_outcome": "refund"})
    assert not Dispute.objects.exists()


# --- the dispute page ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_party_sees_the_time_limits_and_their_actions_in_bounded_queries(
    lang, django_assert_max_num_queries
):
    dispute = opened("client")
    contract = dispute.contract
    services.dispute_offer_make(
        actor=contract.freelancer, dispute_id=dispute.pk, outcome="split", freelancer_amount="600"
    )
    services.dispute_evidence_add(actor=contract.client, dispute_id=dispute.pk, upload=_png())
    for person, opener in ((contract.client, True), (contract.freelancer, False)):
        web = signed_in(person)
        with django_assert_max_num_queries(14):
            response = web.get(url("detail", dispute.pk, lang=lang))
        html = response.content.decode()
        assert response.status_code == 200 and f'<html lang="{lang}">' in html
        assert 'data-limit="negotiation"' in html and 'data-limit="silence"' in html
        assert ('class="withdraw-form"' in html) is opener
        assert 'class="escalate-form"' in html
        assert ('class="accept-offer-form"' in html) is opener  # the offer was made to them
        assert 'class="case-file"' not in html
        assert 'class="decision-form"' not in html
        assert html.count("data-evidence=") == 1


def test_the_english_page_says_who_is_silent_and_what_happens():
    dispute = opened("client", outcome="refund")
    with translation.override("en"):
        html = signed_in(dispute.contract.freelancer).get(url("detail", dispute.pk)).content
    text = html.decode()
    assert "the dispute is settled as" in text
    assert "Mediation costs nothing." in text


def test_offers_are_made_declined_and_accepted_through_the_page():
    dispute = opened("client")
    contract = dispute.contract
    client_web, freelancer_web = signed_in(contract.client), signed_in(contract.freelancer)
    response = freelancer_web.post(
        url("offer_make", dispute.pk),
        {"offer-outcome": "split", "offer-freelancer_amount": "500", "offer-note": "Half-ish."},
    )
    assert response.status_code == 302
    offer = DisputeOffer.objects.get()
    response = client_web.post(url("offer_decline", offer.pk), {f"decline-{offer.pk}-note": "No."})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "declined"
    client_web.post(url("offer_make", dispute.pk), {"offer-outcome": "refund"})
    second = DisputeOffer.objects.latest("pk")
    freelancer_web.post(url("offer_accept", second.pk))
    dispute.refresh_from_db()
    assert dispute.status == "settled"
    assert money(contract.client) == (AMOUNT, 0, 0)
    html = client_web.get(url("detail", dispute.pk)).content.decode()
    assert 'class="notice dispute-outcome"' in html
    assert 'class="offer-form' not in html
    assert ledger_audit() == []


def test_a_refused_offer_shows_the_reason_on_the_page():
    dispute = opened("client")
    with translation.override("en"):
        response = signed_in(dispute.contract.client).post(
            url("offer_make", dispute.pk),
            {"offer-outcome": "split", "offer-freelancer_amount": "9000"},
        )
    assert response.status_code == 200
    assert "The freelancer&#x27;s part must be from nothing to" in response.content.decode()
    assert not DisputeOffer.objects.exists()


def test_escalate_evidence_statement_and_withdraw_through_the_page():
    dispute = opened("freelancer", state="funded")
    contract = dispute.contract
    freelancer_web = signed_in(contract.freelancer)
    freelancer_web.post(url("evidence_add", dispute.pk), {"evidence-file": _png()})
    signed_in(contract.client).post(
        url("evidence_add", dispute.pk), {"evidence-note": "I never received anything."}
    )
    assert DisputeEvidence.objects.count() == 1
    assert dispute.events.filter(kind="statement_added").exists()
    evidence = DisputeEvidence.objects.get()
    download = signed_in(contract.client).get(url("evidence_file", evidence.pk))
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    freelancer_web.post(url("withdraw", dispute.pk))
    dispute.refresh_from_db()
    assert dispute.status == "withdrawn"
    assert ledger_audit() == []


def test_an_empty_evidence_form_is_refused():
    dispute = opened("client")
    with translation.override("en"):
        response = signed_in(dispute.contract.client).post(url("evidence_add", dispute.pk), {})
    assert "Add a file or write a statement." in response.content.decode()


# --- mediation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_mediator_reads_the_case_file_and_decides_through_the_page(
    lang, django_assert_max_num_queries
):
    # given a dispute in mediation, a conversation between the parties, evidence time over
    dispute = opened("client")
    contract = dispute.contract
    conversation = conversation_open_for_subject(
        user=contract.client, kind="contract", subject_id=contract.pk
    )
    message_send(sender=contract.client, conversation_id=conversation.pk, body="Where is it?")
    dispute = in_mediation(dispute)
    _decidable(dispute)
    web = signed_in(dispute.mediator)
    # when the mediator opens the page
    with django_assert_max_num_queries(22):
        response = web.get(url("detail", dispute.pk, lang=lang))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="card case-file"' in html
    assert contract.terms.digest in html
    assert html.count('class="delivery"') == 1
    with translation.override(lang):
        export = reverse("messaging:export", args=[conversation.pk])
    assert export in html
    assert 'class="card decision-form"' in html
    assert 'class="offer-form' not in html
    # the conversation and its export open for the mediator (a seat)
    assert web.get(export).status_code == 200
    # when the mediator decides
    response = web.post(
        url("decide", dispute.pk, lang=lang),
        {"decision-freelancer_amount": "500", "decision-reason": "Half the work is there."},
    )
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.status == "decided"
    assert money(contract.freelancer) == (0, release_split(Decimal("500"), "CNY").net, 0)
    assert money(contract.client) == (Decimal("300.00"), 0, 0)
    html = signed_in(contract.client).get(url("detail", dispute.pk, lang=lang)).content.decode()
    assert "Half the work is there." in html
    assert ledger_audit() == []


def test_the_mediator_downloads_the_disputed_deliveries_and_nobody_else_through_this_link():
    from jiedan.contracts import services as contract_services

    milestone = funded_milestone(active_contract(plan=(("Logo", "800.00"),)))
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "green").save(buffer, format="PNG")
    contract_services.milestone_submit(
        freelancer=milestone.contract.freelancer,
        milestone_id=milestone.pk,
        message="Here.",
        uploads=[SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")],
    )
    dispute = in_mediation(
        services.dispute_open_milestone(
            actor=milestone.contract.client,
            milestone_id=milestone.pk,
            claim=services.Claim("quality", "Blurry.", "refund"),
        )
    )
    file = milestone.deliveries.get().files.get()
    target = url("delivery_file", dispute.pk, file.pk)
    assert signed_in(dispute.mediator).get(target).status_code == 200
    for outsider in (mediator(), stranger(), milestone.contract.client):
        assert signed_in(outsider).get(target).status_code == 404


def test_before_the_evidence_time_is_over_the_mediator_is_told_when_they_can_decide():
    dispute = in_mediation(opened("client"))
    html = signed_in(dispute.mediator).get(url("detail", dispute.pk)).content.decode()
    assert 'class="card decision-form"' not in html
    response = signed_in(dispute.mediator).post(
        url("decide", dispute.pk),
        {"decision-freelancer_amount": "1", "decision-reason": "Early"},
    )
    assert response.status_code == 200
    dispute.refresh_from_db()
    assert dispute.status == "mediation"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_assigners_see_the_queue_and_assign_without_seeing_the_dispute(
    lang, django_assert_max_num_queries
):
    dispute = opened("client")
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)
    chosen = mediator()
    admin = assigner()
    web = signed_in(admin)
    with django_assert_max_num_queries(10):
        response = web.get(url("list", lang=lang))
    html = response.content.decode()
    assert 'data-assigned="no"' in html
    assert dispute.details not in html and dispute.contract.title not in html
    response = web.post(url("assign", dispute.pk, lang=lang), {"mediator": chosen.pk})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.mediator == chosen
    # the dispute itself stays closed to the assigner
    assert web.get(url("detail", dispute.pk)).status_code == 404
    # and the mediator finds it in their list
    html = signed_in(chosen).get(url("list", lang=lang)).content.decode()
    assert f'href="{url("detail", dispute.pk, lang=lang)}"' in html


def test_the_assign_form_is_404_for_everyone_else():
    dispute = opened("client")
    services.dispute_escalate(actor=dispute.contract.client, dispute_id=dispute.pk)
    chosen = mediator()
    for person in (stranger(), chosen, dispute.contract.client):
        response = signed_in(person).post(url("assign", dispute.pk), {"mediator": chosen.pk})
        assert response.status_code == 404
    dispute.refresh_from_db()
    assert dispute.mediator is None


def test_the_list_shows_the_persons_disputes_in_bounded_queries(django_assert_max_num_queries):
    first = opened("client")
    second = opened("freelancer")
    web = signed_in(first.contract.client)
    with django_assert_max_num_queries(6):
        html = web.get(url("list")).content.decode()
    assert f'data-dispute="{first.pk}"' in html
    assert f'data-dispute="{second.pk}"' not in html
    assert 'class="disputes-queue"' not in html
