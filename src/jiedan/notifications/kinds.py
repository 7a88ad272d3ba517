"""Every kind of notification: its preference category, its one-line text and where it leads.

A notification stores its ``kind`` and a ``data`` dict filled at send time with the names and
titles the text needs, so showing a list of notifications costs no further queries. A kind not
listed here is refused by ``notification_send``.
"""

from dataclasses import dataclass

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals and invitations")
    CONTRACTS = "contracts", _("Contracts and milestones")
    PAYMENTS = "payments", _("Payments")
    MESSAGES = "messages", _("Messages")
    CONTESTS = "contests", _("Contests and piece-rate tasks")
    SAVED_SEARCHES = "saved_searches", _("Saved searches")
    RECOMMENDATIONS = "recommendations", _("Recommended projects")
    ACCOUNT = "account", _("Account and verification")


class EmailMode(models.TextChoices):
    INSTANT = "instant", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Never")


DIGEST_MODES = (EmailMode.DAILY, EmailMode.WEEKLY)

# (in-app on, e-mail mode) of a category for someone who never changed it.
DEFAULTS: dict[str, tuple[bool, str]] = {
    Category.PROPOSALS: (True, EmailMode.INSTANT),
    Category.CONTRACTS: (True, EmailMode.INSTANT),
    Category.PAYMENTS: (True, EmailMode.INSTANT),
    Category.MESSAGES: (True, EmailMode.INSTANT),
    Category.CONTESTS: (True, EmailMode.INSTANT),
    Category.SAVED_SEARCHES: (True, EmailMode.DAILY),
    Category.RECOMMENDATIONS: (True, EmailMode.WEEKLY),
    Category.ACCOUNT: (True, EmailMode.INSTANT),
}


@dataclass(frozen=True)
class Kind:
    """``text`` is formatted with the notification's data; ``url_name`` is reversed with the
    data values named in ``url_args``. ``emails`` is False for kinds whose e-mail another part
    of the site already sends (saved-search alerts, auto-approval reminders)."""

    category: str
    text: str
    url_name: str
    url_args: tuple[str, ...] = ()
    emails: bool = True


MESSAGE_RECEIVED = "message.received"


def _contract(text, *, emails=True) -> Kind:
    return Kind(Category.CONTRACTS, text, "contracts:detail", ("contract_id",), emails)


def _contract_payment(text) -> Kind:
    return Kind(Category.PAYMENTS, text, "contracts:detail", ("contract_id",))


def _dispute(text) -> Kind:
    return Kind(Category.CONTRACTS, text, "disputes:detail", ("dispute_id",))


