"""``manage.py generate_data``: a small generated history has the planned proportions, books
that pass the ledger audit, search documents and digests as the services write them, the
same rows again from the same seed, and a wipe that takes away only what was generated."""

import hashlib
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from jiedan.accounts.models import User
from jiedan.contracts.models import Contract, ContractTerms, Kind, Milestone, TermsAcceptance
from jiedan.contracts.models import Status as ContractStatus
from jiedan.contracts.terms import terms_digest
from jiedan.ledger.models import Account, Entry, Journal, PendingFunds
from jiedan.ledger.services import Line, _fingerprint
from jiedan.messaging.models import Conversation, Message
from jiedan.payments.models import TopUp
from jiedan.profiles.models import ClientProfile, FreelancerProfile
from jiedan.profiles.services import freelancer_search_sync
from jiedan.projects import selectors as project_selectors
from jiedan.projects.models import Project
from jiedan.projects.services import project_search_sync
from jiedan.proposals.models import Proposal
from jiedan.reputation.models import ClientReputation, FreelancerReputation
from jiedan.reviews.models import Review
from jiedan.search.models import SearchDocument
from jiedan.search.tokens import text_tokens
from jiedan.web.generate import GENERATED_DOMAIN, generated_wipe
from tests.factories import UserFactory
from tests.ledger.helpers import clearing, top_up
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FREELANCERS = PROJECTS = 200
OPTIONS = ["--freelancers", "200", "--projects", "200", "--seed", "7", "--now", "2026-01-15"]


def _generate():
    call_command("generate_data", *OPTIONS, stdout=StringIO())


@pytest.fixture(scope="module", autouse=True)
def generated(django_db_setup, django_db_blocker):
    """One generated history for the module; each test runs in a transaction rolled back."""
    with django_db_blocker.unblock():
        _generate()
        yield
        generated_wipe()


def _generated_users():
    return User.objects.filter(email__endswith=f"@{GENERATED_DOMAIN}")


def _audit() -> int:
    try:
        call_command("ledger_audit", stdout=StringIO(), stderr=StringIO())
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_the_history_has_the_planned_size_and_proportions():
    # then: one client for every two freelancers, in both languages
    users = _generated_users()
    assert users.filter(mode="freelancer").count() == FREELANCERS
    assert users.filter(mode="client").count() == FREELANCERS // 2
    assert set(users.values_list("language", flat=True)) == {"zh-hans", "en"}
    # and the projects, about five proposals each and a contract on about one in ten
    assert Project.objects.count() == PROJECTS
    assert 3.5 <= Proposal.objects.count() / PROJECTS <= 6.5
    contracts = Contract.objects.count()
    assert 0.05 * PROJECTS <= contracts <= 0.15 * PROJECTS
    per_contract = Milestone.objects.values("contract").annotate(n=Count("pk"))
    assert {row["n"] for row in per_contract} <= {1, 2, 3}
    assert Contract.objects.filter(kind=Kind.HOURLY).exists()
    # and about ten messages per conversation, reviews only on ended contracts
    assert 6 <= Message.objects.count() / Conversation.objects.count() <= 14
    ended = (ContractStatus.COMPLETED, ContractStatus.CANCELLED)
    assert not Review.objects.exclude(contract__status__in=ended).exists()
    assert Review.objects.count() >= contracts // 2
    # and budgets in both currencies, on-site work placed in a real city
    assert set(Project.objects.values_list("currency", flat=True)) == {"CNY", "USD"}
    local = Project.objects.filter(work_mode="local")
    assert local.exists() and not local.filter(latitude=None).exists()
    assert not local.filter(city="").exists()
    # and everyone who took part in a contract has a reputation snapshot
    freelancers = set(Contract.objects.values_list("freelancer_id", flat=True))
    clients = set(Contract.objects.values_list("client_id", flat=True))
    assert freelancers <= set(FreelancerReputation.objects.values_list("user_id", flat=True))
    assert clients <= set(ClientReputation.objects.values_list("user_id", flat=True))
    assert ClientProfile.objects.filter(rating_count__gt=0).exists()


def test_the_states_spread_like_a_live_site():
    # then: projects open, awarded, closed, cancelled and drafts; proposals in every status
    assert {"open", "awarded", "closed", "cancelled", "draft"} <= set(
        Project.objects.values_list("status", flat=True)
    )
    assert {"submitted", "shortlisted", "declined", "withdrawn", "hired"} <= set(
        Proposal.objects.values_list("status", flat=True)
    )
    # and nobody sent more proposals in a month than the monthly quota allows
    months = Counter(
        (freelancer, charged.strftime("%Y-%m"))
        for freelancer, charged in Proposal.objects.exclude(quota_charged_at=None).values_list(
            "freelancer", "quota_charged_at"
        )
    )
    assert max(months.values()) <= 30


def test_the_ledger_audit_passes():
    # when the audit runs over the generated books
    code = _audit()
    # then it passes: every journal balances, every balance is the sum of its entries
    assert code == 0


