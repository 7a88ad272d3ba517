"""Assistants API: a price range from comparable completed projects, a brief proposed from a
need, and the risk warnings of a contract's terms for its parties."""

from ninja import Query, Router

from .assistants.brief import brief_propose
from .assistants.pricing import PriceSuggestion, min_comparables, pricing_suggestion
from .assistants.selectors import category_by_slug, contract_for_risks, contract_terms_risks
from .schemas import BriefIn, BriefOut, PricingOut, PricingQuery, RisksOut

router = Router(tags=["assistants"])


def pricing_out(suggestion: PriceSuggestion | None, currency: str) -> dict:
    shown = {"enough": False, "min_comparables": min_comparables(), "count": 0}
    if suggestion is None:
        return {**shown, "currency": currency}
    days = None
    if suggestion.days_median is not None:
        days = {
            "p10": suggestion.days_p10,
            "p25": suggestion.days_low,
            "median": suggestion.days_median,
            "p75": suggestion.days_high,
        }
    return {
        **shown,
        "enough": True,
        "count": suggestion.count,
        "currency": suggestion.currency,
        "low": suggestion.low,
        "median": suggestion.median,
        "high": suggestion.high,
        "days": days,
    }


@router.get("/pricing", response=PricingOut)
def pricing(request, query: Query[PricingQuery]):
    """What comparable completed fixed-price projects were paid (quartiles) and how long they
    took; `enough` is false, with no figures, when fewer than `min_comparables` are found.
    An unknown category is 422 `unknown_category`."""
    category = category_by_slug(query.category) if query.category else None
    suggestion = pricing_suggestion(text=query.text, currency=query.currency, category=category)
    return pricing_out(suggestion, query.currency)


@router.post("/brief", response=BriefOut)
def brief(request, payload: BriefIn):
    """A structured brief proposed from a need in free text, for the client to edit."""
    proposal = brief_propose(need=payload.text, currency=payload.currency, budget=payload.budget)
    return {
        "title": proposal.title,
        "description": proposal.need,
        "category": proposal.category,
        "skills": proposal.skills,
        "deliverables": proposal.deliverables,
        "milestones": proposal.milestones,
        "currency": proposal.currency,
        "budget": proposal.budget,
        "pricing": pricing_out(proposal.pricing, proposal.currency),
        "timeline": {
            "days_low": proposal.days_low,
            "days_typical": proposal.days_typical,
            "days_high": proposal.days_high,
            "source": "deals" if proposal.timeline_from_deals else "category",
            "expected_duration": proposal.expected_duration,
        },
    }


@router.get("/contracts/{contract_id}/risks", response=RisksOut)
def contract_risks(request, contract_id: int):
    """What in the contract's current terms often leads to disputes (warnings, never
    blocking). Parties only: anyone else gets 404 `contract_not_found`."""
    contract = contract_for_risks(user=request.user, contract_id=contract_id)
    warnings = contract_terms_risks(contract=contract)
    return {
        "contract_id": contract.pk,
        "terms_version": contract.terms.version,
        "warnings": [{"code": w.code, "message": w.message} for w in warnings],
    }
