"""The moderators' review queue: one list over every source that needs a human decision.

Sources: risk scores over the threshold, appeals and project reports (added here when they
happen), and the other apps' own records — message safety flags, review reports and identity
submissions — which ``queue_sync`` (a periodic job, also on the queue page's "Refresh")
picks up while they are open. One item per source row.

Rules:
- verification items are for ``verification.review``; every other kind for
  ``content.moderate``; anyone else is refused and nothing changes;
- one moderator at a time: claiming an item another moderator holds is refused; the holder
  may release it; deciding an unclaimed item claims it in the same step;
- a decision needs a reason and one of the decisions allowed for the source
  (``DECISIONS``); it runs the owning app's service (close the flag, hide the review,
  approve the submission, lift the action…), and is written to the item's history and to
  the audit trail.
"""

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiedan.accounts.roles import user_can
from jiedan.audit.services import audit_decision
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.messaging.models import FlagStatus, SafetyFlag
from jiedan.messaging.services import safety_flags_close
from jiedan.reviews.models import ReportStatus, ReviewReport
from jiedan.reviews.services import review_hide, review_keep
from jiedan.verification.models import IdentitySubmission
from jiedan.verification.services import identity_submission_approve, identity_submission_reject

from ..models import Action, QueueEvent, QueueItem, QueueStatus, SourceKind
from ..selectors import capability_for
from .enforcement import appeal_decide, enforcement_apply

ENFORCING = (
    "warn",
    "require_verification",
    "require_mfa",
    "hold_payouts",
    "restrict",
    "suspend",
)

DECISIONS: dict[str, tuple[str, ...]] = {
    SourceKind.RISK: ("dismiss", *ENFORCING),
    SourceKind.SAFETY_FLAG: ("dismiss", "warn", "restrict", "suspend"),
    SourceKind.PROJECT_REPORT: ("dismiss", "warn", "restrict", "suspend"),
    SourceKind.REVIEW_REPORT: ("keep", "hide"),
    SourceKind.VERIFICATION: ("approve", "reject"),
    SourceKind.APPEAL: ("uphold", "decline"),
}

SYNC_BATCH = 500


def _event(item: QueueItem, what: str, actor=None, reason: str = "") -> None:
    QueueEvent.objects.create(item=item, actor=actor, what=what, reason=reason)


@transaction.atomic
def queue_item_add(*, source_kind: str, source_id: int, subject_user, summary: str) -> QueueItem:
    """Queue a source row once (a repeat returns the existing item)."""
    item, created = QueueItem.objects.get_or_create(
        source_kind=source_kind,
        source_id=source_id,
        defaults={"subject_user": subject_user, "summary": str(summary)[:300]},
    )
    if created:
        _event(item, "queued")
    return item


def _unqueued(model, kind: str, **filters):
    queued = QueueItem.objects.filter(source_kind=kind).values("source_id")
    return model.objects.filter(**filters).exclude(pk__in=Subquery(queued)).order_by("pk")


@transaction.atomic
def queue_sync() -> int:
    """Queue the open safety flags, open review reports and pending identity submissions not
    queued yet (at most ``SYNC_BATCH`` of each per run); returns how many were added."""
    added = 0
    for flag in _unqueued(SafetyFlag, SourceKind.SAFETY_FLAG, status=FlagStatus.OPEN)[:SYNC_BATCH]:
        queue_item_add(
            source_kind=SourceKind.SAFETY_FLAG,
            source_id=flag.pk,
            subject_user=flag.subject_user,
            summary=gettext("Message or member flagged: %(reasons)s")
            % {"reasons": ", ".join(flag.reasons)},
        )
        added += 1
    reports = _unqueued(ReviewReport, SourceKind.REVIEW_REPORT, status=ReportStatus.OPEN)
    for report in reports.select_related("review")[:SYNC_BATCH]:
        queue_item_add(
            source_kind=SourceKind.REVIEW_REPORT,
            source_id=report.pk,
            subject_user=report.review.author,
            summary=gettext("Review reported: %(reason)s") % {"reason": report.reason[:200]},
        )
        added += 1
    pending = _unqueued(
        IdentitySubmission, SourceKind.VERIFICATION, status=IdentitySubmission.Status.PENDING
    )
    for submission in pending.select_related("user")[:SYNC_BATCH]:
        queue_item_add(
            source_kind=SourceKind.VERIFICATION,
            source_id=submission.pk,
            subject_user=submission.user,
            summary=gettext("Identity verification to review"),
        )
        added += 1
    return added