def test_journals_have_the_shape_of_the_escrow_services():
    # given a released milestone
    milestone = Milestone.objects.filter(status="released", refunded_amount=0).first()
    reference = f"milestone:{milestone.pk}"
    # then it was held and released once, under the keys the contract services use
    held = Journal.objects.get(idempotency_key=f"{reference}:fund")
    released = Journal.objects.get(idempotency_key=f"{reference}:release")
    assert (held.kind, released.kind) == ("escrow.held", "escrow.released")
    assert held.reference == released.reference == reference
    escrow = Account.objects.get(purpose="escrow", reference=reference)
    assert escrow.balance == 0 and escrow.funded_by_id == milestone.contract.client_id
    purposes = sorted(released.entries.values_list("account__purpose", flat=True))
    assert purposes == ["escrow", "pending", "platform_fees"]
    assert PendingFunds.objects.filter(journal=released).exists()
    # and every journal carries the fingerprint ``ledger_post`` gives it
    for journal in Journal.objects.order_by("?")[:50]:
        lines = [Line(entry.account, entry.amount) for entry in journal.entries.all()]
        assert journal.fingerprint == _fingerprint(journal.kind, lines)
    # and the money came in through top-ups
    assert TopUp.objects.filter(status="succeeded", journal__kind="wallet.top_up").exists()


def test_terms_are_fingerprinted_and_accepted_as_the_offer_service_does():
    assert ContractTerms.objects.filter(kind=Kind.HOURLY).exists()
    for terms in ContractTerms.objects.select_related("contract"):
        contract = terms.contract
        parties = (contract.client_id, contract.freelancer_id)
        expected = terms_digest(contract_id=contract.pk, version=1, parties=parties, doc=terms)
        assert terms.digest == expected
        accepted = TermsAcceptance.objects.filter(terms=terms).values_list("digest", flat=True)
        assert set(accepted) == {terms.digest}


def test_search_documents_are_what_the_sync_services_write():
    # given the generated documents
    tokens = {(d.kind, d.object_id): d.tokens for d in SearchDocument.objects.all()}
    # when the services index the same objects again
    for user_id in FreelancerProfile.objects.values_list("user_id", flat=True):
        freelancer_search_sync(user_id=user_id)
    for project_id in Project.objects.values_list("pk", flat=True):
        project_search_sync(project_id=project_id)
    # then they wrote the same documents, tokens in the same order
    assert {(d.kind, d.object_id): d.tokens for d in SearchDocument.objects.all()} == tokens


def test_a_chinese_project_is_found_by_a_chinese_word():
    # given an open public project written in Chinese
    project = (
        Project.objects.filter(status="open", visibility="public", client__language="zh-hans")
        .order_by("pk")
        .first()
    )
    word = next(token for token in text_tokens(project.title) if len(token) >= 2)
    # when the project list is searched for one of its words
    found = project_selectors.project_list(filters=project_selectors.ProjectFilters(query=word))
    # then it is among the results
    assert project.pk in {row.pk for row in found}


def test_a_generated_client_sees_their_contract():
    # given a generated client with a contract
    contract = Contract.objects.filter(status="completed", kind=Kind.FIXED).first()
    browser = Client()
    browser.force_login(contract.client)
    # when they open it
    response = browser.get(reverse("contracts:detail", args=[contract.pk]))
    # then the page shows its milestones
    assert response.status_code == 200
    assert contract.milestones.first().title in response.content.decode()


def _digest() -> str:
    """A fingerprint of the generated content, without primary keys."""
    domain = f"@{GENERATED_DOMAIN}"
    queries = [
        User.objects.filter(email__endswith=domain).values_list(
            "email", "display_name", "language", "date_joined", "password"
        ),
        FreelancerProfile.objects.values_list(
            "user__email", "headline", "bio", "hourly_rate", "city", "visibility"
        ),
        Project.objects.values_list(
            "client__email", "title", "description", "budget_min", "budget_max", "currency",
            "status", "created_at", "published_at", "city",
        ),
        Proposal.objects.values_list(
            "freelancer__email", "project__title", "cover_letter", "amount", "status",
            "created_at", "viewed_at", "quota_refunded_at",
        ),
        Milestone.objects.values_list(
            "contract__title", "title", "amount", "status", "funded_at", "closed_at"
        ),
        Entry.objects.values_list(
            "journal__kind", "journal__created_at", "amount", "account__purpose",
            "account__owner__email",
        ),
        TopUp.objects.values_list("user__email", "amount", "idempotency_key", "provider_reference"),
        Message.objects.values_list("sender__email", "body", "created_at"),
        Review.objects.values_list("author__email", "rating", "text", "created_at", "revealed_at"),
        SearchDocument.objects.values_list("kind", "tokens"),
    ]  # fmt: skip
    rows = [sorted(map(repr, query)) for query in queries]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data():
    # given the digest of the generated history
    first = _digest()
    # when it is wiped and generated again from the same seed and day
    generated_wipe()
    assert not _generated_users().exists()
    _generate()
    # then the content is the same, row for row
    assert _digest() == first


def test_wiping_removes_only_generated_rows():
    # given someone real, with a project and money in the platform's clearing account
    person = UserFactory()
    project = ProjectFactory(client=person)
    top_up(person, "100.00")
    # when the generated data is wiped
    generated_wipe()
    # then nothing generated is left
    assert not _generated_users().exists()
    assert not Contract.objects.exists() and not Proposal.objects.exists()
    assert not Message.objects.exists() and not Review.objects.exists()
    # and the real rows are all there, with books that still balance
    assert User.objects.filter(pk=person.pk).exists()
    assert list(Project.objects.values_list("pk", flat=True)) == [project.pk]
    assert Journal.objects.count() == 1 and Account.objects.count() == 2
    assert clearing().balance == Decimal("-100.00")
    assert _audit() == 0
