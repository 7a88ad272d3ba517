"""The money of a generated history, booked as the payment and escrow services book it.

The contract stories record what happened to money and when (``Ledger.hold``, ``release``,
``refund``). ``Ledger.post_all`` then replays those moves in time order, as the services
would have posted them one by one:

- Before a hold, a client whose wallet is short tops it up through the sandbox provider: a
  ``TopUp`` with its sandbox charge, the provider's webhook event, the two status changes and
  the journal ``wallet.top_up`` (gateway clearing → wallet), as ``payments.services.topups``.
- ``escrow.held`` (wallet → escrow), ``escrow.released`` (escrow → the freelancer's pending
  account net of the commission, the commission → platform fees, with its ``PendingFunds``),
  ``escrow.refunded`` (escrow → wallet), as ``escrow.services``; journal keys, references and
  memos as the contract services write them.
- ``pending.available`` (pending → wallet) once the hold period is over, as the periodic job
  ``pending_funds_settle_due`` does, within the hour.

Every journal balances, each account's ``balance`` is the sum of its entries and no account
but gateway clearing goes below zero, so ``manage.py ledger_audit`` passes. The replay runs
twice from the same random stream: the first pass learns each account's final balance and
when it was first and last used, the second writes accounts (with those balances), journals
and entries. Platform accounts that already exist are reused and their balance moved by what
the generated journals added.
"""

import hashlib
import heapq
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Greatest

from jiedan.ledger import fees
from jiedan.ledger.models import Account, Entry, Journal, PendingFunds, Purpose

from .plan import Run, minutes
from .topups import TopUpRows
from .writer import record

TOP_UP_MAXIMUM = Decimal("1000000")  # ``fees.top_up_quote`` refuses more in one top-up
TOP_UP_STEP = {"CNY": Decimal(100), "USD": Decimal(10)}
PLATFORM = (Purpose.PLATFORM_FEES, Purpose.GATEWAY_CLEARING)


@dataclass(order=True)
class Move:
    """One money move a story recorded; ``seq`` keeps the story's order at equal moments."""

    at: datetime
    seq: int
    kind: str = field(compare=False)  # hold, release, refund, settle
    reference: str = field(compare=False)
    person: int = field(compare=False)  # who pays in, is paid, or is refunded
    amount: Decimal = field(compare=False)
    currency: str = field(compare=False)
    key: str = field(compare=False, default="")
    memo: str = field(compare=False, default="")
    actor: int | None = field(compare=False, default=None)
    lang: str = field(compare=False, default="zh")
    source: "Posting | None" = field(compare=False, default=None)  # settle: the release


@dataclass
class Posting:
    """One journal to write, with what goes with it (a top-up, pending funds)."""

    at: datetime
    kind: str
    key: str
    reference: str
    memo: str
    actor: int | None
    lines: list[tuple[tuple, Decimal]]  # (account key, amount)
    funded_by: int | None = None
    pending: tuple[int, Decimal, datetime] | None = None  # (owner, net, available at)
    settles: "Posting | None" = None
    top_up: dict | None = None
    journal_id: int = 0
    funds_id: int = 0


@dataclass
class AccountState:
    id: int
    balance: Decimal
    first: datetime
    last: datetime
    existing: bool = False


def _account_key(purpose: str, currency: str, owner=None, reference: str = "") -> tuple:
    return (owner, purpose, reference, currency)