def _locked_item(item_id: int, actor) -> QueueItem:
    item = QueueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None or not user_can(actor, capability_for(item.source_kind)):
        raise NotFound(_("No such queue item."), code="queue_item_not_found")
    return item


def _ensure_staff(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_staff:
        raise PermissionDenied()


@transaction.atomic
def queue_claim(*, item_id: int, actor) -> QueueItem:
    """Take an open item; refused while another moderator holds it or once decided."""
    _ensure_staff(actor)
    item = _locked_item(item_id, actor)
    if item.status == QueueStatus.DECIDED:
        raise Conflict(_("This item has already been decided."), code="queue_item_decided")
    if item.status == QueueStatus.CLAIMED and item.claimed_by_id != actor.pk:
        raise Conflict(_("Another moderator is working on this item."), code="queue_item_claimed")
    if item.claimed_by_id != actor.pk:
        item.status = QueueStatus.CLAIMED
        item.claimed_by = actor
        item.claimed_at = timezone.now()
        item.save(update_fields=["status", "claimed_by", "claimed_at"])
        _event(item, "claimed", actor)
    return item


@transaction.atomic
def queue_release(*, item_id: int, actor) -> QueueItem:
    """The holder gives a claimed item back to the queue."""
    _ensure_staff(actor)
    item = _locked_item(item_id, actor)
    if item.status != QueueStatus.CLAIMED or item.claimed_by_id != actor.pk:
        raise Conflict(_("You are not holding this item."), code="queue_item_not_held")
    item.status, item.claimed_by, item.claimed_at = QueueStatus.OPEN, None, None
    item.save(update_fields=["status", "claimed_by", "claimed_at"])
    _event(item, "released", actor)
    return item


def _enforce(item: QueueItem, decision: str, actor, reason: str, features) -> None:
    if decision in ENFORCING and item.subject_user is not None:
        enforcement_apply(
            user=item.subject_user,
            action=Action(decision),
            reason=reason,
            actor=actor,
            features=features,
            source=f"{item.source_kind}:{item.source_id}",
        )


def _apply_decision(item: QueueItem, decision: str, actor, reason: str, features) -> None:
    kind = item.source_kind
    if kind == SourceKind.SAFETY_FLAG:
        safety_flags_close(flag_ids=[item.source_id], resolution=f"{decision}: {reason}")
    elif kind == SourceKind.REVIEW_REPORT:
        review_id = ReviewReport.objects.values_list("review_id", flat=True).get(pk=item.source_id)
        if decision == "hide":
            review_hide(moderator=actor, review_id=review_id, reason=reason)
        else:
            review_keep(moderator=actor, review_id=review_id)
    elif kind == SourceKind.VERIFICATION:
        if decision == "approve":
            identity_submission_approve(submission_id=item.source_id, actor=actor, note=reason)
        else:
            identity_submission_reject(submission_id=item.source_id, actor=actor, reason=reason)
    elif kind == SourceKind.APPEAL:
        appeal_decide(
            appeal_id=item.source_id, actor=actor, uphold=decision == "uphold", reason=reason
        )
    _enforce(item, decision, actor, reason, features)


@transaction.atomic
def queue_decide(*, item_id: int, actor, decision: str, reason: str, features=()) -> QueueItem:
    """Decide an item (see the module's rules); everything or nothing is written."""
    _ensure_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the decision."), code="reason_required")
    item = queue_claim(item_id=item_id, actor=actor)
    if decision not in DECISIONS[item.source_kind]:
        raise InvalidInput(_("Choose one of the offered decisions."), code="decision_invalid")
    if item.subject_user_id == actor.pk:
        raise PermissionDenied(_("You cannot decide about yourself."), code="own_account")
    _apply_decision(item, decision, actor, reason, features)
    item.status = QueueStatus.DECIDED
    item.decision = decision
    item.reason = reason
    item.decided_at = timezone.now()
    item.save(update_fields=["status", "decision", "reason", "decided_at"])
    _event(item, f"decided:{decision}", actor, reason)
    audit_decision(
        actor=actor,
        action=f"trust.queue.{decision}",
        reason=reason,
        subject=item,
        subject_user=item.subject_user,
        data={"source": f"{item.source_kind}:{item.source_id}", "features": list(features)},
    )
    return item
