"""Shared pieces of the contest services: escrow keys derived from the contest, locked lookups,
the status machine and the refund of whatever is still held."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, NotAuthenticated, NotFound
from jiedan.escrow.services import escrow_refund_rest

from .. import locks
from ..models import (
    ALLOWED_TRANSITIONS,
    Contest,
    ContestStatusChange,
    EntryStatus,
    Status,
)

# --- escrow keys: derived from the contest, so repeating a step never moves money twice -------


def _hold_key(contest: Contest) -> str:
    return f"contest:{contest.pk}:hold"


def _place_key(contest: Contest, place: int) -> str:
    return f"contest:{contest.pk}:place:{place}"


def _refund_key(contest: Contest) -> str:
    return f"contest:{contest.pk}:refund"


# --- lookups --------------------------------------------------------------------------------


def _require_user(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()


def _contest_not_found() -> NotFound:
    return NotFound(_("No such contest."), code="contest_not_found")


def _entry_not_found() -> NotFound:
    return NotFound(_("No such entry."), code="entry_not_found")


def _own_contest(client, contest_id: int) -> Contest:
    """The client's contest, locked; another person's id is ``NotFound``."""
    _require_user(client)
    contest = locks.contests().filter(pk=contest_id, client=client).first()
    if contest is None:
        raise _contest_not_found()
    return contest


def _valid_count(contest: Contest) -> int:
    return contest.entries.filter(status=EntryStatus.SUBMITTED).count()


# --- the status machine ---------------------------------------------------------------------


@transaction.atomic
def contest_transition(*, contest: Contest, to: str, actor, reason: str = "") -> Contest:
    """The one way a contest's status changes: along ``ALLOWED_TRANSITIONS``, with a history
    row. The caller passes a contest it has locked."""
    current = contest.status
    if to not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("A contest cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(to).label},
            code="illegal_transition",
        )
    ContestStatusChange.objects.create(
        contest=contest, actor=actor, from_status=current, to_status=to, reason=reason
    )
    contest.status = to
    contest.save()
    return contest


def _refund_rest(contest: Contest) -> None:
    escrow_refund_rest(
        reference=contest.escrow_reference,
        payer=contest.client,
        idempotency_key=_refund_key(contest),
        memo=f"contest {contest.pk} returned",
    )
