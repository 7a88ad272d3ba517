"""Change request pages: proposing new terms (prefilled, funded milestones read-only, review
then send), the open request on the contract page with what it changes, accepting by digest,
declining, withdrawing, the history — in both languages, in bounded queries; strangers get 404
and nothing changes."""

from decimal import Decimal

import pytest

from jiedan.contracts.models import ChangeRequest, ChangeStatus, MilestoneStatus
from tests.factories import StaffFactory

from .factories import (
    active_contract,
    active_hourly_contract,
    funded_milestone,
    milestones,
    offered_contract,
    proposed_change,
    stranger,
)
from .test_changes import state
from .test_views import LANGUAGES, signed_in, url

pytestmark = pytest.mark.django_db


def change_post(contract, **overrides) -> dict:
    """The change page's form as prefilled, with a third milestone typed into an empty row."""
    terms = contract.terms
    data = {
        "reason": "The client wants a blog page too.",
        "scope": terms.scope,
        "deliverables": "\n".join(terms.deliverables),
        "revisions": str(terms.revisions),
        "deadline": terms.deadline.isoformat(),
        "delay_policy": terms.delay_policy,
        "ip_transfer": terms.ip_transfer,
    }
    rows = milestones(contract)
    for row, milestone in enumerate(rows, start=1):
        data[f"milestone_{row}_id"] = str(milestone.pk)
        data[f"milestone_{row}_title"] = milestone.title
        data[f"milestone_{row}_amount"] = str(milestone.amount)
        data[f"milestone_{row}_due"] = ""
    new = len(rows) + 1
    data[f"milestone_{new}_title"] = "Blog page"
    data[f"milestone_{new}_amount"] = "250.00"
    data[f"milestone_{new}_due"] = ""
    data[f"milestone_{new}_id"] = ""
    return {**data, **overrides}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_change_page_starts_from_the_current_terms(lang, django_assert_max_num_queries):
    # given the first milestone funded
    contract = active_contract()
    funded_milestone(contract)
    web = signed_in(contract.client)
    # when
    with django_assert_max_num_queries(12):
        response = web.get(url("change_new", contract.pk, lang=lang))
    # then the funded one is read-only, the unfunded one editable, and empty rows follow
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    first, second = milestones(contract)
    assert 'class="locked-milestone"' in html
    assert f'type="hidden" name="milestone_1_title" value="{first.title}"' in html
    assert f'type="text" name="milestone_2_title" value="{second.title}"' in html
    assert 'name="milestone_3_title"' in html and 'name="milestone_4_title"' in html
    assert f'name="milestone_2_id" value="{second.pk}"' in html


def test_reviewing_then_sending_proposes_the_change():
    contract = active_contract()
    web = signed_in(contract.client)
    # when the typed terms are reviewed
    page = web.post(url("change_new", contract.pk), change_post(contract, preview="1"))
    # then the summary says what changes, and nothing is proposed yet
    html = page.content.decode()
    assert page.status_code == 200 and 'data-diff="added"' in html
    assert "Blog page" in html
    assert not ChangeRequest.objects.exists()
    # when what was reviewed is sent
    fingerprint = page.context["summary"].fingerprint
    sent = web.post(
        url("change_new", contract.pk),
        change_post(contract, send="1", reviewed=fingerprint),
        REMOTE_ADDR="203.0.113.20",
    )
    # then it is proposed, the contract page shows it and the terms stay
    assert sent.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.terms.acceptances.get().ip_address == "203.0.113.20"
    assert [line["title"] for line in change.terms.milestones][-1] == "Blog page"
    contract.refresh_from_db()
    assert contract.terms.version == 1


def test_terms_changed_after_the_review_are_reviewed_again_not_sent():
    contract = active_contract()
    web = signed_in(contract.client)
    response = web.post(
        url("change_new", contract.pk), change_post(contract, send="1", reviewed="stale")
    )
    assert response.status_code == 200
    assert response.context["summary"] is not None
    assert not ChangeRequest.objects.exists()


