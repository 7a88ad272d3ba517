"""Writes for contracts: offers and acceptance (``offers``), the milestone escrow loop
(``milestones``), reminders before auto-approval (``reminders``), ending and pausing
(``endings``), hourly contracts' time (``hourly``) and weekly statements (``statements``),
change requests on running contracts (``changes``).
Every status change goes through ``transitions``. Each module states its rules.
"""

from .changes import change_accept, change_decline, change_propose, change_withdraw
from .endings import (
    cancellation_accept,
    cancellation_decline,
    cancellation_propose,
    contract_end,
    contract_pause,
    contract_resume,
)
from .hourly import (
    time_entry_add,
    time_entry_delete,
    time_entry_update,
    timer_start,
    timer_stop,
)
from .milestones import (
    milestone_approve,
    milestone_auto_approve,
    milestone_fund,
    milestone_request_changes,
    milestone_submit,
    milestones_auto_approve_due,
)
from .offers import (
    contract_accept,
    contract_decline,
    contract_offer_from_order,
    contract_offer_from_proposal,
    contract_offer_revise,
    contract_withdraw,
    order_terms,
)
from .reminders import milestone_reminders_send
from .statements import (
    statement_answer,
    statement_approve,
    statement_bill_due,
    statement_close,
    statement_pay,
    statement_query,
    statements_close_and_bill,
)

__all__ = [
    "cancellation_accept",
    "cancellation_decline",
    "cancellation_propose",
    "change_accept",
    "change_decline",
    "change_propose",
    "change_withdraw",
    "contract_accept",
    "contract_decline",
    "contract_end",
    "contract_offer_from_order",
    "contract_offer_from_proposal",
    "contract_offer_revise",
    "contract_pause",
    "contract_resume",
    "contract_withdraw",
    "milestone_approve",
    "milestone_auto_approve",
    "milestone_fund",
    "milestone_reminders_send",
    "milestone_request_changes",
    "milestone_submit",
    "milestones_auto_approve_due",
    "order_terms",
    "statement_answer",
    "statement_approve",
    "statement_bill_due",
    "statement_close",
    "statement_pay",
    "statement_query",
    "statements_close_and_bill",
    "time_entry_add",
    "time_entry_delete",
    "time_entry_update",
    "timer_start",
    "timer_stop",
]
