"""Account deletion: erase or anonymise everything personal, keep what the law and the other
party need, in anonymous form.

Rules (the deletion page explains them before the person confirms):

- Only the person, with their password, and only when nothing is open
  (``selectors.deletion_blockers``: contracts, disputes, payments in progress, money held,
  public listings and proposals a client may still act on).
- The account row stays, so contracts, ledger journals, reviews and the audit trail keep
  pointing at someone: it becomes "Deleted user #<id>" with an unusable placeholder e-mail,
  no password, inactive, no staff roles. Sessions, tokens, e-mail addresses, two-factor
  devices, social logins, known devices and device fingerprints, notifications, saved
  searches, recommendations feedback, reputation snapshots, privacy settings, exports and
  failed-login records are deleted.
- Profiles are emptied (texts, photo, contacts, skills, certifications, portfolio with its
  files) and hidden; identity submissions lose the name, ID number and document image;
  payout methods lose holder, bank and account number; proposals lose their cover letter,
  answers and attachments; attachments the person sent in messages are deleted.
- Kept, anonymised through the account row: contracts and their signed terms, deliveries and
  their files (the client paid for them), disputes with their evidence, ledger journals and
  payment records (accounting and tax law), reviews, message texts (the other party's copy
  of the conversation; the sender shows as the deleted user). The audit trail is not touched:
  it refers to the account by id only.
- Finally every copy of the person's identifiers (e-mail addresses, name, contact details,
  real name, ID and account numbers) in any other text — a notification naming them, a
  message mentioning their phone — is replaced, except in records that are fingerprinted or
  append-only (``KEPT_VERBATIM``), which never store such identifiers themselves.

All but the last step happen in one transaction, in the request: the person is signed out
everywhere and their own records are erased at once. The last step reads every text column
of the platform, which takes long on a big database, so a background job does it
(``identifiers_scrub``), from an ``IdentifierScrub`` row written in that transaction (the
identifiers encrypted, never in the job queue) and deleted when done; a periodic job picks up
any the queue lost (``identifier_scrubs_resume``). Stored files are deleted after commit.
"""

import json
import logging
import re
from datetime import timedelta

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.accounts.models import User
from jiedan.core.crypto import EncryptedTextField
from jiedan.core.errors import Conflict, InvalidInput, PermissionDenied
from jiedan.core.jobs import enqueue_after_commit
from jiedan.core.public_pages import public_pages_forget
from jiedan.core.ratelimit import ratelimit_hit
from jiedan.profiles.models import FreelancerProfile, Visibility
from jiedan.profiles.services import freelancer_search_sync

from ..models import IdentifierScrub
from ..selectors import deletion_blockers

logger = logging.getLogger(__name__)
DELETE_RATE = "5/3600"  # password attempts on the deletion form, per person and hour
# Fingerprinted or append-only records: changing a byte would break a digest, a hash chain
# or the ledger's append-only rule.
KEPT_VERBATIM = frozenset(
    {
        "audit.AuditEntry",
        "ledger.Journal",
        "ledger.Entry",
        "contracts.ContractTerms",
        "contracts.TermsAcceptance",
        "contracts.Delivery",
        "piecework.Piece",
        "sessions.Session",
        "accounts.User",  # anonymised explicitly; another person may share the name
        "privacy.IdentifierScrub",  # what is being replaced
    }
)
SCRUB_TASK = "jiedan.privacy.tasks.scrub_identifiers"
# A scrub row older than this was lost by the queue (or its job failed): run it again, unless
# a job holds it (for SCRUB_LEASE from its start) or it already failed SCRUB_MAX_ATTEMPTS times
# (then it is logged as an error for an operator, every run, until it is dealt with).
SCRUB_RESUME_AFTER = timedelta(minutes=30)
SCRUB_LEASE = timedelta(hours=2)
SCRUB_MAX_ATTEMPTS = 5
ERASED = "[erased]"


def deleted_name(user_id: int) -> str:
    return f"Deleted user #{user_id}"


def deleted_email(user_id: int) -> str:
    return f"deleted-{user_id}@deleted.invalid"


def account_delete(*, user, password: str) -> User:
    """Delete the account of ``user`` (who must give their password); see the module rules."""
    ratelimit_hit(scope="privacy-delete", key=str(user.pk), rate=DELETE_RATE)
    if not user.has_usable_password():
        raise InvalidInput(
            _("Set a password first (account settings), then delete the account with it."),
            code="no_password",
        )
    if not user.check_password(password):
        raise PermissionDenied(_("The password is not correct."), code="wrong_password")
    return _erase(user_id=user.pk)


