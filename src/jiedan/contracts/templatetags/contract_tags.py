"""Template tags for pages outside the contracts app, such as the dashboards."""

from django import template

from jiedan.ledger.fees import release_split

from .. import selectors
from ..services.hourly import duration_display

register = template.Library()


@register.simple_tag(takes_context=True)
def contracts_waiting(context) -> selectors.WaitingCounts:
    """``{% contracts_waiting as waiting %}``: offers waiting for the signed-in person's
    acceptance and submissions waiting for their review (one query)."""
    return selectors.contracts_waiting(user=context["request"].user)


@register.filter
def freelancer_net(amount, currency: str):
    """``{{ rate|freelancer_net:currency }}``: what the freelancer receives of ``amount`` after
    the service fee."""
    return release_split(amount, currency).net


@register.filter
def duration(minutes) -> str:
    """``{{ 95|duration }}``: "1 h 35 min", in the reader's language."""
    return duration_display(int(minutes or 0))
