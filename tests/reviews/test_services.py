"""Writing reviews: only the two parties of an ended, paid contract, once each, within the
window; double-blind until both wrote or the window closed; one reply; reports; moderators
hide with a reason; reminders once. Every refusal leaves nothing behind."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from jiedan.contests.services import contest_award
from jiedan.contracts import services as contracts
from jiedan.contracts.models import Contract, Source
from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from jiedan.notifications.models import Notification
from jiedan.notifications.services import preferences_update
from jiedan.reviews import selectors, services
from jiedan.reviews.models import ReportStatus, Review, ReviewReminder, ReviewReport
from tests.contests.factories import judging_contest
from tests.contracts.factories import active_contract, active_hourly_contract, logged
from tests.factories import UserFactory

from .factories import (
    both_reviewed,
    completed_contract,
    details,
    review,
    unpaid_cancelled_contract,
)

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


# --- eligibility ---------------------------------------------------------------------------


def test_a_client_reviews_the_freelancer_of_a_completed_paid_contract():
    # given a contract completed by releasing its milestone
    contract = completed_contract()
    # when the client reviews the freelancer
    written = review(contract, contract.client, stars=4, private_rating=9)
    # then the review is about the freelancer, on the freelancer's dimensions, still sealed
    assert (written.subject_id, written.author_role, written.rating) == (
        contract.freelancer_id,
        "client",
        4,
    )
    assert (written.quality, written.communication, written.timeliness) == (4, 4, 4)
    assert written.professionalism == 4 and written.clarity is None
    assert written.private_rating == 9
    assert written.revealed_at is None


def test_a_freelancer_rates_the_client_on_the_clients_dimensions():
    contract = completed_contract()
    written = review(contract, contract.freelancer, stars=3)
    assert (written.clarity, written.responsiveness, written.payment) == (3, 3, 3)
    assert written.quality is None and written.author_role == "freelancer"


def test_a_contest_winner_and_the_client_review_each_other():
    # given a contest whose first place was awarded: a completed contract, the prize paid
    contest, (entry, second) = judging_contest(entries=2)
    contest_award(client=contest.client, contest_id=contest.pk, entry_ids=[entry.pk, second.pk])
    contract = Contract.objects.get(source=Source.CONTEST, source_id=entry.pk)
    # then both may review, and the second review reveals both
    review(contract, contract.client)
    review(contract, contract.freelancer)
    assert Review.objects.filter(contract=contract, revealed_at__isnull=False).count() == 2


def test_no_review_without_money_paid():
    # given a contract cancelled before anything was funded
    contract = unpaid_cancelled_contract()
    # when either party tries to review
    for author in (contract.client, contract.freelancer):
        with pytest.raises(Conflict) as refused:
            review(contract, author)
        assert refused.value.code == "contract_not_paid"
    # then nothing was written
    assert not Review.objects.exists()


def test_hours_logged_but_never_billed_are_not_a_paid_contract():
    # given an hourly contract that ended with time logged but no statement billed yet
    contract = active_hourly_contract()
    logged(contract, 90, now=timezone.now())
    contract = contracts.contract_end(actor=contract.client, contract_id=contract.pk, reason="Done")
    assert contract.status == "completed"
    # then it cannot be reviewed yet
    with pytest.raises(Conflict) as refused:
        review(contract, contract.client)
    assert refused.value.code == "contract_not_paid"
    assert not Review.objects.exists()


def test_a_running_contract_cannot_be_reviewed():
    contract = active_contract()
    with pytest.raises(Conflict) as refused:
        review(contract, contract.client)
    assert refused.value.code == "contract_not_ended"
    assert not Review.objects.exists()


def test_the_window_closes_after_the_review_days(settings):
    # given a contract that ended exactly the window ago
    settings.JIEDAN_REVIEW_WINDOW_DAYS = 14
    ended = timezone.now() - 14 * DAY
    contract = completed_contract(ended=ended)
    # then it is refused at the close and accepted a moment before
    with pytest.raises(Conflict) as refused:
        review(contract, contract.client, now=ended + 14 * DAY)
    assert refused.value.code == "review_window_closed"
    assert not Review.objects.exists()
    assert review(contract, contract.client, now=ended + 14 * DAY - timedelta(seconds=1))


def test_one_review_per_party_and_it_cannot_change():
    contract = completed_contract()
    first = review(contract, contract.client, stars=2)
    with pytest.raises(Conflict) as refused:
        review(contract, contract.client, stars=5)
    assert refused.value.code == "already_reviewed"
    assert list(Review.objects.values_list("pk", "rating")) == [(first.pk, 2)]


def test_a_stranger_cannot_review_and_nothing_changes():
    contract = completed_contract()
    with pytest.raises(NotFound):
        services.review_submit(
            author=UserFactory(),
            contract_id=contract.pk,
            details=details(contract, contract.client),
        )
    with pytest.raises(NotAuthenticated):
        services.review_submit(
            author=AnonymousUser(),
            contract_id=contract.pk,
            details=details(contract, contract.client),
        )
    with pytest.raises(NotFound):
        services.review_submit(
            author=contract.client,
            contract_id=contract.pk + 999,
            details=details(contract, contract.client),
        )
    assert not Review.objects.exists()
    assert not Notification.objects.filter(kind__startswith="review.").exists()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"rating": 0}, "rating_out_of_range"),
        ({"rating": 6}, "rating_out_of_range"),
        ({"dimensions": {"quality": 5}}, "rating_out_of_range"),  # the others are missing
        ({"dimensions": {"payment": 5}}, "wrong_dimensions"),  # a freelancer's dimension
        ({"private_rating": 11}, "private_rating_out_of_range"),
        ({"text": "x" * 2001}, "text_too_long"),
        ({"private_feedback": "x" * 2001}, "private_feedback_too_long"),
    ],
)
def test_bad_ratings_are_refused(overrides, code):
    contract = completed_contract()
    with pytest.raises(InvalidInput) as refused:
        services.review_submit(
            author=contract.client,
            contract_id=contract.pk,
            details=details(contract, contract.client, **overrides),
        )
    assert refused.value.code == code
    assert not Review.objects.exists()


def test_pending_lists_what_each_party_may_still_review(settings):
    settings.JIEDAN_REVIEW_WINDOW_DAYS = 14
    contract = completed_contract()
    old = completed_contract(
        client=contract.client, ended=timezone.now() - 20 * DAY
    )  # window closed
    assert old.pk != contract.pk
    assert [c.pk for c in selectors.pending_reviews_of(user=contract.client)] == [contract.pk]
    review(contract, contract.freelancer)
    assert list(selectors.pending_reviews_of(user=contract.freelancer)) == []
    pending = selectors.pending_reviews_of(user=contract.client).get()
    assert pending.other_reviewed is True


# --- double-blind --------------------------------------------------------------------------


def test_the_first_review_stays_sealed_from_its_subject():
    contract = completed_contract()
    review(contract, contract.client, text="Great logo work")
    # the freelancer learns only that the client reviewed
    state = selectors.contract_reviews_for(contract=contract, viewer=contract.freelancer)
    assert state.other_reviewed is True and state.theirs is None and state.can_write
    # nothing is public and nobody was told of a received review
    assert not selectors.public_reviews_of(contract.freelancer_id).exists()
    assert not Notification.objects.filter(kind="review.received").exists()
    # the author sees their own review, private fields included
    mine = selectors.contract_reviews_for(contract=contract, viewer=contract.client).mine
    assert mine.text == "Great logo work"


def test_the_second_review_reveals_both_and_tells_each_subject():
    contract = completed_contract()
    by_client, by_freelancer = both_reviewed(contract)
    assert by_client.revealed_at == by_freelancer.revealed_at is not None
    assert told(contract.freelancer, "review.received") == 1
    assert told(contract.client, "review.received") == 1
    note = Notification.objects.get(recipient=contract.freelancer, kind="review.received")
    assert note.data["contract_id"] == contract.pk
    assert note.data["actor_name"] == contract.client.get_short_name()
    state = selectors.contract_reviews_for(contract=contract, viewer=contract.freelancer)
    assert state.theirs.pk == by_client.pk


def test_the_job_reveals_a_lone_review_when_the_window_closes(settings):
    settings.JIEDAN_REVIEW_WINDOW_DAYS = 14
    ended = timezone.now() - 13 * DAY
    contract = completed_contract(ended=ended)
    lone = review(contract, contract.client)
    # before the close: nothing happens
    assert services.reviews_reveal_due(now=ended + 14 * DAY - timedelta(minutes=1)) == 0
    lone.refresh_from_db()
    assert lone.revealed_at is None
    # at the close: revealed and the subject is told
    closes = ended + 14 * DAY
    assert services.reviews_reveal_due(now=closes) == 1
    lone.refresh_from_db()
    assert lone.revealed_at == closes
    assert told(contract.freelancer, "review.received") == 1
    assert [r.pk for r in selectors.public_reviews_of(contract.freelancer_id)] == [lone.pk]
    # running again changes nothing
    assert services.reviews_reveal_due(now=closes + DAY) == 0
    assert told(contract.freelancer, "review.received") == 1


def test_the_reveal_task_runs_from_beat(settings):
    from jiedan.reviews.tasks import reveal_due_reviews

    assert (
        settings.CELERY_BEAT_SCHEDULE["reveal-due-reviews"]["task"]
        == "jiedan.reviews.tasks.reveal_due_reviews"
    )
    assert reveal_due_reviews.apply().get() == 0


# --- reminders -----------------------------------------------------------------------------


def test_a_party_who_has_not_reviewed_is_reminded_once(settings):
    settings.JIEDAN_REVIEW_WINDOW_DAYS = 14
    ended = timezone.now() - 10 * DAY
    contract = completed_contract(ended=ended)
    review(contract, contract.client)
    # more than three days before the close: nobody yet
    assert services.review_reminders_send(now=ended + 10 * DAY) == 0
    # three days before: the freelancer, who has not reviewed
    assert services.review_reminders_send(now=ended + 11 * DAY) == 1
    assert told(contract.freelancer, "review.reminder") == 1
    assert told(contract.client, "review.reminder") == 0
    # once only
    assert services.review_reminders_send(now=ended + 12 * DAY) == 0
    assert ReviewReminder.objects.get().party_id == contract.freelancer_id
    # and never after the close
    assert services.review_remind(contract_id=contract.pk, now=ended + 15 * DAY) == 0


# --- replies -------------------------------------------------------------------------------


def test_the_subject_replies_once():
    by_client, _by_freelancer = both_reviewed()
    freelancer = by_client.subject
    replied = services.review_reply(subject=freelancer, review_id=by_client.pk, text=" Thanks! ")
    assert replied.reply == "Thanks!" and replied.replied_at is not None
    with pytest.raises(Conflict) as refused:
        services.review_reply(subject=freelancer, review_id=by_client.pk, text="Edited")
    assert refused.value.code == "already_replied"
    by_client.refresh_from_db()
    assert by_client.reply == "Thanks!"


def test_only_the_subject_replies_to_a_revealed_review():
    contract = completed_contract()
    sealed = review(contract, contract.client)
    with pytest.raises(Conflict) as refused:
        services.review_reply(subject=contract.freelancer, review_id=sealed.pk, text="Hi")
    assert refused.value.code == "review_sealed"
    review(contract, contract.freelancer)
    with pytest.raises(PermissionDenied):
        services.review_reply(subject=contract.client, review_id=sealed.pk, text="Hi")
    with pytest.raises(NotFound):
        services.review_reply(subject=UserFactory(), review_id=sealed.pk, text="Hi")
    with pytest.raises(InvalidInput):
        services.review_reply(subject=contract.freelancer, review_id=sealed.pk, text="  ")
    sealed.refresh_from_db()
    assert sealed.reply == "" and sealed.replied_at is None


# --- reports and moderation ----------------------------------------------------------------


def test_a_public_review_is_reported_once_while_open():
    by_client, _ = both_reviewed()
    subject = by_client.subject
    report = services.review_report(reporter=subject, review_id=by_client.pk, reason="Untrue")
    assert (report.status, report.reason) == (ReportStatus.OPEN, "Untrue")
    with pytest.raises(Conflict) as refused:
        services.review_report(reporter=subject, review_id=by_client.pk, reason="Again")
    assert refused.value.code == "already_reported"
    # anyone signed in may report too, but not the author
    services.review_report(reporter=UserFactory(), review_id=by_client.pk, reason="Rude")
    with pytest.raises(PermissionDenied):
        services.review_report(reporter=by_client.author, review_id=by_client.pk, reason="x")
    with pytest.raises(InvalidInput):
        services.review_report(reporter=UserFactory(), review_id=by_client.pk, reason=" ")
    assert ReviewReport.objects.count() == 2


def test_a_sealed_review_cannot_be_reported():
    contract = completed_contract()
    sealed = review(contract, contract.client)
    with pytest.raises(NotFound):
        services.review_report(reporter=contract.freelancer, review_id=sealed.pk, reason="x")
    assert not ReviewReport.objects.exists()


def test_a_moderator_hides_a_review_with_a_reason(staff_factory):
    by_client, _ = both_reviewed()
    services.review_report(reporter=by_client.subject, review_id=by_client.pk, reason="Insult")
    moderator = staff_factory("moderator")
    hidden = services.review_hide(
        moderator=moderator, review_id=by_client.pk, reason="Insulting language"
    )
    assert hidden.hidden_at is not None and hidden.hidden_by == moderator
    assert hidden.hidden_reason == "Insulting language"
    report = ReviewReport.objects.get()
    assert (report.status, report.closed_by) == (ReportStatus.HIDDEN, moderator)
    # gone from public lists; the parties still see it, hidden, on the contract
    assert not selectors.public_reviews_of(by_client.subject_id).exists()
    state = selectors.contract_reviews_for(contract=by_client.contract, viewer=by_client.subject)
    assert state.theirs.hidden_reason == "Insulting language"
    # and it can be neither replied to nor reported
    with pytest.raises(Conflict):
        services.review_reply(subject=by_client.subject, review_id=by_client.pk, text="x")
    with pytest.raises(NotFound):
        services.review_report(reporter=UserFactory(), review_id=by_client.pk, reason="x")


def test_hiding_needs_a_reason_and_the_moderation_capability(staff_factory):
    by_client, _ = both_reviewed()
    for role in ("support", "finance", "mediator"):
        with pytest.raises(PermissionDenied):
            services.review_hide(moderator=staff_factory(role), review_id=by_client.pk, reason="No")
    with pytest.raises(PermissionDenied):
        services.review_hide(moderator=by_client.subject, review_id=by_client.pk, reason="No")
    with pytest.raises(InvalidInput):
        services.review_hide(
            moderator=staff_factory("moderator"), review_id=by_client.pk, reason=""
        )
    by_client.refresh_from_db()
    assert by_client.hidden_at is None and by_client.is_public


def test_keeping_a_review_closes_its_reports(staff_factory):
    by_client, _ = both_reviewed()
    services.review_report(reporter=by_client.subject, review_id=by_client.pk, reason="Unfair")
    moderator = staff_factory("moderator")
    assert services.review_keep(moderator=moderator, review_id=by_client.pk) == 1
    assert ReviewReport.objects.get().status == ReportStatus.KEPT
    assert selectors.public_reviews_of(by_client.subject_id).get() == by_client
    # a new report may follow once the first is closed
    services.review_report(reporter=by_client.subject, review_id=by_client.pk, reason="Still")
    assert ReviewReport.objects.filter(status=ReportStatus.OPEN).count() == 1


# --- public lists --------------------------------------------------------------------------


def test_public_reviews_are_per_side_and_newest_first():
    freelancer = UserFactory()
    first, _ = both_reviewed(freelancer=freelancer)
    second, about_client = both_reviewed(freelancer=freelancer)
    as_freelancer = selectors.public_reviews_of(freelancer.pk, role="freelancer")
    assert [r.pk for r in as_freelancer] == [second.pk, first.pk]
    assert not selectors.public_reviews_of(freelancer.pk, role="client").exists()
    client = about_client.subject
    assert [r.pk for r in selectors.public_reviews_of(client.pk, role="client")] == [
        about_client.pk
    ]
    with pytest.raises(NotFound):
        selectors.public_reviews_of(client.pk, role="mediator")


# --- notifications by e-mail ---------------------------------------------------------------


@pytest.mark.usefixtures("eager_tasks")
def test_the_reveal_is_e_mailed_as_each_subject_chose(
    mailoutbox, django_capture_on_commit_callbacks
):
    # given a client who wants no e-mail about contracts
    contract = completed_contract()
    preferences_update(user=contract.client, changes={"contracts": (True, "off")})
    review(contract, contract.client)
    mailoutbox.clear()
    # when the freelancer's review reveals both
    with django_capture_on_commit_callbacks(execute=True):
        review(contract, contract.freelancer)
    # then only the freelancer is e-mailed; both are told in the notification centre
    assert [message.to for message in mailoutbox] == [[contract.freelancer.email]]
    assert told(contract.client, "review.received") == 1
