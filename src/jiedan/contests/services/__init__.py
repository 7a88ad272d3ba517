"""Writes for contests: the client's drafts, publishing with the prize in escrow, entries,
judging, the award, cancelling, and the two periodic steps (deadline and automatic award).

Rules that hold everywhere:

- Only the contest's client edits, publishes, cancels, judges or awards it; for anyone else its
  id (and its entries' ids) is "not found" and nothing changes. Only an entry's author
  withdraws it.
- Bad input is ``InvalidInput`` with a code; an action the contest's state does not allow is a
  ``Conflict``; in both cases nothing is written and no money moves.
- Every write that changes a contest's status or entries locks the contest row first
  (``locks.contests``) and checks the state again after locking.
- Status moves only along ``ALLOWED_TRANSITIONS`` through ``contest_transition``, which writes
  a history row (who, when, from, to, why).
- Money: publishing holds the total prize in escrow (reference ``contest:<id>``); the award
  pays each place to its entry's author and returns the prizes of places that valid entries
  cannot fill; closing without valid entries or cancelling returns everything still held.
  Every escrow call carries a key derived from the contest (and place), so a retried job or a
  repeated request never moves money twice.
- The guarantee: a contest with a valid entry cannot be cancelled, goes to judging at its
  deadline, and is awarded automatically when judging ends if the client has not awarded.
"""

from .awards import (
    AUTO_AWARD_REASON,
    DEADLINE_REASON,
    NO_ENTRIES_REASON,
    contest_auto_award,
    contest_award,
    contest_deadline_pass,
    contests_award_overdue,
    contests_close_entries,
)
from .common import contest_transition
from .drafts import ContestDetails, contest_cancel, contest_create, contest_publish, contest_update
from .entries import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    entry_mark_not_valid,
    entry_mark_valid,
    entry_rate,
    entry_submit,
    entry_withdraw,
)

__all__ = [
    "AUTO_AWARD_REASON",
    "DEADLINE_REASON",
    "NOTE_MAX_LENGTH",
    "NO_ENTRIES_REASON",
    "REASON_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "ContestDetails",
    "contest_auto_award",
    "contest_award",
    "contest_cancel",
    "contest_create",
    "contest_deadline_pass",
    "contest_publish",
    "contest_transition",
    "contest_update",
    "contests_award_overdue",
    "contests_close_entries",
    "entry_mark_not_valid",
    "entry_mark_valid",
    "entry_rate",
    "entry_submit",
    "entry_withdraw",
]