KINDS: dict[str, Kind] = {
    # proposals and invitations
    "proposal.submitted": Kind(
        Category.PROPOSALS,
        _("%(actor_name)s sent a proposal on “%(project_title)s”"),
        "proposals:detail",
        ("proposal_id",),
    ),
    "proposal.hired": Kind(
        Category.PROPOSALS,
        _("You were hired for “%(project_title)s”"),
        "proposals:detail",
        ("proposal_id",),
    ),
    "proposal.declined": Kind(
        Category.PROPOSALS,
        _("Your proposal on “%(project_title)s” was declined"),
        "proposals:detail",
        ("proposal_id",),
    ),
    "invitation.received": Kind(
        Category.PROPOSALS,
        _("%(actor_name)s invited you to propose on “%(project_title)s”"),
        "projects:detail",
        ("project_id",),
    ),
    # contracts and milestones
    "contract.offered": _contract(
        _("%(actor_name)s offered you the contract “%(contract_title)s”")
    ),
    "contract.revised": _contract(_("%(actor_name)s revised the offer “%(contract_title)s”")),
    "contract.accepted": _contract(_("%(actor_name)s accepted the contract “%(contract_title)s”")),
    "contract.declined": _contract(_("%(actor_name)s declined the offer “%(contract_title)s”")),
    "contract.withdrawn": _contract(_("%(actor_name)s withdrew the offer “%(contract_title)s”")),
    "contract.cancellation_proposed": _contract(
        _("%(actor_name)s proposes to cancel “%(contract_title)s”")
    ),
    "contract.cancelled": _contract(_("The contract “%(contract_title)s” was cancelled")),
    "contract.ended": _contract(_("The contract “%(contract_title)s” has ended")),
    "contract.paused": _contract(_("%(actor_name)s paused the contract “%(contract_title)s”")),
    "contract.resumed": _contract(_("%(actor_name)s resumed the contract “%(contract_title)s”")),
    "contract.change.proposed": _contract(
        _("%(actor_name)s proposes a change to “%(contract_title)s”")
    ),
    "contract.change.accepted": _contract(
        _("%(actor_name)s accepted your change to “%(contract_title)s”")
    ),
    "contract.change.declined": _contract(
        _("%(actor_name)s declined your change to “%(contract_title)s”")
    ),
    "contract.change.withdrawn": _contract(
        _("%(actor_name)s withdrew a change to “%(contract_title)s”")
    ),
    "milestone.funded": _contract(_("A milestone of “%(contract_title)s” was funded")),
    "milestone.submitted": _contract(
        _("%(actor_name)s submitted work on “%(contract_title)s” for review")
    ),
    "milestone.changes_requested": _contract(
        _("%(actor_name)s asked for changes on “%(contract_title)s”")
    ),
    "milestone.released": _contract_payment(
        _("A milestone of “%(contract_title)s” was approved and paid")
    ),
    "milestone.auto_approve_soon": _contract(
        _("Work on “%(contract_title)s” will be approved automatically soon"), emails=False
    ),
    "statement.closed": _contract(_("The week's hours on “%(contract_title)s” are ready")),
    "statement.queried": _contract(_("%(actor_name)s queried the hours on “%(contract_title)s”")),
    "statement.answered": _contract(
        _("%(actor_name)s answered your query on “%(contract_title)s”")
    ),
    "statement.billed": _contract_payment(_("The week's hours on “%(contract_title)s” were paid")),
    "statement.payment_due": _contract_payment(
        _("Add funds to pay the hours on “%(contract_title)s”")
    ),
    # reviews (in the contracts category: they follow an ended contract)
    "review.received": _contract(_("%(actor_name)s reviewed you on “%(contract_title)s”")),
    "review.reminder": Kind(
        Category.CONTRACTS,
        _("Review “%(contract_title)s” soon: the review window closes in a few days"),
        "reviews:write",
        ("contract_id",),
    ),
    # disputes (the parties and the assigned mediator open the dispute's page)
    "dispute.opened": _dispute(_("%(actor_name)s opened a dispute on “%(contract_title)s”")),
    "dispute.offer_made": _dispute(
        _("%(actor_name)s offered a settlement of the dispute on “%(contract_title)s”")
    ),
    "dispute.offer_declined": _dispute(
        _("%(actor_name)s declined your offer in the dispute on “%(contract_title)s”")
    ),
    "dispute.escalated": _dispute(_("The dispute on “%(contract_title)s” went to a mediator")),
    "dispute.assigned": _dispute(_("A mediator now handles the dispute on “%(contract_title)s”")),
    "dispute.assigned_to_you": _dispute(_("You mediate dispute #%(dispute_id)s")),
    "dispute.evidence_added": _dispute(
        _("%(actor_name)s added evidence to the dispute on “%(contract_title)s”")
    ),
    "dispute.settled": _dispute(_("The dispute on “%(contract_title)s” is settled")),
    "dispute.decided": _dispute(_("The mediator decided the dispute on “%(contract_title)s”")),
    "dispute.withdrawn": _dispute(_("%(actor_name)s withdrew the dispute on “%(contract_title)s”")),
    "dispute.decision_overdue": Kind(
        Category.CONTRACTS,
        _("The decision on dispute #%(dispute_id)s is overdue"),
        "disputes:list",
    ),
    # payments
    "payment.available": Kind(
        Category.PAYMENTS,
        _("%(amount)s %(currency)s of earnings is now available in your wallet"),
        "payments:wallet",
    ),
    "wallet.top_up.succeeded": Kind(
        Category.PAYMENTS, _("%(amount)s %(currency)s was added to your wallet"), "payments:wallet"
    ),
    "wallet.top_up.failed": Kind(
        Category.PAYMENTS,
        _("Your top-up of %(amount)s %(currency)s did not go through; nothing was charged"),
        "payments:wallet",
    ),
    "wallet.withdrawal.paid": Kind(
        Category.PAYMENTS,
        _("Your withdrawal of %(amount)s %(currency)s was paid out"),
        "payments:wallet",
    ),
    "wallet.withdrawal.failed": Kind(
        Category.PAYMENTS,
        _("Your withdrawal of %(amount)s %(currency)s failed; the money is back in your wallet"),
        "payments:wallet",
    ),
    "wallet.refund.refunded": Kind(
        Category.PAYMENTS,
        _("%(amount)s %(currency)s was refunded to where you paid from"),
        "payments:wallet",
    ),
    "wallet.refund.failed": Kind(
        Category.PAYMENTS,
        _("Your refund of %(amount)s %(currency)s failed; the money is back in your wallet"),
        "payments:wallet",
    ),
    # messages
    MESSAGE_RECEIVED: Kind(
        Category.MESSAGES,
        _("%(sender_name)s: %(preview)s"),
        "messaging:conversation",
        ("conversation_id",),
    ),
    # contests and piece-rate tasks
    "contest.entry.submitted": Kind(
        Category.CONTESTS,
        _("%(actor_name)s entered your contest “%(contest_title)s”"),
        "contests:detail",
        ("contest_id",),
    ),
    "contest.entry.won": Kind(
        Category.CONTESTS,
        _("Your entry won place %(place)s in “%(contest_title)s”"),
        "contests:detail",
        ("contest_id",),
    ),
    "contest.entry.not_valid": Kind(
        Category.CONTESTS,
        _("Your entry in “%(contest_title)s” was set aside as not valid"),
        "contests:detail",
        ("contest_id",),
    ),
    "piecework.piece.submitted": Kind(
        Category.CONTESTS,
        _("%(actor_name)s submitted a piece for “%(task_title)s”"),
        "piecework:detail",
        ("task_id",),
    ),
    "piecework.piece.accepted": Kind(
        Category.CONTESTS,
        _("Your piece for “%(task_title)s” was accepted"),
        "piecework:detail",
        ("task_id",),
    ),
    "piecework.piece.rejected": Kind(
        Category.CONTESTS,
        _("Your piece for “%(task_title)s” was rejected"),
        "piecework:detail",
        ("task_id",),
    ),
    # saved searches (their e-mail is the saved search's own setting)
    "saved_search.match": Kind(
        Category.SAVED_SEARCHES,
        _("New project for “%(saved_search_name)s”: %(project_title)s"),
        "projects:detail",
        ("project_id",),
        emails=False,
    ),
    # recommendations (jiedan.matching): a new project that fits the freelancer strongly
    "recommendation.project": Kind(
        Category.RECOMMENDATIONS,
        _("A new project fits you: %(project_title)s"),
        "projects:detail",
        ("project_id",),
    ),
    # account and verification
    "verification.identity.approved": Kind(
        Category.ACCOUNT, _("Your identity is verified"), "verification:identity"
    ),
    "verification.identity.rejected": Kind(
        Category.ACCOUNT,
        _("Your identity could not be verified: %(reason)s"),
        "verification:identity",
    ),
    "trust.enforcement.applied": Kind(
        Category.ACCOUNT,
        _("An action was taken on your account: see why and how to appeal"),
        "trust:account",
    ),
    "trust.enforcement.lifted": Kind(
        Category.ACCOUNT, _("An action on your account was lifted"), "trust:account"
    ),
    "trust.appeal.decided": Kind(
        Category.ACCOUNT, _("A moderator answered your appeal"), "trust:account"
    ),
    "privacy.export.ready": Kind(
        Category.ACCOUNT, _("Your data export is ready to download"), "privacy:export"
    ),
}


def kind_get(kind: str) -> Kind:
    """The registered kind; ``LookupError`` for one not in ``KINDS``."""
    try:
        return KINDS[kind]
    except KeyError:
        raise LookupError(f"unknown notification kind {kind!r}") from None


class _Blanks(dict):
    def __missing__(self, key):
        return ""


def kind_text(kind: str, data: dict) -> str:
    """The one-line text in the active language."""
    return gettext(kind_get(kind).text) % _Blanks(data)


def kind_link(kind: str, data: dict) -> str:
    """The path to open, with the active language's prefix ("" when the data lacks an id)."""
    spec = kind_get(kind)
    try:
        return reverse(spec.url_name, args=[data[name] for name in spec.url_args])
    except (KeyError, NoReverseMatch):
        return ""
