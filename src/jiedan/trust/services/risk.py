"""Risk events: a domain service reports what a person did (``risk_event``); after the
commit the rules listening to that event run (``risk_evaluate``, a background job), each hit
is stored and audited, and the person's recent score may trigger automatic actions:

- at or above ``queue`` (default 40) a "risk" item enters the review queue (one open at a
  time per person);
- at or above ``hold_payouts`` (default 70) payouts are held automatically until a moderator
  lifts the hold.

The hook never breaks the caller: evaluation runs after the caller's commit.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from jiedan.audit.services import audit_decision
from jiedan.core.jobs import enqueue_after_commit

from ..models import Action, Enforcement, QueueItem, QueueStatus, RiskHit, SourceKind
from ..rules import Event, rules_for, thresholds


def risk_event(kind: str, user, data: dict | None = None) -> None:
    """Schedule rule evaluation for ``kind`` about ``user`` once the current transaction
    commits (``data`` must be JSON-serialisable: ids, amounts as strings)."""
    if user is None or not getattr(user, "pk", None):
        return
    payload = {"kind": kind, "user_id": user.pk, "data": dict(data or {})}
    # robust: a rule that fails is logged, never the person's action
    enqueue_after_commit("jiedan.trust.tasks.risk_evaluate_task", kwargs=payload, robust=True)


def _cooling_down(rule, user, params, now) -> bool:
    since = now - timedelta(hours=params["cooldown_hours"])
    return RiskHit.objects.filter(user=user, rule=rule.code, created_at__gte=since).exists()


def recent_score(user, *, now=None) -> int:
    since = (now or timezone.now()) - timedelta(days=thresholds()["window_days"])
    total = RiskHit.objects.filter(user=user, created_at__gte=since).aggregate(s=Sum("score"))
    return total["s"] or 0


@transaction.atomic
def risk_evaluate(*, kind: str, user, data: dict | None = None, now=None) -> list[RiskHit]:
    """Run the rules listening to ``kind``; store, audit and act on what fires."""
    event = Event(kind=kind, user=user, data=data or {}, now=now or timezone.now())
    hits = []
    for rule in rules_for(kind):
        params = rule.params()
        if not params["enabled"] or _cooling_down(rule, user, params, event.now):
            continue
        finding = rule.check(event, params)
        if finding is None:
            continue
        hit = RiskHit.objects.create(
            rule=rule.code,
            user=user,
            score=params["score"],
            reason=finding.reason,
            event=kind,
            data=finding.data,
        )
        audit_decision(
            actor=None,
            action="trust.risk.hit",
            reason=f"{rule.code}: {finding.reason}",
            subject=hit,
            subject_user=user,
            data={"score": hit.score, "event": kind},
        )
        hits.append(hit)
    if hits:
        _act_on_score(user, hits[-1], event.now)
    return hits


def _act_on_score(user, hit: RiskHit, now) -> None:
    from .enforcement import enforcement_apply
    from .queue import queue_item_add

    limits = thresholds()
    score = recent_score(user, now=now)
    open_risk = QueueItem.objects.filter(
        source_kind=SourceKind.RISK,
        subject_user=user,
        status__in=(QueueStatus.OPEN, QueueStatus.CLAIMED),
    )
    if score >= limits["queue"] and not open_risk.exists():
        queue_item_add(
            source_kind=SourceKind.RISK,
            source_id=hit.pk,
            subject_user=user,
            summary=gettext("Risk score %(score)s; latest: %(reason)s")
            % {"score": score, "reason": hit.reason},
        )
    held = Enforcement.objects.filter(
        user=user, action=Action.HOLD_PAYOUTS, lifted_at__isnull=True
    ).exists()
    if score >= limits["hold_payouts"] and not held:
        enforcement_apply(
            user=user,
            action=Action.HOLD_PAYOUTS,
            reason=gettext(
                "We noticed unusual activity on your account, so withdrawals are paused while "
                "a moderator checks it. This usually takes a day. You can appeal below."
            ),
            actor=None,
        )
