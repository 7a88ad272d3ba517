"""Writes for reputation: the snapshots of each person's figures, level and badges.

``reputation_refresh(user_ids=...)`` recomputes a batch from scratch (the facts in a fixed
number of queries, ``metrics`` for the figures) and upserts one row per person and side, so
running it again changes nothing but ``computed_at``. The daily job walks every active account
in batches; other apps may ask for a refresh of the people an event touched, after their own
transaction commits, with ``reputation_refresh_later``. The client snapshot's rating is copied
to ``ClientProfile.rating_average``/``rating_count``, which project search filters on.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jiedan.core.jobs import enqueue_after_commit
from jiedan.profiles.models import ClientProfile

from . import formulas, metrics
from .models import ClientReputation, FreelancerReputation
from .selectors import ClientFacts, FreelancerFacts, reputation_facts

BATCH_SIZE = 200
REFRESH_TASK = "jiedan.reputation.tasks.refresh_reputations"
FREELANCER_FIELDS = [f.name for f in FreelancerReputation._meta.concrete_fields if f.name != "user"]
CLIENT_FIELDS = [f.name for f in ClientReputation._meta.concrete_fields if f.name != "user"]


def _standing(facts: FreelancerFacts, now: datetime) -> metrics.Standing:
    on_time, on_time_count = metrics.on_time_delivery(facts.due, today=timezone.localdate(now))
    response_hours, response_count = metrics.response_time(facts.contacts, now=now)
    since = now - formulas.LOST_DISPUTE_WINDOW
    return metrics.Standing(
        completed_contracts=sum(c.completed for c in facts.ended),
        job_success=metrics.job_success(facts.ended, now=now),
        rating=metrics.weighted_rating(facts.rated, now=now),
        lost_disputes_recent=sum(at >= since for at in facts.lost_disputes_closed_at),
        earned_band=metrics.money_band(facts.earned),
        account_age=now - facts.joined_at,
        clean_since=max([facts.joined_at, *facts.lost_disputes_closed_at]),
        response_hours=response_hours,
        response_count=response_count,
        on_time_rate=on_time,
        on_time_count=on_time_count,
    )


def _freelancer_row(facts: FreelancerFacts, now: datetime) -> FreelancerReputation:
    standing = _standing(facts, now)
    verdict = metrics.verdict(standing, now=now)
    return FreelancerReputation(
        user_id=facts.user_id,
        level=verdict.level,
        rating=standing.rating,
        rating_count=len(facts.rated),
        job_success=standing.job_success,
        ended_contracts=len(facts.ended),
        completed_contracts=standing.completed_contracts,
        completion_rate=metrics.completion_rate(facts.ended),
        on_time_rate=standing.on_time_rate,
        on_time_count=standing.on_time_count,
        response_hours=standing.response_hours,
        response_count=standing.response_count,
        repeat_client_rate=metrics.repeat_client_rate(facts.client_ids),
        earned_band=standing.earned_band,
        lost_disputes_recent=standing.lost_disputes_recent,
        badges=verdict.badges,
        criteria=verdict.criteria,
        computed_at=now,
    )


def _client_row(facts: ClientFacts, now: datetime) -> ClientReputation:
    return ClientReputation(
        user_id=facts.user_id,
        rating=metrics.weighted_rating(facts.rated, now=now),
        rating_count=len(facts.rated),
        hire_rate=metrics.hire_rate(
            ended_projects=facts.ended_projects, hired_projects=facts.hired_projects
        ),
        ended_projects=facts.ended_projects,
        payment_record=metrics.payment_record(facts.payments),
        payment_count=len(facts.payments),
        spent_band=metrics.money_band(facts.spent),
        computed_at=now,
    )


def _client_profiles_sync(rows: list[ClientReputation]) -> None:
    """Copy each client's rating to their profile, where project search reads it."""
    by_user = {row.user_id: row for row in rows}
    changed = []
    for profile in ClientProfile.objects.filter(user_id__in=list(by_user)):
        row = by_user[profile.user_id]
        if (profile.rating_average, profile.rating_count) != (row.rating, row.rating_count):
            profile.rating_average, profile.rating_count = row.rating, row.rating_count
            changed.append(profile)
    ClientProfile.objects.bulk_update(changed, ["rating_average", "rating_count"])


def _upsert(model, rows: list, fields: list[str]) -> None:
    """Insert or overwrite one row per person in one statement."""
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["user"], update_fields=fields
    )


@transaction.atomic
def reputation_refresh(*, user_ids, now: datetime | None = None) -> tuple[int, int]:
    """Recompute the snapshots of these people (as freelancers and as clients) from the
    current facts; returns how many freelancer and client rows were written."""
    now = now or timezone.now()
    if not user_ids:
        return 0, 0
    freelancers, clients = reputation_facts(user_ids=user_ids, now=now)
    freelancer_rows = [_freelancer_row(facts, now) for facts in freelancers.values()]
    client_rows = [_client_row(facts, now) for facts in clients.values()]
    _upsert(FreelancerReputation, freelancer_rows, FREELANCER_FIELDS)
    _upsert(ClientReputation, client_rows, CLIENT_FIELDS)
    _client_profiles_sync(client_rows)
    return len(freelancer_rows), len(client_rows)


def reputation_refresh_later(*, user_ids) -> None:
    """After the current transaction commits, recompute these people in the background (for
    services whose event changes someone's figures: a review revealed, a dispute closed, a
    contract ended)."""
    ids = sorted({int(pk) for pk in user_ids})
    if ids:
        enqueue_after_commit(REFRESH_TASK, (ids,))


def reputations_recompute(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """The daily job: every active account, in batches of ``batch_size`` by id, each batch in
    its own transaction. Returns how many people were looked at."""
    now = now or timezone.now()
    active = get_user_model().objects.filter(is_active=True).order_by("pk")
    last_id, seen = 0, 0
    while ids := list(active.filter(pk__gt=last_id).values_list("pk", flat=True)[:batch_size]):
        reputation_refresh(user_ids=ids, now=now)
        last_id, seen = ids[-1], seen + len(ids)
    return seen
