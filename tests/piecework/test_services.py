"""Piece-rate services: drafts, publishing with a hold, submitting, reviewing, closing,
cancelling, settling, and the escrow sums of every path."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.escrow.selectors import escrow_balance, escrow_moved
from jiedan.piecework import services, tasks
from jiedan.piecework.models import (
    AUTO_ACCEPT_AFTER,
    Piece,
    PieceStatus,
    PieceTask,
    PieceTaskStatusChange,
    Status,
)
from jiedan.piecework.services import TaskDetails
from tests.catalog.factories import CategoryFactory
from tests.escrow.helpers import HELD, REFUNDED, RELEASED, escrow_amount, escrow_journals, payee
from tests.factories import UserFactory

from .factories import PieceTaskFactory, open_task, png_upload

pytestmark = pytest.mark.django_db


def details(category, **overrides) -> TaskDetails:
    values = {
        "title": "Transcribe 10 receipts",
        "instructions": "Type the shop, date and total of one receipt.",
        "acceptance_criteria": "All three fields match the photo.",
        "category_id": category.pk,
        "unit_price": "3",
        "pieces_wanted": 10,
        "max_per_freelancer": 5,
        "deadline": timezone.now() + timedelta(days=3),
    }
    return TaskDetails(**{**values, **overrides})


def snapshot(task: PieceTask) -> tuple:
    task.refresh_from_db()
    return (
        task.title,
        task.status,
        task.unit_price,
        task.pieces_wanted,
        task.settled_at,
        task.status_changes.count(),
        task.pieces.count(),
        list(task.pieces.order_by("pk").values_list("status", "rejection_reason")),
        escrow_journals().count(),
    )


def held(task: PieceTask) -> Decimal:
    return escrow_balance(reference=task.escrow_reference)


def submit(task, author=None, text=None, **kwargs) -> Piece:
    return services.piece_submit(
        author=author or UserFactory(),
        task_id=task.pk,
        text=text if text is not None else f"piece {Piece.objects.count()}",
        **kwargs,
    )


# --- drafts -------------------------------------------------------------------------------


def test_create_makes_a_draft_and_holds_nothing(user):
    task = services.task_create(client=user, details=details(CategoryFactory()))
    assert task.status == Status.DRAFT
    assert task.unit_price == Decimal("3.00")
    assert task.budget == Decimal("30.00")
    assert not escrow_journals().exists()


def test_a_draft_may_leave_numbers_empty(user):
    task = services.task_create(
        client=user,
        details=TaskDetails(title="Short copy", unit_price="", pieces_wanted=None),
    )
    assert (task.unit_price, task.pieces_wanted, task.deadline) == (None, None, None)


BAD_INPUT = [
    ({"title": "  "}, "title_required"),
    ({"category_id": 999999}, "unknown_category"),
    ({"currency": "XXX"}, "unsupported_currency"),
    ({"unit_price": "0"}, "amount_out_of_range"),
    ({"unit_price": "-1"}, "amount_out_of_range"),
    ({"unit_price": "abc"}, "invalid_amount"),
    ({"pieces_wanted": 0}, "bad_pieces"),
    ({"pieces_wanted": 10001}, "bad_pieces"),
    ({"pieces_wanted": "2.5"}, "bad_pieces"),
    ({"max_per_freelancer": 11}, "bad_per_freelancer"),
    ({"max_per_freelancer": 0}, "bad_per_freelancer"),
    ({"unit_price": "200", "pieces_wanted": 10000}, "budget_too_large"),
    ({"deadline": "past"}, "deadline_past"),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_is_written(user, overrides, code):
    if overrides.get("deadline") == "past":
        overrides = {"deadline": timezone.now() - timedelta(minutes=1)}
    with pytest.raises(InvalidInput) as error:
        services.task_create(client=user, details=details(CategoryFactory(), **overrides))
    assert error.value.code == code
    assert not PieceTask.objects.exists()


def test_update_replaces_a_draft(user):
    task = PieceTaskFactory(client=user)
    services.task_update(
        client=user, task_id=task.pk, details=details(task.category, title="New title")
    )
    task.refresh_from_db()
    assert (task.title, task.pieces_wanted) == ("New title", 10)


def test_update_of_someone_elses_task_is_not_found_and_changes_nothing(user):
    task = PieceTaskFactory()
    before = snapshot(task)
    with pytest.raises(NotFound):
        services.task_update(client=user, task_id=task.pk, details=details(task.category))
    assert snapshot(task) == before


def test_an_open_task_cannot_be_edited():
    task = open_task()
    before = snapshot(task)
    with pytest.raises(Conflict) as error:
        services.task_update(
            client=task.client, task_id=task.pk, details=details(task.category, unit_price="1")
        )
    assert error.value.code == "task_not_editable"
    assert snapshot(task) == before


# --- publishing ---------------------------------------------------------------------------


def test_publish_holds_the_whole_budget_and_opens_the_task():
    draft = PieceTaskFactory(unit_price=Decimal("2.50"), pieces_wanted=4)
    task = services.task_publish(client=draft.client, task_id=draft.pk)
    assert task.status == Status.OPEN
    assert task.published_at is not None
    hold = escrow_journals().get()
    assert (hold.kind, hold.reference, escrow_amount(hold), hold.actor) == (
        HELD,
        f"piecework:{task.pk}",
        Decimal("10.00"),
        task.client,
    )
    assert hold.idempotency_key == f"piecework-hold:{task.pk}"
    change = PieceTaskStatusChange.objects.get(task=task)
    assert (change.actor, change.from_status, change.to_status) == (
        task.client,
        Status.DRAFT,
        Status.OPEN,
    )


def test_publish_of_an_incomplete_draft_is_refused_and_holds_nothing():
    draft = PieceTaskFactory(acceptance_criteria="", unit_price=None)
    before = snapshot(draft)
    with pytest.raises(InvalidInput) as error:
        services.task_publish(client=draft.client, task_id=draft.pk)
    assert error.value.code == "task_incomplete"
    assert snapshot(draft) == before


def test_publish_after_the_deadline_is_refused():
    draft = PieceTaskFactory()
    before = snapshot(draft)
    with pytest.raises(InvalidInput):
        services.task_publish(
            client=draft.client, task_id=draft.pk, now=draft.deadline + timedelta(seconds=1)
        )
    assert snapshot(draft) == before


def test_publish_twice_is_a_conflict_and_holds_once():
    task = open_task()
    before = snapshot(task)
    with pytest.raises(Conflict):
        services.task_publish(client=task.client, task_id=task.pk)
    assert snapshot(task) == before


def test_publish_of_someone_elses_draft_is_not_found(user):
    draft = PieceTaskFactory()
    before = snapshot(draft)
    with pytest.raises(NotFound):
        services.task_publish(client=user, task_id=draft.pk)
    assert snapshot(draft) == before


# --- submitting ---------------------------------------------------------------------------


def test_submit_a_text_piece_takes_a_slot():
    task = open_task()
    author = UserFactory()
    piece = submit(task, author, text="  Red, shirt  ")
    assert (piece.status, piece.text, piece.author) == (PieceStatus.PENDING, "Red, shirt", author)
    assert len(piece.text_sha256) == 64
    assert piece.file_sha256 == ""


def test_submit_a_file_piece_keeps_the_original_private():
    task = open_task()
    piece = submit(task, text="", upload=png_upload())
    assert piece.file_type == "image/png"
    assert len(piece.file_sha256) == 64
    assert piece.file.name.startswith(f"piecework/{task.pk}/")
    with pytest.raises(ValueError, match="no public URL"):
        piece.file.url  # noqa: B018


def test_submit_refuses_an_empty_piece_and_a_bad_file():
    task = open_task()
    before = snapshot(task)
    with pytest.raises(InvalidInput) as empty:
        submit(task, text="   ")
    fake = SimpleUploadedFile("x.png", b"not really a picture", content_type="image/png")
    with pytest.raises(InvalidInput) as bad_file:
        submit(task, upload=fake)
    with pytest.raises(InvalidInput) as too_long:
        submit(task, text="x" * 10001)
    assert (empty.value.code, bad_file.value.code, too_long.value.code) == (
        "piece_empty",
        "file_type",
        "piece_too_long",
    )
    assert snapshot(task) == before


def test_the_client_cannot_submit_to_their_own_task():
    task = open_task()
    before = snapshot(task)
    with pytest.raises(PermissionDenied):
        submit(task, task.client)
    assert snapshot(task) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.CANCELLED])
def test_a_hidden_task_is_not_found_for_a_freelancer(status):
    task = PieceTaskFactory(status=status)
    with pytest.raises(NotFound):
        submit(task)
    assert not Piece.objects.exists()


def test_a_closed_or_overdue_task_takes_no_pieces():
    task = open_task()
    before = snapshot(task)
    with pytest.raises(Conflict) as overdue:
        submit(task, now=task.deadline)
    assert overdue.value.code == "task_not_open"
    assert snapshot(task) == before
    services.task_close(client=task.client, task_id=task.pk)
    with pytest.raises(Conflict):
        submit(task)
    assert not Piece.objects.exists()


def test_no_piece_beyond_the_wanted_count():
    task = open_task(pieces_wanted=2, max_per_freelancer=None)
    submit(task)
    submit(task)
    before = snapshot(task)
    with pytest.raises(Conflict) as error:
        submit(task)
    assert error.value.code == "no_slots_left"
    assert snapshot(task) == before


def test_no_freelancer_beyond_their_maximum():
    task = open_task(pieces_wanted=4, max_per_freelancer=2)
    author = UserFactory()
    submit(task, author, text="one")
    submit(task, author, text="two")
    before = snapshot(task)
    with pytest.raises(Conflict) as error:
        submit(task, author, text="three")
    assert error.value.code == "freelancer_limit"
    assert snapshot(task) == before
    submit(task, text="someone else may")
    assert task.pieces.count() == 3


def test_a_rejected_piece_frees_its_slot():
    task = open_task(pieces_wanted=1, max_per_freelancer=1)
    author = UserFactory()
    first = submit(task, author, text="blurry")
    services.piece_reject(client=task.client, piece_id=first.pk, reason="Too blurry")
    second = submit(task, author, text="sharp")
    assert second.status == PieceStatus.PENDING


def test_the_same_text_or_file_twice_is_refused():
    task = open_task(pieces_wanted=4, max_per_freelancer=None)
    submit(task, text="Blue  jacket")
    submit(task, text="", upload=png_upload())
    before = snapshot(task)
    with pytest.raises(Conflict) as same_text:
        submit(task, text=" Blue jacket ")
    with pytest.raises(Conflict) as same_file:
        submit(task, text="new words", upload=png_upload(name="renamed.png"))
    assert same_text.value.code == same_file.value.code == "duplicate_piece"
    assert snapshot(task) == before


def test_the_same_text_on_another_task_is_fine():
    submit(open_task(), text="Green hat")
    assert submit(open_task(), text="Green hat").status == PieceStatus.PENDING


# --- reviewing ----------------------------------------------------------------------------


def test_accept_pays_the_unit_price_to_the_author():
    task = open_task(unit_price=Decimal("2.50"), pieces_wanted=4)
    piece = submit(task)
    services.piece_accept(client=task.client, piece_id=piece.pk)
    piece.refresh_from_db()
    assert piece.status == PieceStatus.ACCEPTED
    assert piece.reviewed_at is not None and not piece.auto_accepted
    release = escrow_journals(kind=RELEASED).get()
    assert (payee(release), escrow_amount(release), release.idempotency_key) == (
        piece.author,
        Decimal("2.50"),
        f"piecework-piece:{piece.pk}",
    )
    assert held(task) == Decimal("7.50")


def test_reject_needs_a_reason_the_author_sees():
    task = open_task()
    piece = submit(task)
    before = snapshot(task)
    with pytest.raises(InvalidInput) as missing:
        services.piece_reject(client=task.client, piece_id=piece.pk, reason="  ")
    with pytest.raises(InvalidInput) as too_long:
        services.piece_reject(client=task.client, piece_id=piece.pk, reason="x" * 501)
    assert (missing.value.code, too_long.value.code) == ("reason_required", "reason_too_long")
    assert snapshot(task) == before
    services.piece_reject(client=task.client, piece_id=piece.pk, reason="Wrong colour")
    piece.refresh_from_db()
    assert (piece.status, piece.rejection_reason) == (PieceStatus.REJECTED, "Wrong colour")
    assert held(task) == task.budget


def test_someone_elses_piece_is_not_found_and_nothing_moves(user):
    task = open_task()
    piece = submit(task)
    other_task = open_task()
    before = snapshot(task)
    with pytest.raises(NotFound):
        services.piece_accept(client=user, piece_id=piece.pk)
    with pytest.raises(NotFound):
        services.piece_reject(client=piece.author, piece_id=piece.pk, reason="mine")
    with pytest.raises(NotFound):
        services.pieces_accept(
            client=other_task.client, task_id=other_task.pk, piece_ids=[piece.pk]
        )
    assert snapshot(task) == before


def test_a_reviewed_piece_cannot_be_reviewed_again():
    task = open_task()
    piece = submit(task)
    services.piece_accept(client=task.client, piece_id=piece.pk)
    before = snapshot(task)
    with pytest.raises(Conflict):
        services.piece_accept(client=task.client, piece_id=piece.pk)
    with pytest.raises(Conflict):
        services.piece_reject(client=task.client, piece_id=piece.pk, reason="changed my mind")
    assert snapshot(task) == before


def test_bulk_accept_is_all_or_nothing():
    task = open_task(pieces_wanted=4, max_per_freelancer=None)
    first, second, third = submit(task), submit(task), submit(task)
    services.piece_reject(client=task.client, piece_id=third.pk, reason="Off topic")
    before = snapshot(task)
    with pytest.raises(Conflict):
        services.pieces_accept(
            client=task.client, task_id=task.pk, piece_ids=[first.pk, second.pk, third.pk]
        )
    with pytest.raises(InvalidInput):
        services.pieces_accept(client=task.client, task_id=task.pk, piece_ids=[])
    assert snapshot(task) == before
    services.pieces_accept(client=task.client, task_id=task.pk, piece_ids=[first.pk, second.pk])
    assert task.pieces.filter(status=PieceStatus.ACCEPTED).count() == 2
    assert held(task) == task.budget - 2 * task.unit_price


def test_bulk_reject_gives_every_piece_the_reason():
    task = open_task(pieces_wanted=4, max_per_freelancer=None)
    pieces = [submit(task), submit(task)]
    services.pieces_reject(
        client=task.client, task_id=task.pk, piece_ids=[p.pk for p in pieces], reason="Blurry"
    )
    assert set(task.pieces.values_list("status", "rejection_reason")) == {
        (PieceStatus.REJECTED, "Blurry")
    }


# --- closing, cancelling, settling: escrow ends at exactly zero ----------------------------


def test_accepting_every_wanted_piece_closes_and_settles_the_task():
    task = open_task(pieces_wanted=2, max_per_freelancer=None)
    pieces = [submit(task), submit(task)]
    services.pieces_accept(client=task.client, task_id=task.pk, piece_ids=[p.pk for p in pieces])
    task.refresh_from_db()
    assert task.status == Status.CLOSED
    assert task.settled_at is not None
    assert task.status_changes.last().reason == services.FULL_REASON
    assert escrow_moved(reference=task.escrow_reference, kind=RELEASED) == task.budget
    assert escrow_moved(reference=task.escrow_reference, kind=REFUNDED) == 0
    assert held(task) == 0


def test_closing_with_nothing_pending_refunds_the_rest_at_once():
    task = open_task(pieces_wanted=4, unit_price=Decimal("2.50"))
    piece = submit(task)
    services.piece_accept(client=task.client, piece_id=piece.pk)
    submit_rejected = submit(task)
    services.piece_reject(client=task.client, piece_id=submit_rejected.pk, reason="No")
    services.task_close(client=task.client, task_id=task.pk, reason="Enough")
    task.refresh_from_db()
    assert (task.status, task.closed_at is not None, task.settled_at is not None) == (
        Status.CLOSED,
        True,
        True,
    )
    refund = escrow_journals(kind=REFUNDED).get()
    assert (escrow_amount(refund), payee(refund), refund.idempotency_key) == (
        Decimal("7.50"),
        task.client,
        f"piecework-refund:{task.pk}",
    )
    assert held(task) == 0


def test_closing_with_pending_pieces_waits_for_their_review():
    task = open_task(pieces_wanted=4, max_per_freelancer=None)
    first, second = submit(task), submit(task)
    services.task_close(client=task.client, task_id=task.pk)
    task.refresh_from_db()
    assert task.settled_at is None
    assert held(task) == task.budget
    services.piece_accept(client=task.client, piece_id=first.pk)
    assert held(task) == task.budget - task.unit_price
    services.piece_reject(client=task.client, piece_id=second.pk, reason="Duplicate photo")
    task.refresh_from_db()
    assert task.settled_at is not None
    assert held(task) == 0
    assert escrow_moved(reference=task.escrow_reference, kind=RELEASED) == task.unit_price


def test_closing_a_draft_or_closed_task_is_a_conflict():
    draft = PieceTaskFactory()
    before = snapshot(draft)
    with pytest.raises(Conflict):
        services.task_close(client=draft.client, task_id=draft.pk)
    assert snapshot(draft) == before
    task = open_task()
    services.task_close(client=task.client, task_id=task.pk)
    before = snapshot(task)
    with pytest.raises(Conflict):
        services.task_close(client=task.client, task_id=task.pk)
    assert snapshot(task) == before


def test_cancel_an_open_task_without_pieces_refunds_the_whole_hold():
    task = open_task()
    rejected = submit(task)
    services.piece_reject(client=task.client, piece_id=rejected.pk, reason="Spam")
    services.task_cancel(client=task.client, task_id=task.pk, reason="Plans changed")
    task.refresh_from_db()
    assert task.status == Status.CANCELLED
    assert escrow_moved(reference=task.escrow_reference, kind=REFUNDED) == task.budget
    assert held(task) == 0
    assert task.status_changes.last().reason == "Plans changed"


def test_cancel_a_draft_moves_no_money():
    draft = PieceTaskFactory()
    services.task_cancel(client=draft.client, task_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.CANCELLED
    assert not escrow_journals().exists()
    assert held(draft) == 0


@pytest.mark.parametrize("accept", [True, False])
def test_cancel_is_refused_once_pieces_are_pending_or_accepted(accept):
    task = open_task()
    piece = submit(task)
    if accept:
        services.piece_accept(client=task.client, piece_id=piece.pk)
    before = snapshot(task)
    with pytest.raises(Conflict) as error:
        services.task_cancel(client=task.client, task_id=task.pk)
    assert error.value.code == "task_has_pieces"
    assert snapshot(task) == before


def test_cancel_of_someone_elses_task_is_not_found(user):
    task = open_task()
    before = snapshot(task)
    with pytest.raises(NotFound):
        services.task_cancel(client=user, task_id=task.pk)
    assert snapshot(task) == before


def test_a_closed_task_cannot_be_cancelled():
    task = open_task()
    services.task_close(client=task.client, task_id=task.pk)
    before = snapshot(task)
    with pytest.raises(Conflict):
        services.task_cancel(client=task.client, task_id=task.pk)
    assert snapshot(task) == before


def test_transition_outside_the_map_is_refused_without_history():
    task = PieceTaskFactory()
    with pytest.raises(Conflict) as error:
        services.task_transition(task=task, to=Status.CLOSED, actor=task.client)
    assert error.value.code == "illegal_transition"
    assert not PieceTaskStatusChange.objects.exists()


# --- periodic jobs (explicit now=) --------------------------------------------------------


def test_overdue_tasks_close_and_settle_when_nothing_is_pending():
    idle = open_task()
    busy = open_task(max_per_freelancer=None)
    piece = submit(busy)
    later = busy.deadline + timedelta(minutes=1)
    assert services.tasks_close_overdue(now=idle.deadline - timedelta(minutes=1)) == 0
    assert services.tasks_close_overdue(now=later) == 2
    assert services.tasks_close_overdue(now=later) == 0
    idle.refresh_from_db()
    busy.refresh_from_db()
    assert (idle.status, busy.status) == (Status.CLOSED, Status.CLOSED)
    assert idle.status_changes.last().reason == services.DEADLINE_REASON
    assert idle.status_changes.last().actor is None
    assert held(idle) == 0 and idle.settled_at == later
    assert busy.settled_at is None and held(busy) == busy.budget
    services.piece_accept(client=busy.client, piece_id=piece.pk, now=later)
    assert held(busy) == 0


def test_stale_pending_pieces_are_accepted_and_paid():
    task = open_task(max_per_freelancer=None)
    start = timezone.now()
    old = submit(task, now=start)
    fresh = submit(task, now=start + timedelta(days=2))
    run_at = start + AUTO_ACCEPT_AFTER
    assert services.pieces_accept_stale(now=run_at - timedelta(seconds=1)) == 0
    assert services.pieces_accept_stale(now=run_at) == 1
    assert services.pieces_accept_stale(now=run_at) == 0
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.auto_accepted, old.reviewed_at) == (PieceStatus.ACCEPTED, True, run_at)
    assert fresh.status == PieceStatus.PENDING
    assert held(task) == task.budget - task.unit_price


def test_auto_accepting_the_last_pending_piece_of_a_closed_task_settles_it():
    task = open_task(max_per_freelancer=None)
    start = timezone.now()
    submit(task, now=start)
    services.task_close(client=task.client, task_id=task.pk, now=start)
    services.pieces_accept_stale(now=start + AUTO_ACCEPT_AFTER)
    task.refresh_from_db()
    assert task.settled_at is not None
    assert held(task) == 0


def test_settle_job_refunds_closed_tasks_once():
    task = open_task()
    # given a closed task left unsettled (as after a failed refund)
    PieceTask.objects.filter(pk=task.pk).update(status=Status.CLOSED)
    pending_task = open_task(max_per_freelancer=None)
    submit(pending_task)
    PieceTask.objects.filter(pk=pending_task.pk).update(status=Status.CLOSED)
    now = timezone.now()
    # when
    assert services.tasks_settle_closed(now=now) == 1
    assert services.tasks_settle_closed(now=now) == 0
    # then
    assert held(task) == 0
    assert held(pending_task) == pending_task.budget
    assert escrow_journals(kind=REFUNDED).count() == 1


def test_celery_jobs_run_against_now():
    task = open_task()
    assert tasks.close_overdue_piece_tasks.apply().get() == 0
    assert tasks.accept_stale_pieces.apply().get() == 0
    assert tasks.settle_closed_piece_tasks.apply().get() == 0
    assert held(task) == task.budget
