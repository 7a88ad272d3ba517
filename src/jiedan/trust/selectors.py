"""Reads of the trust app, and the one gate other apps call: ``feature_allowed`` /
``feature_ensure(user, feature)``.

What each action stops (``ACTION_FEATURES``):
- ``suspend``: everything (and the person can only see their account status and appeal);
- ``hold_payouts``: withdrawing and adding payout methods;
- ``require_mfa``: the same, until two-factor authentication is on;
- ``require_verification``: withdrawing, posting projects and sending proposals, until an
  identity submission is approved;
- ``restrict``: the features it names; ``warn``: nothing.

A person's active actions are cached per person (``state_forget`` on every change), so the
per-request checks (suspension middleware, banner) cost no query once warm.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext

from jiedan.accounts.roles import user_can

from .models import (
    Action,
    Appeal,
    AppealStatus,
    Enforcement,
    Feature,
    QueueEvent,
    QueueItem,
    RiskHit,
    SourceKind,
)

MODERATE = "content.moderate"
VERIFY = "verification.review"
CACHE_SECONDS = 300

ALL_FEATURES = frozenset(Feature.values)
ACTION_FEATURES: dict[str, frozenset[str]] = {
    Action.WARN: frozenset(),
    Action.SUSPEND: ALL_FEATURES,
    Action.HOLD_PAYOUTS: frozenset({Feature.WITHDRAW, Feature.PAYOUT_METHODS}),
    Action.REQUIRE_MFA: frozenset({Feature.WITHDRAW, Feature.PAYOUT_METHODS}),
    Action.REQUIRE_VERIFICATION: frozenset(
        {Feature.WITHDRAW, Feature.POST_PROJECTS, Feature.SEND_PROPOSALS}
    ),
}


@dataclass(frozen=True)
class Active:
    id: int
    action: str
    features: tuple[str, ...]
    reason: str


def _key(user_id: int) -> str:
    return f"trust:state:{user_id}"


def _generation_key(user_id: int) -> str:
    return f"trust:generation:{user_id}"


def state_forget(user_id: int) -> None:
    """Drop the cached actions of a person (now and again after the commit) and mark the
    session snapshots of their signed-in browsers stale."""

    def forget():
        cache.delete(_key(user_id))
        cache.set(_generation_key(user_id), time.time_ns(), None)

    forget()
    transaction.on_commit(forget)


SESSION_SNAPSHOT = "trust_state"


def session_snapshot_store(request, user) -> list[str]:
    """Keep the person's active actions in their session (taken at sign-in, renewed when a
    moderator or the risk engine changes them), so pages need no query to know them."""
    actions = [a.action for a in active_enforcements(user)]
    request.session[SESSION_SNAPSHOT] = {
        "generation": cache.get(_generation_key(user.pk)),
        "actions": actions,
    }
    return actions


def request_actions(request) -> list[str]:
    """The signed-in person's active action kinds for this request (for the suspension
    middleware and the banner): the session snapshot unless it is missing or stale."""
    cached = getattr(request, "_trust_actions", None)
    if cached is not None:
        return cached
    snapshot = request.session.get(SESSION_SNAPSHOT)
    generation = cache.get(_generation_key(request.user.pk))
    if snapshot is None or (generation is not None and snapshot["generation"] != generation):
        actions = session_snapshot_store(request, request.user)
    else:
        actions = snapshot["actions"]
    request._trust_actions = actions
    return actions


# What a suspended person's API calls may still reach: their account status and appeals.
SUSPENDED_OPEN_API = "/api/v1/trust/"


def is_suspended(user) -> bool:
    """Is ``user`` suspended now (cached: one query per person until an action changes)?"""
    return any(active.action == Action.SUSPEND for active in active_enforcements(user))


def suspension_message() -> str:
    return gettext("Your account is suspended. See your account status to read why and to appeal.")


def active_enforcements(user) -> list[Active]:
    """The person's active actions (cached)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = cache.get(_key(user.pk))
    if cached is None:
        cached = [
            Active(e.pk, e.action, tuple(e.features), e.reason)
            for e in Enforcement.objects.filter(user_id=user.pk, lifted_at__isnull=True).order_by(
                "created_at", "id"
            )
        ]
        cache.set(_key(user.pk), cached, CACHE_SECONDS)
    return cached


