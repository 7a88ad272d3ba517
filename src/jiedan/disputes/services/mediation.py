"""Mediation: assigning a mediator and the mediator's decision.

Rules:

- Disputes in mediation without a mediator form the queue. Staff holding ``disputes.assign``
  assign (or reassign) a mediator: an active staff member with the mediator role who is not
  a party to the contract. Anyone else is told the dispute does not exist. The periodic job
  assigns the waiting ones itself to the mediator with the fewest open disputes, when there
  is one.
- The assigned mediator gets a seat in the contract's conversation (to read it and export it
  as CSV); a mediator replaced loses it, unless they mediate another open dispute of the same
  contract. The decision is due ``JIEDAN_DISPUTE_DECISION_DAYS`` after assignment.
- Only the assigned mediator decides, once the evidence period is over: the freelancer's part
  (from nothing to the whole amount; the client gets the rest) with a written reason. The
  ledger pays it out in one journal (``settlement.settle``) and both parties are told.
- Whenever the assigned mediator reads the dispute, its case file or one of its files, an
  access entry goes to the audit trail (``dispute_case_file_read_record``); the parties
  reading their own dispute are not logged.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from jiedan.accounts.roles import ROLE_CAPABILITIES, Role, staff_with_mfa, user_can
from jiedan.audit.services import audit_access
from jiedan.contracts.models import DISPUTE_DECIDED_REASON
from jiedan.core.errors import Conflict, InvalidInput, PermissionDenied
from jiedan.core.money import money_display, money_quantize
from jiedan.messaging.models import SubjectKind
from jiedan.messaging.services import conversation_mediator_join, conversation_mediator_leave
from jiedan.notifications.services import notification_send

from ..models import OPEN_STATUSES, Dispute, Status
from .common import (
    MEDIATOR,
    Locked,
    decision_time,
    event_record,
    is_mediator,
    lock_dispute,
    locked_for,
    not_found,
    require_open,
    tell,
    viewer_role,
)
from .settlement import settle

REASON_MAX_LENGTH = 4000
CASE_FILE_READ_REASON = "assigned mediator of the dispute"


def dispute_case_file_read_record(*, user, dispute: Dispute, what: str, subject=None) -> None:
    """Log that the assigned mediator read the dispute (``what``: ``page``, ``evidence`` or
    ``delivery_file``; ``subject`` the file read): one entry for each party, whose private data
    it is (each finds it in their data export). Nothing is logged for anyone else."""
    contract = dispute.contract
    if viewer_role(dispute, contract, user) != MEDIATOR:
        return
    parties = [contract.client_id, contract.freelancer_id]
    for party in (contract.client, contract.freelancer):
        audit_access(
            staff=user,
            action=f"disputes.case_file.{what}",
            reason=CASE_FILE_READ_REASON,
            subject=subject or dispute,
            subject_user=party,
            data={"dispute": dispute.pk, "parties": parties},
        )


def mediators():
    """Everyone who may be assigned a dispute: active staff holding the mediator role (with
    the two-factor authentication staff need to hold a role at all)."""
    return staff_with_mfa(
        get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=Role.MEDIATOR)
    ).order_by("pk")


def _seat(locked: Locked, mediator, previous) -> None:
    contract = locked.contract
    conversation_mediator_join(
        kind=SubjectKind.CONTRACT, subject_id=contract.pk, party=contract.client, mediator=mediator
    )
    if previous is None:
        return
    still = Dispute.objects.filter(
        contract=contract, mediator=previous, status__in=OPEN_STATUSES
    ).exclude(pk=locked.dispute.pk)
    if not still.exists():
        conversation_mediator_leave(
            kind=SubjectKind.CONTRACT, subject_id=contract.pk, mediator=previous
        )


def assign(locked: Locked, *, mediator, actor, now) -> Dispute:
    """Give the dispute (in mediation) to ``mediator``; the decision is due from now."""
    dispute, contract = locked.dispute, locked.contract
    require_open(dispute, Status.MEDIATION)
    if not is_mediator(mediator):
        raise InvalidInput(_("Choose a staff member with the mediator role."), code="not_mediator")
    if mediator.pk in contract.party_ids():
        raise InvalidInput(_("A party cannot mediate their own dispute."), code="mediator_is_party")
    if dispute.mediator_id == mediator.pk:
        return dispute
    previous = dispute.mediator
    dispute.mediator, dispute.assigned_at = mediator, now
    dispute.decision_due_at = now + decision_time()
    dispute.overdue_notified_at = None
    dispute.save()
    _seat(locked, mediator, previous)
    event_record(dispute, "assigned", actor=actor, mediator_name=mediator.get_short_name())
    tell(locked, "dispute.assigned", actor=actor)
    tell(locked, "dispute.assigned_to_you", actor=actor, only=[mediator.pk])
    return dispute


@transaction.atomic
def dispute_assign(*, actor, dispute_id: int, mediator_id: int, now=None) -> Dispute:
    """Staff with ``disputes.assign`` give a dispute in mediation to a mediator."""
    if not (getattr(actor, "is_authenticated", False) and user_can(actor, "disputes.assign")):
        raise not_found()
    mediator = mediators().filter(pk=mediator_id).first()
    if mediator is None:
        raise InvalidInput(_("Choose a staff member with the mediator role."), code="not_mediator")
    locked = lock_dispute(dispute_id)
    return assign(locked, mediator=mediator, actor=actor, now=now or timezone.now())


def _least_busy(candidates: list, load: dict[int, int], party_ids) -> object | None:
    free = [person for person in candidates if person.pk not in party_ids]
    return min(free, key=lambda person: (load.get(person.pk, 0), person.pk), default=None)


def disputes_auto_assign(*, now=None, limit: int = 200) -> int:
    """The job: give every dispute waiting in the queue to the mediator with the fewest open
    disputes (never a party to it); returns how many were assigned."""
    now = now or timezone.now()
    candidates = list(mediators())
    if not candidates:
        return 0
    load = dict(
        Dispute.objects.filter(status__in=OPEN_STATUSES, mediator__in=candidates)
        .values("mediator")
        .annotate(open=Count("pk"))
        .values_list("mediator", "open")
    )
    waiting = Dispute.objects.filter(status=Status.MEDIATION, mediator__isnull=True)
    assigned = 0
    for dispute_id in list(waiting.order_by("created_at", "pk").values_list("pk", flat=True))[
        :limit
    ]:
        assigned += _auto_assign_one(dispute_id, candidates, load, now)
    return assigned


@transaction.atomic
def _auto_assign_one(dispute_id: int, candidates: list, load: dict[int, int], now) -> bool:
    locked = lock_dispute(dispute_id)
    if locked.dispute.status != Status.MEDIATION or locked.dispute.mediator_id:
        return False
    mediator = _least_busy(candidates, load, locked.contract.party_ids())
    if mediator is None:
        return False
    assign(locked, mediator=mediator, actor=None, now=now)
    load[mediator.pk] = load.get(mediator.pk, 0) + 1
    return True


def _decision_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Write the reason for your decision."), code="reason_missing")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("Keep it under %(max)s characters.") % {"max": REASON_MAX_LENGTH},
            code="reason_too_long",
        )
    return reason


@transaction.atomic
def dispute_decide(*, mediator, dispute_id: int, freelancer_amount, reason: str, now=None):
    """The assigned mediator splits the amount, with a written reason; it is paid out at
    once and both parties are told."""
    now = now or timezone.now()
    reason = _decision_reason(reason)
    locked = locked_for(mediator, dispute_id)
    if locked.role != MEDIATOR:
        raise PermissionDenied(
            _("Only the assigned mediator decides a dispute."), code="mediator_only"
        )
    dispute = locked.dispute
    require_open(dispute, Status.MEDIATION)
    if dispute.evidence_ends_at > now:
        raise Conflict(
            _("The parties may add evidence until %(when)s; decide after that.")
            % {
                "when": date_format(timezone.localtime(dispute.evidence_ends_at), "DATETIME_FORMAT")
            },
            code="evidence_open",
        )
    to_freelancer = money_quantize(freelancer_amount, dispute.currency)
    if not 0 <= to_freelancer <= dispute.amount:
        raise InvalidInput(
            _("The freelancer's part must be from nothing to %(amount)s.")
            % {"amount": money_display(dispute.amount, dispute.currency)},
            code="split_out_of_range",
        )
    to_client = dispute.amount - to_freelancer
    dispute.decision_reason = reason
    settle(
        locked,
        freelancer_amount=to_freelancer,
        client_amount=to_client,
        actor=mediator,
        status=Status.DECIDED,
        reason=DISPUTE_DECIDED_REASON,
        now=now,
    )
    event_record(
        dispute,
        "decided",
        actor=mediator,
        freelancer_amount=str(to_freelancer),
        client_amount=str(to_client),
    )
    tell(locked, "dispute.decided", actor=mediator)
    return dispute


def assigners():
    """Who is told of a late decision: active staff who may assign disputes, and superusers
    (with the two-factor authentication staff need to act)."""
    holders = [role for role, caps in ROLE_CAPABILITIES.items() if "disputes.assign" in caps]
    return staff_with_mfa(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(is_staff=True, groups__name__in=holders))
        .distinct()
    )


@transaction.atomic
def dispute_report_overdue(*, dispute_id: int, now=None) -> bool:
    """Tell the assigners and the mediator, once, that a decision is late (the job)."""
    now = now or timezone.now()
    locked = lock_dispute(dispute_id)
    dispute = locked.dispute
    late = (
        dispute.status == Status.MEDIATION
        and dispute.mediator_id
        and dispute.decision_due_at <= now
        and dispute.overdue_notified_at is None
    )
    if not late:
        return False
    dispute.overdue_notified_at = now
    dispute.save(update_fields=["overdue_notified_at", "updated_at"])
    event_record(dispute, "decision_overdue")
    staff = [*assigners().values_list("pk", flat=True), dispute.mediator_id]
    for user_id in dict.fromkeys(staff):  # the dispute's number only: staff see no details
        notification_send(
            recipient_id=user_id, kind="dispute.decision_overdue", data={"dispute_id": dispute.pk}
        )
    return True
