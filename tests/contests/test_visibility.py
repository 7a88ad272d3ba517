"""Who sees what: author, client, another freelancer and an anonymous visitor; previews vs
sealed; before and after the award; and who may download originals."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from jiedan.contests import selectors, services
from tests.factories import UserFactory

from .factories import open_contest, submit

pytestmark = pytest.mark.django_db

VIEWERS = ["author", "client", "freelancer", "anonymous"]


@pytest.fixture
def make_world():
    """A one-place contest with the author's entry and a rival's, open or awarded (the
    author wins)."""

    def make(*, visibility: str, awarded: bool):
        contest = open_contest(entry_visibility=visibility, prizes=["1000"])
        entry = submit(contest, title="Author's entry")
        rival = submit(contest, title="Rival's entry")
        if awarded:
            services.contest_deadline_pass(contest_id=contest.pk, now=contest.entry_deadline)
            services.contest_award(
                client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk]
            )
        contest.refresh_from_db()
        people = {
            "author": entry.author,
            "client": contest.client,
            "freelancer": UserFactory(),
            "anonymous": AnonymousUser(),
        }
        return contest, entry, rival, people

    return make


def web_as(person) -> Client:
    web = Client()
    if person.is_authenticated:
        web.force_login(person)
    return web


def gallery_titles(contest, viewer) -> set[str]:
    contest = selectors.contest_for_viewer(contest_id=contest.pk, viewer=viewer)
    return {
        item.entry.title for item in selectors.entry_gallery(contest=contest, viewer=viewer).entries
    }


SEES_RIVAL = {
    # (visibility, awarded): viewers who see the rival's entry and its preview
    ("previews", False): {"client", "author", "freelancer", "anonymous"},
    ("sealed", False): {"client"},
    ("previews", True): {"client", "author", "freelancer", "anonymous"},
    ("sealed", True): {"client", "author", "freelancer", "anonymous"},
}


@pytest.mark.parametrize(("visibility", "awarded"), list(SEES_RIVAL))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_entry_gallery_and_previews_follow_the_visibility_rules(
    make_world, visibility, awarded, viewer
):
    contest, _entry, rival, people = make_world(visibility=visibility, awarded=awarded)
    person = people[viewer]
    sees_rival = viewer in SEES_RIVAL[(visibility, awarded)]
    titles = gallery_titles(contest, person)
    assert ("Rival's entry" in titles) is sees_rival
    assert ("Author's entry" in titles) is (sees_rival or viewer == "author")
    preview = web_as(person).get(f"/en/contests/files/{rival.files.get().pk}/preview/")
    assert preview.status_code == (200 if sees_rival else 404)
    if sees_rival:
        assert preview["Content-Type"] == "image/jpeg"
        assert "private" in preview["Cache-Control"]


def test_sealed_contest_shows_others_only_the_count(make_world, client):
    contest, _entry, _rival, _people = make_world(visibility="sealed", awarded=False)
    page = client.get(f"/en/contests/{contest.pk}/").content.decode()
    assert "2 entries" in page
    assert "Rival&#x27;s entry" not in page and "Rival's entry" not in page
    assert "sealed" in page


ORIGINAL_ACCESS = {
    # (awarded, viewer): (author's winning entry, rival's entry)
    (False, "author"): (200, 404),
    (False, "client"): (404, 404),
    (False, "freelancer"): (404, 404),
    (True, "author"): (200, 404),
    (True, "client"): (200, 404),
    (True, "freelancer"): (404, 404),
}


@pytest.mark.parametrize(("awarded", "viewer"), list(ORIGINAL_ACCESS))
def test_originals_only_for_the_author_and_the_client_of_a_winning_entry(
    make_world, awarded, viewer
):
    _contest, entry, rival, people = make_world(visibility="previews", awarded=awarded)
    web = web_as(people[viewer])
    statuses = tuple(
        web.get(f"/en/contests/files/{item.files.get().pk}/original/").status_code
        for item in (entry, rival)
    )
    assert statuses == ORIGINAL_ACCESS[(awarded, viewer)]


def test_original_download_is_the_untouched_file_never_cached(make_world):
    _contest, entry, _rival, people = make_world(visibility="previews", awarded=True)
    record = entry.files.get()
    response = web_as(people["client"]).get(f"/en/contests/files/{record.pk}/original/")
    body = b"".join(response.streaming_content)
    with record.original.open("rb") as stored:
        assert body == stored.read()
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]


def test_anonymous_original_download_asks_to_sign_in(make_world, client):
    _contest, entry, _rival, _people = make_world(visibility="previews", awarded=True)
    response = client.get(f"/en/contests/files/{entry.files.get().pk}/original/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_entries_set_aside_are_seen_by_client_and_author_only(make_world):
    contest, _entry, rival, people = make_world(visibility="previews", awarded=False)
    services.entry_mark_not_valid(client=contest.client, entry_id=rival.pk, reason="Off-brief")
    rival_author = rival.author
    assert "Rival's entry" in gallery_titles(contest, people["client"])
    assert "Rival's entry" in gallery_titles(contest, rival_author)
    assert "Rival's entry" not in gallery_titles(contest, people["freelancer"])
    assert "Rival's entry" not in gallery_titles(contest, people["anonymous"])
    preview_url = f"/en/contests/files/{rival.files.get().pk}/preview/"
    assert web_as(people["freelancer"]).get(preview_url).status_code == 404
    assert web_as(rival_author).get(preview_url).status_code == 200


def test_withdrawn_entries_are_seen_by_their_author_only(make_world):
    contest, entry, _rival, people = make_world(visibility="previews", awarded=False)
    services.entry_withdraw(author=entry.author, entry_id=entry.pk)
    preview_url = f"/en/contests/files/{entry.files.get().pk}/preview/"
    assert web_as(people["client"]).get(preview_url).status_code == 404
    assert "Author's entry" not in gallery_titles(contest, people["client"])
    assert web_as(entry.author).get(preview_url).status_code == 200
    assert (
        web_as(entry.author).get(f"/en/contests/files/{entry.files.get().pk}/original/").status_code
        == 200
    )


def test_note_rating_and_reason_are_private_to_client_and_author(make_world):
    contest, entry, _rival, people = make_world(visibility="previews", awarded=False)
    services.entry_rate(client=contest.client, entry_id=entry.pk, rating=4)
    for viewer, private in [("client", True), ("author", True), ("freelancer", False)]:
        person = people[viewer]
        shown = selectors.entry_gallery(contest=contest, viewer=person).entries
        item = next(item for item in shown if item.entry.pk == entry.pk)
        assert item.shows_private is private


def test_drafts_and_cancelled_contests_are_hidden_from_everyone_but_the_client():
    from .factories import ContestFactory

    draft = ContestFactory()
    cancelled = open_contest()
    services.contest_cancel(client=cancelled.client, contest_id=cancelled.pk)
    for contest in (draft, cancelled):
        assert web_as(UserFactory()).get(f"/en/contests/{contest.pk}/").status_code == 404
        assert Client().get(f"/en/contests/{contest.pk}/").status_code == 404
        assert web_as(contest.client).get(f"/en/contests/{contest.pk}/").status_code == 200
