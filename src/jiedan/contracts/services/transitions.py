"""The one way a contract's or a milestone's status changes: along the maps in ``models``,
with a history row (who, when, from, to, why). An illegal move is a ``Conflict``."""

from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict

from ..models import (
    ALLOWED_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    Contract,
    ContractStatusChange,
    Milestone,
    MilestoneStatus,
    MilestoneStatusChange,
    Status,
)


def contract_transition(*, contract: Contract, to: str, actor, reason: str = "") -> Contract:
    current = contract.status
    if to not in ALLOWED_TRANSITIONS[current]:
        raise Conflict(
            _("A contract cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(current).label, "to": Status(to).label},
            code="illegal_transition",
        )
    ContractStatusChange.objects.create(
        contract=contract, actor=actor, from_status=current, to_status=to, reason=reason
    )
    contract.status = to
    contract.save()
    return contract


def milestone_transition(*, milestone: Milestone, to: str, actor, reason: str = "") -> Milestone:
    current = milestone.status
    if to not in MILESTONE_TRANSITIONS[current]:
        raise Conflict(
            _("A milestone cannot go from “%(from)s” to “%(to)s”.")
            % {"from": MilestoneStatus(current).label, "to": MilestoneStatus(to).label},
            code="illegal_milestone_transition",
        )
    MilestoneStatusChange.objects.create(
        milestone=milestone, actor=actor, from_status=current, to_status=to, reason=reason
    )
    milestone.status = to
    milestone.save()
    return milestone
