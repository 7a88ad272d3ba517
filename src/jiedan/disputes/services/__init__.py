"""Writes for disputes: opening one (``opening``), what the parties do while it is open
(``negotiation``), mediators and decisions (``mediation``), paying it out or handing it back
(``settlement``) and the periodic work (``jobs``). Each module states its rules.

Every write locks in one fixed order — the contract, then the milestone or weekly statement,
then the dispute, then its offers, then the ledger accounts — and re-checks the state after
locking. Money moves only through ``jiedan.escrow`` with keys derived from the dispute
(``dispute:<id>:fund|hold|settle|return|refund``), so a repeat or a race never moves it twice.
"""

from .jobs import DisputeRun, asked_split, dispute_negotiation_end, disputes_advance
from .mediation import (
    dispute_assign,
    dispute_case_file_read_record,
    dispute_decide,
    disputes_auto_assign,
    mediators,
)
from .negotiation import (
    dispute_escalate,
    dispute_evidence_add,
    dispute_offer_accept,
    dispute_offer_decline,
    dispute_offer_make,
    dispute_statement_add,
    dispute_withdraw,
    offer_split,
)
from .opening import Claim, dispute_open_milestone, dispute_open_week

__all__ = [
    "Claim",
    "DisputeRun",
    "asked_split",
    "dispute_assign",
    "dispute_case_file_read_record",
    "dispute_decide",
    "dispute_escalate",
    "dispute_evidence_add",
    "dispute_negotiation_end",
    "dispute_offer_accept",
    "dispute_offer_decline",
    "dispute_offer_make",
    "dispute_open_milestone",
    "dispute_open_week",
    "dispute_statement_add",
    "dispute_withdraw",
    "disputes_advance",
    "disputes_auto_assign",
    "mediators",
    "offer_split",
]
