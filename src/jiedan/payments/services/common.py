"""What every payment service shares: the signed-in check, idempotency keys and request
fingerprints, the person's ledger accounts, and the one status transition with its history."""

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotAuthenticated
from jiedan.core.jobs import enqueue_after_commit
from jiedan.ledger import locks as ledger_locks
from jiedan.ledger.models import Account, Purpose
from jiedan.ledger.services import account_get
from jiedan.payments.models import KEY_MAX_LENGTH, StatusChange


def signed_in(user) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAuthenticated()


def key_checked(idempotency_key: str) -> str:
    """A client's idempotency key: 1 to ``KEY_MAX_LENGTH`` printable characters."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise InvalidInput(
            _("Send an idempotency key of 1 to %(max)s characters.") % {"max": KEY_MAX_LENGTH},
            code="idempotency_key_invalid",
        )
    return key


def fingerprint(**request) -> str:
    """The SHA-256 of what was asked, to tell a repeat from another request with the key."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def replay_of(model, *, user, idempotency_key: str, request_fingerprint: str):
    """The record this person already made with this key, or None; the key sent with another
    request is ``idempotency_key_reused`` (422)."""
    done = model.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if done is not None and done.request_fingerprint != request_fingerprint:
        raise InvalidInput(
            _("This idempotency key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return done


def personal_account(purpose: str, user, currency: str) -> Account:
    return account_get(purpose=purpose, currency=currency, owner=user)


def wallet_and_payout_locked(user, currency: str) -> tuple[Account, Account]:
    """The person's wallet and payout accounts, locked (primary-key order, as the ledger
    does): every request that takes money from a wallet waits here, one at a time."""
    wallet = personal_account(Purpose.WALLET, user, currency)
    payout = personal_account(Purpose.PAYOUT, user, currency)
    locked = {account.pk: account for account in ledger_locks.accounts([wallet.pk, payout.pk])}
    return locked[wallet.pk], locked[payout.pk]


def platform_account(purpose: str, currency: str) -> Account:
    return account_get(purpose=purpose, currency=currency)


@transaction.atomic
def payment_transition(*, record, to: str, actor=None, reason: str = "", event=None):
    """The one way a top-up, refund or withdrawal changes status: along its model's
    ``ALLOWED_TRANSITIONS``, with a history row. The caller holds the record's lock and has
    set any other fields to save with it."""
    current = record.status
    if to not in record.ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise Conflict(
            _("This cannot go from “%(from)s” to “%(to)s”.")
            % {"from": record.Status(current).label, "to": record.Status(to).label},
            code="illegal_transition",
        )
    history_start(record, to=to, actor=actor, reason=reason, event=event, current=current)
    record.status = to
    record.save()
    return record


def history_start(record, *, to: str, actor=None, reason="", event=None, current=""):
    """A history row for ``record``; alone, it records the status a record was created in."""
    StatusChange.objects.create(
        **{record.HISTORY_FIELD: record},
        from_status=current,
        to_status=to,
        actor=actor,
        reason=reason[:200],
        event=event,
    )


def reference_id(reference: str, model) -> int | None:
    """The primary key in one of our references (``withdrawal_12`` → 12), if it is one."""
    prefix, _sep, number = reference.rpartition("_")
    if prefix != model.REFERENCE_PREFIX or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


def run_after_commit(task: str, *args) -> None:
    """Queue the Celery task at this dotted path once the current transaction commits (named
    by path: the tasks module imports the services, not the other way round)."""
    enqueue_after_commit(task, args)
