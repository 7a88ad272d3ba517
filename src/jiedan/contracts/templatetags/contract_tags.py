"""Template tags for pages outside the contracts app, such as the dashboards."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def contracts_waiting(context) -> selectors.WaitingCounts:
    """``{% contracts_waiting as waiting %}``: offers waiting for the signed-in person's
    acceptance and submissions waiting for their review (one query)."""
    return selectors.contracts_waiting(user=context["request"].user)
