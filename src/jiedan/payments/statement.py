"""A person's statement in words and as CSV: what each journal kind means, and the rows of
the export.

The CSV has a header row, one row per ledger entry, amounts as plain decimals with the
currency's places (``-12.50``, never a float or a thousands separator) and local times. Any
text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is prefixed with ``'``. It starts with a byte-order mark so
spreadsheet programs read the Chinese text as UTF-8.
"""

import csv
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from jiedan.core.money import money_quantize
from jiedan.ledger.models import Entry, Purpose

KIND_LABELS = {
    "wallet.top_up": _("Top-up"),
    "withdrawal.requested": _("Withdrawal requested"),
    "withdrawal.paid": _("Withdrawal paid out"),
    "withdrawal.returned": _("Withdrawal returned"),
    "top_up.refund_requested": _("Refund requested"),
    "top_up.refunded": _("Refunded"),
    "top_up.refund_returned": _("Refund returned"),
    "escrow.held": _("Held in escrow"),
    "escrow.released": _("Payment released"),
    "escrow.refunded": _("Escrow returned"),
    "escrow.disputed": _("Moved to dispute hold"),
    "pending.available": _("Earnings available"),
}
REVERSED_SUFFIX = ".reversed"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
CHUNK_SIZE = 500


def kind_label(kind: str) -> str:
    """What a journal kind means for people; an unknown kind is shown as it is."""
    if kind.endswith(REVERSED_SUFFIX):
        original = kind.removesuffix(REVERSED_SUFFIX)
        return str(_("Reversal: %(kind)s") % {"kind": kind_label(original)})
    return str(KIND_LABELS.get(kind, kind))


def csv_safe(text: str) -> str:
    """A text cell no spreadsheet runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _header() -> list[str]:
    return [
        str(label)
        for label in (
            _("Date"),
            _("Kind"),
            _("Account"),
            _("Amount"),
            _("Currency"),
            _("Reference"),
            _("Details"),
            _("Journal"),
        )
    ]


def _row(entry: Entry) -> list[str]:
    journal = entry.journal
    when = timezone.localtime(journal.created_at).strftime("%Y-%m-%d %H:%M:%S")
    texts = [kind_label(journal.kind), str(Purpose(entry.account.purpose).label)]
    amount = money_quantize(entry.amount, entry.currency)
    return [
        when,
        *(csv_safe(text) for text in texts),
        f"{amount:f}",
        entry.currency,
        csv_safe(journal.reference),
        csv_safe(journal.memo),
        str(journal.pk),
    ]


class _Echo:
    """A file-like object whose ``write`` hands back the line, for streaming."""

    def write(self, value: str) -> str:
        return value


def statement_csv_lines(entries: QuerySet[Entry], *, language: str) -> Iterator[str]:
    """The CSV, line by line, in ``language``; reads the entries in chunks (one query per
    chunk, however long the statement)."""
    writer = csv.writer(_Echo())
    with translation.override(language):  # never held across a yield
        header = _header()
    yield BYTE_ORDER_MARK + writer.writerow(header)
    for entry in entries.iterator(chunk_size=CHUNK_SIZE):
        with translation.override(language):
            row = _row(entry)
        yield writer.writerow(row)
