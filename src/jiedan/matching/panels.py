"""What the assistants' page fragments show, shared by the pages, the live (htmx) fragments
and the template tags that put them on other apps' pages."""

from collections.abc import Mapping

from jiedan.projects.models import BudgetType

from .assistants.pricing import min_comparables, pricing_suggestion
from .forms import pricing_ask

PROJECT_FORM_FIELDS = ("title", "description", "category", "currency", "budget_type")


def budget_panel_context(values: Mapping) -> dict:
    """The "Suggest a budget" panel for the project form's current values: ``state`` is
    ``hourly`` (not covered), ``empty`` (no text yet), ``few`` (too few comparables) or
    ``ready`` (with ``suggestion``)."""
    ask = pricing_ask(values)
    context = {"ask": ask, "min_count": min_comparables(), "suggestion": None}
    if ask.budget_type != BudgetType.FIXED:
        return {**context, "state": "hourly"}
    if not ask.text:
        return {**context, "state": "empty"}
    suggestion = pricing_suggestion(text=ask.text, currency=ask.currency, category=ask.category)
    return {**context, "state": "ready" if suggestion else "few", "suggestion": suggestion}


def project_form_values(form) -> dict:
    """The project form's current values (what was typed, else its starting values)."""
    return {name: form[name].value() for name in PROJECT_FORM_FIELDS if name in form.fields}
