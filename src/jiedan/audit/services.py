"""Writes to the audit trail. ``audit_record`` is the only writer: every staff view of
private data (``audit_access``) and every enforcement or moderation decision
(``audit_decision``) goes through it.

Appends are serialised (a row lock on the newest entry; SQLite's write lock) so the chain
never forks; the entry is written in the caller's transaction, so a rolled-back action
leaves no trace and a committed one always has its entry.
"""

from django.db import transaction
from django.utils import timezone

from .chain import GENESIS, entry_content, entry_hash
from .models import AuditEntry, Kind


def _subject(subject) -> tuple[str, str]:
    if subject is None:
        return "", ""
    return subject._meta.label_lower, str(subject.pk)


@transaction.atomic
def audit_record(
    *, kind: str, actor, action: str, reason: str, subject=None, subject_user=None, data=None
) -> AuditEntry:
    """Append one chained entry: who (``actor``), what (``action``), about what (``subject``,
    and whose data, ``subject_user``), why (``reason``, required) and when."""
    if not (reason or "").strip():
        raise ValueError("an audit entry needs a reason")
    newest = AuditEntry.objects.select_for_update().order_by("-id").first()
    subject_type, subject_id = _subject(subject)
    entry = AuditEntry(
        kind=kind,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_user=subject_user,
        reason=reason.strip(),
        data=data or {},
        created_at=timezone.now(),
        previous_hash=newest.hash if newest else GENESIS,
    )
    entry.hash = entry_hash(entry.previous_hash, entry_content(entry))
    entry.save()
    return entry


def audit_access(*, staff, action: str, reason: str, subject=None, subject_user=None, data=None):
    """A staff member saw private data (an ID document, payout details, a conversation…)."""
    return audit_record(
        kind=Kind.ACCESS,
        actor=staff,
        action=action,
        reason=reason,
        subject=subject,
        subject_user=subject_user,
        data=data,
    )


def audit_decision(*, actor, action: str, reason: str, subject=None, subject_user=None, data=None):
    """An enforcement or moderation decision (``actor`` None for an automatic one)."""
    return audit_record(
        kind=Kind.DECISION,
        actor=actor,
        action=action,
        reason=reason,
        subject=subject,
        subject_user=subject_user,
        data=data,
    )
