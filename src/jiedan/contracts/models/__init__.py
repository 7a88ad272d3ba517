"""Contracts: what a client and a freelancer agreed, and the milestones it is paid by.

A ``Contract`` starts from a hired proposal or an ordered service package (``source`` and
``source_id``, one contract each). Its terms are ``ContractTerms`` versions: immutable
documents (scope, deliverables, revisions, deadline, what happens on delay, when the IP
transfers, the milestone plan) fingerprinted by the SHA-256 ``digest`` of their canonical form
(``terms.terms_digest``). Each party's ``TermsAcceptance`` records who accepted which digest,
when and from which IP address; the contract becomes active only when both accepted the same
version, so terms never change silently.

A fixed-price contract is paid by ``Milestone`` rows created from the accepted plan. The money
of a funded milestone sits in the ledger's escrow account ``milestone:<id>``; its status says
where the money is (``audit.milestone_escrow_problems`` proves the two agree). Every delivery
is a ``Delivery`` with its files, immutable and fingerprinted, kept as evidence.

Statuses move only along the maps below, through ``services.transitions``, which write the
history rows.
"""

from .changes import *  # noqa: F403
from .contracts import *  # noqa: F403
from .hourly import *  # noqa: F403
