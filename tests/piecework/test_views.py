"""Piece-rate pages: browse, task page and submitting, posting and publishing, review with bulk
actions, my tasks, my pieces with earnings, private files, ownership and bounded queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jiedan.escrow.selectors import escrow_balance
from jiedan.piecework import services
from jiedan.piecework.models import Piece, PieceStatus, PieceTask, Status
from tests.catalog.factories import CategoryFactory
from tests.escrow.helpers import RELEASED, escrow_journals
from tests.factories import StaffFactory, UserFactory
from tests.ledger.helpers import top_up

from .factories import PieceTaskFactory, open_task, png_upload

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(f"piecework:{name}", args=args)


def pieces_on(task, count, *, accept=0):
    pieces = [
        services.piece_submit(author=UserFactory(), task_id=task.pk, text=f"piece {i}")
        for i in range(count)
    ]
    if accept:
        services.pieces_accept(
            client=task.client, task_id=task.pk, piece_ids=[p.pk for p in pieces[:accept]]
        )
    return pieces


def test_browse_shows_open_tasks_with_price_and_slots(client):
    labelling = CategoryFactory()
    task = open_task(category=labelling, pieces_wanted=4, max_per_freelancer=None)
    pieces_on(task, 1)
    other = open_task(title="Write slogans")
    draft = PieceTaskFactory(title="Secret draft")
    overdue = open_task(category=labelling, title="Overdue, not yet closed")
    PieceTask.objects.filter(pk=overdue.pk).update(deadline=timezone.now())
    response = client.get(url("browse"), {"category": labelling.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert task.title in html and other.title not in html and draft.title not in html
    assert overdue.title not in html
    assert "¥2.50 per accepted piece" in html
    assert "3 pieces still wanted" in html


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_browse_query_count_is_bounded(client, django_assert_max_num_queries, language):
    for _ in range(25):
        pieces_on(open_task(max_per_freelancer=None), 2)
    with django_assert_max_num_queries(6):
        response = client.get(url("browse", lang=language), {"page": 2})
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()


def test_detail_for_anonymous_visitors_asks_to_sign_in(client):
    task = open_task()
    response = client.get(url("detail", task.pk), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to submit pieces" in html
    assert "accepted and paid automatically" in html
    assert client.get(url("detail", PieceTaskFactory().pk)).status_code == 404
    response = client.post(url("detail", task.pk), {"text": "sneaky"})
    assert response.status_code == 302
    assert not Piece.objects.exists()


def test_submit_a_piece_and_see_it_with_its_status():
    task = open_task()
    author = UserFactory()
    web = signed_in(author)
    response = web.post(url("detail", task.pk), {"text": "Blue jacket", "file": png_upload()})
    assert response.status_code == 302
    piece = Piece.objects.get()
    assert (piece.author, piece.text, piece.file_type) == (author, "Blue jacket", "image/png")
    services.piece_reject(client=task.client, piece_id=piece.pk, reason="Wrong colour")
    html = web.get(url("detail", task.pk)).content.decode()
    assert "Blue jacket" in html and "Wrong colour" in html
    assert url("piece_file", piece.pk) in html


def test_a_refused_piece_shows_the_reason_and_saves_nothing():
    task = open_task(pieces_wanted=1)
    pieces_on(task, 1)
    web = signed_in(UserFactory())
    response = web.post(url("detail", task.pk), {"text": "late"})
    assert response.status_code == 200
    assert "All wanted pieces are taken" in response.content.decode()
    assert Piece.objects.count() == 1


def test_post_review_and_publish_journey(user):
    category = CategoryFactory()
    web = signed_in(user)
    deadline = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = web.post(
        url("create"),
        {
            "title": "Transcribe receipts",
            "instructions": "Type shop, date and total.",
            "acceptance_criteria": "Matches the photo.",
            "category": category.pk,
            "unit_price": "3",
            "currency": "CNY",
            "pieces_wanted": "20",
            "max_per_freelancer": "",
            "deadline": deadline,
        },
    )
    task = PieceTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("publish", task.pk)
    page = web.get(url("publish", task.pk)).content.decode()
    assert "Publishing holds ¥60.00 in escrow (20 × ¥3.00)" in page
    refused = web.post(url("publish", task.pk), follow=True).content.decode()
    assert "top up ¥60.00 more first" in refused
    top_up(user, "60.00")
    response = web.post(url("publish", task.pk))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Status.OPEN
    assert escrow_balance(reference=task.escrow_reference) == Decimal("60.00")


def test_form_shows_service_errors_and_saves_nothing(user):
    web = signed_in(user)
    response = web.post(
        url("create"),
        {"title": "Big", "unit_price": "500", "currency": "CNY", "pieces_wanted": "5000"},
    )
    assert response.status_code == 200
    assert "may be at most" in response.content.decode()
    assert not PieceTask.objects.exists()


def test_publish_page_lists_what_is_missing_and_publish_refuses(user):
    task = PieceTaskFactory(client=user, unit_price=None)
    web = signed_in(user)
    assert "Set the price per piece." in web.get(url("publish", task.pk)).content.decode()
    web.post(url("publish", task.pk))
    task.refresh_from_db()
    assert task.status == Status.DRAFT
    assert not escrow_journals().exists()


def test_someone_elses_task_pages_are_404_and_change_nothing(user):
    task = open_task()
    draft = PieceTaskFactory()
    web = signed_in(user)
    assert web.get(url("edit", draft.pk)).status_code == 404
    assert web.post(url("publish", draft.pk)).status_code == 404
    assert web.get(url("review", task.pk)).status_code == 404
    assert web.post(url("close", task.pk)).status_code == 404
    assert web.post(url("cancel", task.pk)).status_code == 404
    task.refresh_from_db()
    draft.refresh_from_db()
    assert (task.status, draft.status) == (Status.OPEN, Status.DRAFT)
    assert escrow_journals().count() == 1


def test_review_bulk_accept_pays_and_bulk_reject_needs_a_reason():
    task = open_task(max_per_freelancer=None)
    first, second, third = pieces_on(task, 3)
    web = signed_in(task.client)
    page = web.get(url("review", task.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count('name="pieces"') == 3
    assert "accepted and paid automatically" in page
    response = web.post(url("review", task.pk), {"pieces": [third.pk], "action": "reject"})
    assert response.status_code == 200
    assert "Say why the piece is rejected." in response.content.decode()
    assert not task.pieces.exclude(status=PieceStatus.PENDING).exists()
    huge = web.post(url("review", task.pk), {"pieces": [str(10**25)], "action": "accept"})
    assert huge.status_code == 200
    assert not escrow_journals(kind=RELEASED).exists()
    response = web.post(
        url("review", task.pk), {"pieces": [first.pk, second.pk], "action": "accept"}
    )
    assert response.status_code == 302
    assert escrow_journals(kind=RELEASED).count() == 2
    web.post(url("review", task.pk), {"pieces": [third.pk], "action": "reject", "reason": "Off"})
    third.refresh_from_db()
    assert (third.status, third.rejection_reason) == (PieceStatus.REJECTED, "Off")
    accepted = web.get(url("review", task.pk), {"status": "accepted"}).content.decode()
    assert "piece 0" in accepted and "piece 2" not in accepted


def test_review_with_a_foreign_piece_id_is_404_and_pays_nothing():
    task = open_task(max_per_freelancer=None)
    (mine,) = pieces_on(task, 1)
    (foreign,) = pieces_on(open_task(), 1)
    web = signed_in(task.client)
    response = web.post(
        url("review", task.pk), {"pieces": [mine.pk, foreign.pk], "action": "accept"}
    )
    assert response.status_code == 404
    assert not escrow_journals(kind=RELEASED).exists()


def test_review_query_count_is_bounded(django_assert_max_num_queries):
    task = open_task(pieces_wanted=40, max_per_freelancer=None)
    pieces_on(task, 30, accept=5)
    web = signed_in(task.client)
    with django_assert_max_num_queries(9):
        response = web.get(url("review", task.pk), {"status": "all"})
    assert response.status_code == 200


def test_mine_lists_tasks_with_counts_in_bounded_queries(django_assert_max_num_queries):
    client_user = UserFactory()
    for _ in range(12):
        pieces_on(open_task(client=client_user, max_per_freelancer=None), 2, accept=1)
    PieceTaskFactory(client=client_user)
    web = signed_in(client_user)
    with django_assert_max_num_queries(8):
        response = web.get(url("mine"))
    html = response.content.decode()
    assert html.count('class="card my-piece-task"') == 13
    assert "1 of 4 accepted, 1 waiting" in html


def test_close_and_cancel_from_my_tasks():
    closing = open_task()
    web = signed_in(closing.client)
    assert web.post(url("close", closing.pk)).status_code == 302
    closing.refresh_from_db()
    assert closing.status == Status.CLOSED
    assert escrow_balance(reference=closing.escrow_reference) == 0
    busy = open_task(client=closing.client)
    pieces_on(busy, 1)
    web.post(url("cancel", busy.pk))
    busy.refresh_from_db()
    assert busy.status == Status.OPEN


def test_my_pieces_shows_earnings_in_bounded_queries(django_assert_max_num_queries):
    author = UserFactory()
    for _ in range(8):
        task = open_task()
        piece = services.piece_submit(author=author, task_id=task.pk, text=f"t{task.pk}")
        services.piece_accept(client=task.client, piece_id=piece.pk)
    web = signed_in(author)
    with django_assert_max_num_queries(7):
        response = web.get(url("my_pieces"))
    html = response.content.decode()
    assert "¥20.00" in html
    assert "8 pieces" in html


def test_piece_file_is_only_for_author_and_client():
    task = open_task()
    author = UserFactory()
    piece = services.piece_submit(author=author, task_id=task.pk, upload=png_upload())
    for person in (author, task.client):
        response = signed_in(person).get(url("piece_file", piece.pk))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
    assert signed_in(UserFactory()).get(url("piece_file", piece.pk)).status_code == 404
    text_only = services.piece_submit(author=UserFactory(), task_id=task.pk, text="plain")
    assert signed_in(task.client).get(url("piece_file", text_only.pk)).status_code == 404


def test_nav_links_to_piece_rate_tasks(client):
    html = client.get(url("browse")).content.decode()
    assert f'href="{url("browse")}"' in html


def test_admin_is_read_only_and_open_to_moderators():
    task = open_task()
    pieces_on(task, 1)
    moderator = StaffFactory(roles=["moderator"])
    web = signed_in(moderator)
    assert web.get("/admin/piecework/piecetask/").status_code == 200
    response = web.get(f"/admin/piecework/piecetask/{task.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"status change" in response.content.lower()
    assert web.get("/admin/piecework/piece/").status_code == 200
    assert web.get("/admin/piecework/piecetask/add/").status_code == 403
    support = signed_in(StaffFactory(roles=["support"]))
    assert support.get("/admin/piecework/piecetask/").status_code == 403


def test_owner_sees_history_with_system_reasons_in_their_language():
    task = open_task()
    services.tasks_close_overdue(now=task.deadline)
    web = signed_in(task.client)
    english = web.get(url("detail", task.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "(the deadline passed)" in english
    assert web.get(url("detail", task.pk, lang="zh-hans")).status_code == 200