@transaction.atomic
def _erase(*, user_id: int) -> User:
    user = User.objects.select_for_update().get(pk=user_id)
    if not user.is_active:
        raise Conflict(_("This account is already deleted."), code="already_deleted")
    blockers = deletion_blockers(user=user)
    if blockers:
        raise Conflict(" ".join(b.message for b in blockers), code="deletion_blocked")
    identifiers = personal_identifiers(user)
    files: list = []
    _erase_sign_in(user)
    _erase_activity(user, files)
    _erase_profiles(user, files)
    _erase_records(user, files)
    _anonymise_account(user)
    scrub = IdentifierScrub.objects.create(user=user, identifiers=json.dumps(identifiers))
    enqueue_after_commit(SCRUB_TASK, [scrub.pk])
    transaction.on_commit(lambda: _delete_files(files))
    transaction.on_commit(lambda: freelancer_search_sync(user_id=user_id))
    transaction.on_commit(public_pages_forget)  # no page kept for visitors shows them
    return user


def personal_identifiers(user) -> dict[str, str]:
    """Every identifying string of the person, mapped to what replaces it elsewhere."""
    apps_get = apps.get_model
    found = {user.email: deleted_email(user.pk)}
    for email in (
        apps_get("account.EmailAddress").objects.filter(user=user).values_list("email", flat=True)
    ):
        found[email] = deleted_email(user.pk)
    if user.display_name:
        found[user.display_name] = deleted_name(user.pk)
    profile = FreelancerProfile.objects.filter(user=user).first()
    if profile is not None:
        for value in (profile.phone, profile.wechat_id, profile.qq, profile.contact_email):
            found.setdefault(value, ERASED)
    for submission in apps_get("verification.IdentitySubmission").objects.filter(user=user):
        found.setdefault(submission.real_name, deleted_name(user.pk))
        found.setdefault(submission.id_number, ERASED)
    for method in apps_get("payments.PayoutMethod").objects.filter(user=user):
        found.setdefault(method.holder_name, deleted_name(user.pk))
        found.setdefault(method.account, ERASED)
    return {text.strip(): stand_in for text, stand_in in found.items() if _identifying(text)}


def identifiers_scrub(*, scrub_id: int, now=None) -> int:
    """Replace a deleted person's identifiers everywhere (``identifiers_replace``), then forget
    them; returns how many rows changed. The job first takes the row's lease, so a second job
    for it (sent again while this one runs) does nothing. Safe to run again: nothing is left
    to replace."""
    now = now or timezone.now()
    free = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    taken = IdentifierScrub.objects.filter(free, pk=scrub_id).update(
        leased_until=now + SCRUB_LEASE, attempts=F("attempts") + 1
    )
    if not taken:
        return 0
    scrub = IdentifierScrub.objects.get(pk=scrub_id)
    changed = identifiers_replace(json.loads(scrub.identifiers), user_id=scrub.user_id)
    scrub.delete()
    return changed


def identifier_scrubs_resume(*, now=None) -> int:
    """Send again the scrubs waiting longer than ``SCRUB_RESUME_AFTER`` that no job holds and
    that failed fewer than ``SCRUB_MAX_ATTEMPTS`` times; returns how many were sent."""
    now = now or timezone.now()
    waiting = IdentifierScrub.objects.filter(created_at__lt=now - SCRUB_RESUME_AFTER).filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    )
    if failing := waiting.filter(attempts__gte=SCRUB_MAX_ATTEMPTS).count():
        logger.error("%d identifier replacements failed %d times", failing, SCRUB_MAX_ATTEMPTS)
    resent = list(waiting.filter(attempts__lt=SCRUB_MAX_ATTEMPTS).values_list("pk", flat=True))
    for scrub_id in resent:
        enqueue_after_commit(SCRUB_TASK, [scrub_id])
    return len(resent)


def _identifying(text: str | None) -> bool:
    """Long enough to stand for the person and not for a common word: two characters of
    Chinese, four of Latin script."""
    text = (text or "").strip()
    return len(text) >= (4 if text.isascii() else 2)


def _erase_sign_in(user) -> None:
    get = apps.get_model
    for session in get("usersessions.UserSession").objects.filter(user=user):
        session.end()
    get("accounts.PersonalAccessToken").objects.filter(user=user).delete()
    get("account.EmailAddress").objects.filter(user=user).delete()
    get("mfa.Authenticator").objects.filter(user=user).delete()
    get("socialaccount.SocialAccount").objects.filter(user=user).delete()
    get("core.IdempotentRequest").objects.filter(user=user).delete()
    get("security.KnownDevice").objects.filter(user=user).delete()
    get("trust.DeviceFingerprint").objects.filter(user=user).delete()
    for name in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        get(name).objects.filter(username__iexact=user.email).delete()


def _erase_activity(user, files: list) -> None:
    get = apps.get_model
    get("privacy.PrivacySettings").objects.filter(user=user).delete()
    for export in get("privacy.DataExport").objects.filter(user=user):
        files.append(export.archive)
    get("privacy.DataExport").objects.filter(user=user).delete()
    get("notifications.Notification").objects.filter(recipient=user).delete()
    get("notifications.NotificationPreference").objects.filter(user=user).delete()
    get("savedsearches.SavedSearch").objects.filter(owner=user).delete()
    feedback = get("matching.RecommendationFeedback").objects
    feedback.filter(Q(user=user) | Q(freelancer=user)).delete()
    get("matching.ProjectAlert").objects.filter(freelancer=user).delete()
    get("reputation.FreelancerReputation").objects.filter(user=user).delete()
    get("reputation.ClientReputation").objects.filter(user=user).delete()
    get("messaging.Block").objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    sent = get("messaging.MessageAttachment").objects.filter(message__sender=user)
    for attachment in sent:
        files += [attachment.file, attachment.preview]
    sent.delete()


