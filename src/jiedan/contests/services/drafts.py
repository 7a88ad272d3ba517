"""Drafts, publishing with the prize held in escrow, and cancelling."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput
from jiedan.core.money import Currency, money_positive
from jiedan.escrow.services import escrow_hold
from jiedan.taxonomy.models import Category, Skill
from jiedan.trust.hooks import risk_event

from ..models import (
    DEFAULT_JUDGING_DAYS,
    MAX_JUDGING_DAYS,
    MAX_PLACES,
    MAX_SKILLS,
    Contest,
    ContestPrize,
    EntryVisibility,
    Status,
)
from ..selectors import contest_missing_for_publish
from .common import (
    _hold_key,
    _own_contest,
    _refund_rest,
    _require_user,
    _valid_count,
    contest_transition,
)


@dataclass(frozen=True)
class ContestDetails:
    """Everything the client writes about a contest; an update replaces all of it."""

    title: str
    brief: str = ""
    category_id: int | None = None
    skill_ids: list[int] = field(default_factory=list)
    currency: str = Currency.CNY
    prizes: list = field(default_factory=list)  # amounts by place, first place first
    entry_deadline: datetime | None = None
    judging_days: int = DEFAULT_JUDGING_DAYS
    entry_visibility: str = EntryVisibility.PREVIEWS


# --- drafts ---------------------------------------------------------------------------------


def _skills(skill_ids: list[int]) -> list[Skill]:
    ordered = list(dict.fromkeys(skill_ids))
    if len(ordered) > MAX_SKILLS:
        raise InvalidInput(
            _("Choose at most %(count)s skills.") % {"count": MAX_SKILLS}, code="too_many_skills"
        )
    skills = Skill.objects.in_bulk(ordered)
    if len(skills) != len(ordered) or not all(skill.is_active for skill in skills.values()):
        raise InvalidInput(_("Choose skills from the list."), code="unknown_skill")
    return [skills[pk] for pk in ordered]


# Escrow holds at most this much in one movement (``money_positive``'s ceiling).
MAX_PRIZE_TOTAL = Decimal("1000000")


def _prizes(amounts: Sequence, currency: str) -> list:
    """One to ``MAX_PLACES`` places, filled in order (blanks only at the end), each above zero,
    and a lower place never paying more than a higher one."""
    if currency not in Currency.values:
        raise InvalidInput(_("Unsupported currency."), code="unsupported_currency")
    given = list(amounts)
    while given and given[-1] in (None, ""):
        given.pop()
    if len(given) > MAX_PLACES:
        raise InvalidInput(
            _("A contest has at most %(count)s prize places.") % {"count": MAX_PLACES},
            code="too_many_places",
        )
    if any(amount in (None, "") for amount in given):
        raise InvalidInput(_("Fill the prize places in order."), code="prize_gap")
    prizes = [money_positive(amount, currency) for amount in given]
    if any(lower > higher for higher, lower in pairwise(prizes)):
        raise InvalidInput(
            _("A lower place cannot pay more than a higher one."), code="prizes_not_descending"
        )
    if sum(prizes) > MAX_PRIZE_TOTAL:
        raise InvalidInput(
            _("All prizes together may be at most %(maximum)s.") % {"maximum": MAX_PRIZE_TOTAL},
            code="prizes_too_large",
        )
    return prizes


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _apply_details(contest: Contest, details: ContestDetails, now: datetime) -> Contest:
    """Check everything first, then write the contest, its skills and its prizes."""
    title = details.title.strip()
    if not title:
        raise InvalidInput(_("Add a title."), code="title_required")
    if (
        details.category_id is not None
        and not Category.objects.filter(pk=details.category_id).exists()
    ):
        raise InvalidInput(_("Choose a category from the list."), code="unknown_category")
    skills = _skills(details.skill_ids)
    prizes = _prizes(details.prizes, details.currency)
    deadline = _aware(details.entry_deadline)
    if deadline is not None and deadline <= now:
        raise InvalidInput(_("The entry deadline is in the past."), code="deadline_past")
    if not 1 <= details.judging_days <= MAX_JUDGING_DAYS:
        raise InvalidInput(
            _("The judging period is 1 to %(max)s days.") % {"max": MAX_JUDGING_DAYS},
            code="bad_judging_days",
        )
    if details.entry_visibility not in EntryVisibility.values:
        raise InvalidInput(_("Choose a value from the list."), code="bad_visibility")
    contest.title, contest.brief = title, details.brief.strip()
    contest.category_id = details.category_id
    contest.currency = details.currency
    contest.entry_deadline = deadline
    contest.judging_days = details.judging_days
    contest.entry_visibility = details.entry_visibility
    try:
        contest.full_clean(exclude=["client", "category", "skills", "status"])
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), code="invalid_contest") from error
    contest.save()
    contest.skills.set(skills)
    contest.prizes.all().delete()
    ContestPrize.objects.bulk_create(
        ContestPrize(contest=contest, place=place, amount=amount)
        for place, amount in enumerate(prizes, start=1)
    )
    return contest


@transaction.atomic
def contest_create(*, client, details: ContestDetails, now: datetime | None = None) -> Contest:
    """A new draft owned by ``client``; only the client sees it until it is published."""
    _require_user(client)
    contest = Contest(client=client, status=Status.DRAFT)
    return _apply_details(contest, details, now or timezone.now())


@transaction.atomic
def contest_update(
    *, client, contest_id: int, details: ContestDetails, now: datetime | None = None
) -> Contest:
    """Replace a draft's content. A published contest is not edited: its prize is in escrow
    and freelancers work to its brief."""
    contest = _own_contest(client, contest_id)
    if contest.status != Status.DRAFT:
        raise Conflict(_("Only a draft contest can be edited."), code="contest_not_draft")
    return _apply_details(contest, details, now or timezone.now())


@transaction.atomic
def contest_publish(*, client, contest_id: int, now: datetime | None = None) -> Contest:
    """Open a complete draft for entries and hold its total prize in escrow, together."""
    contest = _own_contest(client, contest_id)
    if contest.status != Status.DRAFT:
        raise Conflict(_("Only a draft can be published."), code="contest_not_draft")
    now = now or timezone.now()
    missing = contest_missing_for_publish(contest=contest, now=now)
    if missing:
        raise InvalidInput(" ".join(str(text) for text in missing), code="contest_incomplete")
    contest.published_at = now
    contest.judging_ends_at = contest.entry_deadline + timedelta(days=contest.judging_days)
    contest_transition(contest=contest, to=Status.OPEN, actor=client)
    escrow_hold(
        reference=contest.escrow_reference,
        payer=client,
        amount=contest.prize_total,
        currency=contest.currency,
        idempotency_key=_hold_key(contest),
        memo=f"contest {contest.pk} prizes",
    )
    return contest


@transaction.atomic
def contest_cancel(*, client, contest_id: int, reason: str = "") -> Contest:
    """Withdraw a draft, or an open contest without valid entries, and return what is held.
    Once a valid entry exists the prize is guaranteed and the contest cannot be cancelled."""
    contest = _own_contest(client, contest_id)
    if contest.status == Status.OPEN and _valid_count(contest):
        raise Conflict(
            _(
                "This contest has valid entries, so its prize is guaranteed: it cannot be "
                "cancelled."
            ),
            code="prize_guaranteed",
        )
    contest_transition(contest=contest, to=Status.CANCELLED, actor=client, reason=reason.strip())
    _refund_rest(contest)
    risk_event("contest.ended", client, {"contest_id": contest.pk})
    return contest
