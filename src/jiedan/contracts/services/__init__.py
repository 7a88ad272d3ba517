"""Writes for contracts: offers and acceptance (``offers``), the milestone escrow loop
(``milestones``), reminders before auto-approval (``reminders``), ending and pausing
(``endings``). Every status change goes through ``transitions``. Each module states its rules.
"""

from .endings import (
    cancellation_accept,
    cancellation_decline,
    cancellation_propose,
    contract_end,
    contract_pause,
    contract_resume,
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

__all__ = [
    "cancellation_accept",
    "cancellation_decline",
    "cancellation_propose",
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
]
