"""The assistants on other apps' pages, each added there by one include line, so their views
stay as they are:

- ``{% budget_panel form %}``: the "Suggest a budget" panel of the project form;
- ``{% bid_pricing project %}``: what similar projects were paid, on the proposal form;
- ``{% offer_risks %}``: warnings about the terms being written on the offer page (reads the
  page's ``form``, ``summary``, ``proposal`` and ``contract``);
- ``{% contract_risks contract %}``: warnings about an offer's terms, before accepting.
"""

from django import template

from jiedan.projects.models import BudgetType

from ..assistants.deals import project_of_contract
from ..assistants.pricing import min_comparables
from ..assistants.selectors import contract_terms_risks, project_pricing, written_terms_risks
from ..panels import budget_panel_context, project_form_values

register = template.Library()


@register.inclusion_tag("matching/_budget_panel.html")
def budget_panel(form):
    return budget_panel_context(project_form_values(form))


@register.inclusion_tag("matching/_bid_pricing.html")
def bid_pricing(project):
    if project.budget_type != BudgetType.FIXED:
        return {"state": None}
    suggestion = project_pricing(project)
    return {
        "state": "ready" if suggestion else "few",
        "suggestion": suggestion,
        "min_count": min_comparables(),
    }


def _offer_details(form):
    """The terms the offer form holds (typed, or its starting values), or None while they
    do not read as terms."""
    if not form.is_bound:
        data = {name: value for name, value in form.initial.items() if value is not None}
        form = type(form)(data, rows=form.rows)
    return form.details() if form.is_valid() else None


@register.inclusion_tag("matching/_risks.html", takes_context=True)
def offer_risks(context):
    form, summary = context.get("form"), context.get("summary")
    details = _offer_details(form) if form is not None and summary is not None else None
    if details is None:
        return {"warnings": []}
    proposal, contract = context.get("proposal"), context.get("contract")
    project = proposal.project if proposal else project_of_contract(contract)
    warnings = written_terms_risks(
        details,
        currency=summary.currency,
        project=project,
        title=contract.title if contract else "",
    )
    return {"warnings": warnings}


@register.inclusion_tag("matching/_risks.html")
def contract_risks(contract):
    if contract.terms is None:
        return {"warnings": []}
    return {"warnings": contract_terms_risks(contract=contract)}
