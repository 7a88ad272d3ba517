"""Reads of the audit trail, and the chain check."""

from dataclasses import dataclass

from .chain import GENESIS, entry_content, entry_hash
from .models import AuditEntry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken_id: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


def audit_chain_verify(*, batch_size: int = 2000) -> ChainCheck:
    """Walk every entry in id order; the first whose link or hash does not match breaks it."""
    previous, count = GENESIS, 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        count += 1
        if entry.previous_hash != previous or entry.hash != entry_hash(
            previous, entry_content(entry)
        ):
            return ChainCheck(entries=count, first_broken_id=entry.pk)
        previous = entry.hash
    return ChainCheck(entries=count, first_broken_id=None)
