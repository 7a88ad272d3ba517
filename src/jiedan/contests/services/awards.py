"""The award (by the client, or automatic when judging ends) and the periodic deadline step."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.contracts.services.contests import contract_record_contest_award
from jiedan.core.errors import Conflict, InvalidInput
from jiedan.escrow.services import escrow_release
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send

from .. import locks
from ..models import (
    Contest,
    Entry,
    EntryStatus,
    Status,
)
from ..selectors import entries_in_award_order
from .common import (
    _entry_not_found,
    _own_contest,
    _place_key,
    _refund_rest,
    _valid_count,
    contest_transition,
)

DEADLINE_REASON = "entry deadline passed"
NO_ENTRIES_REASON = "no valid entries at the deadline"
AUTO_AWARD_REASON = "judging period ended"


# --- the award ------------------------------------------------------------------------------


def _award(contest: Contest, winners: list[Entry], *, actor, reason: str = "") -> Contest:
    """Give place n to ``winners[n-1]``, pay its prize and record the winner's contract;
    return the prizes of places left empty; the contest is awarded. ``contest`` is locked by
    the caller."""
    prizes = list(contest.prizes.order_by("place"))
    for prize, entry in zip(prizes, winners, strict=False):
        entry.place = prize.place
        entry.save(update_fields=["place"])
        escrow_release(
            reference=contest.escrow_reference,
            payee=entry.author,
            amount=prize.amount,
            currency=contest.currency,
            idempotency_key=_place_key(contest, prize.place),
            memo=f"contest {contest.pk} place {prize.place}",
        )
        contract_record_contest_award(contest=contest, entry=entry, prize=prize, actor=actor)
    _refund_rest(contest)
    contest_transition(contest=contest, to=Status.AWARDED, actor=actor, reason=reason)
    for entry in winners:
        data = {"contest_id": contest.pk, "entry_id": entry.pk, "place": entry.place}
        user_event_push(user_id=entry.author_id, event="contest.entry.won", data=data)
        notification_send(
            recipient_id=entry.author_id,
            kind="contest.entry.won",
            data={**data, "contest_title": contest.title},
            actor=actor,
        )
    return contest


def _chosen_winners(contest: Contest, entry_ids: Sequence[int]) -> list[Entry]:
    """Distinct valid entries of this contest, one for every place valid entries can fill."""
    entry_ids = list(entry_ids)
    if any(not 0 < pk < 2**63 for pk in entry_ids):
        raise InvalidInput(_("Choose entries from the list."), code="unknown_entry")
    if len(set(entry_ids)) != len(entry_ids):
        raise InvalidInput(_("Choose a different entry for each place."), code="winner_repeated")
    found = (
        contest.entries.filter(pk__in=entry_ids)
        .exclude(status=EntryStatus.WITHDRAWN)
        .select_related("author")
        .in_bulk()
    )
    if len(found) != len(entry_ids):
        raise _entry_not_found()
    if any(not entry.is_valid for entry in found.values()):
        raise InvalidInput(_("Only valid entries can win."), code="winner_not_valid")
    fillable = min(contest.prizes.count(), _valid_count(contest))
    if len(entry_ids) != fillable:
        raise InvalidInput(
            _("Award all %(count)s places that valid entries can fill.") % {"count": fillable},
            code="places_unfilled",
        )
    return [found[pk] for pk in entry_ids]


@transaction.atomic
def contest_award(*, client, contest_id: int, entry_ids: Sequence[int]) -> Contest:
    """The client awards the places while judging: ``entry_ids`` in place order (first place
    first), as many as there are places or valid entries, whichever is fewer. Each winner's
    author is paid that place's prize; prizes of places no valid entry can fill go back to
    the client. The win transfers the winning entries' originals to the client."""
    contest = _own_contest(client, contest_id)
    if contest.status != Status.JUDGING:
        raise Conflict(
            _("Prizes are awarded after the entry deadline, while judging."),
            code="contest_not_judging",
        )
    winners = _chosen_winners(contest, entry_ids)
    return _award(contest, winners, actor=client)


# --- periodic steps -------------------------------------------------------------------------


@transaction.atomic
def contest_deadline_pass(*, contest_id: int, now: datetime) -> bool:
    """At the entry deadline an open contest goes to judging when it has a valid entry;
    otherwise it closes and the whole prize goes back to the client. False (and nothing
    changes) when the contest is not open or its deadline has not come."""
    contest = locks.contests().filter(pk=contest_id).first()
    if contest is None or contest.status != Status.OPEN or now < contest.entry_deadline:
        return False
    if _valid_count(contest):
        contest_transition(contest=contest, to=Status.JUDGING, actor=None, reason=DEADLINE_REASON)
    else:
        contest_transition(contest=contest, to=Status.CLOSED, actor=None, reason=NO_ENTRIES_REASON)
        _refund_rest(contest)
    return True


@transaction.atomic
def contest_auto_award(*, contest_id: int, now: datetime) -> bool:
    """When judging ends without an award, places go to the valid entries in
    ``entries_in_award_order`` (rating, then earliest). False (and nothing changes) when the
    contest is not judging or its judging period has not ended."""
    contest = locks.contests().filter(pk=contest_id).first()
    if contest is None or contest.status != Status.JUDGING or now < contest.judging_ends_at:
        return False
    places = contest.prizes.count()
    winners = list(entries_in_award_order(contest=contest).select_related("author")[:places])
    _award(contest, winners, actor=None, reason=AUTO_AWARD_REASON)
    return True


def contests_close_entries(*, now: datetime) -> int:
    """Run ``contest_deadline_pass`` for every open contest whose deadline has come, each in
    its own transaction. Safe to repeat. Returns how many contests moved."""
    due = Contest.objects.filter(status=Status.OPEN, entry_deadline__lte=now).order_by("pk")
    return sum(
        contest_deadline_pass(contest_id=pk, now=now) for pk in due.values_list("pk", flat=True)
    )


def contests_award_overdue(*, now: datetime) -> int:
    """Run ``contest_auto_award`` for every contest whose judging period has ended, each in
    its own transaction. Safe to repeat. Returns how many contests were awarded."""
    due = Contest.objects.filter(status=Status.JUDGING, judging_ends_at__lte=now).order_by("pk")
    return sum(
        contest_auto_award(contest_id=pk, now=now) for pk in due.values_list("pk", flat=True)
    )
