"""Staff roles and what each may see and do: the permissions matrix.

This module is the single source of truth. Roles are Django groups (created by migration
``0002_staff_roles``); a staff member's powers come only from the roles held, through
``RoleAwareAuthenticationBackend``, never from permissions ticked by hand on a user or group.
``docs/ROLES.md`` is generated from here (``manage.py roles_matrix``) and a test keeps them equal.

Separation that must hold (and is tested as a matrix):
- support sees accounts and their status, not payment details or identity documents;
- finance sees the ledger and payouts, not message content;
- moderators see reported content and verification submissions;
- mediators see only the disputes assigned to them;
- admins manage who holds which role.
"""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPPORT = "support", _("Support")
    FINANCE = "finance", _("Finance")
    MODERATOR = "moderator", _("Moderator")
    MEDIATOR = "mediator", _("Mediator")
    ADMIN = "admin", _("Administrator")


@dataclass(frozen=True)
class Capability:
    """One thing staff may see or do; ``permissions`` are the Django model permissions it grants."""

    key: str
    description: str
    permissions: frozenset[str] = frozenset()


def _cap(key: str, description: str, *permissions: str) -> Capability:
    return Capability(key=key, description=description, permissions=frozenset(permissions))


CAPABILITIES: dict[str, Capability] = {
    c.key: c
    for c in (
        _cap(
            "accounts.view",
            "See accounts and profiles: e-mail, name, status, sign-ins, privacy choices and "
            "data export requests (never contact details or the exported archives).",
            "accounts.view_user",
            "account.view_emailaddress",
            "usersessions.view_usersession",
            "trust.view_devicefingerprint",
            "profiles.view_freelancerprofile",
            "profiles.view_clientprofile",
            "profiles.view_portfolioitem",
            "savedsearches.view_savedsearch",
            "savedsearches.view_savedsearchmatch",
            "reputation.view_freelancerreputation",
            "reputation.view_clientreputation",
            "privacy.view_privacysettings",
            "privacy.view_dataexport",
            "privacy.view_identifierscrub",
        ),
        _cap(
            "accounts.manage",
            "Deactivate or reactivate accounts, correct names and e-mail addresses.",
            "accounts.view_user",
            "accounts.change_user",
            "account.view_emailaddress",
        ),
        _cap(
            "accounts.security",
            "See login lockouts and lift them; see and revoke access tokens.",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accessfailurelog",
            "accounts.view_personalaccesstoken",
            "accounts.change_personalaccesstoken",
            "security.view_knowndevice",
        ),
        _cap(
            "roles.manage",
            "Grant and remove staff roles.",
            "auth.view_group",
            "accounts.view_user",
            "accounts.change_user",
        ),
        _cap(
            "payments.view",
            "See payment details, wallets, journals, escrow and payouts.",
            "ledger.view_account",
            "ledger.view_journal",
            "ledger.view_entry",
            "ledger.view_pendingfunds",
            "payments.view_topup",
            "payments.view_refund",
            "payments.view_withdrawal",
            "payments.view_payoutmethod",
            "payments.view_statuschange",
            "payments.view_webhookevent",
            "payments.view_sandboxoperation",
        ),
        _cap("payouts.manage", "Approve, hold and reconcile payouts."),
        _cap(
            "identity.view",
            "See identity documents and verification submissions.",
            "verification.view_identitysubmission",
            "verification.view_identitysubmissionhistory",
            "verification.view_documentaccess",
        ),
        _cap(
            "verification.review",
            "Approve or reject verification submissions.",
            "verification.view_identitysubmission",
            "verification.view_identitysubmissionhistory",
            "verification.view_skilltest",
            "verification.add_skilltest",
            "verification.change_skilltest",
            "verification.view_skilltestquestion",
            "verification.add_skilltestquestion",
            "verification.change_skilltestquestion",
            "verification.view_skilltestchoice",
            "verification.add_skilltestchoice",
            "verification.change_skilltestchoice",
            "verification.view_skilltestattempt",
        ),
        _cap(
            "content.moderate",
            "See reported content and hide or restore it.",
            "catalog.view_service",
            "catalog.view_servicetier",
            "catalog.view_serviceextra",
            "catalog.view_servicefaq",
            "catalog.view_servicestatuschange",
            "piecework.view_piecetask",
            "piecework.view_piecetaskstatuschange",
            "piecework.view_piece",
            "contests.view_contest",
            "contests.view_contestprize",
            "contests.view_conteststatuschange",
            "contests.view_entry",
            "contests.view_entryfile",
            "proposals.view_proposal",
            "proposals.view_proposaloption",
            "proposals.view_proposalmilestone",
            "proposals.view_proposalattachment",
            "proposals.view_proposalstatuschange",
            "proposals.view_invitation",
            "messaging.view_safetyflag",
            "messaging.change_safetyflag",
            "reviews.view_review",
            "reviews.change_review",
            "reviews.view_reviewreport",
            "reviews.change_reviewreport",
            "trust.view_queueitem",
            "trust.view_queueevent",
            "trust.view_projectreport",
            "trust.view_riskhit",
            "trust.view_enforcement",
            "trust.view_appeal",
        ),
        _cap(
            "contracts.view",
            "See contracts: parties, status, terms, milestones and their history.",
            "contracts.view_contract",
            "contracts.view_contractterms",
            "contracts.view_termsacceptance",
            "contracts.view_milestone",
            "contracts.view_contractstatuschange",
            "contracts.view_milestonestatuschange",
            "contracts.view_cancellation",
        ),
        _cap(
            "deliveries.view",
            "See delivered work and its files (only through a case that needs it).",
            "contracts.view_delivery",
            "contracts.view_deliveryfile",
        ),
        _cap(
            "notifications.view",
            "See which notifications a person was sent and when, and their settings (no text).",
            "notifications.view_notification",
            "notifications.view_notificationpreference",
        ),
        _cap("messages.read", "Read message content (only through a case that needs it)."),
        _cap("disputes.mediate_assigned", "See and decide the disputes assigned to oneself."),
        _cap("disputes.assign", "Assign disputes to mediators."),
        _cap(
            "disputes.status",
            "See which contracts are in dispute and at what stage (never the reasons, offers "
            "or evidence).",
            "disputes.view_dispute",
        ),
        _cap(
            "audit.view",
            "Read the staff access log and enforcement history, and verify its hash chain.",
            "audit.view_auditentry",
        ),
        _cap(
            "taxonomy.manage",
            "Edit categories, skills and aliases.",
            "taxonomy.view_category",
            "taxonomy.add_category",
            "taxonomy.change_category",
            "taxonomy.view_skill",
            "taxonomy.add_skill",
            "taxonomy.change_skill",
            "taxonomy.view_skillalias",
            "taxonomy.add_skillalias",
            "taxonomy.change_skillalias",
            "taxonomy.delete_skillalias",
        ),
        _cap(
            "integrations.manage",
            "Configure third-party sign-in applications.",
            "socialaccount.view_socialapp",
            "socialaccount.add_socialapp",
            "socialaccount.change_socialapp",
        ),
    )
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.SUPPORT: frozenset(
        {
            "accounts.view",
            "accounts.security",
            "contracts.view",
            "notifications.view",
            "disputes.status",
        }
    ),
    Role.FINANCE: frozenset({"accounts.view", "payments.view", "payouts.manage"}),
    Role.MODERATOR: frozenset(
        {
            "accounts.view",
            "content.moderate",
            "identity.view",
            "verification.review",
            "taxonomy.manage",
        }
    ),
    Role.MEDIATOR: frozenset({"disputes.mediate_assigned"}),
    Role.ADMIN: frozenset(
        {
            "accounts.view",
            "accounts.manage",
            "accounts.security",
            "roles.manage",
            "disputes.assign",
            "audit.view",
            "integrations.manage",
            "taxonomy.manage",
        }
    ),
}