def test_a_refused_change_shows_why_and_proposes_nothing():
    contract = active_contract()
    funded_milestone(contract)
    web = signed_in(contract.client)
    data = change_post(contract, milestone_1_amount="999.00", preview="1")
    page = web.post(url("change_new", contract.pk), data)
    data.update(send="1", reviewed=page.context["summary"].fingerprint)
    before = state(contract)
    response = web.post(url("change_new", contract.pk), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "only its due date may change" in response.content.decode()
    assert state(contract) == before


def test_the_change_page_is_for_parties_of_running_contracts_only():
    offered, contract = offered_contract(), active_contract()
    outsider = signed_in(stranger())
    assert outsider.get(url("change_new", contract.pk)).status_code == 404
    response = signed_in(offered.client).get(url("change_new", offered.pk))
    assert response.status_code == 302 and response.url == url("detail", offered.pk)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contract_page_shows_the_open_request_and_the_history(
    lang, django_assert_max_num_queries
):
    # given an accepted request and an open one
    contract = active_contract()
    first = proposed_change(contract)
    signed_in(contract.freelancer).post(
        url("change_accept", first.pk), {"digest": first.terms.digest}
    )
    contract.refresh_from_db()
    open_change = proposed_change(contract, by=contract.freelancer, added=(("Logo", "80"),))
    for person, button in (
        (contract.client, "change_accept"),
        (contract.freelancer, "change_withdraw"),
    ):
        web = signed_in(person)
        with django_assert_max_num_queries(16):
            response = web.get(url("detail", contract.pk, lang=lang))
        html = response.content.decode()
        assert response.status_code == 200 and f'<html lang="{lang}">' in html
        assert f'data-change="{open_change.pk}"' in html
        assert url(button, open_change.pk, lang=lang) in html
        assert html.count('class="change-row"') == 2
        assert 'data-diff="added"' in html
        assert url("change_new", contract.pk, lang=lang) not in html
    if lang == "en":
        assert "Proposed change to the terms" in html


def test_accepting_on_the_page_applies_the_change():
    contract = active_contract()
    change = proposed_change(contract)
    web = signed_in(contract.freelancer)
    stale = web.post(url("change_accept", change.pk), {"digest": "0" * 64})
    assert stale.status_code == 302
    assert ChangeRequest.objects.get().status == ChangeStatus.PROPOSED
    response = web.post(url("change_accept", change.pk), {"digest": change.terms.digest})
    assert response.status_code == 302 and response.url == url("detail", contract.pk)
    assert [m.status for m in milestones(contract)] == [MilestoneStatus.UNFUNDED] * 3
    assert ChangeRequest.objects.get().status == ChangeStatus.ACCEPTED


def test_declining_and_withdrawing_on_the_page():
    contract = active_contract()
    change = proposed_change(contract)
    signed_in(contract.freelancer).post(
        url("change_decline", change.pk), {"change-decline-reason": "Not now."}
    )
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.DECLINED
    again = proposed_change(contract)
    page = signed_in(contract.client).get(url("detail", contract.pk))
    assert url("change_withdraw", again.pk) in page.content.decode()
    signed_in(contract.client).post(url("change_withdraw", again.pk))
    assert ChangeRequest.objects.get(pk=again.pk).status == ChangeStatus.WITHDRAWN
    assert (
        url("change_new", contract.pk)
        in signed_in(contract.client).get(url("detail", contract.pk)).content.decode()
    )


def test_a_stranger_cannot_answer_a_request():
    contract = active_contract()
    change = proposed_change(contract)
    web = signed_in(stranger())
    before = state(contract)
    for name in ("change_accept", "change_decline", "change_withdraw"):
        assert web.post(url(name, change.pk), {"digest": change.terms.digest}).status_code == 404
    assert state(contract) == before


def test_the_back_office_lists_change_requests_read_only():
    change = proposed_change(active_contract())
    web = signed_in(StaffFactory(is_superuser=True))
    assert web.get("/admin/contracts/changerequest/?status__exact=proposed").status_code == 200
    assert web.get(f"/admin/contracts/changerequest/{change.pk}/change/").status_code == 200
    assert web.post(f"/admin/contracts/changerequest/{change.pk}/delete/").status_code == 403
    assert ChangeRequest.objects.filter(pk=change.pk).exists()


def test_an_hourly_contract_changes_its_rate_on_the_page():
    contract = active_hourly_contract()
    web = signed_in(contract.freelancer)
    page = web.get(url("change_new", contract.pk))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="milestone_1_title"' not in html
    assert 'name="hourly_rate"' in html
    data = change_post(contract, hourly_rate="130.00", weekly_limit="10", preview="1")
    data = {key: value for key, value in data.items() if not key.startswith("milestone_")}
    review = web.post(url("change_new", contract.pk), data)
    assert 'data-diff="hourly-rate"' in review.content.decode()
    data.update(send="1", reviewed=review.context["summary"].fingerprint)
    assert web.post(url("change_new", contract.pk), data).status_code == 302
    assert ChangeRequest.objects.get().terms.hourly_rate == Decimal("130.00")