class Ledger:
    def __init__(self, run: Run):
        self.run = run
        self.moves: list[Move] = []
        self._seq = 0
        self._shared: list[AccountState] = []

    def _add(self, at: datetime, kind: str, **fields) -> None:
        self._seq += 1
        self.moves.append(Move(at, self._seq, kind, **fields))

    def hold(self, at, *, reference, payer, amount, currency, key, memo, lang) -> None:
        self._add(
            at,
            "hold",
            reference=reference,
            person=payer,
            amount=amount,
            currency=currency,
            key=key,
            memo=memo,
            actor=payer,
            lang=lang,
        )

    def release(self, at, *, reference, payee, amount, currency, key, memo, actor) -> None:
        self._add(
            at,
            "release",
            reference=reference,
            person=payee,
            amount=amount,
            currency=currency,
            key=key,
            memo=memo,
            actor=actor,
        )

    def refund(self, at, *, reference, payer, amount, currency, key, memo, actor) -> None:
        self._add(
            at,
            "refund",
            reference=reference,
            person=payer,
            amount=amount,
            currency=currency,
            key=key,
            memo=memo,
            actor=actor,
        )

    # --- the replay ---------------------------------------------------------------------------

    def _postings(self) -> Iterator[Posting]:
        """Every journal in time order, with the balances kept as ``ledger_post`` keeps them
        (``self.balances``). Deterministic: the same moves give the same postings."""
        self._rng = self.run.rng("ledger")
        self.balances: dict[tuple, Decimal] = {}
        self._queue = list(self.moves)
        heapq.heapify(self._queue)
        self._settle_seq = len(self.moves)  # settlements come after the stories' moves
        self._last: datetime | None = None
        handlers = {
            "hold": self._hold,
            "release": self._release,
            "refund": self._refund,
            "settle": self._settle,
        }
        while self._queue:
            move = heapq.heappop(self._queue)
            yield from handlers[move.kind](move)
            self._last = move.at

    def _hold(self, move: Move) -> Iterator[Posting]:
        """``escrow_hold``: wallet → escrow, after any top-up the wallet needs."""
        wallet = _account_key(Purpose.WALLET, move.currency, owner=move.person)
        escrow = _account_key(Purpose.ESCROW, move.currency, reference=move.reference)
        yield from self._top_ups(move, wallet)
        lines = [(wallet, -move.amount), (escrow, move.amount)]
        yield self._post(self._posting(move, "escrow.held", lines, funded_by=move.person))

    def _release(self, move: Move) -> Iterator[Posting]:
        """``escrow_release``: escrow → pending (net) and platform fees (commission); the
        net becomes available after the hold period, when the settling job next runs."""
        split = fees.release_split(move.amount, move.currency)
        escrow = _account_key(Purpose.ESCROW, move.currency, reference=move.reference)
        pending = _account_key(Purpose.PENDING, move.currency, owner=move.person)
        lines = [(escrow, -split.gross), (pending, split.net)]
        if split.commission:
            lines.append((_account_key(Purpose.PLATFORM_FEES, move.currency), split.commission))
        available = move.at + timedelta(days=settings.JIEDAN_EARNINGS_HOLD_DAYS)
        posting = self._post(
            self._posting(
                move, "escrow.released", lines, pending=(move.person, split.net, available)
            )
        )
        yield posting
        settled_at = available + minutes(self._rng, 1, 60)
        if settled_at < self.run.now:
            self._settle_seq += 1
            settle = Move(
                settled_at,
                self._settle_seq,
                "settle",
                move.reference,
                move.person,
                split.net,
                move.currency,
                source=posting,
            )
            heapq.heappush(self._queue, settle)

    def _refund(self, move: Move) -> Iterator[Posting]:
        """``escrow_refund``: escrow → the wallet of who funded it."""
        escrow = _account_key(Purpose.ESCROW, move.currency, reference=move.reference)
        wallet = _account_key(Purpose.WALLET, move.currency, owner=move.person)
        lines = [(escrow, -move.amount), (wallet, move.amount)]
        yield self._post(self._posting(move, "escrow.refunded", lines))

    def _settle(self, move: Move) -> Iterator[Posting]:
        """``pending_funds_settle``: pending → wallet (key and memo name the pending funds and
        the release, known when written)."""
        pending = _account_key(Purpose.PENDING, move.currency, owner=move.person)
        wallet = _account_key(Purpose.WALLET, move.currency, owner=move.person)
        lines = [(pending, -move.amount), (wallet, move.amount)]
        yield self._post(
            Posting(
                move.at,
                "pending.available",
                "",
                move.reference,
                "",
                None,
                lines,
                settles=move.source,
            )
        )

    @staticmethod
    def _posting(move: Move, kind: str, lines, **extra) -> Posting:
        return Posting(
            move.at, kind, move.key, move.reference, move.memo, move.actor, lines, **extra
        )

    def _post(self, posting: Posting) -> Posting:
        for key, amount in posting.lines:
            balance = self.balances.get(key, Decimal(0)) + amount
            if balance < 0 and key[1] not in (Purpose.GATEWAY_CLEARING,):
                raise AssertionError(f"{key} would go below zero at {posting.at}")
            self.balances[key] = balance
        return posting

    def _top_ups(self, move: Move, wallet: tuple) -> Iterator[Posting]:
        """Top-ups that cover the hold, just before it: the shortfall rounded up to a round
        sum, sometimes more (people keep a little in the wallet)."""
        rng, last = self._rng, self._last
        short = move.amount - self.balances.get(wallet, Decimal(0))
        step = TOP_UP_STEP.get(move.currency, Decimal(10))
        while short > 0:
            wanted = (short / step).to_integral_value(rounding=ROUND_CEILING) * step
            if rng.random() < 0.3:
                wanted += step * rng.randint(1, 10)
            amount = min(wanted, TOP_UP_MAXIMUM)
            quote = fees.top_up_quote(amount, move.currency)
            paid_at = move.at - minutes(rng, 2, 30)
            if last is not None and paid_at < last:
                paid_at = last + (move.at - last) / 2
            top_up = {
                "user": move.person,
                "quote": quote,
                "started": paid_at - minutes(rng, 1, 5),
                "token": f"sbx_{rng.getrandbits(96):024x}",
                "key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "lang": move.lang,
            }
            clearing = _account_key(Purpose.GATEWAY_CLEARING, move.currency)
            yield self._post(
                Posting(
                    paid_at,
                    "wallet.top_up",
                    "",
                    "",
                    "",
                    None,
                    [(clearing, -quote.credited), (wallet, quote.credited)],
                    top_up=top_up,
                )
            )
            short -= quote.credited

    def post_all(self) -> None:
        """Write every journal, entry, account and top-up (see the module docstring)."""
        accounts = self._existing_platform_accounts()
        for posting in self._postings():  # first pass: balances and first and last use
            for key, _amount in posting.lines:
                state = accounts.get(key)
                if state is None:
                    accounts[key] = AccountState(
                        self.run.ids.take(Account), Decimal(0), posting.at, posting.at
                    )
                else:
                    state.last = posting.at
        for key, state in accounts.items():
            state.balance = self.balances.get(key, Decimal(0))
        _Books(self.run, accounts).write(self._postings())
        self._shared = [state for state in accounts.values() if state.existing and state.balance]

    def shared_accounts_update(self) -> None:
        """Move the platform accounts that existed before by what the generated journals put
        in them (once every entry is written)."""
        for state in self._shared:
            Account.objects.filter(pk=state.id).update(
                balance=F("balance") + state.balance,
                updated_at=Greatest(F("updated_at"), Value(state.last)),
            )

    def _existing_platform_accounts(self) -> dict[tuple, AccountState]:
        rows = Account.objects.filter(owner=None, reference="", purpose__in=PLATFORM)
        return {
            _account_key(purpose, currency): AccountState(
                pk, Decimal(0), self.run.now, self.run.now, existing=True
            )
            for pk, purpose, currency in rows.values_list("pk", "purpose", "currency")
        }


