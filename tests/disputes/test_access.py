"""Who sees a dispute: its two parties and its assigned mediator. A stranger, a mediator not
assigned to it, an assigner and support all get 404 on its page, its files and every action,
and nothing changes. Support sees its status in the back office, never what it is about."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from jiedan.core.errors import NotFound
from jiedan.disputes import services
from jiedan.disputes.models import Dispute, DisputeEvent, DisputeEvidence, DisputeOffer
from jiedan.messaging.models import Membership
from tests.contracts.factories import stranger
from tests.factories import StaffFactory

from .factories import assigner, books, in_mediation, mediator, opened

pytestmark = pytest.mark.django_db

OUTSIDERS = ["stranger", "other mediator", "assigner", "support"]


def _outsider(kind: str):
    return {
        "stranger": stranger,
        "other mediator": mediator,
        "assigner": assigner,
        "support": lambda: StaffFactory(roles=["support"]),
    }[kind]()


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name, *args):
    with translation.override("en"):
        return reverse(f"disputes:{name}", args=args)


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("proof.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def case():
    """A dispute in mediation with an offer and an evidence file."""
    dispute = in_mediation(opened("client"))
    offer = services.dispute_offer_make(
        actor=dispute.contract.client, dispute_id=dispute.pk, outcome="refund"
    )
    evidence = services.dispute_evidence_add(
        actor=dispute.contract.freelancer, dispute_id=dispute.pk, upload=_png()
    )
    return dispute, offer, evidence


def _state():
    return (
        books(),
        list(Dispute.objects.values_list("status", "mediator_id", "updated_at")),
        list(DisputeOffer.objects.values_list("status", flat=True)),
        DisputeEvent.objects.count(),
        DisputeEvidence.objects.count(),
        Membership.objects.count(),
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_the_page_files_and_every_action(case, who):
    dispute, offer, evidence = case
    web = _web(_outsider(who))
    before = _state()
    gets = [_url("detail", dispute.pk), _url("evidence_file", evidence.pk)]
    posts = [
        (_url("offer_make", dispute.pk), {"offer-outcome": "release"}),
        (_url("offer_accept", offer.pk), {}),
        (_url("offer_decline", offer.pk), {}),
        (_url("escalate", dispute.pk), {}),
        (_url("withdraw", dispute.pk), {}),
        (_url("evidence_add", dispute.pk), {"evidence-note": "Me too"}),
        (_url("decide", dispute.pk), {"decision-freelancer_amount": "1", "decision-reason": "x"}),
    ]
    assert [web.get(target).status_code for target in gets] == [404, 404]
    assert [web.post(target, data).status_code for target, data in posts] == [404] * len(posts)
    assert _state() == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_are_refused_by_the_services_too(case, who):
    dispute, offer, _evidence = case
    person = _outsider(who)
    before = _state()
    calls = [
        lambda: services.dispute_offer_accept(actor=person, offer_id=offer.pk),
        lambda: services.dispute_offer_make(actor=person, dispute_id=dispute.pk, outcome="refund"),
        lambda: services.dispute_statement_add(actor=person, dispute_id=dispute.pk, text="Hi"),
        lambda: services.dispute_decide(
            mediator=person, dispute_id=dispute.pk, freelancer_amount="0", reason="x"
        ),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert _state() == before


def test_the_parties_and_the_assigned_mediator_see_the_page(case):
    dispute, _offer, evidence = case
    for person in (dispute.contract.client, dispute.contract.freelancer, dispute.mediator):
        web = _web(person)
        assert web.get(_url("detail", dispute.pk)).status_code == 200
        assert web.get(_url("evidence_file", evidence.pk)).status_code == 200


def test_a_replaced_mediator_loses_the_dispute_and_the_conversation(case):
    dispute, _offer, _evidence = case
    first = dispute.mediator
    services.dispute_assign(actor=assigner(), dispute_id=dispute.pk, mediator_id=mediator().pk)
    assert _web(first).get(_url("detail", dispute.pk)).status_code == 404
    assert not Membership.objects.filter(user=first).exists()


def test_support_sees_the_status_in_the_back_office_and_nothing_of_the_case(case):
    dispute, _offer, evidence = case
    support = StaffFactory(roles=["support"])
    web = _web(support)
    listing = web.get("/admin/disputes/dispute/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert f"/admin/disputes/dispute/{dispute.pk}/change/" in html
    page = web.get(f"/admin/disputes/dispute/{dispute.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert dispute.details not in html
    assert dispute.get_reason_display() not in html
    assert evidence.original_name not in html
    assert "mediation" in html.lower() or "调解" in html
    # nothing else of disputes is in the back office, and support cannot change anything
    assert web.get("/admin/disputes/disputeoffer/").status_code == 404
    assert web.get("/admin/disputes/disputeevidence/").status_code == 404
    assert support.has_perm("disputes.view_dispute")
    assert not support.has_perm("disputes.change_dispute")
    assert not support.has_perm("disputes.view_disputeoffer")


def test_a_mediator_has_no_back_office_view_of_disputes(case):
    dispute, _offer, _evidence = case
    assert _web(dispute.mediator).get("/admin/disputes/dispute/").status_code in (302, 403)
