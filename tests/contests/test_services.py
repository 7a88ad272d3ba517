"""Contest services: drafts, publishing with escrow, entries, judging, the award, cancelling.
Every refusal proves nothing changed and no money moved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiedan.contests import services
from jiedan.contests.models import (
    ALLOWED_TRANSITIONS,
    MAX_ENTRIES_PER_AUTHOR,
    Contest,
    ContestStatusChange,
    Entry,
    EntryFile,
    EntryStatus,
    Status,
)
from jiedan.contests.services import ContestDetails
from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jiedan.escrow.selectors import escrow_balance, escrow_moved
from tests.escrow.helpers import HELD, REFUNDED, RELEASED, escrow_amount, escrow_journals, payee
from tests.factories import UserFactory

from .factories import (
    CategoryFactory,
    ContestFactory,
    SkillFactory,
    image_upload,
    judging_contest,
    open_contest,
    pdf_upload,
    submit,
)

pytestmark = pytest.mark.django_db


def details(category, **overrides) -> ContestDetails:
    values = {
        "title": "Name and logo for our noodle bar",
        "brief": "A logo that works on a sign and on chopstick sleeves, in red and black ink.",
        "category_id": category.pk,
        "prizes": ["2000", "800", None],
        "entry_deadline": timezone.now() + timedelta(days=10),
    }
    return ContestDetails(**{**values, **overrides})


def state(contest: Contest) -> tuple:
    """Everything a refused action must leave as it was."""
    contest.refresh_from_db()
    return (
        contest.status,
        contest.title,
        list(contest.prizes.values_list("place", "amount")),
        list(contest.entries.values_list("pk", "status", "rating", "place", "invalid_reason")),
        contest.status_changes.count(),
        EntryFile.objects.filter(entry__contest=contest).count(),
        escrow_journals(contest.escrow_reference).count(),
    )


# --- drafts ---------------------------------------------------------------------------------


def test_create_makes_a_draft_with_ordered_prizes_and_skills(user):
    category = CategoryFactory()
    skill = SkillFactory(category=category)
    contest = services.contest_create(
        client=user, details=details(category, skill_ids=[skill.pk], entry_visibility="sealed")
    )
    assert contest.status == Status.DRAFT
    assert list(contest.prizes.values_list("place", "amount")) == [
        (1, Decimal("2000.00")),
        (2, Decimal("800.00")),
    ]
    assert contest.prize_total == Decimal("2800.00")
    assert contest.is_sealed
    assert list(contest.skills.all()) == [skill]
    assert not escrow_journals().exists()


BAD_DETAILS = [
    ({"prizes": ["500", None, "100"]}, "prize_gap"),
    ({"prizes": ["500", "400", "300", "200"]}, "too_many_places"),
    ({"prizes": ["500", "800"]}, "prizes_not_descending"),
    ({"prizes": ["900000", "800000"]}, "prizes_too_large"),
    ({"prizes": ["-5"]}, "amount_out_of_range"),
    ({"prizes": ["0"]}, "amount_out_of_range"),
    ({"prizes": ["abc"]}, "invalid_amount"),
    ({"currency": "XXX"}, "unsupported_currency"),
    ({"entry_deadline": "past"}, "deadline_past"),
    ({"judging_days": 0}, "bad_judging_days"),
    ({"judging_days": 31}, "bad_judging_days"),
    ({"entry_visibility": "public"}, "bad_visibility"),
    ({"title": "  "}, "title_required"),
    ({"category_id": 999999}, "unknown_category"),
    ({"skill_ids": [999999]}, "unknown_skill"),
]


@pytest.mark.parametrize(("overrides", "code"), BAD_DETAILS)
def test_bad_details_are_refused_and_nothing_is_saved(user, overrides, code):
    if overrides.get("entry_deadline") == "past":
        overrides = {"entry_deadline": timezone.now() - timedelta(minutes=1)}
    with pytest.raises(InvalidInput) as error:
        services.contest_create(client=user, details=details(CategoryFactory(), **overrides))
    assert error.value.code == code
    assert not Contest.objects.exists()


@pytest.mark.parametrize(("overrides", "code"), BAD_DETAILS[:4])
def test_bad_update_leaves_the_draft_as_it_was(overrides, code):
    contest = ContestFactory()
    before = state(contest)
    with pytest.raises(InvalidInput):
        services.contest_update(
            client=contest.client,
            contest_id=contest.pk,
            details=details(contest.category, title="Changed", **overrides),
        )
    assert state(contest) == before


def test_anonymous_cannot_create():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        services.contest_create(client=AnonymousUser(), details=details(CategoryFactory()))
    assert not Contest.objects.exists()


def test_update_replaces_a_draft_and_its_prizes():
    contest = ContestFactory()
    services.contest_update(
        client=contest.client,
        contest_id=contest.pk,
        details=details(contest.category, title="New title", prizes=["300"]),
    )
    contest.refresh_from_db()
    assert contest.title == "New title"
    assert list(contest.prizes.values_list("place", "amount")) == [(1, Decimal("300.00"))]


def test_published_contest_cannot_be_edited():
    contest = open_contest()
    before = state(contest)
    with pytest.raises(Conflict) as error:
        services.contest_update(
            client=contest.client, contest_id=contest.pk, details=details(contest.category)
        )
    assert error.value.code == "contest_not_draft"
    assert state(contest) == before


def test_someone_elses_contest_is_not_found_for_every_client_action(other_user):
    contest = ContestFactory()
    before = state(contest)
    actions = [
        lambda: services.contest_update(
            client=other_user, contest_id=contest.pk, details=details(contest.category)
        ),
        lambda: services.contest_publish(client=other_user, contest_id=contest.pk),
        lambda: services.contest_cancel(client=other_user, contest_id=contest.pk),
        lambda: services.contest_award(client=other_user, contest_id=contest.pk, entry_ids=[]),
    ]
    for action in actions:
        with pytest.raises(NotFound):
            action()
    assert state(contest) == before


# --- publishing -----------------------------------------------------------------------------


def test_publish_opens_the_contest_and_holds_the_total_prize_in_escrow():
    contest = ContestFactory(prizes=["1200", "600", "200"])
    now = timezone.now()
    services.contest_publish(client=contest.client, contest_id=contest.pk, now=now)
    contest.refresh_from_db()
    assert contest.status == Status.OPEN
    assert contest.published_at == now
    assert contest.judging_ends_at == contest.entry_deadline + timedelta(days=7)
    assert escrow_balance(reference=f"contest:{contest.pk}") == Decimal("2000.00")
    hold = escrow_journals(contest.escrow_reference).get()
    assert (hold.kind, hold.actor, hold.idempotency_key) == (
        HELD,
        contest.client,
        f"contest:{contest.pk}:hold",
    )
    change = contest.status_changes.get()
    assert (change.actor, change.from_status, change.to_status) == (
        contest.client,
        Status.DRAFT,
        Status.OPEN,
    )


@pytest.mark.parametrize(
    "broken",
    [
        {"brief": "too short"},
        {"category": None},
        {"prizes": []},
        {"entry_deadline": None},
        {"entry_deadline": "soon"},
        {"entry_deadline": "far"},
    ],
)
def test_incomplete_draft_is_not_published_and_nothing_is_held(broken):
    now = timezone.now()
    moments = {"soon": now + timedelta(hours=3), "far": now + timedelta(days=61)}
    if broken.get("entry_deadline") in moments:
        broken = {"entry_deadline": moments[broken["entry_deadline"]]}
    contest = ContestFactory(**broken)
    before = state(contest)
    with pytest.raises(InvalidInput) as error:
        services.contest_publish(client=contest.client, contest_id=contest.pk, now=now)
    assert error.value.code == "contest_incomplete"
    assert state(contest) == before


def test_publishing_twice_is_refused_and_holds_once():
    contest = open_contest()
    before = state(contest)
    with pytest.raises(Conflict):
        services.contest_publish(client=contest.client, contest_id=contest.pk)
    assert state(contest) == before
    assert escrow_balance(reference=contest.escrow_reference) == Decimal("1500.00")


def test_every_illegal_transition_is_refused_without_history():
    contest = ContestFactory()
    for current in Status.values:
        for target in set(Status.values) - ALLOWED_TRANSITIONS[current]:
            contest.status = current
            with pytest.raises(Conflict):
                services.contest_transition(contest=contest, to=target, actor=None)
    assert not ContestStatusChange.objects.exists()


# --- cancelling -----------------------------------------------------------------------------


def test_cancelling_a_draft_moves_no_money():
    contest = ContestFactory()
    services.contest_cancel(client=contest.client, contest_id=contest.pk, reason=" changed plan ")
    contest.refresh_from_db()
    assert contest.status == Status.CANCELLED
    assert contest.status_changes.get().reason == "changed plan"
    assert not escrow_journals().exists()


def test_the_last_valid_entry_cannot_be_set_aside_so_the_prize_stays_guaranteed():
    # given an open contest with two entries, one of them already set aside
    contest = open_contest()
    first, last = submit(contest), submit(contest)
    services.entry_mark_not_valid(client=contest.client, entry_id=first.pk, reason="Off-brief")
    before = state(contest)
    # when the client tries to set the last valid one aside, or to cancel
    with pytest.raises(Conflict) as error:
        services.entry_mark_not_valid(client=contest.client, entry_id=last.pk, reason="No")
    with pytest.raises(Conflict):
        services.contest_cancel(client=contest.client, contest_id=contest.pk)
    # then nothing changed and the prize is still held
    assert error.value.code == "last_valid_entry"
    assert state(contest) == before
    assert escrow_balance(reference=contest.escrow_reference) == Decimal("1500.00")


def test_cancelling_an_open_contest_without_valid_entries_refunds_everything():
    contest = open_contest()
    withdrawn = submit(contest)
    services.entry_withdraw(author=withdrawn.author, entry_id=withdrawn.pk)
    services.contest_cancel(client=contest.client, contest_id=contest.pk)
    contest.refresh_from_db()
    assert contest.status == Status.CANCELLED
    assert escrow_balance(reference=contest.escrow_reference) == 0
    assert escrow_moved(reference=contest.escrow_reference, kind=REFUNDED) == Decimal("1500.00")


def test_a_valid_entry_makes_the_prize_guaranteed():
    contest = open_contest()
    submit(contest)
    before = state(contest)
    with pytest.raises(Conflict) as error:
        services.contest_cancel(client=contest.client, contest_id=contest.pk)
    assert error.value.code == "prize_guaranteed"
    assert state(contest) == before
    assert escrow_balance(reference=contest.escrow_reference) == Decimal("1500.00")


def test_a_judging_contest_cannot_be_cancelled():
    contest, _entries = judging_contest()
    before = state(contest)
    with pytest.raises(Conflict):
        services.contest_cancel(client=contest.client, contest_id=contest.pk)
    assert state(contest) == before


# --- entries --------------------------------------------------------------------------------


def test_entry_keeps_originals_private_and_gives_images_a_watermarked_preview():
    contest = open_contest()
    entry = submit(contest, files=[image_upload(size=(2400, 1600)), pdf_upload()])
    image, document = entry.files.order_by("position")
    assert entry.status == EntryStatus.SUBMITTED
    assert image.kind == "image" and image.preview
    assert image.original.storage.__class__.__name__ == "PrivateFileSystemStorage"
    assert image.preview.storage.__class__.__name__ == "PrivateFileSystemStorage"
    with pytest.raises(ValueError):
        image.original.url  # noqa: B018 - private files have no URL
    from PIL import Image

    with image.preview.open("rb") as preview, Image.open(preview) as picture:
        assert max(picture.size) == 1200
        assert picture.format == "JPEG"
    assert document.kind == "document" and not document.preview
    assert len(document.sha256) == 64


def test_client_cannot_enter_their_own_contest():
    contest = open_contest()
    before = state(contest)
    with pytest.raises(PermissionDenied):
        submit(contest, contest.client)
    assert state(contest) == before


def test_entries_are_refused_after_the_deadline_even_before_the_job_runs():
    contest = open_contest()
    before = state(contest)
    with pytest.raises(Conflict) as error:
        submit(contest, now=contest.entry_deadline)
    assert error.value.code == "entries_closed"
    assert state(contest) == before


def test_a_draft_is_not_found_for_entrants():
    contest = ContestFactory()
    with pytest.raises(NotFound):
        submit(contest)
    assert not Entry.objects.exists()


def test_one_author_has_at_most_five_entries_withdrawn_ones_not_counted(user):
    contest = open_contest()
    entries = [submit(contest, user) for _ in range(MAX_ENTRIES_PER_AUTHOR)]
    before = state(contest)
    with pytest.raises(Conflict) as error:
        submit(contest, user)
    assert error.value.code == "too_many_entries"
    assert state(contest) == before
    services.entry_withdraw(author=user, entry_id=entries[0].pk)
    submit(contest, user)
    assert contest.entries.filter(author=user).count() == MAX_ENTRIES_PER_AUTHOR + 1


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([], "entry_file_count"),
        ([image_upload(f"{n}.png") for n in range(6)], "entry_file_count"),
        ([image_upload(), SimpleUploadedFile("x.exe", b"MZ" + b"\0" * 50)], "file_type"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(files, code):
    contest = open_contest()
    with pytest.raises(InvalidInput) as error:
        services.entry_submit(
            author=UserFactory(), contest_id=contest.pk, title="Entry", uploads=files
        )
    assert error.value.code == code
    assert not Entry.objects.exists()
    assert not EntryFile.objects.exists()


@pytest.mark.parametrize(
    ("title", "note", "code"),
    [
        (" ", "", "title_required"),
        ("x" * 121, "", "title_too_long"),
        ("Ok", "n" * 2001, "note_too_long"),
    ],
)
def test_bad_entry_text_is_refused(title, note, code):
    contest = open_contest()
    with pytest.raises(InvalidInput) as error:
        services.entry_submit(
            author=UserFactory(),
            contest_id=contest.pk,
            title=title,
            note=note,
            uploads=[image_upload()],
        )
    assert error.value.code == code
    assert not Entry.objects.exists()


def test_author_withdraws_before_the_deadline_only():
    contest = open_contest()
    entry = submit(contest)
    late = submit(contest)
    services.entry_withdraw(author=entry.author, entry_id=entry.pk)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WITHDRAWN and entry.withdrawn_at
    with pytest.raises(Conflict):
        services.entry_withdraw(author=entry.author, entry_id=entry.pk)
    before = state(contest)
    with pytest.raises(Conflict):
        services.entry_withdraw(author=late.author, entry_id=late.pk, now=contest.entry_deadline)
    assert state(contest) == before


def test_nobody_else_withdraws_an_entry(other_user):
    contest = open_contest()
    entry = submit(contest)
    before = state(contest)
    for stranger in (other_user, contest.client):
        with pytest.raises(NotFound):
            services.entry_withdraw(author=stranger, entry_id=entry.pk)
    assert state(contest) == before


# --- judging --------------------------------------------------------------------------------


def test_client_rates_entries_one_to_five():
    contest = open_contest()
    entry = submit(contest)
    services.entry_rate(client=contest.client, entry_id=entry.pk, rating=4)
    entry.refresh_from_db()
    assert entry.rating == 4
    before = state(contest)
    for bad in (0, 6, "5"):
        with pytest.raises(InvalidInput):
            services.entry_rate(client=contest.client, entry_id=entry.pk, rating=bad)
    assert state(contest) == before


def test_only_the_client_judges_and_withdrawn_entries_are_gone(other_user):
    contest = open_contest()
    entry = submit(contest)
    withdrawn = submit(contest)
    services.entry_withdraw(author=withdrawn.author, entry_id=withdrawn.pk)
    before = state(contest)
    refused = [
        lambda: services.entry_rate(client=other_user, entry_id=entry.pk, rating=5),
        lambda: services.entry_rate(client=entry.author, entry_id=entry.pk, rating=5),
        lambda: services.entry_mark_not_valid(client=other_user, entry_id=entry.pk, reason="x"),
        lambda: services.entry_rate(client=contest.client, entry_id=withdrawn.pk, rating=5),
        lambda: services.entry_rate(client=contest.client, entry_id=999999, rating=5),
    ]
    for action in refused:
        with pytest.raises(NotFound):
            action()
    assert state(contest) == before


def test_marking_not_valid_needs_a_reason_the_author_sees_and_can_be_undone():
    contest = open_contest()
    entry = submit(contest)
    submit(contest)  # another valid entry keeps the guarantee
    before = state(contest)
    with pytest.raises(InvalidInput):
        services.entry_mark_not_valid(client=contest.client, entry_id=entry.pk, reason="  ")
    with pytest.raises(InvalidInput):
        services.entry_mark_not_valid(client=contest.client, entry_id=entry.pk, reason="x" * 1001)
    assert state(contest) == before
    services.entry_mark_not_valid(
        client=contest.client, entry_id=entry.pk, reason="Uses blue, the brief says red"
    )
    entry.refresh_from_db()
    assert (entry.status, entry.invalid_reason) == (
        EntryStatus.NOT_VALID,
        "Uses blue, the brief says red",
    )
    with pytest.raises(Conflict):
        services.entry_mark_not_valid(client=contest.client, entry_id=entry.pk, reason="again")
    services.entry_mark_valid(client=contest.client, entry_id=entry.pk)
    entry.refresh_from_db()
    assert (entry.status, entry.invalid_reason) == (EntryStatus.SUBMITTED, "")
    with pytest.raises(Conflict):
        services.entry_mark_valid(client=contest.client, entry_id=entry.pk)


def test_the_last_valid_entry_cannot_be_set_aside_while_judging():
    contest, (first, second) = judging_contest()
    services.entry_mark_not_valid(client=contest.client, entry_id=first.pk, reason="Off-brief")
    before = state(contest)
    with pytest.raises(Conflict) as error:
        services.entry_mark_not_valid(client=contest.client, entry_id=second.pk, reason="Meh")
    assert error.value.code == "last_valid_entry"
    assert state(contest) == before


def test_entries_of_an_awarded_contest_are_no_longer_judged():
    contest, (first, second) = judging_contest()
    services.contest_award(
        client=contest.client, contest_id=contest.pk, entry_ids=[first.pk, second.pk]
    )
    before = state(contest)
    with pytest.raises(Conflict):
        services.entry_rate(client=contest.client, entry_id=first.pk, rating=1)
    with pytest.raises(Conflict):
        services.entry_mark_not_valid(client=contest.client, entry_id=first.pk, reason="x")
    assert state(contest) == before


# --- the award ------------------------------------------------------------------------------


def test_award_pays_each_place_and_leaves_nothing_in_escrow():
    contest, (first, second, _third) = judging_contest(entries=3)
    services.contest_award(
        client=contest.client, contest_id=contest.pk, entry_ids=[second.pk, first.pk]
    )
    contest.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert contest.status == Status.AWARDED
    assert (second.place, first.place) == (1, 2)
    releases = escrow_journals(contest.escrow_reference, RELEASED).order_by("idempotency_key")
    assert [(payee(j), escrow_amount(j), j.idempotency_key) for j in releases] == [
        (second.author, Decimal("1000.00"), f"contest:{contest.pk}:place:1"),
        (first.author, Decimal("500.00"), f"contest:{contest.pk}:place:2"),
    ]
    assert escrow_balance(reference=contest.escrow_reference) == 0
    last = contest.status_changes.last()
    assert (last.actor, last.to_status) == (contest.client, Status.AWARDED)


def test_places_valid_entries_cannot_fill_are_refunded_to_the_client():
    contest, (only,) = judging_contest(entries=1, prizes=["900", "600", "300"])
    services.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[only.pk])
    assert escrow_moved(reference=contest.escrow_reference, kind=RELEASED) == Decimal("900.00")
    assert escrow_moved(reference=contest.escrow_reference, kind=REFUNDED) == Decimal("900.00")
    assert escrow_balance(reference=contest.escrow_reference) == 0


def test_bad_awards_are_refused_and_no_money_moves(other_user):
    contest, (first, second, _third) = judging_contest(entries=3)
    services.entry_mark_not_valid(client=contest.client, entry_id=second.pk, reason="Off-brief")
    _elsewhere, (foreign, *_rest) = judging_contest()
    before = state(contest)
    cases = [
        ([first.pk], InvalidInput, "places_unfilled"),
        ([first.pk, first.pk], InvalidInput, "winner_repeated"),
        ([first.pk, second.pk], InvalidInput, "winner_not_valid"),
        ([first.pk, foreign.pk], NotFound, "entry_not_found"),
    ]
    for entry_ids, error_type, code in cases:
        with pytest.raises(error_type) as error:
            services.contest_award(
                client=contest.client, contest_id=contest.pk, entry_ids=entry_ids
            )
        assert error.value.code == code
    assert state(contest) == before
    assert escrow_balance(reference=contest.escrow_reference) == Decimal("1500.00")


def test_award_waits_for_judging_and_happens_once():
    contest = open_contest()
    entry = submit(contest)
    with pytest.raises(Conflict):
        services.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    services.contest_deadline_pass(contest_id=contest.pk, now=contest.entry_deadline)
    services.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    before = state(contest)
    with pytest.raises(Conflict):
        services.contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk])
    assert state(contest) == before
    assert escrow_balance(reference=contest.escrow_reference) == 0
