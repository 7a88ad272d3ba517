"""Enforcement actions and appeals.

Rules:
- every action carries a reason in plain words that its owner reads on ``/trust/account/``
  and is told about by a notification — no silent bans;
- every action is reversible: lifting keeps the row and records who, when and why;
- a ``restrict`` names the features it stops (``Feature``); the other actions stop a fixed
  set (``selectors.ACTION_FEATURES``);
- a person may have one open appeal per action; a moderator upholds it (the action is lifted)
  or declines it, with a reason the person reads;
- every apply, lift and appeal decision is written to the audit trail.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiedan.accounts.roles import user_can
from jiedan.audit.services import audit_decision
from jiedan.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from jiedan.notifications.services import notification_send

from ..models import Action, Appeal, AppealStatus, Enforcement, Feature, SourceKind
from ..selectors import MODERATE, state_forget

APPEAL_MAX_LENGTH = 2000


def _reason(text: str, message) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, code="reason_required")
    return text


def moderator_check(actor) -> None:
    if actor is None or not actor.is_authenticated or not user_can(actor, MODERATE):
        raise PermissionDenied()


@transaction.atomic
def enforcement_apply(
    *, user, action: str, reason: str, actor=None, features=(), source=None
) -> Enforcement:
    """Apply ``action`` to ``user`` (``actor`` None: automatic, by the risk engine)."""
    if actor is not None:
        moderator_check(actor)
        if actor.pk == user.pk:
            raise PermissionDenied(_("You cannot act on your own account."), code="own_account")
    if action not in Action.values:
        raise InvalidInput(_("Choose an action."), code="action_invalid")
    reason = _reason(reason, _("Explain the action in plain words for the person."))
    features = sorted(set(features))
    if action == Action.RESTRICT and (
        not features or any(f not in Feature.values for f in features)
    ):
        raise InvalidInput(_("Choose the features to restrict."), code="features_invalid")
    enforcement = Enforcement.objects.create(
        user=user,
        action=action,
        features=features if action == Action.RESTRICT else [],
        reason=reason,
        created_by=actor,
    )
    audit_decision(
        actor=actor,
        action=f"trust.enforcement.{action}",
        reason=reason,
        subject=enforcement,
        subject_user=user,
        data={"features": enforcement.features, "source": source or ""},
    )
    state_forget(user.pk)
    notification_send(
        recipient_id=user.pk,
        kind="trust.enforcement.applied",
        data={"enforcement_id": enforcement.pk},
    )
    return enforcement


@transaction.atomic
def enforcement_lift(*, enforcement_id: int, actor, reason: str) -> Enforcement:
    """Lift an active action (a moderator, with a reason the person reads)."""
    moderator_check(actor)
    reason = _reason(reason, _("Say why the action is lifted."))
    enforcement = Enforcement.objects.select_for_update().filter(pk=enforcement_id).first()
    if enforcement is None:
        raise NotFound(code="enforcement_not_found")
    if enforcement.lifted_at is not None:
        raise Conflict(_("This action was already lifted."), code="already_lifted")
    if enforcement.user_id == actor.pk:
        raise PermissionDenied(_("You cannot act on your own account."), code="own_account")
    enforcement.lifted_at = timezone.now()
    enforcement.lifted_by = actor
    enforcement.lift_reason = reason
    enforcement.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_decision(
        actor=actor,
        action="trust.enforcement.lifted",
        reason=reason,
        subject=enforcement,
        subject_user=enforcement.user,
        data={"action": enforcement.action},
    )
    state_forget(enforcement.user_id)
    notification_send(
        recipient_id=enforcement.user_id,
        kind="trust.enforcement.lifted",
        data={"enforcement_id": enforcement.pk},
    )
    return enforcement


@transaction.atomic
def appeal_submit(*, user, enforcement_id: int, text: str) -> Appeal:
    """The person explains why an active action on their account is wrong; the appeal enters
    the review queue. One open appeal per action."""
    from .queue import queue_item_add

    enforcement = (
        Enforcement.objects.select_for_update()
        .filter(pk=enforcement_id, user_id=getattr(user, "pk", None))
        .first()
    )
    if enforcement is None:
        raise NotFound(code="enforcement_not_found")
    if enforcement.lifted_at is not None:
        raise Conflict(_("This action has already been lifted."), code="already_lifted")
    text = _reason(text, _("Tell the moderators why this action is wrong."))
    if len(text) > APPEAL_MAX_LENGTH:
        raise InvalidInput(
            _("Keep the appeal under %(n)s characters.") % {"n": APPEAL_MAX_LENGTH},
            code="appeal_too_long",
        )
    if enforcement.appeals.filter(status=AppealStatus.OPEN).exists():
        raise Conflict(_("You have already appealed; a moderator will answer."), code="appeal_open")
    appeal = Appeal.objects.create(enforcement=enforcement, text=text)
    queue_item_add(
        source_kind=SourceKind.APPEAL,
        source_id=appeal.pk,
        subject_user=user,
        summary=gettext("Appeal against “%(action)s”")
        % {"action": enforcement.get_action_display()},
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal_id: int, actor, uphold: bool, reason: str) -> Appeal:
    """Uphold (lift the action) or decline an open appeal, with a reason the person reads."""
    moderator_check(actor)
    reason = _reason(reason, _("Give the reason for the decision."))
    appeal = Appeal.objects.select_for_update().select_related("enforcement").get(pk=appeal_id)
    if appeal.status != AppealStatus.OPEN:
        raise Conflict(_("This appeal has already been decided."), code="appeal_decided")
    if appeal.enforcement.user_id == actor.pk:
        raise PermissionDenied(_("You cannot act on your own account."), code="own_account")
    appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.REJECTED
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_reason = reason
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_decision(
        actor=actor,
        action=f"trust.appeal.{appeal.status}",
        reason=reason,
        subject=appeal,
        subject_user=appeal.enforcement.user,
        data={"enforcement_id": appeal.enforcement_id},
    )
    if uphold and appeal.enforcement.lifted_at is None:
        enforcement_lift(enforcement_id=appeal.enforcement_id, actor=actor, reason=reason)
    notification_send(
        recipient_id=appeal.enforcement.user_id,
        kind="trust.appeal.decided",
        data={"appeal_id": appeal.pk},
    )
    return appeal
