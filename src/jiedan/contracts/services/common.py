"""Shared pieces of the contract services: finding a contract or milestone as one of its
parties (locked, in the fixed order), writing a version of the terms, and notifying the other
party after commit."""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import NotAuthenticated, NotFound, PermissionDenied
from jiedan.notifications.realtime import user_event_push
from jiedan.notifications.services import notification_send

from .. import locks
from ..models import Contract, ContractTerms, Milestone
from ..terms import TermsDocument, terms_digest

CLIENT, FREELANCER = "client", "freelancer"


def _signed_in(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotAuthenticated()


def party_role(contract: Contract, actor) -> str | None:
    if actor.pk == contract.client_id:
        return CLIENT
    if actor.pk == contract.freelancer_id:
        return FREELANCER
    return None


def _party_checked(contract: Contract | None, actor, role: str | None) -> Contract:
    if contract is None or party_role(contract, actor) is None:
        raise NotFound(_("No such contract."), code="contract_not_found")
    if role is not None and party_role(contract, actor) != role:
        raise PermissionDenied(
            _("Only the client can do this.")
            if role == CLIENT
            else _("Only the freelancer can do this."),
            code=f"{role}_only",
        )
    return contract


def locked_contract(actor, contract_id: int, *, role: str | None = None) -> Contract:
    """The contract, locked, if ``actor`` is a party to it (and has ``role``, when given).
    Anyone else gets "not found"; the other party gets "permission denied"."""
    _signed_in(actor)
    return _party_checked(locks.contracts().filter(pk=contract_id).first(), actor, role)


def locked_milestone(actor, milestone_id: int, *, role: str | None) -> tuple[Contract, Milestone]:
    """The milestone and its contract, both locked (contract first), for a party to it. The
    contract is found through the milestone by the locking query itself (one statement)."""
    _signed_in(actor)
    contract = locks.contracts().filter(milestones__pk=milestone_id).first()
    if contract is None:
        raise NotFound(_("No such milestone."), code="milestone_not_found")
    contract = _party_checked(contract, actor, role)
    return contract, locks.milestones().get(pk=milestone_id)


def notify(contract: Contract, *, actor, event: str, **data) -> None:
    """Tell the other party (or both, for a system action) about ``event``: the live domain
    event after commit, and a notification of the same kind in their notification centre."""
    recipients = [pk for pk in contract.party_ids() if actor is None or pk != actor.pk]
    for user_id in recipients:
        user_event_push(user_id=user_id, event=event, data={"contract_id": contract.pk, **data})
        notification_send(
            recipient_id=user_id,
            kind=event,
            data={"contract_id": contract.pk, "contract_title": contract.title, **data},
            actor=actor,
        )


def terms_version_write(contract: Contract, doc: TermsDocument, *, author) -> ContractTerms:
    """The next version of the contract's terms from a checked document, with its digest;
    numbered over every version written (accepted, proposed or declined). Nobody has accepted
    it yet and the contract's current terms do not change here."""
    latest = contract.term_versions.aggregate(latest=Max("version"))["latest"] or 0
    version = latest + 1
    return ContractTerms.objects.create(
        contract=contract,
        version=version,
        scope=doc.scope,
        deliverables=doc.deliverables,
        revisions=doc.revisions,
        deadline=doc.deadline,
        delay_policy=doc.delay_policy,
        ip_transfer=doc.ip_transfer,
        milestones=doc.milestones,
        kind=doc.kind,
        hourly_rate=doc.hourly_rate,
        weekly_limit=doc.weekly_limit,
        total=doc.total,
        currency=doc.currency,
        digest=terms_digest(
            contract_id=contract.pk, version=version, parties=contract.party_ids(), doc=doc
        ),
        created_by=author,
    )