def _satisfied(user, action: str) -> bool:
    """A requirement met by the person is no longer in the way."""
    if action == Action.REQUIRE_MFA:
        from allauth.mfa.models import Authenticator

        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if action == Action.REQUIRE_VERIFICATION:
        from jiedan.verification.models import IdentitySubmission

        return IdentitySubmission.objects.filter(
            user=user, status=IdentitySubmission.Status.APPROVED
        ).exists()
    return False


def blocking(user, feature: str) -> Active | None:
    """The first active action that stops ``feature`` for ``user``, if any."""
    for active in active_enforcements(user):
        stopped = (
            frozenset(active.features)
            if active.action == Action.RESTRICT
            else ACTION_FEATURES[active.action]
        )
        if feature in stopped and not _satisfied(user, active.action):
            return active
    return None


def feature_allowed(user, feature: str) -> bool:
    """May ``user`` use ``feature`` (a ``Feature`` value) now?"""
    if feature not in ALL_FEATURES:
        raise KeyError(feature)
    return blocking(user, feature) is None


def feature_ensure(user, feature: str) -> None:
    """Raise ``PermissionDenied`` with the plain reason when an action stops ``feature``."""
    from django.utils.translation import gettext

    from jiedan.core.errors import PermissionDenied

    if feature not in ALL_FEATURES:
        raise KeyError(feature)
    active = blocking(user, feature)
    if active is not None:
        raise PermissionDenied(
            gettext("%(action)s: %(reason)s See “Your account” to appeal.")
            % {"action": Action(active.action).label, "reason": active.reason},
            code=f"account_{active.action}",
        )


def capability_for(source_kind: str) -> str:
    return VERIFY if source_kind == SourceKind.VERIFICATION else MODERATE


def queue_kinds_for(user) -> list[str]:
    return [k for k in SourceKind.values if user_can(user, capability_for(k))]


def can_use_queue(user) -> bool:
    return bool(getattr(user, "is_staff", False) and queue_kinds_for(user))


def queue_list(*, viewer, kind: str = "", status: str = "", user_id: int | None = None):
    """Items the viewer may see, oldest first, filtered by kind, status and person."""
    qs = QueueItem.objects.filter(source_kind__in=queue_kinds_for(viewer))
    if kind:
        qs = qs.filter(source_kind=kind)
    if status:
        qs = qs.filter(status=status)
    if user_id:
        qs = qs.filter(subject_user_id=user_id)
    return qs.select_related("subject_user", "claimed_by").order_by("created_at", "id")


def queue_item(*, viewer, item_id: int) -> QueueItem | None:
    return (
        queue_list(viewer=viewer)
        .prefetch_related(Prefetch("events", queryset=QueueEvent.objects.select_related("actor")))
        .filter(pk=item_id)
        .first()
    )


def person_history(*, user_id: int, limit: int = 50) -> dict:
    """A person's risk hits, actions and past queue items, newest first (bounded)."""
    return {
        "hits": list(RiskHit.objects.filter(user_id=user_id)[:limit]),
        "enforcements": list(
            Enforcement.objects.filter(user_id=user_id).select_related("created_by", "lifted_by")[
                :limit
            ]
        ),
        "items": list(
            QueueItem.objects.filter(subject_user_id=user_id)
            .select_related("claimed_by")
            .order_by("-created_at", "-id")[:limit]
        ),
    }


def account_status(user) -> list[Enforcement]:
    """The person's actions (active first, then the last lifted ones) with their appeals."""
    return list(
        Enforcement.objects.filter(user=user)
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-created_at")))
        .order_by("lifted_at", "-created_at", "-id")[:50]
    )


def has_open_appeal(enforcement: Enforcement) -> bool:
    return any(a.status == AppealStatus.OPEN for a in enforcement.appeals.all())


def queue_source_facts(item: QueueItem) -> dict:
    """What a moderator needs to read about the item's source (one or two queries)."""
    from .models import ProjectReport

    if item.source_kind == SourceKind.APPEAL:
        appeal = Appeal.objects.select_related("enforcement").filter(pk=item.source_id).first()
        return {"appeal": appeal}
    if item.source_kind == SourceKind.PROJECT_REPORT:
        report = ProjectReport.objects.select_related("project").filter(pk=item.source_id).first()
        return {"report": report}
    if item.source_kind == SourceKind.RISK and item.subject_user_id:
        return {"hits": list(RiskHit.objects.filter(user_id=item.subject_user_id)[:20])}
    return {}
