"""Contest pages: start, review and publish, browse, enter, judge, award, withdraw, my pages;
ownership (404 and nothing changes) and bounded query counts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jiedan.contests.models import Contest, Entry, EntryStatus, Status
from jiedan.escrow.selectors import escrow_balance
from tests.escrow.helpers import escrow_journals
from tests.factories import UserFactory
from tests.ledger.helpers import top_up

from .factories import (
    CategoryFactory,
    ContestFactory,
    image_upload,
    judging_contest,
    open_contest,
    submit,
)

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    web = Client()
    web.force_login(user)
    return web


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


def form_data(category, **overrides) -> dict:
    deadline = timezone.localtime(timezone.now() + timedelta(days=5))
    values = {
        "title": "Mascot for a dumpling shop",
        "brief": "A friendly dumpling mascot for signs, packaging and stickers, colour and flat.",
        "category": category.pk,
        "currency": "CNY",
        "prize_1": "1200",
        "prize_2": "300",
        "prize_3": "",
        "entry_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "judging_days": "5",
        "entry_visibility": "previews",
    }
    return {**values, **overrides}


def test_start_review_and_publish_journey(user):
    web = signed_in(user)
    response = web.post(url("contests:create"), form_data(CategoryFactory()))
    contest = Contest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("contests:publish", contest.pk)
    assert contest.judging_days == 5
    page = web.get(url("contests:publish", contest.pk)).content.decode()
    assert "Publishing holds ¥1,500.00 in escrow." in page
    assert "highest rating" in page
    refused = web.post(url("contests:publish", contest.pk), follow=True).content.decode()
    assert "top up ¥1,500.00 more first" in refused
    top_up(user, "1500.00")
    response = web.post(url("contests:publish", contest.pk))
    assert response["Location"] == url("contests:detail", contest.pk)
    contest.refresh_from_db()
    assert contest.status == Status.OPEN
    assert escrow_balance(reference=contest.escrow_reference) == 1500


def test_form_shows_service_errors_and_saves_nothing(user):
    web = signed_in(user)
    response = web.post(url("contests:create"), form_data(CategoryFactory(), prize_2="5000"))
    assert response.status_code == 200
    assert "A lower place cannot pay more than a higher one." in response.content.decode()
    assert not Contest.objects.exists()


def test_edit_form_shows_the_draft_and_saves_changes():
    contest = ContestFactory()
    web = signed_in(contest.client)
    page = web.get(url("contests:edit", contest.pk)).content.decode()
    assert 'name="prize_1"' in page and 'value="1000.00"' in page
    web.post(url("contests:edit", contest.pk), form_data(contest.category, title="Renamed"))
    contest.refresh_from_db()
    assert contest.title == "Renamed"


def test_publish_page_lists_what_is_missing_and_publishing_refuses():
    contest = ContestFactory(brief="short", prizes=[])
    web = signed_in(contest.client)
    page = web.get(url("contests:publish", contest.pk)).content.decode()
    assert "at least 40 characters" in page
    assert "Set the prize for at least the first place." in page
    web.post(url("contests:publish", contest.pk))
    contest.refresh_from_db()
    assert contest.status == Status.DRAFT
    assert not escrow_journals().exists()


@pytest.mark.parametrize(
    ("name", "method", "target"),
    [
        ("contests:edit", "get", "contest"),
        ("contests:edit", "post", "contest"),
        ("contests:publish", "get", "contest"),
        ("contests:publish", "post", "contest"),
        ("contests:cancel", "post", "contest"),
        ("contests:judge", "get", "contest"),
        ("contests:award", "post", "contest"),
        ("contests:rate", "post", "entry"),
        ("contests:mark_not_valid", "post", "entry"),
        ("contests:mark_valid", "post", "entry"),
        ("contests:withdraw", "post", "entry"),
    ],
)
def test_another_user_gets_404_and_nothing_changes(name, method, target):
    contest, (entry, _second) = judging_contest()
    stranger = signed_in(UserFactory())
    data = {"reason": "x", "rating": "1", "place_1": entry.pk, **form_data(contest.category)}
    pk = contest.pk if target == "contest" else entry.pk
    response = getattr(stranger, method)(url(name, pk), data)
    assert response.status_code == 404
    contest.refresh_from_db()
    entry.refresh_from_db()
    assert (contest.status, entry.status, entry.rating, entry.place) == (
        Status.JUDGING,
        EntryStatus.SUBMITTED,
        None,
        None,
    )
    assert escrow_balance(reference=contest.escrow_reference) == 1500


def test_freelancer_enters_from_the_contest_page():
    contest = open_contest()
    freelancer = UserFactory()
    web = signed_in(freelancer)
    page = web.get(url("contests:detail", contest.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "You can submit 5 more entries." in page
    response = web.post(
        url("contests:submit_entry", contest.pk),
        {
            "title": "Happy dumpling",
            "note": "Flat and 3D",
            "files": [image_upload(), image_upload()],
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.author, entry.files.count()) == (freelancer, 2)
    page = web.get(url("contests:detail", contest.pk)).content.decode()
    assert "Happy dumpling" in page
    assert "Withdraw entry" in page


def test_bad_entry_shows_the_error_and_stores_nothing():
    contest = open_contest()
    web = signed_in(UserFactory())
    response = web.post(url("contests:submit_entry", contest.pk), {"title": "No files"})
    assert response.status_code == 200
    assert "Attach 1 to 5 files." in response.content.decode()
    assert not Entry.objects.exists()


def test_client_sees_no_entry_form_and_visitors_are_asked_to_sign_in(client):
    contest = open_contest()
    owner_page = signed_in(contest.client).get(url("contests:detail", contest.pk))
    assert b"Submit an entry" not in owner_page.content
    assert b"Judge entries" in owner_page.content
    visitor_page = client.get(url("contests:detail", contest.pk)).content.decode()
    assert "Sign in to enter" in visitor_page
    assert "Entries close in" in visitor_page
    assert "held in escrow" in visitor_page


def test_judging_rate_set_aside_and_award_journey():
    contest, (first, second, third) = judging_contest(entries=3)
    web = signed_in(contest.client)
    board = web.get(url("contests:judge", contest.pk)).content.decode()
    assert "Award the prizes" in board
    assert 'name="place_1"' in board and 'name="place_2"' in board
    web.post(url("contests:rate", first.pk), {"rating": "4"})
    web.post(url("contests:mark_not_valid", third.pk), {"reason": "Traced clip art"})
    first.refresh_from_db()
    third.refresh_from_db()
    assert first.rating == 4
    assert (third.status, third.invalid_reason) == (EntryStatus.NOT_VALID, "Traced clip art")
    refused = web.post(
        url("contests:award", contest.pk), {"place_1": first.pk, "place_2": first.pk}
    )
    assert refused.status_code == 302
    assert escrow_balance(reference=contest.escrow_reference) == 1500
    response = web.post(
        url("contests:award", contest.pk), {"place_1": second.pk, "place_2": first.pk}
    )
    assert response["Location"] == url("contests:detail", contest.pk)
    contest.refresh_from_db()
    assert contest.status == Status.AWARDED
    assert escrow_balance(reference=contest.escrow_reference) == 0
    page = web.get(url("contests:detail", contest.pk)).content.decode()
    assert "Place 1" in page and "Download original" in page


def test_author_sees_the_reason_and_withdraws_from_my_entries():
    contest = open_contest()
    entry = submit(contest)
    kept = submit(contest, entry.author)
    from jiedan.contests import services

    services.entry_mark_not_valid(client=contest.client, entry_id=kept.pk, reason="Wrong size")
    web = signed_in(entry.author)
    page = web.get(url("contests:my_entries")).content.decode()
    assert "Not valid: Wrong size" in page
    response = web.post(url("contests:withdraw", entry.pk))
    assert response["Location"] == url("contests:my_entries")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN


def test_cancel_from_my_contests_and_guarantee_refusal():
    free = open_contest()
    guaranteed = open_contest(client=free.client)
    submit(guaranteed)
    web = signed_in(free.client)
    mine = web.get(url("contests:mine")).content.decode()
    assert mine.count("Cancel contest") == 1
    web.post(url("contests:cancel", free.pk))
    web.post(url("contests:cancel", guaranteed.pk))
    free.refresh_from_db()
    guaranteed.refresh_from_db()
    assert (free.status, guaranteed.status) == (Status.CANCELLED, Status.OPEN)
    assert escrow_balance(reference=free.escrow_reference) == 0
    assert escrow_balance(reference=guaranteed.escrow_reference) == 1500


def test_pages_that_need_an_account_redirect_to_sign_in(client):
    for name in ("contests:mine", "contests:my_entries", "contests:create"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_browse_lists_open_contests_with_a_nav_link_and_bounded_queries(
    client, django_assert_max_num_queries, language
):
    category = CategoryFactory()
    for _ in range(22):
        open_contest(category=category)
    ContestFactory(title="Hidden draft")
    with django_assert_max_num_queries(6):
        response = client.get(url("contests:browse", lang=language))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="card contest-card"') == 20
    assert "Hidden draft" not in html
    assert f'href="{url("contests:browse", lang=language)}"' in html
    filtered = client.get(url("contests:browse", lang=language), {"category": "nope"})
    assert filtered.status_code == 200


def test_detail_and_judge_query_counts_do_not_grow_with_entries(django_assert_max_num_queries):
    contest = open_contest()
    for _ in range(12):
        submit(contest)
    visitor = Client()
    owner = signed_in(contest.client)
    with django_assert_max_num_queries(6):
        assert visitor.get(url("contests:detail", contest.pk)).status_code == 200
    with django_assert_max_num_queries(10):
        assert owner.get(url("contests:detail", contest.pk)).status_code == 200
    with django_assert_max_num_queries(9):
        assert owner.get(url("contests:judge", contest.pk)).status_code == 200


def test_my_pages_query_counts_do_not_grow(django_assert_max_num_queries):
    author = UserFactory()
    client_user = UserFactory()
    for _ in range(6):
        contest = open_contest(client=client_user)
        submit(contest, author)
    as_client, as_author = signed_in(client_user), signed_in(author)
    with django_assert_max_num_queries(7):
        assert as_client.get(url("contests:mine")).status_code == 200
    with django_assert_max_num_queries(7):
        assert as_author.get(url("contests:my_entries")).status_code == 200
