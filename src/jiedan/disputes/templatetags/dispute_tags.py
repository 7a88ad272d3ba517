"""Template tags: the dispute links and list on a contract's page (so the contracts templates
need one line each), and the history line of a dispute event in the reader's language."""

from django import template
from django.utils.translation import gettext_lazy as _

from jiedan.contracts.models import MilestoneStatus, StatementStatus, WeeklyStatement

from .. import selectors

register = template.Library()

EVENT_TEXT = {
    "opened": _("opened the dispute"),
    "offer_made": _("made an offer"),
    "offer_declined": _("declined an offer"),
    "offer_accepted": _("accepted an offer"),
    "offer_withdrawn": _("withdrew an offer"),
    "escalated": _("asked for a mediator"),
    "assigned": _("assigned a mediator"),
    "evidence_added": _("added evidence"),
    "statement_added": _("added a statement"),
    "decided": _("decided the dispute"),
    "settled": _("the dispute was settled"),
    "withdrawn": _("withdrew the dispute"),
    "auto_settled": _("settled as asked: the other party did not answer in time"),
    "decision_overdue": _("the decision is overdue"),
}
# What the platform did by itself, said without a name.
SYSTEM_TEXT = {
    "escalated": _("the negotiation time ended: a mediator takes the dispute"),
    "assigned": _("a mediator was assigned automatically"),
}


@register.filter
def event_text(event) -> str:
    """``{{ event|event_text }}``: what happened, in the reader's language."""
    if event.actor_id is None and event.kind in SYSTEM_TEXT:
        return str(SYSTEM_TEXT[event.kind])
    return str(EVENT_TEXT.get(event.kind, event.kind))


@register.inclusion_tag("disputes/_open_link.html", takes_context=True)
def dispute_link(context, subject):
    """``{% dispute_link milestone %}`` or ``{% dispute_link statement %}`` on the contract page:
    "Open a dispute" when it may be disputed, "In dispute" (to the list below) when it is. No
    queries."""
    contract = context["contract"]
    is_week = isinstance(subject, WeeklyStatement)
    disputed = subject.status == (StatementStatus.DISPUTED if is_week else MilestoneStatus.DISPUTED)
    return {
        "subject": subject,
        "is_week": is_week,
        "disputed": disputed,
        "can_open": not disputed and selectors.can_open(contract=contract, subject=subject),
    }


@register.inclusion_tag("disputes/_contract_disputes.html", takes_context=True)
def contract_disputes(context):
    """``{% contract_disputes %}``: the contract's disputes, for its parties (one query)."""
    return {"disputes": selectors.contract_disputes(contract=context["contract"])}
