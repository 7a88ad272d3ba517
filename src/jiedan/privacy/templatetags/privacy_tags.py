"""``{% contract_contacts %}`` on a contract page: the contact details the other party chose
to share while the contract runs (one line in the contracts template; at most two queries)."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("privacy/_contract_contacts.html", takes_context=True)
def contract_contacts(context):
    contract, viewer = context["contract"], context["request"].user
    return {
        "contacts": selectors.shared_contacts(contract=contract, viewer=viewer),
        "other": context.get("other"),
    }
