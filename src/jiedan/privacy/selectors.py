"""Reads for privacy: a person's settings, the contacts a contract counterpart may see, the
person's exports, and what stands in the way of deleting an account."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.catalog.models import Service
from jiedan.catalog.models import Status as ServiceStatus
from jiedan.contracts.models import Contract
from jiedan.contracts.models import Status as ContractStatus
from jiedan.core.errors import NotFound
from jiedan.disputes.models import OPEN_STATUSES, Dispute
from jiedan.ledger.models import Account
from jiedan.payments.models import Refund, TopUp, Withdrawal
from jiedan.projects.models import Project
from jiedan.projects.models import Status as ProjectStatus
from jiedan.proposals.models import ACTIVE_STATUSES as ACTIVE_PROPOSALS
from jiedan.proposals.models import Proposal

from .models import DataExport, ExportStatus, PrivacySettings

# Contracts in which the parties may see each other's shared contact details: running ones.
# A paused contract still runs (the parties need to agree on resuming it); an offer, a
# finished, cancelled or declined contract does not.
DISCLOSING_STATUSES = (ContractStatus.ACTIVE, ContractStatus.PAUSED)
OPEN_PROJECT_STATUSES = (ProjectStatus.OPEN, ProjectStatus.IN_REVIEW)
CONTACT_LABELS = {
    "phone": _("Phone"),
    "wechat_id": _("WeChat ID"),
    "qq": _("QQ"),
    "contact_email": _("E-mail"),
}


def privacy_settings_of(*, user) -> PrivacySettings:
    """The person's settings; unsaved defaults (nothing shared) when they never chose."""
    return PrivacySettings.objects.filter(user=user).first() or PrivacySettings(user=user)


def shared_contacts(*, contract: Contract, viewer) -> list[tuple[str, str]]:
    """The contact details the viewer's counterpart chose to share, as (label, value) pairs.

    Only a party of a running contract sees anything, only the counterpart's details, only
    the fields the counterpart switched on and filled in. One query."""
    if contract.status not in DISCLOSING_STATUSES or not viewer.is_authenticated:
        return []
    if viewer.pk == contract.client_id:
        owner_id = contract.freelancer_id
    elif viewer.pk == contract.freelancer_id:
        owner_id = contract.client_id
    else:
        return []
    chosen = (
        PrivacySettings.objects.filter(user_id=owner_id)
        .select_related("user__freelancer_profile")
        .first()
    )
    if chosen is None or not chosen.shared_fields:
        return []
    profile = getattr(chosen.user, "freelancer_profile", None)
    if profile is None:
        return []
    pairs = [(str(CONTACT_LABELS[name]), getattr(profile, name)) for name in chosen.shared_fields]
    return [(label, value) for label, value in pairs if value]


def exports_of(*, user):
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-id")


def export_for_owner(*, user, export_id: int) -> DataExport:
    """One of the person's own exports, or ``NotFound`` (also for someone else's)."""
    export = DataExport.objects.filter(user=user, pk=export_id).first()
    if export is None:
        raise NotFound(_("There is no such export."))
    return export


def export_downloadable(export: DataExport, *, now=None) -> bool:
    now = now or timezone.now()
    return (
        export.status == ExportStatus.READY
        and bool(export.archive)
        and export.expires_at is not None
        and export.expires_at > now
    )


def export_for_download(*, user, export_id: int, now=None) -> DataExport:
    """The person's own archive while it may be downloaded, or ``NotFound`` (someone else's,
    still being prepared, failed or expired)."""
    export = export_for_owner(user=user, export_id=export_id)
    if not export_downloadable(export, now=now):
        raise NotFound(_("This export is not ready or has expired."), code="export_unavailable")
    return export


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


def deletion_blockers(*, user) -> list[Blocker]:
    """Why the account cannot be deleted yet; empty when it can.

    Money and obligations to others must be settled first: running or offered contracts,
    open disputes, top-ups, refunds or withdrawals still in progress, and any money on the
    person's accounts or held for them or from them (wallet, pending earnings, payouts on the
    way, escrow they funded), and what others may still act on: open projects, published
    services, proposals waiting for an answer."""
    party = Q(client=user) | Q(freelancer=user)
    checks = [
        (
            "open_contracts",
            Contract.objects.filter(party)
            .filter(status__in=[ContractStatus.OFFERED, *DISCLOSING_STATUSES])
            .exists(),
            _("You have contracts that are offered, active or paused: finish or cancel them."),
        ),
        (
            "open_disputes",
            Dispute.objects.filter(
                Q(contract__client=user) | Q(contract__freelancer=user), status__in=OPEN_STATUSES
            ).exists(),
            _("You have open disputes: they must be settled or decided first."),
        ),
        (
            "payments_in_progress",
            Withdrawal.objects.filter(
                user=user, status__in=[Withdrawal.Status.REQUESTED, Withdrawal.Status.PROCESSING]
            ).exists()
            or TopUp.objects.filter(user=user, status=TopUp.Status.PENDING).exists()
            or Refund.objects.filter(
                user=user, status__in=[Refund.Status.REQUESTED, Refund.Status.PROCESSING]
            ).exists(),
            _("You have a top-up, refund or withdrawal in progress: wait until it completes."),
        ),
        (
            "balance",
            Account.objects.filter(Q(owner=user) | Q(funded_by=user)).exclude(balance=0).exists(),
            _(
                "There is money on your account (wallet, pending earnings, withdrawals on the "
                "way or escrow you funded): withdraw it or let it settle first."
            ),
        ),
        (
            "open_listings",
            Project.objects.filter(client=user, status__in=OPEN_PROJECT_STATUSES).exists()
            or Service.objects.filter(owner=user, status=ServiceStatus.PUBLISHED).exists()
            or Proposal.objects.filter(freelancer=user, status__in=ACTIVE_PROPOSALS).exists(),
            _(
                "You have open projects, published services or proposals a client may still "
                "accept: close, pause or withdraw them."
            ),
        ),
    ]
    return [Blocker(code, str(message)) for code, blocked, message in checks if blocked]