def fingerprint(kind: str, entries: list[tuple[int, Decimal]]) -> str:
    """As ``ledger.services`` fingerprints a journal: its kind and sorted (account, amount)."""
    parts = sorted((account_id, str(amount)) for account_id, amount in entries)
    return hashlib.sha256(json.dumps([kind, parts]).encode()).hexdigest()


class _Books:
    """The second pass: rows for each posting."""

    def __init__(self, run: Run, accounts: dict[tuple, AccountState]):
        self.run, self.accounts = run, accounts
        self.written: set[tuple] = set()
        self.waiting_funds: dict[int, PendingFunds] = {}
        self.top_ups = TopUpRows(run)

    def write(self, postings: Iterator[Posting]) -> None:
        """Each journal with its entries, then the rows that point at it (written after it, so
        a batch never holds a row before the journal it refers to)."""
        run = self.run
        for posting in postings:
            posting.journal_id = run.ids.take(Journal)
            after = []
            if posting.top_up is not None:
                after = self.top_ups.rows(posting)
            elif posting.kind == "pending.available":
                funds = self.waiting_funds.pop(posting.settles.funds_id)
                posting.key = f"pending.available:{funds.id}"
                posting.memo = f"available after the hold of journal #{posting.settles.journal_id}"
                funds.settled_journal_id = posting.journal_id
                after = [funds]
            currency = posting.lines[0][0][3]
            entries = [(self._account(key, posting), amount) for key, amount in posting.lines]
            rows = [
                record(
                    Journal,
                    id=posting.journal_id,
                    idempotency_key=posting.key,
                    kind=posting.kind,
                    memo=posting.memo[:200],
                    reference=posting.reference,
                    fingerprint=fingerprint(posting.kind, entries),
                    actor_id=posting.actor,
                    created_at=posting.at,
                )
            ]
            rows += [
                record(
                    Entry,
                    id=run.ids.take(Entry),
                    journal_id=posting.journal_id,
                    account_id=account_id,
                    amount=amount,
                    currency=currency,
                )
                for account_id, amount in entries
            ]
            run.out.add(*rows, *after)
            if posting.pending is not None:
                self._pending(posting, currency)
        run.out.add(*self.waiting_funds.values())

    def _account(self, key: tuple, posting: Posting) -> int:
        state = self.accounts[key]
        if key not in self.written and not state.existing:
            owner, purpose, reference, currency = key
            self.run.out.add(
                record(
                    Account,
                    id=state.id,
                    owner_id=owner,
                    purpose=purpose,
                    reference=reference,
                    funded_by_id=posting.funded_by if purpose == Purpose.ESCROW else None,
                    currency=currency,
                    balance=state.balance,
                    created_at=state.first,
                    updated_at=state.last,
                )
            )
        self.written.add(key)
        return state.id

    def _pending(self, posting: Posting, currency: str) -> None:
        owner, net, available_at = posting.pending
        posting.funds_id = self.run.ids.take(PendingFunds)
        self.waiting_funds[posting.funds_id] = record(
            PendingFunds,
            id=posting.funds_id,
            owner_id=owner,
            amount=net,
            currency=currency,
            journal_id=posting.journal_id,
            available_at=available_at,
            created_at=posting.at,
        )
