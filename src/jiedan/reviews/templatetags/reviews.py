"""Template tags other apps' pages use to show reviews: ``{% contract_reviews contract %}`` on
the contract page, ``{% profile_reviews user_id "freelancer" %}`` on profiles, and the
``stars`` and ``review_dimensions`` filters."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import selectors
from ..labels import RATING_LABELS
from ..models import RATING_MAX, AuthorRole, Review

register = template.Library()


@register.inclusion_tag("reviews/_contract_block.html", takes_context=True)
def contract_reviews(context, contract):
    """The contract's reviews as its party sees them (nothing, and no query, while it runs)."""
    viewer = context["request"].user
    state = selectors.contract_reviews_for(contract=contract, viewer=viewer)
    if state is None:
        return {"state": None}
    is_client = selectors.author_role_of(contract, viewer) == AuthorRole.CLIENT
    return {
        "state": state,
        "contract": contract,
        "other": contract.freelancer if is_client else contract.client,
        "user": viewer,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reviews/_profile_block.html", takes_context=True)
def profile_reviews(context, user_id: int, role: str):
    """The first page of a person's public reviews on one side, with a link to more (one
    query)."""
    return {
        "page": selectors.public_reviews_page(user_id, role=role),
        "person_id": user_id,
        "role": role,
        "user": context["request"].user,
    }


@register.filter
def stars(value) -> str:
    """``{{ review.rating|stars }}``: ★★★★☆ with "4 out of 5 stars" for screen readers."""
    value = int(value)
    label = _("%(rating)s out of %(max)s stars") % {"rating": value, "max": RATING_MAX}
    shape = "★" * value + "☆" * (RATING_MAX - value)
    return format_html('<span class="stars" role="img" aria-label="{}">{}</span>', label, shape)


@register.filter
def review_dimensions(review: Review) -> list[tuple[str, int]]:
    """The dimensions the review rates, as (label, stars), in the order of its side."""
    return [
        (RATING_LABELS[name], getattr(review, name))
        for name in selectors.dimensions_of(review.author_role)
        if getattr(review, name) is not None
    ]


@register.filter
def stars_shape(value) -> str:
    """``{{ 3|stars_shape }}``: ★★★ (decoration next to the words "3 stars")."""
    return "★" * int(value)