def roles_of(user) -> frozenset[str]:
    """The staff roles a user holds; an inactive or non-staff account holds none, and neither
    does a staff account without the two-factor authentication staff must use: the rule holds
    for every page, API call and service, not only the back office (``staff_mfa_missing``)."""
    if not (user.is_active and user.is_staff) or staff_mfa_missing(user):
        return frozenset()
    cached = getattr(user, "_jiedan_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        user._jiedan_roles = cached
    return cached


def capabilities_of(user) -> frozenset[str]:
    """Every capability granted by the user's roles; superusers (with two-factor
    authentication) hold all of them."""
    if user.is_active and user.is_superuser and not staff_mfa_missing(user):
        return frozenset(CAPABILITIES)
    return frozenset().union(*(ROLE_CAPABILITIES[r] for r in roles_of(user)))


def staff_with_mfa(users: QuerySet) -> QuerySet:
    """``users`` narrowed to those who may act as staff under the two-factor rule: everyone
    while it is off, else only accounts with two-factor authentication (``roles_of``)."""
    if not settings.JIEDAN_STAFF_MFA_REQUIRED:
        return users
    return users.filter(
        Q(is_staff=False) | Exists(Authenticator.objects.filter(user=OuterRef("pk")))
    )


def staff_mfa_missing(user) -> bool:
    """A staff account (superusers included) without two-factor authentication, while
    ``JIEDAN_STAFF_MFA_REQUIRED`` is on; remembered on the user object for the request."""
    if not (settings.JIEDAN_STAFF_MFA_REQUIRED and user.is_authenticated and user.is_staff):
        return False
    missing = getattr(user, "_jiedan_mfa_missing", None)
    if missing is None:
        missing = not is_mfa_enabled(user)
        user._jiedan_mfa_missing = missing
    return missing


def user_can(user, capability: str) -> bool:
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return capability in capabilities_of(user)


def permissions_of(user) -> frozenset[str]:
    """Django ``app_label.codename`` permissions implied by the user's capabilities."""
    return frozenset().union(*(CAPABILITIES[c].permissions for c in capabilities_of(user)))


def matrix_markdown() -> str:
    """The matrix as a Markdown table, one row per capability and one column per role."""
    header = "| capability | what it allows | " + " | ".join(Role.values) + " |"
    rule = "|---|---|" + "---|" * len(Role.values)
    rows = [
        f"| `{cap.key}` | {cap.description} | "
        + " | ".join("✔" if cap.key in ROLE_CAPABILITIES[role] else "—" for role in Role.values)
        + " |"
        for cap in CAPABILITIES.values()
    ]
    return "\n".join([header, rule, *rows]) + "\n"
