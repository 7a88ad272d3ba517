"""Reads the pages and the API ask the assistants for: a project's price range, the
comparables of a contract, and the risk warnings of written or stored terms."""

from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiedan.contracts.models import Contract
from jiedan.contracts.terms import TermsDetails
from jiedan.core.errors import InvalidInput, NotFound
from jiedan.projects.models import BudgetType, Project
from jiedan.taxonomy.models import Category

from .deals import project_of_contract, project_text
from .pricing import PriceSuggestion, pricing_suggestion
from .risks import RiskWarning, TermsFacts, facts_of_terms, terms_risks


def project_pricing(project: Project) -> PriceSuggestion | None:
    """What projects like this one were paid (fixed-price projects only)."""
    if project.budget_type != BudgetType.FIXED:
        return None
    return pricing_suggestion(
        text=project_text(project, with_category=False),
        currency=project.currency,
        category=project.category,
    )


def _comparables(project: Project | None, *, title: str, scope: str, currency: str):
    if project is not None:
        return pricing_suggestion(
            text=project_text(project, with_category=False),
            currency=currency,
            category=project.category,
        )
    return pricing_suggestion(text=f"{title}\n{scope}", currency=currency)


def written_terms_risks(
    details: TermsDetails, *, currency: str, project: Project | None, title: str = ""
) -> list[RiskWarning]:
    """The warnings for terms being written (an offer or its revision, not sent yet)."""
    facts = TermsFacts(
        scope=details.scope or "",
        deliverables=tuple(item for item in details.deliverables if item.strip()),
        deadline=details.deadline,
        milestone_amounts=tuple(Decimal(m.amount) for m in details.milestones if m.amount != ""),
        currency=currency,
        today=timezone.localdate(),
        kind=details.kind,
    )
    prices = _comparables(project, title=title, scope=facts.scope, currency=currency)
    return terms_risks(facts, comparables=prices)


def contract_terms_risks(*, contract: Contract, today: date | None = None) -> list[RiskWarning]:
    """The warnings for a contract's current terms."""
    terms = contract.terms
    prices = _comparables(
        project_of_contract(contract),
        title=contract.title,
        scope=terms.scope,
        currency=contract.currency,
    )
    facts = facts_of_terms(terms, today=today or timezone.localdate())
    return terms_risks(facts, comparables=prices)


def contract_for_risks(*, user, contract_id: int) -> Contract:
    """A contract the person is party to, with its terms; for anyone else it does not
    exist."""
    found = (
        Contract.objects.filter(Q(client=user) | Q(freelancer=user), pk=contract_id)
        .select_related("terms")
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if found is None or found.terms is None:
        raise NotFound(_("No such contract."), code="contract_not_found")
    return found


def category_by_slug(slug: str) -> Category:
    """A category asked for by slug; an unknown one is refused."""
    found = Category.objects.filter(slug=slug).first()
    if found is None:
        raise InvalidInput(_("No such category."), code="unknown_category")
    return found
