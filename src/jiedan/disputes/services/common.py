"""Shared pieces of the dispute services: who a person is to a dispute, locking a dispute with
its contract and milestone or week in the fixed order, the settings' time limits, the history
rows and telling people after commit."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jiedan.accounts.roles import Role, roles_of
from jiedan.contracts import locks as contract_locks
from jiedan.contracts.models import Contract, Milestone, WeeklyStatement
from jiedan.core.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied
from jiedan.notifications.services import notification_send

from .. import locks
from ..models import Dispute, DisputeEvent, Side, Status

MEDIATOR = "mediator"


def negotiation_time() -> timedelta:
    return timedelta(days=settings.JIEDAN_DISPUTE_NEGOTIATION_DAYS)


def evidence_time() -> timedelta:
    return timedelta(days=settings.JIEDAN_DISPUTE_EVIDENCE_DAYS)


def decision_time() -> timedelta:
    return timedelta(days=settings.JIEDAN_DISPUTE_DECISION_DAYS)


def money_key(dispute: Dispute, step: str) -> str:
    """The ledger idempotency key of one money step of a dispute (``dispute:<id>:hold``)."""
    return f"dispute:{dispute.pk}:{step}"


def is_mediator(user) -> bool:
    """An active staff member holding the mediator role (a superuser is not one by default)."""
    return Role.MEDIATOR in roles_of(user)


def viewer_role(dispute: Dispute, contract: Contract, user) -> str | None:
    """``client``, ``freelancer``, ``mediator`` (the assigned one, while they hold the role) or
    None: nobody else may see the dispute."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.pk == contract.client_id:
        return Side.CLIENT
    if user.pk == contract.freelancer_id:
        return Side.FREELANCER
    if dispute.mediator_id == user.pk and is_mediator(user):
        return MEDIATOR
    return None


def not_found() -> NotFound:
    return NotFound(_("No such dispute."), code="dispute_not_found")


@dataclass
class Locked:
    """A dispute with its contract and its milestone or weekly statement, all locked."""

    contract: Contract
    dispute: Dispute
    milestone: Milestone | None
    statement: WeeklyStatement | None
    role: str | None = None

    @property
    def subject(self) -> Milestone | WeeklyStatement:
        return self.milestone or self.statement

    def other_party_id(self, user_id: int) -> int:
        client, freelancer = self.contract.party_ids()
        return freelancer if user_id == client else client


def lock_dispute(dispute_id: int) -> Locked:
    """The dispute, its contract and its subject, locked in the fixed order (contract,
    milestone or statement, dispute); ``NotFound`` when there is no such dispute."""
    row = (
        Dispute.objects.filter(pk=dispute_id)
        .values("contract_id", "milestone_id", "statement_id")
        .first()
    )
    if row is None:
        raise not_found()
    contract = (
        contract_locks.contracts().select_related("client", "freelancer").get(pk=row["contract_id"])
    )
    milestone = statement = None
    if row["milestone_id"]:
        milestone = contract_locks.milestones().get(pk=row["milestone_id"])
    else:
        statement = contract_locks.statements().get(pk=row["statement_id"])
    dispute = locks.disputes().get(pk=dispute_id)
    return Locked(contract=contract, dispute=dispute, milestone=milestone, statement=statement)


def locked_for(actor, dispute_id: int) -> Locked:
    """``lock_dispute`` for a party or the assigned mediator; for anyone else the dispute does
    not exist (``NotFound``) and nothing changes."""
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()
    locked = lock_dispute(dispute_id)
    locked.role = viewer_role(locked.dispute, locked.contract, actor)
    if locked.role is None:
        raise not_found()
    return locked


def require_party(locked: Locked) -> None:
    if locked.role == MEDIATOR:
        raise PermissionDenied(
            _("Only the parties to the contract can do this."), code="parties_only"
        )


def require_open(dispute: Dispute, *statuses) -> None:
    """The dispute is open (or in one of ``statuses``, when given)."""
    allowed = statuses or (Status.NEGOTIATION, Status.MEDIATION)
    if dispute.status not in allowed:
        raise Conflict(
            _("This dispute is %(status)s.") % {"status": dispute.get_status_display().lower()},
            code="dispute_state",
        )


def event_record(dispute: Dispute, kind: str, *, actor=None, **data) -> DisputeEvent:
    """One step of the history (the audit trail the parties and the mediator read)."""
    return DisputeEvent.objects.create(dispute=dispute, actor=actor, kind=kind, data=data)


def tell(locked: Locked, kind: str, *, actor=None, mediator: bool = False, only=None) -> None:
    """A ``dispute.*`` notification to both parties but the actor (or to ``only``), and to the
    assigned mediator when ``mediator``; stored now, pushed and e-mailed after commit."""
    dispute, contract = locked.dispute, locked.contract
    recipients = list(only) if only is not None else list(contract.party_ids())
    if mediator and dispute.mediator_id:
        recipients.append(dispute.mediator_id)
    data = {
        "dispute_id": dispute.pk,
        "contract_id": contract.pk,
        "contract_title": contract.title,
    }
    for user_id in dict.fromkeys(recipients):
        if actor is None or user_id != actor.pk:
            notification_send(recipient_id=user_id, kind=kind, data=data, actor=actor)
