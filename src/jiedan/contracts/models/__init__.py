"""Contracts: what a client and a freelancer agreed, and how it is paid.

A ``Contract`` starts from a hired proposal, an ordered service package or a contest award
(``source`` and ``source_id``, one contract each). Its terms are ``ContractTerms`` versions:
immutable documents (scope, deliverables, revisions, deadline, what happens on delay, when the
IP transfers, the milestone plan or the hourly rate) fingerprinted by the SHA-256 ``digest``
of their canonical form (``terms.terms_digest``). Each party's ``TermsAcceptance`` records who
accepted which digest, when and from which IP address; the contract becomes active only when
both accepted the same version, so terms never change silently.

A fixed-price contract is paid by ``Milestone`` rows created from the accepted plan. The money
of a funded milestone sits in the ledger's escrow account ``milestone:<id>``; its status says
where the money is (``audit.milestone_escrow_problems`` proves the two agree). Every delivery
is a ``Delivery`` with its files, immutable and fingerprinted, kept as evidence.

An hourly contract is paid by the week: the freelancer's ``TimeEntry`` rows close into a
``WeeklyStatement`` the client reviews before it is billed (``models.hourly``). A running
contract's terms change only by a ``ChangeRequest`` both accept (``models.changes``).

Statuses move only along the maps in ``models.contracts``, through ``services.transitions``,
which write the history rows.
"""

from .changes import *  # noqa: F403
from .contracts import *  # noqa: F403
from .hourly import *  # noqa: F403
