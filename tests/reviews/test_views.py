"""Review pages: the contract page's reviews block through the double-blind, the review form
(stars as radio groups), reply and report forms, and public reviews on profiles (paged, hidden
ones gone) — both languages, strangers get 404 and nothing changes, queries stay bounded."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiedan.profiles import services as profiles
from jiedan.reviews import services
from jiedan.reviews.models import Review, ReviewReport
from tests.contracts.factories import active_contract
from tests.factories import UserFactory
from tests.profiles.helpers import details as profile_details

from .factories import both_reviewed, completed_contract, review, unpaid_cancelled_contract

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def contract_page(user, contract, lang="en") -> str:
    response = signed_in(user).get(url("contracts:detail", contract.pk, lang=lang))
    assert response.status_code == 200
    return response.content.decode()


def review_form(contract, author, stars=5, **extra) -> dict:
    names = ["rating"] + (
        ["quality", "communication", "timeliness", "professionalism"]
        if author.pk == contract.client_id
        else ["clarity", "responsiveness", "payment"]
    )
    return {**{name: str(stars) for name in names}, "text": "Smooth work.", **extra}


# --- the contract page ---------------------------------------------------------------------


def test_a_running_contract_has_no_reviews_block():
    contract = active_contract()
    assert "data-reviews" not in contract_page(contract.client, contract)


def test_an_unpaid_ended_contract_has_no_reviews_block():
    contract = unpaid_cancelled_contract()
    assert "data-reviews" not in contract_page(contract.client, contract)
    assert signed_in(contract.client).get(url("reviews:write", contract.pk)).status_code == 302


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_contract_page_follows_the_double_blind(lang, django_assert_max_num_queries):
    contract = completed_contract()
    write_url = url("reviews:write", contract.pk, lang=lang)
    # both may write
    for person in (contract.client, contract.freelancer):
        html = contract_page(person, contract, lang)
        assert 'data-review-state="open"' in html and write_url in html
    # the client writes: sealed for them, and the freelancer sees only that it exists
    review(contract, contract.client, text="Secret praise", private_feedback="Slow replies")
    client_html = contract_page(contract.client, contract, lang)
    assert 'data-review-state="sealed"' in client_html and "Secret praise" in client_html
    assert "Slow replies" in client_html  # the author's own view
    freelancer_html = contract_page(contract.freelancer, contract, lang)
    assert "Secret praise" not in freelancer_html and "Slow replies" not in freelancer_html
    assert write_url in freelancer_html
    # the freelancer writes: both revealed, each sees the other's (never its private part)
    review(contract, contract.freelancer, text="Paid on time", private_feedback="Vague brief")
    for person, theirs, hidden in (
        (contract.client, "Paid on time", "Vague brief"),
        (contract.freelancer, "Secret praise", "Slow replies"),
    ):
        web = signed_in(person)
        with django_assert_max_num_queries(14):  # the contract page's 13 + its reviews
            response = web.get(url("contracts:detail", contract.pk, lang=lang))
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        assert theirs in html and hidden not in html
        assert html.count('class="review"') == 2
        assert 'class="stars" role="img"' in html
        assert 'class="reply-form"' in html


def test_the_window_closed_without_a_review():
    contract = completed_contract()
    contract.ended_at = contract.ended_at.replace(year=contract.ended_at.year - 1)
    contract.save(update_fields=["ended_at"])
    html = contract_page(contract.client, contract)
    assert 'data-review-state="closed"' in html
    assert url("reviews:write", contract.pk) not in html


# --- writing -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_review_form_renders_stars_as_radio_groups(lang):
    contract = completed_contract()
    response = signed_in(contract.client).get(url("reviews:write", contract.pk, lang=lang))
    html = response.content.decode()
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    assert html.count('class="stars-field') == 5  # overall + four dimensions
    assert html.count('type="radio" name="quality"') == 5
    assert 'name="private_rating"' in html and 'name="private_feedback"' in html
    freelancer_html = signed_in(contract.freelancer).get(url("reviews:write", contract.pk))
    assert freelancer_html.content.decode().count('class="stars-field') == 4


def test_writing_a_review_from_the_form():
    contract = completed_contract()
    web = signed_in(contract.client)
    response = web.post(
        url("reviews:write", contract.pk), review_form(contract, contract.client, 4)
    )
    assert response.status_code == 302
    assert response.url == url("contracts:detail", contract.pk)
    written = Review.objects.get()
    assert (written.author, written.rating, written.quality, written.text) == (
        contract.client,
        4,
        4,
        "Smooth work.",
    )
    # a second try goes back to the contract, nothing changes
    again = web.post(url("reviews:write", contract.pk), review_form(contract, contract.client, 1))
    assert again.status_code == 302 and Review.objects.get().rating == 4


def test_a_review_missing_a_rating_is_shown_again_with_the_error():
    contract = completed_contract()
    form = review_form(contract, contract.client)
    del form["timeliness"]
    response = signed_in(contract.client).post(url("reviews:write", contract.pk), form)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and "Smooth work." in html
    assert not Review.objects.exists()


def test_strangers_get_404_on_the_review_pages():
    by_client, _ = both_reviewed()
    contract = by_client.contract
    stranger = signed_in(UserFactory())
    assert stranger.get(url("reviews:write", contract.pk)).status_code == 404
    form = review_form(contract, contract.client)
    assert stranger.post(url("reviews:write", contract.pk), form).status_code == 404
    assert stranger.get(url("reviews:reply", by_client.pk)).status_code == 404
    refused = stranger.post(url("reviews:reply", by_client.pk), {"text": "Hi"})
    assert refused.status_code == 404
    by_client.refresh_from_db()
    assert by_client.reply == ""
    anonymous = Client().get(url("reviews:write", contract.pk))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url


# --- replying and reporting ----------------------------------------------------------------


def test_the_subject_replies_from_the_contract_page():
    by_client, _ = both_reviewed()
    freelancer = by_client.subject
    web = signed_in(freelancer)
    response = web.post(url("reviews:reply", by_client.pk), {"text": "Thank you!"})
    assert response.status_code == 302
    by_client.refresh_from_db()
    assert by_client.reply == "Thank you!"
    html = contract_page(freelancer, by_client.contract)
    assert "Thank you!" in html and 'class="reply-form"' not in html
    # a second reply is refused on the reply page
    again = web.post(url("reviews:reply", by_client.pk), {"text": "Edited"})
    assert again.status_code == 400
    assert "You have already replied" in again.content.decode()
    by_client.refresh_from_db()
    assert by_client.reply == "Thank you!"


def test_a_sealed_review_has_no_reply_page():
    contract = completed_contract()
    sealed = review(contract, contract.client)
    assert signed_in(contract.freelancer).get(url("reviews:reply", sealed.pk)).status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reporting_a_review(lang):
    by_client, _ = both_reviewed()
    web = signed_in(by_client.subject)
    page = web.get(url("reviews:report", by_client.pk, lang=lang))
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.content.decode()
    sent = web.post(url("reviews:report", by_client.pk, lang=lang), {"reason": "Not true"})
    assert sent.status_code == 302
    assert ReviewReport.objects.get().reason == "Not true"
    twice = web.post(url("reviews:report", by_client.pk, lang=lang), {"reason": "Again"})
    assert twice.status_code == 400 and ReviewReport.objects.count() == 1
    empty = signed_in(UserFactory()).post(url("reviews:report", by_client.pk), {"reason": ""})
    assert empty.status_code == 400 and ReviewReport.objects.count() == 1


# --- profiles ------------------------------------------------------------------------------


def _reviewed_freelancer(count: int):
    freelancer = UserFactory()
    profiles.freelancer_profile_update(user=freelancer, details=profile_details())
    reviews = [both_reviewed(freelancer=freelancer)[0] for _ in range(count)]
    return freelancer, reviews


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_freelancer_profile_shows_public_reviews_paged(
    lang, staff_factory, django_assert_max_num_queries
):
    # given 12 reviews by clients, one of them hidden by moderators
    freelancer, reviews = _reviewed_freelancer(12)
    services.review_hide(
        moderator=staff_factory("moderator"), review_id=reviews[0].pk, reason="Off topic"
    )
    services.review_reply(subject=freelancer, review_id=reviews[-1].pk, text="Thanks, Li!")
    profile_url = url("profiles:freelancer_detail", freelancer.pk, lang=lang)
    # when anyone opens the profile
    with django_assert_max_num_queries(12):
        response = Client().get(profile_url)
    html = response.content.decode()
    # then the newest 10 public reviews show, with a link to more; not the hidden one
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    assert html.count('class="review"') == 10
    assert f'data-review="{reviews[-1].pk}"' in html and "Thanks, Li!" in html
    assert reviews[-1].contract.title in html and reviews[-1].author.get_short_name() in html
    assert f'data-review="{reviews[0].pk}"' not in html
    more = url("reviews:person", freelancer.pk, "freelancer", lang=lang) + "?page=2"
    assert more in html
    # and the next page has the one left
    with django_assert_max_num_queries(6):
        second = Client().get(more)
    second_html = second.content.decode()
    assert second.status_code == 200 and second_html.count('class="review"') == 1
    assert f'data-review="{reviews[1].pk}"' in second_html
    assert "?page=3" not in second_html


def test_private_answers_never_reach_public_pages():
    freelancer, reviews = _reviewed_freelancer(1)
    Review.objects.filter(pk=reviews[0].pk).update(
        private_feedback="Never hire again", private_rating=1
    )
    html = Client().get(url("profiles:freelancer_detail", freelancer.pk)).content.decode()
    assert "Never hire again" not in html and "data-private" not in html


def test_the_client_profile_shows_reviews_by_freelancers():
    _by_client, by_freelancer = both_reviewed()
    client = by_freelancer.subject
    profiles.client_profile_update(user=client, company_name="Acme", about="", city="", website="")
    html = Client().get(url("profiles:client_detail", client.pk)).content.decode()
    assert f'data-review="{by_freelancer.pk}"' in html
    assert html.count('class="review"') == 1


def test_a_hidden_profile_keeps_its_reviews_hidden():
    freelancer, _reviews = _reviewed_freelancer(1)
    profiles.freelancer_profile_update(
        user=freelancer, details=profile_details(visibility="hidden")
    )
    person_url = url("reviews:person", freelancer.pk, "freelancer")
    assert Client().get(person_url).status_code == 404
    assert signed_in(freelancer).get(person_url).status_code == 200
    assert Client().get(url("reviews:person", freelancer.pk, "boss")).status_code == 404


def test_an_empty_post_shows_every_missing_rating():
    contract = completed_contract()
    response = signed_in(contract.client).post(url("reviews:write", contract.pk), {})
    assert response.status_code == 400
    assert response.content.decode().count('class="errors"') == 5
    assert not Review.objects.exists()


def test_both_parties_see_why_moderators_hid_a_review(staff_factory):
    by_client, _ = both_reviewed()
    services.review_hide(
        moderator=staff_factory("moderator"), review_id=by_client.pk, reason="Personal details"
    )
    for person in (by_client.author, by_client.subject):
        html = contract_page(person, by_client.contract)
        assert "Hidden by moderators: Personal details" in html
    subject_html = contract_page(by_client.subject, by_client.contract)
    assert url("reviews:report", by_client.pk) not in subject_html
    assert 'class="reply-form"' not in subject_html
