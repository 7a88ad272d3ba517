"""What a conversation can be about, and who its parties are.

Each subject names exactly two people: a proposal's freelancer and its project's client, a
contract's client and freelancer, a service order's buyer and seller, an invitation's client
and invited freelancer.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jiedan.catalog.models import ServiceOrder
from jiedan.contracts.models import Contract
from jiedan.core.errors import NotFound
from jiedan.proposals.models import Invitation, Proposal

from .models import SubjectKind


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int
    title: str
    party_ids: tuple[int, int]


def _proposal(subject_id: int) -> Subject | None:
    row = Proposal.objects.select_related("project").filter(pk=subject_id).first()
    if row is None:
        return None
    return Subject(
        SubjectKind.PROPOSAL, row.pk, row.project.title, (row.project.client_id, row.freelancer_id)
    )


def _contract(subject_id: int) -> Subject | None:
    row = Contract.objects.filter(pk=subject_id).first()
    if row is None:
        return None
    return Subject(SubjectKind.CONTRACT, row.pk, row.title, (row.client_id, row.freelancer_id))


def _order(subject_id: int) -> Subject | None:
    row = ServiceOrder.objects.filter(pk=subject_id).first()
    if row is None:
        return None
    return Subject(SubjectKind.ORDER, row.pk, row.service_title, (row.buyer_id, row.seller_id))


def _invitation(subject_id: int) -> Subject | None:
    row = Invitation.objects.select_related("project").filter(pk=subject_id).first()
    if row is None:
        return None
    return Subject(
        SubjectKind.INVITATION,
        row.pk,
        row.project.title,
        (row.project.client_id, row.freelancer_id),
    )


_LOADERS = {
    SubjectKind.PROPOSAL: _proposal,
    SubjectKind.CONTRACT: _contract,
    SubjectKind.ORDER: _order,
    SubjectKind.INVITATION: _invitation,
}


def subject_for_party(*, kind: str, subject_id: int, user) -> Subject:
    """The subject, when ``user`` is one of its parties; otherwise (or when it does not exist)
    ``NotFound``, so strangers learn nothing."""
    loader = _LOADERS.get(kind)
    subject = loader(subject_id) if loader else None
    if subject is None or user.pk not in subject.party_ids:
        raise NotFound(_("No such conversation."), code="conversation_not_found")
    return subject
