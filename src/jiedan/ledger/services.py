"""Writes to the ledger: open accounts, post journals, reverse them. Every other app moves
money only through ``ledger_post`` (and, later, the payment services built on it).

Rules ``ledger_post`` enforces, whoever calls it:

- At least two entries, none zero, each in its account's currency and quantized to it, no
  account twice, and the entries sum to zero in every currency.
- The accounts are locked in primary-key order, then balances are checked: no account but
  gateway clearing may go below zero (``insufficient_funds``). The database constraint is the
  backstop.
- Idempotent: the same key with the same kind and entries returns the first journal, even
  when the repeat arrives while the first is still being posted (it waits on the same locks);
  the same key with other entries is ``idempotency_key_reused`` (422).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiedan.core.errors import Conflict, InvalidInput, NotFound, TryAgain
from jiedan.core.money import money_quantize
from jiedan.notifications.services import notification_send

from . import locks
from .models import (
    HELD_PURPOSES,
    MAY_GO_NEGATIVE,
    PERSONAL_PURPOSES,
    PLATFORM_PURPOSES,
    Account,
    Entry,
    Journal,
    PendingFunds,
    Purpose,
)

KEY_MAX_LENGTH = 200


@dataclass(frozen=True)
class Line:
    """One intended entry: ``amount`` into (positive) or out of (negative) ``account``."""

    account: Account
    amount: Decimal


def _account_shape(purpose: str, owner, reference: str, funded_by) -> None:
    if funded_by is not None and purpose not in HELD_PURPOSES:
        raise ValueError("only escrow and dispute hold accounts are funded by someone")
    if purpose in PERSONAL_PURPOSES and (owner is None or reference):
        raise ValueError(f"a {purpose} account belongs to a person, without a reference")
    if purpose in HELD_PURPOSES and (owner is not None or not reference):
        raise ValueError(f"a {purpose} account needs a reference and no owner")
    if purpose in PLATFORM_PURPOSES and (owner is not None or reference):
        raise ValueError(f"a {purpose} account is the platform's, without a reference")


def account_get(
    *, purpose: str, currency: str, owner=None, reference: str = "", funded_by=None
) -> Account:
    """The account for this purpose (opened on first use; safe when two callers open it at
    once). Personal accounts have an owner; escrow and dispute hold a reference and, given
    when they open, the person whose money they hold (``funded_by``); platform accounts
    neither."""
    purpose = Purpose(purpose)
    _account_shape(purpose, owner, reference, funded_by)
    money_quantize(0, currency)  # rejects an unsupported currency
    lookup = {"purpose": purpose, "currency": currency, "reference": reference, "owner": owner}
    # get_or_create inserts in a savepoint of its own and, when someone else opened the account
    # in the meantime, reads theirs: an existing account costs one SELECT and no savepoint.
    account, _created = Account.objects.get_or_create(**lookup, defaults={"funded_by": funded_by})
    return account


def _checked_lines(lines: list[Line]) -> list[Line]:
    if len(lines) < 2:
        raise InvalidInput(_("A journal needs at least two entries."), code="journal_too_short")
    if len({line.account.pk for line in lines}) != len(lines):
        raise InvalidInput(_("An account appears twice in one journal."), code="journal_repeat")
    checked, totals = [], defaultdict(Decimal)
    for line in lines:
        currency = line.account.currency
        amount = money_quantize(line.amount, currency)
        if amount != line.amount or amount == 0:
            raise InvalidInput(
                _("Entry amounts must be non-zero and in the currency's smallest unit."),
                code="entry_amount",
            )
        totals[currency] += amount
        checked.append(Line(line.account, amount))
    if any(total != 0 for total in totals.values()):
        raise InvalidInput(_("The entries do not balance."), code="journal_unbalanced")
    return checked


def _fingerprint(kind: str, lines: list[Line]) -> str:
    parts = sorted((line.account.pk, str(line.amount)) for line in lines)
    return hashlib.sha256(json.dumps([kind, parts]).encode()).hexdigest()


def _replay(idempotency_key: str, fingerprint: str) -> Journal | None:
    journal = Journal.objects.filter(idempotency_key=idempotency_key).first()
    if journal is not None and journal.fingerprint != fingerprint:
        raise InvalidInput(
            _("This idempotency key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return journal


def _apply(locked: dict[int, Account], lines: list[Line]) -> None:
    for line in lines:
        account = locked[line.account.pk]
        new_balance = account.balance + line.amount
        if new_balance < 0 and account.purpose not in MAY_GO_NEGATIVE:
            raise Conflict(
                _("There is not enough money in the account for this."),
                code="insufficient_funds",
            )
        account.balance = new_balance
        account.updated_at = timezone.now()
    # One UPDATE for all of them, so the locks (which other journals may wait for) are held
    # for as few statements as possible.
    Account.objects.bulk_update(locked.values(), ["balance", "updated_at"])


@transaction.atomic
def ledger_post(
    *,
    idempotency_key: str,
    kind: str,
    lines: list[Line],
    memo: str = "",
    reference: str = "",
    actor=None,
    reverses: Journal | None = None,
) -> Journal:
    """Post one balanced journal (see the module's rules); returns it, or the first journal
    posted with this key."""
    if not idempotency_key or len(idempotency_key) > KEY_MAX_LENGTH:
        raise InvalidInput(
            _("Send an idempotency key of 1 to %(max)s characters.") % {"max": KEY_MAX_LENGTH},
            code="idempotency_key_invalid",
        )
    lines = _checked_lines(lines)
    fingerprint = _fingerprint(kind, lines)
    account_ids = [line.account.pk for line in lines]
    locked = {account.pk: account for account in locks.accounts(account_ids)}
    # Looked up once, under the locks: a repeat that waited on them finds the first journal
    # committed by now.
    if replay := _replay(idempotency_key, fingerprint):
        return replay
    _apply(locked, lines)
    try:
        # No savepoint of its own: the error leaves this function, whose atomic block rolls
        # back to where it began.
        journal = Journal.objects.create(
            idempotency_key=idempotency_key,
            kind=kind,
            memo=memo[:200],
            reference=reference,
            fingerprint=fingerprint,
            actor=actor,
            reverses=reverses,
        )
    except IntegrityError as error:
        raise TryAgain(
            _("The same request is already being processed. Try again in a moment."),
            code="idempotency_conflict",
        ) from error
    Entry.objects.bulk_create(
        Entry(
            journal=journal,
            account_id=line.account.pk,
            amount=line.amount,
            currency=line.account.currency,
        )
        for line in lines
    )
    return journal


@transaction.atomic
def ledger_reverse(*, journal_id: int, idempotency_key: str, actor=None, memo: str = "") -> Journal:
    """Undo a journal with its mirror image (every entry negated), linked to it. A journal is
    reversed at most once, and a reversal is never itself reversed; the balances must allow
    it (money already spent from an account cannot be taken back)."""
    journal = locks.journals().filter(pk=journal_id).first()  # one reversal at a time
    if journal is None:
        raise NotFound(_("No such journal."), code="journal_not_found")
    if journal.reverses_id is not None:
        raise Conflict(_("A reversal cannot be reversed."), code="journal_is_reversal")
    existing = Journal.objects.filter(reverses=journal).first()
    if existing is not None and existing.idempotency_key != idempotency_key:
        raise Conflict(_("This journal has already been reversed."), code="journal_reversed")
    lines = [
        Line(entry.account, -entry.amount)
        for entry in journal.entries.select_related("account").order_by("pk")
    ]
    return ledger_post(
        idempotency_key=idempotency_key,
        kind=f"{journal.kind}.reversed",
        lines=lines,
        memo=memo or f"reverses #{journal.pk}",
        reference=journal.reference,
        actor=actor,
        reverses=journal,
    )


def earnings_hold_until(now: datetime) -> datetime:
    """When earnings released now become available (``JIEDAN_EARNINGS_HOLD_DAYS`` later)."""
    return now + timedelta(days=settings.JIEDAN_EARNINGS_HOLD_DAYS)


def pending_funds_record(*, journal: Journal, owner, amount: Decimal, currency: str, now=None):
    """Remember that ``journal`` credited ``amount`` to the owner's pending account, to be made
    available after the hold period. Once per journal (a replayed release records nothing and
    returns the first record)."""
    try:
        with transaction.atomic():  # a new journal is the rule: insert first
            return PendingFunds.objects.create(
                journal=journal,
                owner=owner,
                amount=amount,
                currency=currency,
                available_at=earnings_hold_until(now or timezone.now()),
            )
    except IntegrityError:
        recorded = PendingFunds.objects.filter(journal=journal).first()
        if recorded is None:  # not a replay: another constraint refused the row
            raise
        return recorded


@transaction.atomic
def pending_funds_settle(*, funds_id: int, now=None) -> Journal | None:
    """Move one batch of pending earnings to the owner's wallet once its hold period is over:
    pending −amount, wallet +amount, and tell the owner the payment is available. Runs once
    per batch (the row is locked and re-checked); None when it is not due yet or already
    settled."""
    now = now or timezone.now()
    funds = PendingFunds.objects.select_for_update().filter(pk=funds_id).first()
    if funds is None or funds.settled_journal_id or funds.available_at > now:
        return None
    owner, currency = funds.owner, funds.currency
    journal = ledger_post(
        idempotency_key=f"pending.available:{funds.pk}",
        kind="pending.available",
        lines=[
            Line(
                account_get(purpose=Purpose.PENDING, currency=currency, owner=owner), -funds.amount
            ),
            Line(account_get(purpose=Purpose.WALLET, currency=currency, owner=owner), funds.amount),
        ],
        reference=funds.journal.reference,
        memo=f"available after the hold of journal #{funds.journal_id}",
    )
    funds.settled_journal = journal
    funds.save(update_fields=["settled_journal"])
    notification_send(
        recipient_id=owner.pk,
        kind="payment.available",
        data={"amount": str(funds.amount), "currency": currency, "funds_id": funds.pk},
    )
    return journal


def pending_funds_settle_due(*, now=None, limit: int = 500) -> int:
    """Settle every batch whose hold period is over (the periodic job); returns how many."""
    now = now or timezone.now()
    due = PendingFunds.objects.filter(settled_journal__isnull=True, available_at__lte=now)
    settled = 0
    for funds_id in due.order_by("available_at", "pk").values_list("pk", flat=True)[:limit]:
        settled += pending_funds_settle(funds_id=funds_id, now=now) is not None
    return settled
