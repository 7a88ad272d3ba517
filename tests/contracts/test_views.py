"""Contract pages: my contracts, writing and revising an offer, the contract page and every
action on it, delivered files, the links from proposals, orders and dashboards — strangers get
404 and nothing changes, refusals show why, both languages render, queries stay bounded."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from jiedan.catalog.models import OrderStatus, ServiceOrder
from jiedan.catalog.services import service_order_place
from jiedan.contracts import services
from jiedan.contracts.models import (
    Cancellation,
    CancellationStatus,
    Contract,
    ContractTerms,
    Delivery,
    MilestoneStatus,
    Status,
    TermsAcceptance,
)
from jiedan.ledger.models import Purpose
from jiedan.ledger.selectors import account_balance
from tests.catalog.factories import published_service
from tests.factories import UserFactory
from tests.ledger.helpers import balances, top_up

from .factories import (
    active_contract,
    funded_milestone,
    hired_proposal,
    milestones,
    offered_contract,
    submitted_milestone,
    terms,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"contracts:{name}", args=args)


def png(name="design.png", colour=(20, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def wallet(user) -> Decimal:
    return account_balance(purpose=Purpose.WALLET, currency="CNY", owner=user)


def pending(user) -> Decimal:
    return account_balance(purpose=Purpose.PENDING, currency="CNY", owner=user)


def state(contract: Contract):
    """Everything a refused or foreign action must leave as it was."""
    return (
        balances(),
        Contract.objects.get(pk=contract.pk).status,
        list(contract.milestones.order_by("pk").values_list("status", "revisions_used")),
        ContractTerms.objects.filter(contract=contract).count(),
        TermsAcceptance.objects.filter(terms__contract=contract).count(),
        Delivery.objects.count(),
        Cancellation.objects.count(),
    )


def offer_post(**overrides) -> dict:
    deadline = timezone.localdate() + timedelta(days=20)
    data = {
        "scope": "A logo and a one-page brand guide.",
        "deliverables": "Logo files\nBrand guide PDF",
        "revisions": "2",
        "deadline": deadline.isoformat(),
        "delay_policy": "renegotiate",
        "ip_transfer": "on_full_payment",
        "milestone_1_title": "Logo concepts",
        "milestone_1_amount": "400.00",
        "milestone_1_due": "",
        "milestone_2_title": "Final files",
        "milestone_2_amount": "600.00",
        "milestone_2_due": deadline.isoformat(),
    }
    return {**data, **overrides}


# --- my contracts ----------------------------------------------------------------------------


def test_list_shows_the_persons_contracts_both_ways_filtered_and_paged():
    # given a person who hires on one contract and works on another, and a stranger's contract
    person = UserFactory()
    hiring = offered_contract(client=person)
    working = active_contract(freelancer=person)
    foreign = offered_contract()
    web = signed_in(person)
    # when they open their contracts
    html = web.get(url("list")).content.decode()
    # then both of theirs are listed with the other party and the total, the stranger's not
    assert f'href="{url("detail", hiring.pk)}"' in html
    assert f'href="{url("detail", working.pk)}"' in html
    assert f'href="{url("detail", foreign.pk)}"' not in html
    assert f"You hire {hiring.freelancer.get_short_name()}" in html
    assert f"You work for {working.client.get_short_name()}" in html
    assert "¥1,000.00" in html
    # when they filter by status
    html = web.get(url("list"), {"status": "active"}).content.decode()
    # then only the active one is left
    assert f'href="{url("detail", working.pk)}"' in html
    assert f'href="{url("detail", hiring.pk)}"' not in html
    # and a page past the end shows the last page
    assert web.get(url("list"), {"page": "99"}).status_code == 200


@pytest.mark.parametrize("lang", LANGUAGES)
def test_list_renders_in_both_languages_in_bounded_queries(lang, django_assert_max_num_queries):
    person = UserFactory()
    for _ in range(4):
        offered_contract(client=person)
        active_contract(freelancer=person)
    web = signed_in(person)
    with django_assert_max_num_queries(5):
        response = web.get(url("list", lang=lang))
    assert response.status_code == 200
    assert response.content.decode().count('class="card contract-row"') == 8


def test_list_needs_sign_in(client):
    response = client.get(url("list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


# --- writing the offer -----------------------------------------------------------------------


def test_offer_page_is_prefilled_from_the_hired_proposal_with_the_summary():
    # given a hired proposal (1,500 in one price, 10 days)
    proposal = hired_proposal()
    web = signed_in(proposal.project.client)
    # when the client opens the offer page
    response = web.get(url("offer", proposal.pk))
    # then the scope, a milestone of the price and the deadline are filled in
    html = response.content.decode()
    form = response.context["form"]
    assert form.initial["scope"] == proposal.project.description
    assert form.initial["milestone_1_amount"] == Decimal("1500")
    assert form.initial["deadline"] == timezone.localdate() + timedelta(days=10)
    # and the summary says what the client funds and the freelancer receives after the fee
    assert "The client funds ¥1,500.00 in total" in html
    assert "The freelancer receives ¥1,350.00 after the 10% service fee." in html
    assert response.context["summary"].fingerprint in html


def test_the_split_picker_fills_the_amounts_from_a_total():
    # given the client on the offer page with two titled rows
    proposal = hired_proposal()
    web = signed_in(proposal.project.client)
    # when they split 1,000 by 30/30/40
    data = offer_post(split="30-30-40", split_total="1000", fill="1")
    response = web.post(url("offer", proposal.pk), data)
    # then three rows are filled, the titles kept, the third one named for them
    form = response.context["form"]
    rows = [
        (form[f"milestone_{n}_title"].value(), form[f"milestone_{n}_amount"].value())
        for n in (1, 2, 3, 4)
    ]
    assert rows == [
        ("Logo concepts", "300.00"),
        ("Final files", "300.00"),
        ("Milestone 3", "400.00"),
        ("", ""),
    ]
    # and the summary is of the new amounts; nothing is offered yet
    assert response.context["summary"].total == Decimal("1000.00")
    assert not Contract.objects.exists()


def test_a_bad_split_says_why_and_keeps_the_rows():
    proposal = hired_proposal()
    web = signed_in(proposal.project.client)
    response = web.post(url("offer", proposal.pk), offer_post(split_total="1000", fill="1"))
    assert "Choose one of the milestone splits." in response.content.decode()
    assert response.context["form"]["milestone_1_amount"].value() == "400.00"
    assert not Contract.objects.exists()


def test_sending_the_offer_as_summarised_creates_the_contract_with_the_clients_ip():
    # given the client has seen the summary of their terms
    proposal = hired_proposal()
    client = proposal.project.client
    web = signed_in(client)
    preview = web.post(url("offer", proposal.pk), offer_post(preview="1"))
    summary = preview.context["summary"]
    assert "The freelancer receives ¥900.00 after the 10% service fee." in (
        preview.content.decode()
    )
    # when they send exactly those terms
    response = web.post(
        url("offer", proposal.pk),
        offer_post(send="1", reviewed=summary.fingerprint),
        REMOTE_ADDR="203.0.113.9",
    )
    # then the contract is offered and they land on it
    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response.url == url("detail", contract.pk)
    assert (contract.client, contract.freelancer) == (client, proposal.freelancer)
    assert contract.status == Status.OFFERED
    assert contract.terms.total == Decimal("1000.00")
    assert contract.terms.deliverables == ["Logo files", "Brand guide PDF"]
    acceptance = contract.terms.acceptances.get()
    assert (acceptance.party, acceptance.ip_address) == (client, "203.0.113.9")
    # and a second visit to the offer page goes to the contract
    assert web.get(url("offer", proposal.pk)).url == url("detail", contract.pk)


def test_terms_changed_after_the_summary_are_summarised_again_not_sent():
    proposal = hired_proposal()
    web = signed_in(proposal.project.client)
    summary = web.post(url("offer", proposal.pk), offer_post(preview="1")).context["summary"]
    # when the client edits an amount and presses send without looking at the summary again
    changed = offer_post(send="1", reviewed=summary.fingerprint, milestone_2_amount="900.00")
    response = web.post(url("offer", proposal.pk), changed, follow=True)
    # then nothing is offered, and the new summary is shown with a warning
    assert not Contract.objects.exists()
    assert response.context["summary"].total == Decimal("1300.00")
    assert "The terms changed. Check the summary, then send them." in response.content.decode()


def test_impossible_terms_show_the_reason_and_offer_nothing():
    proposal = hired_proposal()
    web = signed_in(proposal.project.client)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = web.post(url("offer", proposal.pk), offer_post(deadline=past, send="1"))
    assert "Set a deadline that is not in the past." in response.content.decode()
    response = web.post(url("offer", proposal.pk), offer_post(milestone_1_title="", send="1"))
    assert "Give every milestone a title." in response.content.decode()
    assert not Contract.objects.exists()


def test_offer_page_is_404_for_anyone_but_the_hiring_client():
    proposal = hired_proposal()
    for person in (proposal.freelancer, UserFactory()):
        web = signed_in(person)
        assert web.get(url("offer", proposal.pk)).status_code == 404
        response = web.post(url("offer", proposal.pk), offer_post(send="1"))
        assert response.status_code == 404
    assert not Contract.objects.exists()


# --- the contract page: offer and acceptance -------------------------------------------------


def test_the_freelancer_reads_the_terms_and_accepts_the_digest_shown():
    # given an offer waiting for the freelancer
    contract = offered_contract()
    web = signed_in(contract.freelancer)
    # when they open it
    html = web.get(url("detail", contract.pk)).content.decode()
    # then the terms, their short fingerprint and the client's acceptance are shown
    terms = contract.terms
    assert "Terms, version 1" in html
    assert terms.digest[:12] in html
    assert f'name="digest" value="{terms.digest}"' in html
    assert contract.client.get_short_name() in html
    assert "Figma design" in html
    assert "Decline the offer" in html
    # when they accept with the digest the page carried
    response = web.post(
        url("accept", contract.pk), {"digest": terms.digest}, REMOTE_ADDR="198.51.100.8"
    )
    # then the contract is active with its milestones
    assert response.url == url("detail", contract.pk)
    contract.refresh_from_db()
    assert contract.status == Status.ACTIVE
    assert [m.status for m in milestones(contract)] == [MilestoneStatus.UNFUNDED] * 2
    acceptance = terms.acceptances.get(party=contract.freelancer)
    assert acceptance.ip_address == "198.51.100.8"


def test_accepting_terms_that_were_revised_meanwhile_is_refused():
    # given the freelancer read version 1, then the client revised the offer
    contract = offered_contract()
    old_digest = contract.terms.digest
    client_web = signed_in(contract.client)
    revise_page = client_web.get(url("revise", contract.pk))
    assert revise_page.context["form"].initial["milestone_2_amount"] == "700.00"
    summary = client_web.post(url("revise", contract.pk), offer_post(preview="1")).context[
        "summary"
    ]
    client_web.post(url("revise", contract.pk), offer_post(send="1", reviewed=summary.fingerprint))
    contract.refresh_from_db()
    assert contract.terms.version == 2
    # when the freelancer accepts with the old digest
    before = state(contract)
    response = signed_in(contract.freelancer).post(
        url("accept", contract.pk), {"digest": old_digest}, follow=True
    )
    # then nothing is accepted and the page says the terms changed
    assert "The terms changed since you read them." in response.content.decode()
    assert state(contract) == before
    assert Contract.objects.get(pk=contract.pk).status == Status.OFFERED


def test_only_the_client_revises_and_only_a_waiting_offer():
    contract = offered_contract()
    assert signed_in(contract.freelancer).get(url("revise", contract.pk)).status_code == 404
    assert signed_in(UserFactory()).get(url("revise", contract.pk)).status_code == 404
    active = active_contract()
    response = signed_in(active.client).get(url("revise", active.pk))
    assert response.url == url("detail", active.pk)


def test_the_freelancer_declines_and_the_client_withdraws():
    declined = offered_contract()
    signed_in(declined.freelancer).post(url("decline", declined.pk), {"reason": "Too busy"})
    declined.refresh_from_db()
    assert declined.status == Status.DECLINED
    withdrawn = offered_contract()
    # the freelancer cannot withdraw the client's offer
    before = state(withdrawn)
    response = signed_in(withdrawn.freelancer).post(url("withdraw", withdrawn.pk), follow=True)
    assert "Only the client can do this." in response.content.decode()
    assert state(withdrawn) == before
    signed_in(withdrawn.client).post(url("withdraw", withdrawn.pk))
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.CANCELLED


# --- funding ---------------------------------------------------------------------------------


def test_a_short_wallet_shows_the_shortfall_and_funding_is_refused():
    # given an active contract and a client with 100 in their wallet
    contract = active_contract()
    first = milestones(contract)[0]
    top_up(contract.client, "100.00")
    web = signed_in(contract.client)
    # when they open the contract
    html = web.get(url("detail", contract.pk)).content.decode()
    # then the wallet, the shortfall and the way to top up are shown
    assert "Your wallet has ¥100.00." in html
    assert "Top up ¥200.00 more to fund this milestone." in html
    assert 'href="/en/wallet/top-up/"' in html
    # when they try to fund anyway
    before = state(contract)
    response = web.post(url("milestone_fund", first.pk), follow=True)
    # then the reason is shown and nothing moved
    assert "top up ¥200.00 more first" in response.content.decode()
    assert state(contract) == before


def test_the_client_funds_a_milestone_into_escrow():
    contract = active_contract()
    first = milestones(contract)[0]
    top_up(contract.client, "300.00")
    web = signed_in(contract.client)
    response = web.post(url("milestone_fund", first.pk), follow=True)
    assert "The milestone is funded" in response.content.decode()
    first.refresh_from_db()
    assert first.status == MilestoneStatus.FUNDED
    assert wallet(contract.client) == Decimal("0.00")
    # funding twice (a double click) is refused and moves nothing more
    before = state(contract)
    response = web.post(url("milestone_fund", first.pk), follow=True)
    assert "This milestone is funded (in escrow)." in response.content.decode()
    assert state(contract) == before


def test_the_freelancer_cannot_fund_and_nothing_moves():
    contract = active_contract()
    top_up(contract.freelancer, "300.00")
    before = state(contract)
    response = signed_in(contract.freelancer).post(
        url("milestone_fund", milestones(contract)[0].pk), follow=True
    )
    assert "Only the client can do this." in response.content.decode()
    assert state(contract) == before
    assert "Fund ¥300.00 into escrow" not in response.content.decode()


# --- submitting, changes, approval -----------------------------------------------------------


def test_the_freelancer_submits_files_and_both_parties_download_them():
    # given a funded milestone
    milestone = funded_milestone()
    contract = milestone.contract
    web = signed_in(contract.freelancer)
    prefix = f"submit-{milestone.pk}"
    assert f'name="{prefix}-message"' in web.get(url("detail", contract.pk)).content.decode()
    # when the freelancer submits a message with two files
    response = web.post(
        url("milestone_submit", milestone.pk),
        {f"{prefix}-message": "Three logo concepts.", f"{prefix}-files": [png(), png("b.png")]},
    )
    # then the delivery is stored, fingerprinted, and the milestone waits for approval
    assert response.url == url("detail", contract.pk)
    delivery = Delivery.objects.get()
    files = list(delivery.files.order_by("pk"))
    assert [f.original_name for f in files] == ["design.png", "b.png"]
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED
    # and the client's page shows it, its SHA-256, and when it is approved automatically
    html = signed_in(contract.client).get(url("detail", contract.pk)).content.decode()
    assert "Three logo concepts." in html
    assert files[0].sha256 in html
    assert delivery.digest in html
    assert f'href="{url("file", files[0].pk)}"' in html
    assert "Approved automatically on" in html
    # and both parties download the file as an attachment, nobody else
    for person in (contract.client, contract.freelancer):
        download = signed_in(person).get(url("file", files[0].pk))
        assert download.status_code == 200
        assert download["Content-Type"] == "image/png"
        assert download["Content-Disposition"].startswith("attachment;")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Cache-Control"] == "private, no-store"
        assert b"".join(download.streaming_content)[:4] == b"\x89PNG"
    assert signed_in(UserFactory()).get(url("file", files[0].pk)).status_code == 404


def test_a_refused_submission_keeps_the_message_and_says_why():
    milestone = funded_milestone()
    prefix = f"submit-{milestone.pk}"
    not_an_image = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
    response = signed_in(milestone.contract.freelancer).post(
        url("milestone_submit", milestone.pk),
        {f"{prefix}-message": "Here it is.", f"{prefix}-files": [not_an_image]},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Upload an image (JPEG, PNG, WebP, GIF) or a PDF or ZIP file." in html
    assert "Here it is." in html
    assert not Delivery.objects.exists()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.FUNDED


def test_the_client_requests_changes_and_the_freelancer_reads_the_note():
    milestone = submitted_milestone()
    contract = milestone.contract
    web = signed_in(contract.client)
    assert "Revisions left: 2 of 2" in web.get(url("detail", contract.pk)).content.decode()
    prefix = f"changes-{milestone.pk}"
    # an empty note is refused, with nothing changed
    before = state(contract)
    response = web.post(url("milestone_request_changes", milestone.pk), {f"{prefix}-note": ""})
    assert response.status_code == 200
    assert state(contract) == before
    # with a note the milestone goes back to the freelancer
    web.post(url("milestone_request_changes", milestone.pk), {f"{prefix}-note": "Bolder colours"})
    milestone.refresh_from_db()
    assert (milestone.status, milestone.revisions_used) == (MilestoneStatus.CHANGES_REQUESTED, 1)
    html = signed_in(contract.freelancer).get(url("detail", contract.pk)).content.decode()
    assert "Bolder colours" in html
    assert "Revisions left: 1 of 2" in html
    assert "Submit the revised work" in html


def test_approving_pays_the_freelancer_net_and_a_second_approval_moves_nothing():
    # given a submitted milestone of 300
    milestone = submitted_milestone()
    contract = milestone.contract
    web = signed_in(contract.client)
    # then the approve button says what the freelancer receives after the fee
    html = web.get(url("detail", contract.pk)).content.decode()
    assert "the freelancer receives ¥270.00 after the 10% service fee." in html
    # when the client approves
    response = web.post(url("milestone_approve", milestone.pk), follow=True)
    assert "Approved: the freelancer is paid from escrow." in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.RELEASED
    assert pending(contract.freelancer) == Decimal("270.00")
    # when they approve again
    before = state(contract)
    response = web.post(url("milestone_approve", milestone.pk), follow=True)
    # then it is refused and nothing moves
    assert "This milestone is approved and paid." in response.content.decode()
    assert state(contract) == before


def test_the_freelancer_cannot_approve_their_own_work():
    milestone = submitted_milestone()
    contract = milestone.contract
    before = state(contract)
    response = signed_in(contract.freelancer).post(
        url("milestone_approve", milestone.pk), follow=True
    )
    assert "Only the client can do this." in response.content.decode()
    assert state(contract) == before


# --- ending, pausing -------------------------------------------------------------------------


def test_a_cancellation_by_agreement_splits_the_escrow():
    # given a funded milestone of 300 and the freelancer proposing to keep 100
    milestone = funded_milestone()
    contract = milestone.contract
    freelancer_web = signed_in(contract.freelancer)
    assert "End the contract by agreement" in (
        freelancer_web.get(url("detail", contract.pk)).content.decode()
    )
    # a share above the escrow is refused, keeping what was typed
    response = freelancer_web.post(
        url("cancellation_propose", contract.pk),
        {"cancel-freelancer_share": "500", "cancel-reason": "Client changed plans"},
    )
    assert "The freelancer&#x27;s share must be from 0 to ¥300.00." in response.content.decode()
    assert "Client changed plans" in response.content.decode()
    assert not Cancellation.objects.exists()
    freelancer_web.post(
        url("cancellation_propose", contract.pk),
        {"cancel-freelancer_share": "100", "cancel-reason": "Client changed plans"},
    )
    cancellation = Cancellation.objects.get()
    # then the client sees the split and accepts it
    client_web = signed_in(contract.client)
    html = client_web.get(url("detail", contract.pk)).content.decode()
    assert "¥100.00 is paid to the freelancer" in html
    assert "¥200.00 is refunded to the client" in html
    client_web.post(url("cancellation_accept", cancellation.pk))
    contract.refresh_from_db()
    assert contract.status == Status.COMPLETED
    assert wallet(contract.client) == Decimal("200.00")
    assert pending(contract.freelancer) == Decimal("90.00")


def test_the_other_party_declines_a_cancellation_and_nothing_moves():
    milestone = funded_milestone()
    contract = milestone.contract
    cancellation = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="0", reason="Stop"
    )
    before = state(contract)
    signed_in(contract.freelancer).post(url("cancellation_decline", cancellation.pk))
    cancellation.refresh_from_db()
    assert cancellation.status == CancellationStatus.DECLINED
    assert state(contract)[:3] == before[:3]


def test_a_contract_with_nothing_in_escrow_ends_at_once_with_a_reason():
    contract = active_contract()
    web = signed_in(contract.freelancer)
    response = web.post(url("end", contract.pk), {"end-reason": ""})
    assert response.status_code == 200
    assert Contract.objects.get(pk=contract.pk).status == Status.ACTIVE
    web.post(url("end", contract.pk), {"end-reason": "The project was cancelled."})
    contract.refresh_from_db()
    assert contract.status == Status.CANCELLED
    assert {m.status for m in milestones(contract)} == {MilestoneStatus.CANCELLED}


def test_the_client_pauses_and_resumes():
    contract = active_contract()
    web = signed_in(contract.client)
    html = web.post(url("pause", contract.pk), follow=True).content.decode()
    assert "The contract is paused" in html
    assert "Fund ¥300.00 into escrow" not in html
    assert Contract.objects.get(pk=contract.pk).status == Status.PAUSED
    # the freelancer cannot resume it
    signed_in(contract.freelancer).post(url("resume", contract.pk))
    assert Contract.objects.get(pk=contract.pk).status == Status.PAUSED
    web.post(url("resume", contract.pk))
    assert Contract.objects.get(pk=contract.pk).status == Status.ACTIVE


# --- strangers -------------------------------------------------------------------------------


def test_a_stranger_gets_404_everywhere_and_nothing_changes():
    # given an active contract with a submitted milestone and an open cancellation
    milestone = submitted_milestone()
    contract = milestone.contract
    second = milestones(contract)[1]
    cancellation = services.cancellation_propose(
        actor=contract.client, contract_id=contract.pk, freelancer_share="0", reason="Stop"
    )
    offer = offered_contract()
    stranger = UserFactory()
    top_up(stranger, "5000.00")
    web = signed_in(stranger)
    before, offer_before = state(contract), state(offer)
    # when they try every page and action
    pages = [url("detail", contract.pk), url("revise", offer.pk)]
    posts = [
        (url("accept", offer.pk), {"digest": offer.terms.digest}),
        (url("decline", offer.pk), {}),
        (url("withdraw", offer.pk), {}),
        (url("pause", contract.pk), {}),
        (url("resume", contract.pk), {}),
        (url("end", contract.pk), {"end-reason": "mine now"}),
        (url("cancellation_propose", contract.pk), {"cancel-freelancer_share": "0"}),
        (url("cancellation_accept", cancellation.pk), {}),
        (url("cancellation_decline", cancellation.pk), {}),
        (url("milestone_fund", second.pk), {}),
        (url("milestone_submit", milestone.pk), {f"submit-{milestone.pk}-message": "x"}),
        (url("milestone_request_changes", milestone.pk), {f"changes-{milestone.pk}-note": "x"}),
        (url("milestone_approve", milestone.pk), {}),
    ]
    # then each one is 404
    assert [web.get(page).status_code for page in pages] == [404] * len(pages)
    assert [web.post(path, data).status_code for path, data in posts] == [404] * len(posts)
    # and nothing changed
    assert (state(contract), state(offer)) == (before, offer_before)
    cancellation.refresh_from_db()
    assert cancellation.status == CancellationStatus.PROPOSED


# --- languages and query bounds --------------------------------------------------------------


def busy_contract() -> Contract:
    """Four milestones: released, changes requested after two deliveries with files,
    submitted, and unfunded; an open cancellation would not fit, so none."""
    plan = [("Research", "100"), ("Design", "200"), ("Build", "300"), ("Launch", "400")]
    contract = active_contract(plan=plan)
    for position in (1, 2, 3):
        milestone = funded_milestone(contract, position)
        for version in range(2):
            services.milestone_submit(
                freelancer=contract.freelancer,
                milestone_id=milestone.pk,
                message=f"version {version}",
                uploads=[png(f"v{version}a.png"), png(f"v{version}b.png")],
            )
            if version == 0:
                services.milestone_request_changes(
                    client=contract.client, milestone_id=milestone.pk, note="Again"
                )
    services.milestone_approve(client=contract.client, milestone_id=milestones(contract)[0].pk)
    services.milestone_request_changes(
        client=contract.client, milestone_id=milestones(contract)[1].pk, note="Once more"
    )
    return contract


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contract_page_renders_for_both_parties_in_bounded_queries(
    lang, django_assert_max_num_queries
):
    contract = busy_contract()
    top_up(contract.client, "50.00")
    for person in (contract.client, contract.freelancer):
        web = signed_in(person)
        with django_assert_max_num_queries(15):  # 12 + bell + disputes + shared contacts
            response = web.get(url("detail", contract.pk, lang=lang))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        assert html.count('class="delivery"') == 6
        assert html.count('class="card milestone"') == 4


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_offer_page_renders_in_both_languages(lang):
    proposal = hired_proposal()
    response = signed_in(proposal.project.client).get(url("offer", proposal.pk, lang=lang))
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


# --- links from other pages ------------------------------------------------------------------


def test_the_hired_proposal_links_to_the_offer_then_to_the_contract():
    proposal = hired_proposal()
    proposal_url = f"/en/proposals/{proposal.pk}/"
    client_web = signed_in(proposal.project.client)
    assert f'href="{url("offer", proposal.pk)}"' in client_web.get(proposal_url).content.decode()
    contract = services.contract_offer_from_proposal(
        client=proposal.project.client, proposal_id=proposal.pk, details=terms()
    )
    detail = f'href="{url("detail", contract.pk)}"'
    assert detail in client_web.get(proposal_url).content.decode()
    assert detail in signed_in(proposal.freelancer).get(proposal_url).content.decode()


def test_placing_an_order_offers_its_contract_and_the_order_links_to_it():
    # given a published service and a buyer at checkout
    service = published_service()
    buyer = UserFactory()
    web = signed_in(buyer)
    quote = web.get(f"/en/services/{service.pk}/order/", {"tier": "basic"}).context["quote"]
    # when they place the order
    response = web.post(
        f"/en/services/{service.pk}/order/",
        {"tier": "basic", "expected_total": str(quote.total), "idempotency_key": "k-1"},
    )
    # then the contract is offered on the order's terms and the buyer lands on it
    contract = Contract.objects.get()
    order = ServiceOrder.objects.get()
    assert response.url == url("detail", contract.pk)
    assert (contract.client, contract.freelancer) == (buyer, service.owner)
    assert (order.status, order.contract_id) == (OrderStatus.CONTRACTED, contract.pk)
    # and the order page links to it, for both
    for person in (buyer, service.owner):
        html = signed_in(person).get(f"/en/services/orders/{order.pk}/").content.decode()
        assert f'href="{url("detail", contract.pk)}"' in html


def test_the_dashboards_count_what_waits_for_the_person(django_assert_max_num_queries):
    # given a freelancer with two offers to accept, and a client with a submission to review
    first = offered_contract()
    offered_contract(freelancer=first.freelancer)
    milestone = submitted_milestone()
    freelancer_html = signed_in(first.freelancer).get("/en/dashboard/").content.decode()
    assert "2 offers wait for your acceptance" in freelancer_html
    client = milestone.contract.client
    client.mode = "client"
    client.save()
    web = signed_in(client)
    with django_assert_max_num_queries(7):
        client_html = web.get("/en/dashboard/").content.decode()
    assert "1 submission waits for your review" in client_html
    assert "offer waits" not in client_html
    assert f'href="{url("list")}"' in client_html


def test_an_order_without_a_contract_offers_it_from_the_order_page():
    # given an order placed without the web checkout (through the API, say)
    service = published_service()
    buyer = UserFactory()
    order = service_order_place(
        buyer=buyer, service_id=service.pk, tier_level="basic", extra_ids=[], idempotency_key="k"
    ).order
    order_url = f"/en/services/orders/{order.pk}/"
    offer_url = url("offer_from_order", order.pk)
    # then only the buyer is offered to start the contract
    assert f'action="{offer_url}"' in signed_in(buyer).get(order_url).content.decode()
    assert f'action="{offer_url}"' not in signed_in(service.owner).get(order_url).content.decode()
    # and nobody else can start it
    for person in (service.owner, UserFactory()):
        assert signed_in(person).post(offer_url).status_code == 404
    assert not Contract.objects.exists()
    # when the buyer starts it, they land on the contract
    response = signed_in(buyer).post(offer_url)
    contract = Contract.objects.get()
    assert response.url == url("detail", contract.pk)
    # and a second click goes to the same contract
    assert signed_in(buyer).post(offer_url).url == url("detail", contract.pk)
    assert signed_in(service.owner).post(offer_url).status_code == 404
    assert Contract.objects.count() == 1