def _erase_profiles(user, files: list) -> None:
    get = apps.get_model
    profile = FreelancerProfile.objects.filter(user=user).first()
    if profile is not None:
        files.append(profile.avatar)
        portfolio = get("profiles.PortfolioFile").objects.filter(item__profile=profile)
        for record in portfolio:
            files += [record.original, record.preview]
        get("profiles.PortfolioItem").objects.filter(profile=profile).delete()
        get("profiles.Certification").objects.filter(profile=profile).delete()
        get("profiles.ProfileSkill").objects.filter(profile=profile).delete()
        FreelancerProfile.objects.filter(pk=profile.pk).update(
            headline="",
            bio="",
            avatar="",
            hourly_rate=None,
            languages=[],
            city="",
            service_radius_km=None,
            years_experience=0,
            visibility=Visibility.HIDDEN,
            allow_promotion=False,
            phone="",
            wechat_id="",
            qq="",
            contact_email="",
        )
    get("profiles.ClientProfile").objects.filter(user=user).update(
        company_name="", about="", city="", website=""
    )
    for service in get("catalog.Service").objects.filter(owner=user).exclude(cover=""):
        files.append(service.cover)
    get("catalog.Service").objects.filter(owner=user).update(cover="")


def _erase_records(user, files: list) -> None:
    get = apps.get_model
    submissions = get("verification.IdentitySubmission").objects.filter(user=user)
    for submission in submissions:
        files.append(submission.document)
    submissions.update(real_name="", id_number="", document="", rejection_reason="")
    for method in get("payments.PayoutMethod").objects.filter(user=user):
        get("payments.PayoutMethod").objects.filter(pk=method.pk).update(
            holder_name="", account="", bank_name="", last4="", fingerprint=f"erased-{method.pk}"
        )
    attachments = get("proposals.ProposalAttachment").objects.filter(proposal__freelancer=user)
    for attachment in attachments:
        files.append(attachment.file)
    attachments.delete()
    get("proposals.Proposal").objects.filter(freelancer=user).update(cover_letter="", answers=[])


def _anonymise_account(user) -> None:
    user.groups.clear()
    user.user_permissions.clear()
    user.email = deleted_email(user.pk)
    user.display_name = deleted_name(user.pk)
    user.password = make_password(None)
    user.language = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.save()


def _delete_files(files) -> None:
    for stored in files:
        if stored:
            stored.storage.delete(stored.name)


# --- identifiers left in other texts ------------------------------------------------------------


def _pattern(text: str) -> re.Pattern:
    escaped = re.escape(text)
    if text.isascii():
        escaped = rf"(?<!\w){escaped}(?!\w)"
    return re.compile(escaped, re.IGNORECASE)


def _text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
        and not isinstance(f, EncryptedTextField)
    ]


def _replaced(value, patterns):
    if isinstance(value, str):
        for pattern, stand_in in patterns:
            value = pattern.sub(stand_in, value)
        return value
    if isinstance(value, list):
        return [_replaced(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _replaced(item, patterns) for key, item in value.items()}
    return value


def _matching(model, model_field, identifiers) -> Q:
    name = model_field.name
    query = Q()
    for text in identifiers:
        if isinstance(model_field, models.JSONField):
            escaped = json.dumps(text)[1:-1]
            query |= Q(**{"_as_text__icontains": text}) | Q(**{"_as_text__icontains": escaped})
        else:
            query |= Q(**{f"{name}__icontains": text})
    return query


def identifiers_replace(identifiers: dict[str, str], *, user_id: int) -> int:
    """Replace the identifiers in every text and JSON column outside ``KEPT_VERBATIM``;
    returns how many rows changed. One query per column to find them."""
    if not identifiers:
        return 0
    patterns = [(_pattern(text), stand_in) for text, stand_in in identifiers.items()]
    changed = 0
    for model in apps.get_models():
        if model._meta.label in KEPT_VERBATIM or not model._meta.managed:
            continue
        for model_field in _text_fields(model):
            changed += _replace_in_column(model, model_field, identifiers, patterns)
    return changed


def _replace_in_column(model, model_field, identifiers, patterns) -> int:
    rows = model._default_manager.all()
    if isinstance(model_field, models.JSONField):
        rows = rows.annotate(_as_text=Cast(model_field.name, models.TextField()))
    rows = rows.filter(_matching(model, model_field, identifiers))
    changed = 0
    for pk, value in rows.values_list("pk", model_field.name):
        new = _replaced(value, patterns)
        if isinstance(new, str) and model_field.max_length:
            new = new[: model_field.max_length]
        if new != value:
            row = model._default_manager.filter(pk=pk)
            if not isinstance(model_field, models.JSONField):  # unless someone edited it since
                row = row.filter(**{model_field.name: value})
            changed += row.update(**{model_field.name: new})
    return changed
